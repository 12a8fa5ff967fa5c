// The platform process's own memory (PSS from /proc/<pid>/smaps_rollup, the platform process
// alone; its deployment processes, its PostgreSQL server and its check process apart): idle after
// start, right after a push, and a while after the push, once the push's check process (kept warm
// for `--warm` seconds after the last push) has ended.
//
//   node --import tsx bench/platform-memory.ts [--warm 20] [--settle 15] [--after 35]
// (after `npm run build`). Writes bench/results/platform-memory.md and .json.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformClient } from '../apiclient/src';
import { packServiceFolder } from '../apiclient/src/pack';
import { blogService } from '../test/platform/helpers/service';
import { machineInfo, writeReport } from './lib/machine';
import { commandLineOf, descendants, pssKb, startPlatformProcess, stopProcess } from './lib/platformProcess';

const REPO = path.resolve(__dirname, '..');
const argNum = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const WARM_S = argNum('warm', 20);
const SETTLE_S = argNum('settle', 15);
const AFTER_S = argNum('after', WARM_S + 15);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => Math.round(kb / 1024);

interface Sample {
  platformMb: number;
  /** The push check process (type checker), when one runs. */
  checkProcessMb: number;
  deploymentsMb: number;
}

function sample(pid: number): Sample {
  const all = descendants(pid);
  const sum = (pids: number[]) => pids.reduce((a, p) => a + pssKb(p), 0);
  return {
    platformMb: mb(pssKb(pid)),
    checkProcessMb: mb(sum(all.filter((p) => commandLineOf(p).includes('check-worker.js')))),
    deploymentsMb: mb(sum(all.filter((p) => commandLineOf(p).includes('runtime.js')))),
  };
}

async function main(): Promise<void> {
  const machine = machineInfo(REPO);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-bench-memory-'));
  if (process.getuid?.() === 0) fs.chmodSync(tmp, 0o711);
  const env = { ...process.env, CODESTORE_CHECK_WARM_MS: String(WARM_S * 1000) };
  const platform = await startPlatformProcess(path.join(tmp, 'data'), ['--idle-after', '0'], env);
  const pid = platform.proc.pid!;
  try {
    await sleep(SETTLE_S * 1000);
    const idleAfterStart = sample(pid);
    const client = new PlatformClient({ url: platform.url });
    await client.signup(`bench-${process.pid}@example.com`, 'correct horse battery');
    const created = await client.createService('Blog');
    const archive = await packServiceFolder(await blogService(path.join(tmp, 'blog'), created.service.id));
    const pushMs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      const r = (await client.push(created.service.id, archive)) as { deployed: boolean };
      pushMs.push(Math.round(performance.now() - t));
      if (!r.deployed) throw new Error('a push did not deploy');
    }
    const afterPush = sample(pid);
    await sleep(AFTER_S * 1000);
    const later = sample(pid);
    const report = {
      machine: { ...machine, loadAvgEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      settings: { settleS: SETTLE_S, warmS: WARM_S, afterS: AFTER_S },
      idleAfterStart,
      afterPush,
      later,
      pushMs,
    };
    const row = (label: string, s: Sample) =>
      `| ${label} | ${s.platformMb} MB | ${s.checkProcessMb ? `${s.checkProcessMb} MB` : 'none'} | ${s.deploymentsMb} MB |`;
    const md = [
      "# The platform process's own memory",
      '',
      `Run ${machine.date} on ${machine.cpuModel} (${machine.nproc} cores, ${machine.memTotalMb} MB), Node ${machine.node}, commit ${machine.commit}${machine.dirty ? ' (dirty)' : ''}; load average ${machine.loadAvgStart.join(' / ')} at start, ${report.machine.loadAvgEnd.join(' / ')} at end.`,
      '',
      `Command: \`npm run build && node --import tsx bench/platform-memory.ts --warm ${WARM_S} --settle ${SETTLE_S} --after ${AFTER_S}\`. The platform runs as \`codestore platform start\` with \`CODESTORE_CHECK_WARM_MS=${WARM_S * 1000}\`; PSS from \`/proc/<pid>/smaps_rollup\`.`,
      '',
      '| when | platform process | check process | deployment processes |',
      '|---|---|---|---|',
      row(`idle, ${SETTLE_S} s after start`, idleAfterStart),
      row('right after two pushes of the blog', afterPush),
      row(`${AFTER_S} s after the last push`, later),
      '',
      `Push → answer: first ${pushMs[0]} ms, second ${pushMs[1]} ms.`,
    ].join('\n');
    writeReport(path.join(REPO, 'bench/results'), 'platform-memory', md, report);
  } finally {
    await stopProcess(platform.proc).catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
