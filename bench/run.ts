// Side-by-side LSP benchmark: the codestore language server (dist/server.js) against the GraphQL
// Foundation's graphql-language-service-server, both over stdio JSON-RPC, on GitHub's public
// schema and on a generated 300-entity service schema.
//
//   npm run bench                      (builds dist/ first)
//   node --import tsx bench/run.ts [--edits 60] [--completions 30] [--entities 300] [--seed 1]
//                                  [--pause-ms 100] [--only github|service|lsp|codegen|platform|sandbox|metering|extension|usage] [--no-back-to-back]
//                                  [--no-probes] [--keep] [--pg postgres://...]
//                                  [--baseline <checkout> [--baseline-name pglite]]
//
// Prints a Markdown table and writes bench/results/lsp.md and bench/results/lsp.json. Then runs the
// code generation benchmark (bench/codegen.ts, its own process; bench/results/codegen.*) and the
// platform benchmark (bench/platform.ts, its own process; bench/results/platform.*), unless --only
// names an LSP case or `lsp`; `--only codegen` or `--only platform` runs just that one (`--entities`,
// `--seed` and `--keep` are passed on to codegen; `--keep` and `--pg` to platform). `--only usage`:
// the usage capture benchmark. `--baseline <checkout>`: the platform benchmarks also measure the
// build of the product in that checkout (another version, built there), side by side.
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { PRELUDE_SDL } from '../core/src/schema/prelude';
import { applyEdit, completionPositions, Edit, makeEditScript } from './lib/edits';
import { generateServiceSchema, writeServiceFolder } from './lib/generate-service-schema';
import { loadGithubSchema } from './lib/github-schema';
import { killAllServers, Position, ServerCommand } from './lib/lsp-client';
import { machineInfo, writeReport } from './lib/machine';
import { writeBaselineComparison } from './lib/baseline-report';
import { BenchReport, CaseResult, renderMarkdown, TARGETS } from './lib/report';
import { probeSession, runSession } from './lib/session';

const REPO = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const BUILT_SERVER = path.join(REPO, 'dist/server.js');
/** The server actually run: a snapshot of dist/ taken at the start (see snapshotServer). */
let OUR_SERVER = BUILT_SERVER;
const GLS_LAUNCHER = path.join(__dirname, 'lib/gls-launcher.js');

function arg(name: string, fallback: number): number;
function arg(name: string, fallback: string | undefined): string | undefined;
function arg(name: string, fallback: number | string | undefined): number | string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  return typeof fallback === 'number' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const settings = {
  edits: arg('edits', 60),
  completions: arg('completions', 30),
  entities: arg('entities', 300),
  seed: arg('seed', 1),
  pauseMs: arg('pause-ms', 100),
  timeouts: { initialize: 20_000, open: 90_000, change: 15_000, completion: 15_000, probe: 8_000 },
};
/** `lsp`: every LSP case; `codegen` | `platform`: none (only that script); `github` | `service`: that case. */
const onlyArg = arg('only', undefined);
const only = onlyArg === 'lsp' ? undefined : onlyArg;
const TOTAL_BUDGET_MS = 280_000; // the whole run, probes included, stays under ~5 minutes
const EDITS_BUDGET_MS = 110_000; // per server per schema
const COMPLETIONS_BUDGET_MS = 25_000;

const started = performance.now();
const deadline = started + TOTAL_BUDGET_MS;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-bench-'));

const report: BenchReport = {
  machine: machineInfo(REPO),
  settings,
  servers: {
    ours: 'codestore-language-server (dist/server.js)',
    baseline: `graphql-language-service-server ${packageVersion('graphql-language-service-server')} (${path.relative(REPO, GLS_LAUNCHER)}, startServer({ method: 'stream' }))`,
  },
  debounce: '',
  cases: [],
  probes: [],
  notes: [],
  durationS: 0,
};

function packageVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

// ---------------------------------------------------------------------------------------------
// Output, also on abort: the results so far are always written.
let written = false;
function writeResults(): void {
  if (written) return;
  written = true;
  report.machine.loadAvgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  report.durationS = (performance.now() - started) / 1000;
  writeReport(RESULTS, 'lsp', renderMarkdown(report), report);
}

