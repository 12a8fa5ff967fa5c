// Start-up of the CLI: `codestore --version` and `codestore push --help` (the framework and the
// command table, no command module), beside `node -e 0` (Node's own start on this machine), as
// medians of sequential runs. The target: `codestore --version` in 150 ms or less.
//
//   npm run build && node --import tsx bench/cli.ts [--runs 30]
//
// Writes bench/results/cli.md and bench/results/cli.json.
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { machineInfo, writeReport } from './lib/machine';

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'bin/codestore.js');
const TARGET_MS = 150;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;

function time(args: string[]): { median: number; p90: number; min: number } {
  const samples: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i >= 3) samples.push(ms); // the first runs warm the file cache
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], p90: samples[Math.floor(samples.length * 0.9)], min: samples[0] };
}

const cases = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'codestore --version', args: [BIN, '--version'] },
  { name: 'codestore push --help', args: [BIN, 'push', '--help'] },
];
const load = os.loadavg()[0];
const results = cases.map((c) => ({ ...c, ...time(c.args) }));
// What the CLI adds to Node's start, measured inside one process: loading dist/cli.js (commander
// and the command table). Less at the mercy of a busy machine than wall times of whole processes.
const requireMs: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = spawnSync(
    process.execPath,
    [
      '-e',
      `const t = process.hrtime.bigint(); require(${JSON.stringify(path.join(REPO, 'dist/cli.js'))}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6))`,
    ],
    { encoding: 'utf8' },
  );
  requireMs.push(Number(r.stdout));
}
requireMs.sort((a, b) => a - b);
const loadMs = requireMs[Math.floor(requireMs.length / 2)];
const version = results.find((r) => r.name === 'codestore --version')!;
const node = results.find((r) => r.name === 'node -e 0')!;
const md = [
  `# CLI start-up (${RUNS} runs each, milliseconds)`,
  '',
  '| command | median | p90 | min |',
  '|---|---:|---:|---:|',
  ...results.map((r) => `| \`${r.name}\` | ${r.median.toFixed(1)} | ${r.p90.toFixed(1)} | ${r.min.toFixed(1)} |`),
  '',
  `Loading dist/cli.js (commander and the command table): median ${loadMs.toFixed(1)} ms. Load average at the start: ${load.toFixed(1)} on ${os.cpus().length} cores (wall times of whole processes are noisy on a busy machine).`,
  '',
  `\`codestore --version\`: median ${version.median.toFixed(1)} ms (target ≤ ${TARGET_MS} ms: ${version.median <= TARGET_MS ? 'met' : 'NOT met'}); ${(version.median - node.median).toFixed(1)} ms above Node's own start.`,
].join('\n');
writeReport(path.join(__dirname, 'results'), 'cli', md, {
  machine: machineInfo(REPO),
  runs: RUNS,
  targetMs: TARGET_MS,
  loadAverage: load,
  requireMedianMs: loadMs,
  results,
});
