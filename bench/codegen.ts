// Code generation benchmark: how fast the database layer (TypeORM entities, resolver types, data
// source, migrations) is generated for a 300-entity service, and how that compares with TypeORM's
// own `migration:generate` on the same change.
//
//   npm run build && node --import tsx bench/codegen.ts
//   node --import tsx bench/run.ts --only codegen            (same, from the benchmark runner)
//   node --import tsx bench/codegen.ts [--entities 300] [--seed 1] [--edits 30] [--cold-runs 5]
//       [--warm-runs 20] [--typeorm-runs 5] [--typeorm-cli-runs 3] [--profile-edits 10]
//       [--profile | --no-profile] [--no-typeorm] [--pg-port 5432] [--keep] [--baseline <dir>]
//   --baseline <dir>: also run part 2 on the build in <dir>/dist (a worktree of the main branch
//   after `npm run build`, or a copy of an older dist/), on the same edits, interleaved with ours.
//
// 1. Full generation: cold (`node bin/codestore.js generate <dir>`, fresh process, fresh service
//    folder, wall time to exit) and warm (generateService in-process), with the parts.
// 2. Edit → disk in the warm language server (dist/server.js, codegenDelayMs 0, debounceMs 0):
//    didChange adding a field → the entity file and src/data/pending-migration.ts hold it.
// 3. Baseline: TypeORM's migration:generate for the same one-field change against a scratch
//    database on PostgreSQL at 127.0.0.1:5432 (in-process and the stock CLI); ours/theirs.
// CPU profiles (--cpu-prof) of the server's edits and of a cold CLI run are summarized when a
// target is missed (or with --profile).
//
// Prints a Markdown table and writes bench/results/codegen.md and bench/results/codegen.json.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { generateService } from '../core/src/codegen/generate';
import { generateServiceSchema, writeServiceFolder } from './lib/generate-service-schema';
import { killAllServers } from './lib/lsp-client';
import { filesUnder, machineInfo, writeReport } from './lib/machine';
import { coldGenerate, nodeStartup, Sampled, sampled, serviceDocument, warmInProcess, WarmResults } from './lib/codegen-full';
import { PENDING, serverEdits, ServerRun } from './lib/codegen-server';
import { dropScratchDatabase, migrationQueries, PG, typeormBaseline, TypeormResult } from './lib/codegen-typeorm';
import { summarizeProfile } from './lib/codegen-profile';
import { CodegenReport, renderMarkdown, Row, stat } from './lib/codegen-report';
import {
  applyFieldEdit,
  BuildSnapshot,
  committedMigrations,
  copyFolder,
  fieldEdit,
  killAllChildren,
  REPO,
  snapshotBuild,
  spreadEntities,
} from './lib/codegen-setup';

const RESULTS = path.join(__dirname, 'results');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  const v = Number(process.argv[i + 1]);
  return Number.isFinite(v) ? v : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 || i + 1 >= process.argv.length ? undefined : path.resolve(process.argv[i + 1]);
}

const settings = {
  entities: arg('entities', 300),
  seed: arg('seed', 1),
  coldRuns: arg('cold-runs', 5),
  warmRuns: arg('warm-runs', 20),
  edits: Math.max(1, arg('edits', 30)),
  typeormRuns: arg('typeorm-runs', 5),
  typeormCliRuns: arg('typeorm-cli-runs', 3),
  profileEdits: arg('profile-edits', 10),
  pgPort: arg('pg-port', PG.port),
  baseline: stringArg('baseline'),
  codegenDelayMs: 0,
  debounceMs: 0,
};
PG.port = settings.pgPort;
const TARGETS = { coldMs: 1500, editToDiskMs: { p50: 25, p95: 50 } };
const TOTAL_BUDGET_MS = 220_000; // the run stays under ~4 minutes
const HARD_LIMIT_MS = TOTAL_BUDGET_MS + 15_000;
const TIMEOUTS = { cli: 30_000, typeormCli: 60_000, server: { initialize: 20_000, open: 60_000, settle: 20_000, edit: 10_000 } };

const started = performance.now();
const deadline = started + TOTAL_BUDGET_MS;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-codegen-bench-'));
const log = (s: string) => process.stderr.write(`[codegen ${((performance.now() - started) / 1000).toFixed(1)}s] ${s}\n`);

const report: CodegenReport = {
  machine: machineInfo(REPO),
  settings,
  build: '',
  schema: '',
  rows: [],
  ratios: [],
  fidelity: [],
  breakdown: [],
  profiles: [],
  problems: [],
  notes: [],
  raw: {},
  durationS: 0,
};

// ---------------------------------------------------------------------------------------------
// Output and cleanup, also on abort.