function cleanup(): void {
  killAllServers();
  if (!flag('keep')) {
    try {
      fs.rmSync(tmp, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
}

function abort(reason: string, code: number): never {
  report.aborted = reason;
  try {
    writeResults();
  } finally {
    cleanup();
  }
  process.exit(code);
}

process.on('SIGINT', () => abort('interrupted (SIGINT)', 130));
process.on('SIGTERM', () => abort('terminated (SIGTERM)', 143));
process.on('exit', () => killAllServers());
// Hard stop: whatever hangs, the bench ends, writes what it has, and kills its servers.
setTimeout(() => abort(`hard time limit of ${(TOTAL_BUDGET_MS + 20_000) / 1000} s reached`, 2), TOTAL_BUDGET_MS + 20_000).unref();

let debounceMs: number | undefined;
const log = (s: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${s}\n`);

// ---------------------------------------------------------------------------------------------
// Servers

function ourServer(cwd: string): ServerCommand {
  // The environment is passed through unchanged: CODESTORE_DEBOUNCE_MS, if set, is reported below.
  return { label: 'codestore', command: process.execPath, args: [OUR_SERVER, '--stdio'], cwd };
}

function baselineServer(cwd: string): ServerCommand {
  const gtmp = path.join(tmp, 'gls-tmp');
  fs.mkdirSync(gtmp, { recursive: true });
  // The baseline reads its graphql-config from process.cwd(), so it runs in the workspace.
  return {
    label: 'graphql-language-service-server',
    command: process.execPath,
    args: [GLS_LAUNCHER],
    cwd,
    env: { BENCH_GLS_TMPDIR: gtmp },
  };
}

/**
 * The debounce (and code generation) our server runs with when the client passes no
 * initializationOptions: read from the server's source, since the defaults move while the
 * server is being developed; the environment variable overrides the debounce default.
 */
function describeDebounce(): { text: string; debounceMs?: number } {
  let source = '';
  try {
    source = fs.readFileSync(path.join(REPO, 'server/src/server.ts'), 'utf8');
  } catch {
    /* reported as unknown */
  }
  const m = /CODESTORE_DEBOUNCE_MS\s*\?\?\s*(\d+)\)?\s*(\|\|\s*\d+)?/.exec(source);
  const env = process.env.CODESTORE_DEBOUNCE_MS;
  const sourceDefault = m ? Number(m[1]) : undefined;
  const effective = env !== undefined ? Number(env) || 0 : sourceDefault;
  const codegen = /codegen:\s*'(\w+)'/.exec(source)?.[1];
  const codegenDelay = /codegenDelayMs:\s*(\d+)/.exec(source)?.[1];
  let pkg: { contributes?: { configuration?: { properties?: Record<string, { default?: unknown }> } } } = {};
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  } catch {
    /* no defaults shown */
  }
  const props = pkg.contributes?.configuration?.properties ?? {};
  const vscodeDefault = props['codestore.diagnostics.debounceMs']?.default;
  const parts = [
    `initializationOptions not sent, server defaults kept: debounceMs = ${effective ?? 'unknown'} ms` +
      (env !== undefined
        ? ` (CODESTORE_DEBOUNCE_MS=${JSON.stringify(env)})`
        : sourceDefault !== undefined
          ? ' (default in server/src/server.ts; CODESTORE_DEBOUNCE_MS unset)'
          : ' (could not read the default from server/src/server.ts)'),
    'the first change after a pause is validated on the next tick, later changes at most once per debounce window',
  ];
  if (codegen)
    parts.push(`code generation: ${codegen}${codegenDelay ? `, ${codegenDelay} ms after the last valid edit` : ''} (service folders only)`);
  if (vscodeDefault !== undefined) parts.push(`VS Code passes codestore.diagnostics.debounceMs, default ${JSON.stringify(vscodeDefault)}`);
  parts.push('the baseline has no debounce: it validates on every didChange');
  return { text: parts.join('; ') + '.', debounceMs: effective };
}

// ---------------------------------------------------------------------------------------------
// Workspaces

interface Workspace {
  root: string;
  file: string;
}
interface Case {
  id: string;
  title: string;
  description: string;
  text: string;
  ours: Workspace;
  baseline: Workspace;
  oursBackToBack: Workspace;
  edits: Edit[];
  completions: (text: string) => Position[];
  notes: string[];
}

/** A fresh copy of a workspace (the server may write generated files into the one it used). */
function copyWorkspace(root: string, file: string): Workspace {
  const copy = `${root}-back-to-back`;
  fs.cpSync(root, copy, { recursive: true });
  return { root: copy, file: path.join(copy, file) };
}

function githubCase(): Case {
  const gh = loadGithubSchema();
  const ours = path.join(tmp, 'github-ours');
  const base = path.join(tmp, 'github-baseline');
  for (const d of [ours, base]) fs.mkdirSync(d, { recursive: true });
  // Ours: a plain folder (no codestore.yaml): GraphQL rules only, no platform rules or prelude.
  fs.writeFileSync(path.join(ours, 'schema.graphql'), gh.text);
  fs.writeFileSync(path.join(base, 'schema.graphql'), gh.text);
  fs.writeFileSync(path.join(base, '.graphqlrc.yml'), 'schema: schema.graphql\n');
  const { edits } = makeEditScript(gh.text, { count: settings.edits, seed: settings.seed });
  const lines = gh.text.split('\n').length;
  return {
    id: 'github',
    title: `GitHub's public schema (@octokit/graphql-schema ${gh.version}, ${(Buffer.byteLength(gh.text) / 1024 / 1024).toFixed(2)} MB, ${lines} lines)`,
    description: `Ours: plain folder (not a service: GraphQL rules only). Baseline: \`.graphqlrc.yml\` with \`schema: schema.graphql\`. Both open the same text: the shipped SDL minus its duplicate field declarations (${gh.removed.join(', ')}), which graphql-js rejects — see the probe below for what the servers do with the shipped file.`,
    text: gh.text,
    ours: { root: ours, file: path.join(ours, 'schema.graphql') },
    baseline: { root: base, file: path.join(base, 'schema.graphql') },
    oursBackToBack: copyWorkspace(ours, 'schema.graphql'),
    edits,
    completions: (text) => completionPositions(text, settings.completions),
    notes: [],
  };
}

function serviceCase(): Case {
  const service = generateServiceSchema(settings.entities, settings.seed);
  const ours = path.join(tmp, 'service-ours');
  const base = path.join(tmp, 'service-baseline');
  writeServiceFolder(ours, service);
  // The baseline does not know the platform's built-in directives and scalars (@unique,
  // @default, DateTime, JSON, ...): without them graphql-config cannot build the schema at all,
  // so its project gets the prelude as a second schema file, as a user of the baseline would.
  fs.mkdirSync(path.join(base, 'src'), { recursive: true });
  fs.writeFileSync(path.join(base, 'src/schema.graphql'), service.sdl);
  fs.writeFileSync(path.join(base, 'codestore-prelude.graphql'), PRELUDE_SDL);
  fs.writeFileSync(path.join(base, '.graphqlrc.yml'), 'schema:\n  - src/schema.graphql\n  - codestore-prelude.graphql\n');
  const roots = new Set(['Query', 'Mutation', 'Subscription']);
  const { edits } = makeEditScript(service.sdl, { count: settings.edits, seed: settings.seed, skipTypes: roots });
  const s = service.stats;
  return {
    id: 'service',
    title: `Generated service schema (${s.entities} entities, ${(s.bytes / 1024).toFixed(0)} KB, ${s.lines} lines)`,
    description: `generateServiceSchema(${settings.entities}, ${settings.seed}): ${s.entities} entities, ${s.enums} enums, ${s.manyToOne} many-to-one relations (with inverse lists), ${s.manyToMany} many-to-many pairs, ${service.queryFields.length} Query and ${service.mutationFields.length} Mutation fields. Ours: a service folder (\`codestore.yaml\`, \`src/schema.graphql\`, one resolver file per root field): GraphQL rules, the platform prelude and the platform rules (entities, relations, resolvers). Baseline: \`.graphqlrc.yml\` with \`schema: [src/schema.graphql, codestore-prelude.graphql]\` (the platform prelude, so the schema builds). Edits never touch Query/Mutation (that would need resolver files).`,
    text: service.sdl,
    ours: { root: ours, file: path.join(ours, 'src/schema.graphql') },
    baseline: { root: base, file: path.join(base, 'src/schema.graphql') },
    oursBackToBack: copyWorkspace(ours, 'src/schema.graphql'),
    edits,
    completions: (text) => completionPositions(text, settings.completions, roots),
    notes: [],
  };
}

// ---------------------------------------------------------------------------------------------

async function runCase(c: Case): Promise<CaseResult> {
  const result: CaseResult = { id: c.id, title: c.title, description: c.description, notes: c.notes };
  report.cases.push(result);
  for (const who of ['ours', 'baseline'] as const) {
    const remaining = deadline - performance.now();
    if (remaining < 20_000) {
      result.notes.push(`${who}: not run — the run's time budget was used up`);
      continue;
    }
    const ws = c[who];
    const server = who === 'ours' ? ourServer(ws.root) : baselineServer(ws.root);
    log(`${c.id}: ${server.label} — open, ${c.edits.length} edits, ${settings.completions} completions`);
    const now = performance.now();
    const editsDeadline = Math.min(now + EDITS_BUDGET_MS, deadline - 15_000);
    const r = await runSession({
      server,
      root: ws.root,
      file: ws.file,
      text: c.text,
      edits: c.edits,
      completions: c.completions,
      pauseMs: settings.pauseMs,
      editsDeadline,
      completionsDeadline: Math.min(editsDeadline + COMPLETIONS_BUDGET_MS, deadline - 5_000),
      timeouts: settings.timeouts,
    });
    result[who] = r;
    const answered = r.edits.filter((e) => e.ms !== null).length;
    log(
      `${c.id}: ${server.label} — ${r.status}; open ${r.openMs?.toFixed(0) ?? '—'} ms, ${answered}/${r.edits.length} edits answered, RSS ${r.memory?.rssMb.toFixed(0) ?? '—'} MB${r.problems.length ? `; ${r.problems.join('; ')}` : ''}`,
    );
  }
  // Ours again with the edits back to back (no pause): shows what the debounce window adds when
  // changes arrive faster than it. Cheap (a few seconds), so it runs when time is left.
  if (!flag('no-back-to-back') && settings.pauseMs > 0 && deadline - performance.now() > 40_000) {
    const ws = c.oursBackToBack;
    log(`${c.id}: codestore again, edits back to back`);
    const now = performance.now();
    result.oursBackToBack = await runSession({
      server: ourServer(ws.root),
      root: ws.root,
      file: ws.file,
      text: c.text,
      edits: c.edits,
      completions: () => [],
      pauseMs: 0,
      editsDeadline: Math.min(now + 30_000, deadline - 15_000),
      completionsDeadline: Math.min(now + 30_000, deadline - 5_000),
      timeouts: settings.timeouts,
    });
  }
  return result;
}

async function runProbes(): Promise<void> {
  // What each server does with GitHub's schema exactly as shipped (two duplicate fields).
  if (deadline - performance.now() < 30_000) return;
  const gh = loadGithubSchema();
  const lines: string[] = [];
  // The script's third edit is a misspelled type; the probe opens the text the first two edits made.
  const { edits } = makeEditScript(gh.shipped, { count: 3, seed: settings.seed });
  const misspell = edits[2];
  const opened = edits.slice(0, 2).reduce(applyEdit, gh.shipped);
  for (const who of ['ours', 'baseline'] as const) {
    const dir = path.join(tmp, `shipped-${who}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'schema.graphql'), gh.shipped);
    if (who === 'baseline') fs.writeFileSync(path.join(dir, '.graphqlrc.yml'), 'schema: schema.graphql\n');
    const server = who === 'ours' ? ourServer(dir) : baselineServer(dir);
    log(`probe: ${server.label} on the shipped GitHub schema`);
    try {
      const p = await probeSession(server, dir, path.join(dir, 'schema.graphql'), opened, misspell, settings.timeouts.probe);
      const list = (xs?: string[]) =>
        xs === undefined
          ? 'nothing published'
          : xs.length
            ? `${xs.length} diagnostics (${xs
                .slice(0, 3)
                .map((x) => `"${x}"`)
                .join(', ')})`
            : '0 diagnostics';
      lines.push(
        `${server.label}: didOpen → ${p.openMs === null ? `nothing within ${settings.timeouts.probe} ms` : `${p.openMs.toFixed(0)} ms, ${list(p.openDiagnostics)}`}; ` +
          `misspelling a type (line ${misspell.line}) → ${p.changeMs === null ? `no publishDiagnostics within ${settings.timeouts.probe} ms` : `${p.changeMs.toFixed(0)} ms, ${list(p.changeDiagnostics)}`}; completion → ${p.completion}` +
          (p.logs.length
            ? `; server log: ${p.logs
                .slice(0, 2)
                .map((l) => `"${l}"`)
                .join(' ')}`
            : ''),
      );
    } catch (e) {
      lines.push(`${server.label}: probe failed: ${(e as Error).message}`);
    }
  }
  report.probes.push({ title: `GitHub's schema as shipped (${gh.removed.length} fields declared twice: ${gh.removed.join(', ')})`, lines });
}

/**
 * Copies the built server (dist/*.js) into the run's temp folder and runs it from there: others
 * may rebuild dist/ while the bench runs, and every session must measure the same build.
 */
function snapshotServer(): string {
  const dir = path.join(tmp, 'dist');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(path.join(REPO, 'dist'))) {
    if (f.endsWith('.js') && !f.startsWith('extension')) fs.copyFileSync(path.join(REPO, 'dist', f), path.join(dir, f));
  }
  const stat = fs.statSync(BUILT_SERVER);
  const hash = createHash('sha1')
    .update(fs.readFileSync(path.join(dir, 'server.js')))
    .digest('hex')
    .slice(0, 10);
  OUR_SERVER = path.join(dir, 'server.js');
  return `dist/server.js built ${stat.mtime.toISOString()}, ${(stat.size / 1024 / 1024).toFixed(2)} MB, sha1 ${hash} (run from a copy, so a concurrent rebuild cannot change it mid-run)`;
}

async function main(): Promise<void> {
  if (!fs.existsSync(BUILT_SERVER))
    abort(`${BUILT_SERVER} is missing: run \`npm run build\` (or \`npm run bench\`, which builds first)`, 1);
  report.servers.ours = `codestore-language-server, ${snapshotServer()}`;
  const debounce = describeDebounce();
  report.debounce = debounce.text;
  debounceMs = debounce.debounceMs;
  log(`workspaces in ${tmp}`);
  const cases: Array<() => Case> = [];
  if (!only || only === 'github') cases.push(githubCase);
  if (!only || only === 'service') cases.push(serviceCase);
  for (const make of cases) {
    const c = make();
    log(`${c.id}: ${c.edits.length} edits scripted (${c.title})`);
    await runCase(c);
  }
  if (!flag('no-probes')) await runProbes();

  report.notes.push(
    "Each server gets the edits the way it asks for them in its initialize result: ours advertises incremental sync (the client sends the changed range and text), the baseline advertises full sync (textDocumentSync: 1), so the client sends the whole document with every change, as VS Code would. Sending and parsing that JSON is part of the baseline's measured latency.",
    `Edits are sent one at a time: the next didChange goes out ${settings.pauseMs} ms after the previous one's diagnostics arrived (or timed out) — a typing pause, so that each edit is measured on its own rather than queued behind the debounce window${debounceMs ? ` (${debounceMs} ms)` : ''}; the "back to back" row shows ours without that pause. Ours publishes \`version\`; the baseline does not, so its publish is matched by arrival after the change.`,
    "Before the first edit and before the completions the client waits until the server has published nothing for 300 ms and used no CPU for 300 ms (/proc/<pid>/stat), so background work after opening (e.g. code generation) is not charged to the first edits. Server CPU per edit is the server process's user+system time over the edit phase divided by the edits; it does not depend on other load on the machine.",
    'Edit kinds cycle through: type a character into a field name, add a field line, misspell a field type, change it back, insert a new type; positions are spread over the whole file (same script for both servers).',
    `Completion is requested at the start of a field's type (right after \`field: \`) at ${settings.completions} fields spread over the file, on the document as it is after the edits.`,
    'Memory: VmRSS and VmHWM from /proc/<pid>/status of the server process, read after the completions, before shutdown.',
    `Targets (ours): diagnostics p50 ≤ ${TARGETS.githubDiagP50} ms and p95 ≤ ${TARGETS.githubDiagP95} ms on GitHub's schema; ≥ ${TARGETS.speedup}× faster than the baseline; memory ≤ ${TARGETS.memoryMb} MB.`,
    "The baseline launcher uses startServer({ method: 'stream' }): its ServerOptions.method is 'socket' | 'stream' | 'node'; 'stdio' is not a value and silently falls back to IPC ('node'), which cannot work over plain pipes.",
  );
}

/** The code generation benchmark, in a process of its own (it has its own budget and cleanup). */
function runCodegenBench(): number {
  const passOn = ['entities', 'seed'].flatMap((n) => {
    const i = process.argv.indexOf(`--${n}`);
    return i >= 0 && i + 1 < process.argv.length ? [`--${n}`, process.argv[i + 1]] : [];
  });
  if (flag('keep')) passOn.push('--keep');
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'codegen.ts'), ...passOn], {
    cwd: REPO,
    stdio: 'inherit',
  });
  return run.status ?? 1;
}

