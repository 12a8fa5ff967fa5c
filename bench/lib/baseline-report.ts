// The platform's figures beside a baseline's (another build of the product, measured in the same
// `npm run bench -- --only platform --baseline <checkout>` run): bench/results/platform-vs-<name>.md,
// from platform-server[-<name>].json and platform[-<name>].json.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { percentile } from './stats';

interface Memory {
  totalMb: number;
}
interface ServerReport {
  machine: { loadAvgStart: number[]; loadAvgEnd?: number[]; date: string };
  loadAvg1?: Record<string, number>;
  memoryFiveEnvironmentsServing?: Memory;
  memoryTenByFiveFiveBusy?: Memory;
  coldStart?: { p50?: number; p95?: number };
  pushToDeployed?: { rest: { p50?: number; p95?: number } };
  platformStartToFirstAnswerMs?: number;
  fiftyEnvironments?: { startToListeningMs: number; startToFirstAnswerMs: number };
}
interface ThroughputReport {
  machine: { loadAvgStart: number[]; loadAvgEnd?: number[] };
  pushes: Array<{ n: number; status?: string; ms: number }>;
  ratios: Array<{ query: string; gatewayOkPerS: number; directOkPerS: number; ratio: number }>;
}

function read<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function writeBaselineComparison(results: string, name: string, baselineDir: string): void {
  const ours = read<ServerReport>(path.join(results, 'platform-server.json'));
  const theirs = read<ServerReport>(path.join(results, `platform-server-${name}.json`));
  const ourT = read<ThroughputReport>(path.join(results, 'platform.json'));
  const theirT = read<ThroughputReport>(path.join(results, `platform-${name}.json`));
  let commit = '?';
  try {
    const line = execFileSync('git', ['log', '-1', '--format=%h %s', '--abbrev=7'], { cwd: baselineDir, encoding: 'utf8' }).trim();
    commit = line.length > 80 ? `${line.slice(0, 79)}…` : line;
  } catch {
    /* not a checkout */
  }
  const ms = (x: number | undefined) => (x === undefined ? '—' : `${Math.round(x)} ms`);
  const mb = (m: Memory | undefined) => (m ? `${m.totalMb} MB` : '—');
  const pushP50 = (t: ThroughputReport | undefined) =>
    t
      ? percentile(
          t.pushes.filter((p) => p.n > 1 && p.status === 'DEPLOYED').map((p) => p.ms),
          50,
        )
      : undefined;
  const allPosts = (t: ThroughputReport | undefined) => t?.ratios.find((r) => r.query.includes('allPosts'));
  const reqs = (t: ThroughputReport | undefined) => {
    const r = allPosts(t);
    return r
      ? `${r.gatewayOkPerS.toFixed(0)} req/s through the gateway, ${r.directOkPerS.toFixed(0)} direct: ${(100 * r.ratio).toFixed(1)} %`
      : '—';
  };
  const load = (m: { loadAvgStart: number[]; loadAvgEnd?: number[] } | undefined) =>
    m ? `${m.loadAvgStart[0]} → ${m.loadAvgEnd?.[0] ?? '?'}` : '—';
  const ratioOf = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)} ×` : '—');
  const ourGw = allPosts(ourT)?.gatewayOkPerS;
  const theirGw = allPosts(theirT)?.gatewayOkPerS;
  const md = [
    `# The platform beside ${name}`,
    '',
    `${name}: ${baselineDir} at ${commit}. Both measured in one run of \`npm run bench -- --only platform --baseline ${baselineDir} --baseline-name ${name}\` (${ours?.machine.date ?? '?'}), one after the other: bench/platform-server.ts on this build, then on ${name}; bench/platform.ts of this build, then ${name}'s own bench/platform.ts (the same measure at that commit). Details: platform-server.md, platform-server-${name}.md, platform.md, platform-${name}.md. The machine is shared: the 1-minute load average at the start → end of each benchmark is in the last rows; prefer the ratios.`,
    '',
    `| figure | this build | ${name} | this / ${name} | target |`,
    '|---|---|---|---|---|',
    `| memory, 1 service × 5 environments serving (total PSS) | ${mb(ours?.memoryFiveEnvironmentsServing)} | ${mb(theirs?.memoryFiveEnvironmentsServing)} | ${ratioOf(ours?.memoryFiveEnvironmentsServing?.totalMb, theirs?.memoryFiveEnvironmentsServing?.totalMb)} | ≤ 600 MB |`,
    `| memory, 10 services × 5 environments deployed, 5 busy | ${mb(ours?.memoryTenByFiveFiveBusy)} | not measured (no scale to zero: 50 processes with PGlite each) | | ≤ 1,200 MB |`,
    `| cold start of an idle environment, p50 / p95 | ${ms(ours?.coldStart?.p50)} / ${ms(ours?.coldStart?.p95)} | none (environments never idle) | | p50 ≤ 500 ms |`,
    `| push → DEPLOYED p50 (bench/platform-server.ts) | ${ms(ours?.pushToDeployed?.rest.p50)} | ${ms(theirs?.pushToDeployed?.rest.p50)} | ${ratioOf(ours?.pushToDeployed?.rest.p50, theirs?.pushToDeployed?.rest.p50)} | ≤ 800 ms |`,
    `| push → DEPLOYED p50 (bench/platform.ts, platform in the benchmark's process) | ${ms(pushP50(ourT))} | ${ms(pushP50(theirT))} | ${ratioOf(pushP50(ourT), pushP50(theirT))} | ≤ 800 ms |`,
    `| \`{ allPosts { id title author { name } } }\` throughput | ${reqs(ourT)} | ${reqs(theirT)} | ${ratioOf(ourGw, theirGw)} through the gateway | gateway ≥ 80 % of direct |`,
    `| platform start (5 environments deployed) → first answer | ${ms(ours?.platformStartToFirstAnswerMs)} | ${ms(theirs?.platformStartToFirstAnswerMs)} | ${ratioOf(ours?.platformStartToFirstAnswerMs, theirs?.platformStartToFirstAnswerMs)} | |`,
    `| platform start (50 environments deployed) → listening / → first answer | ${ms(ours?.fiftyEnvironments?.startToListeningMs)} / ${ms(ours?.fiftyEnvironments?.startToFirstAnswerMs)} | not measured (50 PGlite processes at start) | | |`,
    `| load average (1 min), platform-server start → end | ${load(ours?.machine)} | ${load(theirs?.machine)} | | |`,
    `| load average (1 min), platform start → end | ${load(ourT?.machine)} | ${load(theirT?.machine)} | | |`,
  ].join('\n');
  fs.writeFileSync(path.join(results, `platform-vs-${name}.md`), md + '\n');
  process.stdout.write(`${md}\n`);
}