let written = false;
function writeResults(): void {
  if (written) return;
  written = true;
  report.machine.loadAvgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  report.durationS = (performance.now() - started) / 1000;
  writeReport(RESULTS, 'codegen', renderMarkdown(report), report);
}

function cleanup(): void {
  killAllChildren();
  killAllServers();
  if (!flag('keep')) {
    try {
      fs.rmSync(tmp, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  } else log(`kept ${tmp}`);
}

let aborting = false;
async function abort(reason: string, code: number): Promise<never> {
  if (!aborting) {
    aborting = true;
    report.aborted = reason;
    killAllChildren();
    killAllServers();
    const dropped = await Promise.race([dropScratchDatabase(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
    if (dropped) report.problems.push(`aborted: dropped the scratch database ${dropped}`);
    try {
      writeResults();
    } finally {
      cleanup();
    }
  }
  process.exit(code);
}

process.on('SIGINT', () => void abort('interrupted (SIGINT)', 130));
process.on('SIGTERM', () => void abort('terminated (SIGTERM)', 143));
process.on('exit', () => {
  killAllChildren();
  killAllServers();
});
setTimeout(() => void abort(`hard time limit of ${HARD_LIMIT_MS / 1000} s reached`, 2), HARD_LIMIT_MS).unref();

// ---------------------------------------------------------------------------------------------

const p50 = (xs: number[]) => stat(xs).p50;
const row = (part: string, s: Sampled | { label: string; samples: number[] }, extra: Partial<Row> = {}): Row => {
  const r: Row = { part, label: s.label, samples: s.samples, ...extra };
  if ('problems' in s) for (const p of s.problems) report.problems.push(`${s.label}: ${p}`);
  return r;
};
/** The CPU time of a child-process row's runs, as a row of its own (less sensitive to other load than wall time). */
const cpuRow = (part: string, s: Sampled | undefined): Row[] =>
  s?.cpu?.length ? [{ part, label: '… CPU time of those runs (user + system)', samples: s.cpu }] : [];
const target = (limit: number, samples: number[]): Pick<Row, 'target' | 'met'> => {
  const m = p50(samples);
  return { target: `≤ ${limit} ms`, met: m !== undefined && m <= limit };
};
/** Edit → disk: p50 and p95 both. */
const editTarget = (samples: number[]): Pick<Row, 'target' | 'met'> => {
  const { p50: m, p95: q } = stat(samples);
  const { p50: l50, p95: l95 } = TARGETS.editToDiskMs;
  return { target: `≤ ${l50} ms (p95 ≤ ${l95} ms)`, met: m !== undefined && q !== undefined && m <= l50 && q <= l95 };
};
const ratio = (ours: number | undefined, theirs: number | undefined) =>
  ours === undefined || theirs === undefined || theirs === 0 ? undefined : ours / theirs;
const describeRatio = (what: string, ours: number | undefined, theirs: number | undefined) => {
  const r = ratio(ours, theirs);
  if (r === undefined) return `${what}: not measured`;
  return `${what}: ours ${ours!.toFixed(1)} ms / theirs ${theirs!.toFixed(1)} ms = **${r.toFixed(3)}** (ours is ${(1 / r).toFixed(1)}× ${r < 1 ? 'faster' : 'slower — ratio above 1'})`;
};

const INCLUSIVE = [
  // server: what one edit runs (`f!g`: f, not under g)
  'runCodegen',
  'generateService',
  'planService!generateService',
  'computeDiagnostics!runCodegen',
  'computeDiagnostics',
  'checkPlatformRules',
  // generateService's parts
  'planService',
  'buildModel',
  'physicalSchema',
  'parseSnapshot',
  'renamesOf',
  'planMigration',
  'diffSchemas',
  'matchSchemas',
  'cloneSchema',
  'generateEntities',
  'printStructure',
  'generateResolverTypes',
  'renderMigration',
  'readServiceFiles',
  'writeIfChanged',
  'obsolete',
  // cold CLI
  'main',
  'generate',
  'loadService',
  'documentWithPrelude',
  'readResolvers',
];

function newestProfile(dir: string): string | undefined {
  try {
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(dir, f));
    return files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  // ---- setup
  for (const f of ['codegen.server.cpuprofile', 'codegen.cold.cpuprofile']) fs.rmSync(path.join(RESULTS, f), { force: true }); // a previous run's
  let build: BuildSnapshot;
  let baselineBuild: BuildSnapshot | undefined;
  try {
    build = snapshotBuild(path.join(tmp, 'build'));
  } catch (e) {
    return void (await abort((e as Error).message, 1));
  }
  report.build = build.description;
  if (settings.baseline) {
    try {
      baselineBuild = snapshotBuild(path.join(tmp, 'baseline-build'), settings.baseline);
    } catch (e) {
      return void (await abort(`--baseline ${settings.baseline}: ${(e as Error).message}`, 1));
    }
  }
  if (build.newerSources.length) {
    report.problems.push(
      `${build.newerSources.length} source file(s) changed after the build (e.g. ${build.newerSources.slice(0, 3).join(', ')}): the cold and server numbers measure dist/ as built; \`npm run bench\` rebuilds first.`,
    );
  }
  const service = generateServiceSchema(settings.entities, settings.seed);
  const s = service.stats;
  report.schema = `generateServiceSchema(${settings.entities}, ${settings.seed}): ${s.entities} entities, ${s.enums} enums, ${s.manyToOne} many-to-one and ${s.manyToMany} many-to-many relations, ${s.lines} lines, ${(s.bytes / 1024).toFixed(0)} KB`;
  const template = path.join(tmp, 'template');
  writeServiceFolder(template, service);
  const tiny = generateServiceSchema(1, settings.seed);
  const tinyTemplate = path.join(tmp, 'tiny-template');
  writeServiceFolder(tinyTemplate, tiny);
  log(`workspaces in ${tmp}; ${report.schema}`);

  // ---- 1. full generation, cold
  log(
    `1. cold: node -e "" ×${settings.coldRuns}, codestore generate on 1 entity ×${settings.coldRuns}, on ${settings.entities} entities ×${settings.coldRuns}`,
  );
  const nodeOnly = await nodeStartup(settings.coldRuns, tmp);
  const tinyCold = await coldGenerate({
    label: '`node bin/codestore.js generate`, 1-entity service (fixed cost: node, bundles, ts-morph/TypeScript load)',
    cli: build.cli,
    template: tinyTemplate,
    work: path.join(tmp, 'tiny-cold'),
    runs: settings.coldRuns,
    expectEntities: 1,
    timeoutMs: TIMEOUTS.cli,
    deadline,
  });
  const cold = await coldGenerate({
    label: `\`node bin/codestore.js generate\`, ${settings.entities}-entity service, fresh folder (cold process, wall time to exit)`,
    cli: build.cli,
    template,
    work: path.join(tmp, 'cold'),
    runs: settings.coldRuns,
    expectEntities: settings.entities,
    timeoutMs: TIMEOUTS.cli,
    deadline,
  });
  report.raw.cold = {
    nodeOnly: nodeOnly.samples,
    tiny: tinyCold.result.samples,
    full: cold.result.samples,
    fullCpu: cold.result.cpu,
    tinyCpu: tinyCold.result.cpu,
  };
  log(
    `   cold p50 ${p50(cold.result.samples)?.toFixed(0)} ms (1 entity: ${p50(tinyCold.result.samples)?.toFixed(0)} ms, node alone: ${p50(nodeOnly.samples)?.toFixed(0)} ms)`,
  );
  report.rows.push(
    row('1 cold', cold.result, target(TARGETS.coldMs, cold.result.samples)),
    ...cpuRow('1 cold', cold.result),
    row('1 cold', tinyCold.result),
    ...cpuRow('1 cold', tinyCold.result),
    row('1 cold', nodeOnly),
  );
  const committedDir = cold.firstDir;
  if (!committedDir) {
    report.problems.push(`no cold run succeeded (${cold.result.problems[0] ?? 'no run'}): parts 2 and 3 need its output`);
    return;
  }
  const migrations = fs.readdirSync(path.join(committedDir, 'src/data/migrations'));
  const committed = { snapshot: fs.readFileSync(path.join(committedDir, 'src/data/migrations/snapshot.json'), 'utf8'), migrations };
  const committedMigration = committedMigrations(committedDir)[0];
  const fileCount = filesUnder(path.join(committedDir, 'src/data')).length;
  report.notes.push(
    `A cold \`codestore generate\` of the ${settings.entities}-entity service writes ${fileCount} files under src/data/ (entities, enums, index, resolver types, data source, the committed migration ${committedMigration} and snapshot.json).`,
  );

  // ---- 1. warm, in-process
  const middle = service.entities[Math.floor(service.entities.length / 2)];
  const baselineEdit = fieldEdit(service.sdl, middle, 0, 'benchBaseline');
  const changedText = applyFieldEdit(service.sdl, baselineEdit);
  log(`1. warm: generateService ×${settings.warmRuns} (new service; one field added to ${middle} against the snapshot), and its parts`);
  let warm: WarmResults | undefined;
  try {
    warm = warmInProcess(service.sdl, changedText, committed, settings.warmRuns, deadline);
  } catch (e) {
    report.problems.push(`warm in-process timing failed: ${(e as Error).message}`);
  }
  if (warm) {
    report.rows.push(
      row('1 warm', warm.initial, {
        note: warm.shape ? `${warm.shape.files} files, ${(warm.shape.bytes / 1024).toFixed(0)} KB` : undefined,
      }),
      row('1 warm', warm.oneField, { note: 'the same document every run: what is kept from the run before is all there is' }),
      row('1 warm', warm.perEdit),
      row('1 warm', warm.plan),
      row('1 warm', warm.analysis),
      ...warm.parts.map((p) => row('1 warm, part', { ...p, label: `… ${p.label}` })),
    );
    report.raw.warm = {
      initial: warm.initial.samples,
      oneField: warm.oneField.samples,
      perEdit: warm.perEdit.samples,
      plan: warm.plan.samples,
      analysis: warm.analysis.samples,
      parts: warm.parts.map((p) => ({ label: p.label, samples: p.samples })),
    };
    log(`   generateService p50: new ${p50(warm.initial.samples)?.toFixed(1)} ms, one field ${p50(warm.oneField.samples)?.toFixed(1)} ms`);
  }

  // ---- 2. edit → disk in the server
  let server: ServerRun | undefined;
  let baselineServer: ServerRun | undefined;
  if (deadline - performance.now() > 60_000) {
    const entities = spreadEntities(service.entities, settings.edits);
    const runServer = (label: string, serverJs: string, dirName: string, list: string[], budgetMs: number) =>
      serverEdits({
        label,
        server: serverJs,
        dir: copyFolder(committedDir, path.join(tmp, dirName)),
        entities: list,
        timeouts: TIMEOUTS.server,
        deadline: Math.min(deadline - 45_000, performance.now() + budgetMs),
      });
    if (!baselineBuild) {
      log(`2. server: ${settings.edits} one-field edits (codegenDelayMs 0, debounceMs 0)`);
      server = await runServer('codestore', build.server, 'server', entities, 90_000);
    } else {
      // Both builds on the same edits, in the order ours, baseline, baseline, ours (each half of
      // the edits on a fresh copy of the folder): load that rises or falls during the run weighs
      // on both alike.
      const half = Math.ceil(entities.length / 2);
      const [first, second] = [entities.slice(0, half), entities.slice(half)];
      log(`2. server: ${settings.edits} one-field edits on this build and on ${settings.baseline}, rounds ours/baseline/baseline/ours`);
      const rounds: Array<[ServerRun, 'ours' | 'baseline']> = [];
      rounds.push([await runServer('codestore', build.server, 'server-a', first, 45_000), 'ours']);
      rounds.push([await runServer('baseline', baselineBuild.server, 'baseline-a', first, 45_000), 'baseline']);
      if (second.length) {
        rounds.push([await runServer('baseline', baselineBuild.server, 'baseline-b', second, 45_000), 'baseline']);
        rounds.push([await runServer('codestore', build.server, 'server-b', second, 45_000), 'ours']);
      }
      const merge = (which: 'ours' | 'baseline'): ServerRun => {
        const runs = rounds.filter(([, w]) => w === which).map(([r]) => r);
        return {
          ...runs[0],
          status: runs.every((r) => r.status === 'ok') ? 'ok' : runs.some((r) => r.status !== 'failed') ? 'partial' : 'failed',
          problems: runs.flatMap((r) => r.problems),
          initialChanges: runs.flatMap((r) => r.initialChanges ?? []),
          edits: runs.flatMap((r) => r.edits),
          stderrTail:
            runs
              .map((r) => r.stderrTail)
              .filter(Boolean)
              .join(' / ') || undefined,
        };
      };
      server = merge('ours');
      baselineServer = merge('baseline');
    }
    const num = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
    for (const [run, part, who] of [
      [server, '2 server', 'server'],
      [baselineServer, '2 baseline', 'baseline server'],
    ] as const) {
      if (!run) continue;
      for (const p of run.problems) report.problems.push(`${who}: ${p}`);
      if (run.stderrTail) report.problems.push(`${who} stderr: ${run.stderrTail.replace(/\s+/g, ' ').slice(-600)}`);
      if (run.initialChanges?.length)
        report.problems.push(
          `${who}: opening the schema changed generated files that \`codestore generate\` had just written: ${run.initialChanges.join(', ')}`,
        );
      const edits = run.edits;
      const entityMs = num(edits.map((e) => e.entityMs));
      const pendingMs = num(edits.map((e) => e.pendingMs));
      const of = part === '2 baseline' ? ` (baseline: ${settings.baseline})` : '';
      const goal = (samples: number[]) => (part === '2 server' ? editTarget(samples) : {});
      report.rows.push(
        row(part, {
          label: `didChange (add a field) → publishDiagnostics for that version${of}`,
          samples: num(edits.map((e) => e.diagnosticsMs)),
        }),
        row(part, { label: `didChange → the entity file on disk has the new field${of}`, samples: entityMs }, goal(entityMs)),
        row(part, { label: `didChange → ${PENDING} on disk has the new column${of}`, samples: pendingMs }, goal(pendingMs)),
        row(part, {
          label: `server CPU per edit (user + system, didChange until idle)${of}`,
          samples: num(edits.map((e) => e.cpuMs)),
        }),
      );
      log(
        `   ${who} ${run.status}: entity p50 ${p50(entityMs)?.toFixed(1)} ms, pending migration p50 ${p50(pendingMs)?.toFixed(1)} ms (${edits.length} edits)`,
      );
    }
    report.raw.server = { ...server, stderrTail: undefined };
    if (baselineServer) report.raw.baselineServer = { ...baselineServer, stderrTail: undefined };
    report.notes.push(
      `Server: initialize ${server.initializeMs?.toFixed(0) ?? '—'} ms, didOpen → first diagnostics ${server.openMs?.toFixed(0) ?? '—'} ms, → idle (initial generation settled) ${server.settledMs?.toFixed(0) ?? '—'} ms; RSS after the edits ${server.memoryMb?.rss.toFixed(0) ?? '—'} MB (peak ${server.memoryMb?.hwm.toFixed(0) ?? '—'} MB).`,
    );
    if (baselineBuild)
      report.notes.push(
        `Baseline build (rows "2 baseline"): ${baselineBuild.description.replace(/ \(run from a copy.*$/, '')}, from ${settings.baseline}. Both builds got the same ${entities.length} edits in four rounds, ours / baseline / baseline / ours, each round a new server on a fresh copy of the committed folder with half of the edits (so a pending migration holds at most ${Math.ceil(entities.length / 2)} new columns).`,
      );
  } else report.problems.push('part 2 (server) not run: the time budget was used up');

  // ---- 3. ours vs TypeORM on the same one-field change
  const changedTemplate = copyFolder(committedDir, path.join(tmp, 'changed-template'));
  fs.writeFileSync(path.join(changedTemplate, 'src/schema.graphql'), changedText);
  log(`3. ours cold: codestore generate with ${middle}.${baselineEdit.field} added (commits the migration) ×${settings.coldRuns}`);
  const before = new Set(committedMigrations(committedDir));
  let ourColdUp: string[] | undefined;
  const oursCold = await coldGenerate({
    label: `ours, cold: \`node bin/codestore.js generate\` with one field added (commits its migration)`,
    cli: build.cli,
    template: changedTemplate,
    work: path.join(tmp, 'changed-cold'),
    runs: settings.coldRuns,
    expectEntities: settings.entities,
    timeoutMs: TIMEOUTS.cli,
    deadline,
    verify: (dir) => {
      const added = committedMigrations(dir).filter((f) => !before.has(f));
      if (added.length !== 1) return `expected one new committed migration, found ${added.length}`;
      const content = fs.readFileSync(path.join(dir, 'src/data/migrations', added[0]), 'utf8');
      if (!content.includes(`"${baselineEdit.field}"`)) return `${added[0]} does not add "${baselineEdit.field}"`;
      ourColdUp ??= migrationQueries(content).up;
      return undefined;
    },
  });
  report.raw.oursCold = { wall: oursCold.result.samples, cpu: oursCold.result.cpu };
  const changedGeneration = generateService(serviceDocument(changedText), committed);
  const ourUp = changedGeneration.plan.up;
  let typeorm: TypeormResult | undefined;
  if (flag('no-typeorm')) {
    report.problems.push('TypeORM baseline: not measured (--no-typeorm)');
  } else if (deadline - performance.now() < 25_000) {
    report.problems.push('TypeORM baseline: not measured (the time budget was used up)');
  } else {
    log(
      `3. theirs: TypeORM migration:generate against PostgreSQL at ${PG.host}:${PG.port}: in-process ×${settings.typeormRuns}, CLI ×${settings.typeormCliRuns}`,
    );
    typeorm = await typeormBaseline({
      committedDir,
      committedMigration: `src/data/migrations/${committedMigration}`,
      changedFiles: changedGeneration.files,
      ourUp,
      work: tmp,
      inProcessRuns: settings.typeormRuns + 1,
      cliRuns: settings.typeormCliRuns,
      deadline: deadline - 10_000,
      timeoutMs: TIMEOUTS.typeormCli,
    });
    report.raw.typeorm = typeorm;
    for (const p of [
      ...typeorm.problems,
      ...typeorm.inProcess.problems.map((x) => `in-process: ${x}`),
      ...typeorm.cli.problems.map((x) => `CLI: ${x}`),
    ])
      report.problems.push(`TypeORM baseline: ${p}`);
    if (typeorm.status !== 'measured') report.problems.push(`TypeORM baseline: ${typeorm.status} — ${typeorm.reason}`);
    else
      log(`   TypeORM in-process p50 ${p50(typeorm.inProcess.samples)?.toFixed(0)} ms, CLI p50 ${p50(typeorm.cli.samples)?.toFixed(0)} ms`);
  }
  const theirsNote = typeorm?.status === 'measured' ? undefined : `not measured: ${typeorm?.reason ?? 'skipped'}`;
  report.rows.push(
    row('3 ours', oursCold.result),
    ...cpuRow('3 ours', oursCold.result),
    row('3 theirs', { ...(typeorm?.cli ?? sampled('TypeORM CLI `migration:generate`')), problems: [] }, { note: theirsNote }),
    ...cpuRow('3 theirs', typeorm?.cli),
  );
  if (warm)
    report.rows.push(
      row('3 ours', {
        label: 'ours, warm in-process: `generateService` after a one-field edit (= row 1 warm, per edit)',
        samples: warm.perEdit.samples,
      }),
    );
  report.rows.push(
    row(
      '3 theirs',
      { label: typeorm?.inProcess.label ?? 'TypeORM in-process', samples: typeorm?.inProcess.samples ?? [] },
      {
        note:
          theirsNote ??
          (typeorm?.firstInProcessMs !== undefined
            ? `first run (loads and connects the driver) ${typeorm.firstInProcessMs.toFixed(0)} ms, not counted`
            : undefined),
      },
    ),
  );
  if (typeorm?.status === 'measured') {
    report.rows.push(
      row('3 theirs, part', {
        label: '… `new DataSource` + `initialize` (metadata for every entity, connect)',
        samples: typeorm.phases.initialize,
      }),
      row('3 theirs, part', { label: '… `createSchemaBuilder().log()` (read the database schema, diff)', samples: typeorm.phases.log }),
      row('3 theirs, part', { label: '… `destroy`', samples: typeorm.phases.destroy }),
      row('3 theirs, part', { label: "… render the migration with the command's template, write it", samples: typeorm.phases.render }),
    );
    report.notes.push(
      `TypeORM setup (not timed in the rows): PostgreSQL ${typeorm.server}, scratch database ${typeorm.database} (dropped at the end); the committed migration ${committedMigration} ran in ${typeorm.applyCommittedMs?.toFixed(0)} ms; transpiling and requiring the ${typeorm.entityCount} changed entity classes took ${typeorm.loadEntitiesMs?.toFixed(0)} ms, once.`,
    );
  }
  const oursColdP50 = p50(oursCold.result.samples);
  report.ratios.push(
    describeRatio(
      'Cold, fresh process to exit (`codestore generate` vs `typeorm migration:generate`)',
      oursColdP50,
      typeorm ? p50(typeorm.cli.samples) : undefined,
    ),
    describeRatio(
      'Cold, CPU time of those processes (user + system)',
      p50(oursCold.result.cpu ?? []),
      typeorm ? p50(typeorm.cli.cpu ?? []) : undefined,
    ),
    describeRatio(
      'In-process, warm (`generateService` vs DataSource.initialize + schema builder log + render)',
      warm ? p50(warm.perEdit.samples) : undefined,
      typeorm ? p50(typeorm.inProcess.samples) : undefined,
    ),
    describeRatio(
      `Editor: server didChange → ${PENDING} on disk vs TypeORM in-process`,
      server ? p50(server.edits.map((e) => e.pendingMs).filter((x): x is number => x !== undefined)) : undefined,
      typeorm ? p50(typeorm.inProcess.samples) : undefined,
    ),
  );
  const show = (qs: string[] | undefined) =>
    qs === undefined ? 'not measured' : qs.length ? qs.map((q) => `\`${q}\``).join('; ') : '(nothing)';
  const same = (a: string[] | undefined, b: string[] | undefined) =>
    a && b ? (JSON.stringify(a) === JSON.stringify(b) ? 'identical to ours' : 'differs from ours') : '';
  report.fidelity.push(
    `Change: \`${baselineEdit.text.trim()}\` added to \`type ${middle}\`.`,
    `Ours (generateService, pending migration up): ${show(ourUp)}`,
    `Ours (cold \`codestore generate\`, committed migration up): ${show(ourColdUp)} ${same(ourColdUp, ourUp)}`,
    `TypeORM in-process (schema builder upQueries): ${show(typeorm?.theirs?.up)} ${same(typeorm?.theirs?.up, ourUp)}`,
    `TypeORM CLI (generated ${typeorm?.theirsCli?.file ?? 'file'}): ${show(typeorm?.theirsCli?.up)} ${same(typeorm?.theirsCli?.up, ourUp)}`,
  );

  // ---- where the time goes: the edit's path through the server, from the rows
  if (server && warm) {
    const num = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
    const disk = p50(num(server.edits.map((e) => e.pendingMs)));
    const diag = p50(num(server.edits.map((e) => e.diagnosticsMs)));
    const gen = p50(warm.oneField.samples);
    const plan = p50(warm.plan.samples);
    const entities = p50(warm.parts.find((x) => x.label.includes('generateEntities'))?.samples ?? []);
    const migration = p50(warm.parts.find((x) => x.label.includes('planMigration'))?.samples ?? []);
    const sets = new Map<string, number>();
    for (const e of server.edits) {
      const key =
        (e.written ?? [])
          .map((f) =>
            f.startsWith('src/data/entities/') && f.endsWith(`/${e.entity}.ts`) ? 'src/data/entities/<the edited entity>.ts' : f,
          )
          .sort()
          .join(', ') || 'nothing';
      sets.set(key, (sets.get(key) ?? 0) + 1);
    }
    const writtenPerEdit = [...sets.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} (${n} of ${server!.edits.length} edits)`)
      .join('; ');
    const perEdit = p50(warm.perEdit.samples);
    if (disk !== undefined && diag !== undefined && gen !== undefined && plan !== undefined) {
      report.breakdown.push(
        `Edit → disk p50 ${disk.toFixed(0)} ms; didChange → publishDiagnostics p50 ${diag.toFixed(0)} ms; one \`generateService\` per edit (warm, in-process, a field added to another entity each run) p50 ${perEdit?.toFixed(1) ?? '—'} ms. With both delays at 0 the server, on each didChange, sends the text to the code generation process to generate while it validates (a "prepare": generated, not written), then validates (incremental) and checks the platform rules; when the version is valid it asks for the write, which finds the prepared generation and writes the changed files. The two processes run side by side, so edit → disk is about the longer of the two plus the messages (190 KB of schema text each way) and the writes.`,
        `Inside \`generateService\` after an edit: the model keeps each unchanged type's mapped fields and, when the relation fields did not change, the pairing; entities, enums and their generated entities, tables and files are kept by object or by signature; the snapshot is parsed once per commit and its tables compared by kept JSON text, so the migration diff runs over the changed tables and their neighbours (${migration?.toFixed(1) ?? '—'} ms for \`renamesOf\` + \`planMigration\` on the same inputs, entities ${entities?.toFixed(1) ?? '—'} ms). Writing is cheap: only files whose content changed are written${writtenPerEdit ? ` (per edit, the server logged: ${writtenPerEdit})` : ''}.`,
      );
    }
  }
  const missed = report.rows.some((r) => r.target && !r.met);
  if (flag('no-profile')) report.notes.push('CPU profiles: skipped (--no-profile).');
  else if (!missed && !flag('profile')) report.notes.push('CPU profiles: not taken (every target met; --profile takes them anyway).');
  else {
    const serverMissed = report.rows.some((r) => r.part === '2 server' && r.target && !r.met);
    const coldMissed = report.rows.some((r) => r.part === '1 cold' && r.target && !r.met);
    if ((serverMissed || flag('profile')) && deadline - performance.now() > 30_000) {
      const profDir = path.join(tmp, 'prof-server');
      fs.mkdirSync(profDir, { recursive: true });
      const dir = copyFolder(committedDir, path.join(tmp, 'server-profiled'));
      const count = Math.min(settings.profileEdits, settings.entities);
      log(`profile: server with --cpu-prof, ${count} edits`);
      const run = await serverEdits({
        label: 'codestore (profiled)',
        server: build.server,
        dir,
        entities: spreadEntities(service.entities, count).reverse(),
        fieldPrefix: 'profField',
        timeouts: TIMEOUTS.server,
        deadline: Math.min(deadline - 10_000, performance.now() + 45_000),
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
        gracefulExitMs: 15_000,
      });
      const file = newestProfile(profDir);
      if (file) {
        const kept = path.join(RESULTS, 'codegen.server.cpuprofile');
        const summary = summarizeProfile(file, { window: run.window, inclusiveNames: INCLUSIVE });
        fs.mkdirSync(RESULTS, { recursive: true });
        fs.copyFileSync(file, kept);
        summary.file = path.relative(REPO, kept);
        const entity = p50(run.edits.map((e) => e.entityMs).filter((x): x is number => x !== undefined));
        report.profiles.push({
          title: `Server, ${run.edits.length} one-field edits under --cpu-prof (edit → entity file p50 ${entity?.toFixed(0) ?? '—'} ms while profiled)`,
          summary,
        });
      } else report.problems.push(`profile: the profiled server wrote no .cpuprofile (${run.problems.join('; ') || 'no reason given'})`);
    }
    if ((coldMissed || flag('profile')) && deadline - performance.now() > 15_000) {
      const profDir = path.join(tmp, 'prof-cold');
      fs.mkdirSync(profDir, { recursive: true });
      log('profile: cold codestore generate with --cpu-prof');
      const r = await coldGenerate({
        label: 'profiled cold run',
        cli: build.cli,
        template,
        work: path.join(tmp, 'cold-profiled'),
        runs: 1,
        expectEntities: settings.entities,
        timeoutMs: TIMEOUTS.cli,
        deadline: deadline - 5000,
        extraNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`],
      });
      const file = newestProfile(profDir);
      if (file) {
        const kept = path.join(RESULTS, 'codegen.cold.cpuprofile');
        const summary = summarizeProfile(file, { inclusiveNames: INCLUSIVE });
        fs.copyFileSync(file, kept);
        summary.file = path.relative(REPO, kept);
        report.profiles.push({
          title: `Cold \`codestore generate\`, ${settings.entities} entities, under --cpu-prof (${r.result.samples[0]?.toFixed(0) ?? '—'} ms while profiled)`,
          summary,
        });
      } else report.problems.push(`profile: the cold run wrote no .cpuprofile (${r.result.problems.join('; ') || 'no reason given'})`);
    }
  }

  report.notes.push(
    'Cold runs: each is a new `node <copy>/bin/codestore.js generate <dir>` process on a new copy of the service folder (sources only: codestore.yaml, schema, one resolver file per root field), timed from spawn to the exit event. The bin script and dist/*.js are copied once at the start; the OS file cache is warm after the first run (cold means a new process: no V8 code cache, nothing loaded).',
    `Warm runs: in this process (tsx), on the document the CLI builds (schema + platform prelude); ${settings.warmRuns} timed runs after 2 untimed; parts are the functions generateService calls, timed alone on the same inputs. Generation keeps what it made for unchanged entities (docs/DEVELOPING.md, "What is incremental"), so a run on the same inputs as the one before measures that reuse: the "per edit" row, a new field in another entity each run, is what an edit costs.`,
    `Server: \`node <copy>/dist/server.js --stdio\` on a copy of the first cold run's folder (committed InitialSchema migration and snapshot), initializationOptions { codegenDelayMs: 0, debounceMs: 0, codegen: 'onType' }. After didOpen the client waits until the server published nothing for 300 ms and used no CPU for 300 ms. Each edit inserts \`  benchFieldNNN: <scalar>\` (nullable Int/String/Boolean/Float/DateTime) as the first field of another entity (entities spread over the schema) as one incremental didChange, and waits until the entity file contains the field and ${PENDING} contains \`"benchFieldNNN"\`: every fs.watch event of the two folders and every 2 ms it reads both files (the server writes each file to a temporary name and renames it, so a read never sees half a file). Then it waits until the server's CPU is idle for 100 ms and 20 ms more before the next edit.`,
    `Baseline: a scratch database on PostgreSQL ${PG.host}:${PG.port} (user ${PG.user}) is brought to the schema before the change by running the committed migration with a TypeORM DataSource (migrationsTransactionMode 'each', as the generated data source). In-process: per run, new DataSource with the changed entity classes (transpiled with experimentalDecorators + emitDecoratorMetadata, test/helpers/loadEntities.ts), setOptions as MigrationGenerateCommand does, initialize, driver.createSchemaBuilder().log(), destroy, render with the command's own template, write the file; the first run (driver load, first connection) is shown apart. CLI: \`node node_modules/typeorm/cli.js migration:generate -d src/data/data-source.js out/BenchChange\` in a compiled JavaScript copy of the service (entities, data source, committed migration; DATABASE_URL set), fresh process per run, timed spawn to exit.`,
    'The pg "DeprecationWarning: Calling client.query() when the client is already executing a query" printed on stderr during the baseline comes from TypeORM (PostgresQueryRunner.loadTables runs per-table queries in a Promise.all on one client), not from this benchmark.',
    "The machine may be shared (see the load averages above). Cold wall times move most with it: a cold run uses about 1 s of CPU, part of it on V8's background threads (compilation, GC), which overlap on a free second core; the CPU-time rows of the child processes are steadier than their wall times.",
    `Targets: cold full generation p50 ≤ ${TARGETS.coldMs} ms; edit → disk p50 ≤ ${TARGETS.editToDiskMs.p50} ms and p95 ≤ ${TARGETS.editToDiskMs.p95} ms with both server delays at 0. p95 is nearest-rank (with 5 samples it is the maximum).`,
  );
}

main()
  .then(() => {
    writeResults();
    cleanup();
    process.exit(0);
  })
  .catch((e) => abort(`crashed: ${(e as Error)?.stack ?? e}`, 1));
