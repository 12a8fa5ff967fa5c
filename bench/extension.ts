// Extension benchmark: the size of the bundle VS Code loads at activation (webpack production
// build of the `extension` config; target ≤ 400 KB) with the chunks it loads later, and the
// activation time: loading that bundle and running activate() in a fresh Node process with a
// stub `vscode` module, median of 15 cold processes (target ≤ 50 ms). The stub answers every call
// at once, so this is the extension's own cost, not VS Code's.
//
//   node --import tsx bench/extension.ts          (builds into a temporary folder; dist/ is left alone)
//   node --import tsx bench/run.ts --only extension
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { machineInfo, writeReport } from './lib/machine';
import { percentile } from './lib/stats';

const REPO = path.resolve(__dirname, '..');
const SAMPLES = 15;
const TARGETS = { bundleKb: 400, activationMs: 50 };

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-ext-bench-'));
try {
  const machine = machineInfo(REPO);
  execFileSync(
    process.execPath,
    [path.join(REPO, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'production', '--config-name', 'extension', '--output-path', out],
    { cwd: REPO, stdio: 'ignore' },
  );
  const files = fs
    .readdirSync(out)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: f, kb: fs.statSync(path.join(out, f)).size / 1024 }))
    .sort((a, b) => b.kb - a.kb);
  const main = files.find((f) => f.file === 'extension.js')!;
  const samples: Array<{ requireMs: number; activateMs: number }> = [];
  for (let i = 0; i < SAMPLES; i++) {
    const line = execFileSync(process.execPath, [path.join(__dirname, 'lib/activate-extension.js'), path.join(out, 'extension.js')], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, EXTENSION_PATH: REPO },
    });
    samples.push(JSON.parse(line.trim().split('\n').pop()!));
  }
  const total = samples.map((s) => s.requireMs + s.activateMs);
  const pct = (xs: number[], p: number) => percentile(xs, p) ?? NaN;
  const p50 = pct(total, 50);
  const md = [
    '# Extension benchmark',
    '',
    `- Date: ${machine.date}; node ${machine.node}; ${machine.cpuModel}, ${machine.nproc} CPUs; commit ${machine.commit ?? '?'}${machine.dirty ? ' (dirty)' : ''}`,
    '',
    '| Measure | Value | Target |',
    '|---|--:|---|',
    `| extension.js (production build, loaded at activation) | ${main.kb.toFixed(0)} KB | ≤ ${TARGETS.bundleKb} KB ${main.kb <= TARGETS.bundleKb ? '✅ met' : '❌ missed'} |`,
    `| activation: load + activate(), p50 of ${SAMPLES} cold processes | ${p50.toFixed(1)} ms | ≤ ${TARGETS.activationMs} ms ${p50 <= TARGETS.activationMs ? '✅ met' : '❌ missed'} |`,
    `| … of which load (require) p50 | ${pct(
      samples.map((s) => s.requireMs),
      50,
    ).toFixed(1)} ms | |`,
    `| … of which activate() p50 | ${pct(
      samples.map((s) => s.activateMs),
      50,
    ).toFixed(1)} ms | |`,
    `| activation p95 | ${pct(total, 95).toFixed(1)} ms | |`,
    '',
    'Chunks loaded later (the language client when a GraphQL file or service folder opens, the platform client on first use, tar on push):',
    '',
    '| File | KB |',
    '|---|--:|',
    ...files.map((f) => `| ${f.file} | ${f.kb.toFixed(0)} |`),
    '',
  ].join('\n');
  writeReport(path.join(__dirname, 'results'), 'extension', md, { machine, files, samples, p50, targets: TARGETS });
} finally {
  fs.rmSync(out, { recursive: true, force: true });
}
