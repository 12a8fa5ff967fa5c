// The push's check process (bundled as dist/check-worker.js, started by ./checkProcess.ts): checks
// and builds pushed service folders with the TypeScript compiler and the core's code generation, so
// that they, and the libraries' types the checker parses (~100 MB), stay out of the platform
// process. It parses those types once at start, answers one request after another over IPC, and
// exits when the platform closes the channel.
import { prewarmTypeCheck } from './typecheck';
import { checkAndBuild } from './pipeline';
import type { CheckRequestMessage, CheckResponseMessage } from './checkProcess';

function send(message: CheckResponseMessage): void {
  if (process.connected) process.send!(message);
}

if (!process.send) {
  process.stderr.write('dist/check-worker.js is started by the platform (with an IPC channel); it is not run by hand.\n');
  process.exit(2);
}

// Requests are answered in turn: checks are CPU-bound, and one at a time keeps memory bounded.
let queue: Promise<void> = Promise.resolve();
process.on('message', (m: CheckRequestMessage) => {
  queue = queue.then(async () => {
    try {
      send({ t: 'done', id: m.id, outcome: await checkAndBuild(m.request) });
    } catch (e) {
      send({ t: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
});
process.on('disconnect', () => process.exit(0));

// The libraries' types first, so the push that started this process (or the first after a start)
// is checked warm; a request that came meanwhile waits for it.
queue = queue.then(() => {
  prewarmTypeCheck();
  send({ t: 'warm' });
});
