// The parent side of the load generator (bench/lib/platform-load.ts): forks it once for the whole
// run, so its JIT is as warm for each side, and sends it one autocannon run at a time.
import { fork } from 'child_process';
import * as path from 'path';
import type { FromLoad, LoadResult, LoadSpec, ToLoad } from './platform-load';

export interface Loader {
  readonly pid: number | undefined;
  load(spec: LoadSpec): Promise<LoadResult>;
  kill(): void;
}

export async function startLoader(cwd: string): Promise<Loader> {
  const child = fork(path.join(__dirname, 'platform-load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd,
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the load generator did not start in 30 s')), 30_000);
    child.on('message', (m: FromLoad) => {
      if (m.t === 'ready') {
        clearTimeout(timer);
        return resolve();
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.t === 'result') p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const e = new Error(`the load generator exited (${signal ?? code})`);
      reject(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  });
  return {
    pid: child.pid,
    load: (spec) =>
      new Promise((resolve, reject) => {
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        child.send({ t: 'run', id, spec } satisfies ToLoad);
      }),
    kill: () => {
      if (child.connected) child.disconnect();
      child.kill();
    },
  };
}