/**
 * The platform benchmarks, each in a process of its own: bench/platform-server.ts (memory, cold
 * start, push → DEPLOYED, start with 5 and 50 environments) and bench/platform.ts (push →
 * DEPLOYED, gateway throughput). With --baseline <checkout> the same run measures that build of
 * the product too, alternating with this one, and writes platform-vs-<name>.md side by side.
 */
function runPlatformBench(): number {
  const passOn = flag('keep') ? ['--keep'] : [];
  const pg = arg('pg', undefined);
  if (pg) passOn.push('--pg', pg);
  const tsx = (script: string, args: string[], cwd = REPO) =>
    spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd, stdio: 'inherit' }).status ?? 1;
  const baseline = arg('baseline', undefined);
  const name = arg('baseline-name', undefined) ?? 'baseline';
  let status = tsx(path.join(__dirname, 'platform-server.ts'), flag('keep') ? ['--keep'] : []);
  if (baseline) {
    const dir = path.resolve(baseline);
    status ||= tsx(path.join(__dirname, 'platform-server.ts'), ['--baseline', dir, '--name', `platform-server-${name}`]);
  }
  status ||= tsx(path.join(__dirname, 'platform.ts'), passOn);
  if (baseline) {
    // The baseline's own throughput benchmark, from its checkout: its results are copied here under its name.
    const dir = path.resolve(baseline);
    const script = path.join(dir, 'bench', 'platform.ts');
    if (!fs.existsSync(script)) {
      process.stderr.write(`${script} is missing: the baseline has no platform benchmark\n`);
      return 1;
    }
    const s = tsx(script, [], dir);
    for (const ext of ['md', 'json']) {
      const from = path.join(dir, 'bench', 'results', `platform.${ext}`);
      if (fs.existsSync(from)) fs.copyFileSync(from, path.join(RESULTS, `platform-${name}.${ext}`));
    }
    status ||= s;
    writeBaselineComparison(RESULTS, name, dir);
  }
  return status;
}

/** The usage capture benchmark (gateway throughput with usage capture on vs off), in a process of its own. */
function runUsageBench(): number {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'usage-capture.ts')], { cwd: REPO, stdio: 'inherit' });
  return run.status ?? 1;
}

/** The sandbox benchmark (deployment start and throughput, sandboxed vs not), in a process of its own. */
function runSandboxBench(): number {
  const pg = arg('pg', undefined);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'sandbox.ts'), ...(pg ? ['--pg', pg] : [])], {
    cwd: REPO,
    stdio: 'inherit',
  });
  return run.status ?? 1;
}

/** The extension benchmark (bundle size, activation time), in a process of its own. */
function runExtensionBench(): number {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'extension.ts')], { cwd: REPO, stdio: 'inherit' });
  return run.status ?? 1;
}

/** The metering benchmark (metered vs unmetered production calls), in a process of its own. */
function runMeteringBench(): number {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'metering.ts')], { cwd: REPO, stdio: 'inherit' });
  return run.status ?? 1;
}

const runLsp = !['codegen', 'platform', 'sandbox', 'metering', 'extension', 'usage'].includes(onlyArg ?? '');
const runCodegen = onlyArg === undefined || onlyArg === 'codegen';
const runPlatform = onlyArg === undefined || onlyArg === 'platform';
const runSandbox = onlyArg === undefined || onlyArg === 'sandbox';
const runMetering = onlyArg === undefined || onlyArg === 'metering';
const runExtension = onlyArg === undefined || onlyArg === 'extension';
const runUsage = onlyArg === undefined || onlyArg === 'usage';
// Without LSP cases there is no LSP report: an abort (Ctrl-C) must not overwrite lsp.md/lsp.json.
if (!runLsp) written = true;
(runLsp
  ? main().then(() => {
      writeResults();
      cleanup();
    })
  : Promise.resolve(cleanup())
)
  .then(() => {
    // Each runs even when the one before failed; the first failure's code is the exit code.
    const codegen = runCodegen ? runCodegenBench() : 0;
    const platform = runPlatform ? runPlatformBench() : 0;
    const sandbox = runSandbox ? runSandboxBench() : 0;
    const metering = runMetering ? runMeteringBench() : 0;
    const extension = runExtension ? runExtensionBench() : 0;
    const usage = runUsage ? runUsageBench() : 0;
    process.exit(codegen || platform || sandbox || metering || extension || usage);
  })
  .catch((e) => abort(`crashed: ${(e as Error)?.stack ?? e}`, 1));
