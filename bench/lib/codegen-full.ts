// Part 1 of the code generation benchmark: a full generation of the service's database layer.
// Cold: a fresh `node bin/codestore.js generate <dir>` per run on a fresh service folder (wall time
// to exit), with the fixed costs beside it (node itself; the same command on a 1-entity service).
// Warm: generateService in this process, the one-field change the server writes per edit, and its
// parts, so that the time can be placed.
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import { generateService } from '../../core/src/codegen/generate';
import { parseSnapshot, planService } from '../../core/src/codegen/plan';
import { generateEntities } from '../../core/src/codegen/entities';
import { generateResolverTypes } from '../../core/src/codegen/resolverTypes';
import { physicalSchema } from '../../core/src/codegen/physical';
import { planMigration, renamesOf, renderMigration } from '../../core/src/codegen/migrations';
import { buildModel } from '../../core/src/model/model';
import type { DocumentNode } from 'graphql';
import { ChildRun, childProblem, copyFolder, timedRun } from './codegen-setup';

export interface Sampled {
  label: string;
  samples: number[];
  /** Why samples are missing or were not counted. */
  problems: string[];
  /** For child processes: CPU time (user + system) of the counted runs, ms. */
  cpu?: number[];
  detail?: string;
}

export const sampled = (label: string, detail?: string): Sampled => ({ label, samples: [], problems: [], detail });

function countEntityFiles(dir: string): number {
  try {
    return fs.readdirSync(path.join(dir, 'src/data/entities')).filter((f) => f.endsWith('.ts')).length;
  } catch {
    return 0;
  }
}

/**
 * `node <cli> generate <fresh copy of template>`, `runs` times. A run counts when it exits 0 and
 * wrote at least `expectEntities` entity files. Returns the folder of the first good run (it
 * holds the committed InitialSchema migration and snapshot).
 */
export async function coldGenerate(opts: {
  label: string;
  cli: string;
  template: string;
  work: string;
  runs: number;
  expectEntities: number;
  timeoutMs: number;
  deadline: number;
  extraNodeArgs?: string[];
  /** Another check of a run's output: a problem, or undefined when it is right. */
  verify?: (dir: string) => string | undefined;
}): Promise<{ result: Sampled; firstDir?: string; runs: ChildRun[] }> {
  const result = sampled(opts.label);
  const runs: ChildRun[] = [];
  let firstDir: string | undefined;
  for (let i = 0; i < opts.runs; i++) {
    if (performance.now() > opts.deadline) {
      result.problems.push(`time budget ran out after ${i} of ${opts.runs} runs`);
      break;
    }
    const dir = copyFolder(opts.template, `${opts.work}-${i}`);
    const run = await timedRun(process.execPath, [...(opts.extraNodeArgs ?? []), opts.cli, 'generate', dir], {
      cwd: path.dirname(opts.work),
      timeoutMs: opts.timeoutMs,
    });
    runs.push(run);
    const files = countEntityFiles(dir);
    const wrong = run.code === 0 ? opts.verify?.(dir) : undefined;
    if (run.code !== 0) result.problems.push(`run ${i + 1}: ${childProblem(run)}`);
    else if (files < opts.expectEntities)
      result.problems.push(`run ${i + 1}: exited 0 but wrote ${files} entity files (expected ≥ ${opts.expectEntities})`);
    else if (wrong) result.problems.push(`run ${i + 1}: ${wrong}`);
    else {
      result.samples.push(run.ms);
      if (run.cpuMs !== undefined) (result.cpu ??= []).push(run.cpuMs);
      firstDir ??= dir;
    }
  }
  return { result, firstDir, runs };
}

/** Wall time of `node -e ""`: what any fresh node process costs before it loads anything. */
export async function nodeStartup(runs: number, cwd: string): Promise<Sampled> {
  const result = sampled('`node -e ""` (process start and exit, nothing loaded)');
  for (let i = 0; i < runs; i++) {
    const run = await timedRun(process.execPath, ['-e', ''], { cwd, timeoutMs: 10_000 });
    if (run.code === 0) {
      result.samples.push(run.ms);
      if (run.cpuMs !== undefined) (result.cpu ??= []).push(run.cpuMs);
    } else result.problems.push(childProblem(run));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// In-process, warm

export interface Committed {
  snapshot: string;
  migrations: string[];
}

/** The document a service's generation sees: the schema with the platform prelude, as the CLI builds it. */
export function serviceDocument(text: string): DocumentNode {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(text);
  return analysis.documentWithPrelude();
}

function timeRuns(result: Sampled, runs: number, warmup: number, deadline: number, fn: () => unknown): Sampled {
  try {
    for (let i = 0; i < warmup; i++) fn();
    for (let i = 0; i < runs; i++) {
      if (performance.now() > deadline) {
        result.problems.push(`time budget ran out after ${i} of ${runs} runs`);
        break;
      }
      const t0 = performance.now();
      fn();
      result.samples.push(performance.now() - t0);
    }
  } catch (e) {
    result.problems.push(`failed: ${(e as Error).message.split('\n')[0].slice(0, 200)}`);
  }
  return result;
}

export interface WarmResults {
  analysis: Sampled;
  initial: Sampled;
  oneField: Sampled;
  perEdit: Sampled;
  plan: Sampled;
  parts: Sampled[];
  /** Files and size of one generation, for the report. */
  shape?: { files: number; bytes: number; entityFiles: number };
}

/**
 * Warm, in this process (the same core sources the bundles are built from, compiled by tsx):
 * the full generation of a new service, and the one-field change against the committed snapshot
 * (what the server runs on every valid edit), split into its parts.
 */
export function warmInProcess(text: string, changedText: string, committed: Committed, runs: number, deadline: number): WarmResults {
  const analysis = timeRuns(
    sampled('Schema analysis from scratch (parse, validate, document with prelude)'),
    Math.min(runs, 10),
    1,
    deadline,
    () => {
      const a = new SchemaAnalysis({ prelude: true });
      a.update(changedText);
      a.diagnostics();
      a.documentWithPrelude();
    },
  );
  const doc = serviceDocument(text);
  const changed = serviceDocument(changedText);
  const initial = timeRuns(sampled('`generateService`, new service (no snapshot: everything is created)'), runs, 2, deadline, () =>
    generateService(doc, { migrations: [] }),
  );
  const oneField = timeRuns(sampled('`generateService`, one field added (against the committed snapshot)'), runs, 2, deadline, () =>
    generateService(changed, committed),
  );
  const plan = timeRuns(sampled('`planService` alone, same change (the server runs it first, for warnings)'), runs, 2, deadline, () =>
    planService(changed, committed),
  );
  // What the code generation process does per edit: each run one more field, in another entity,
  // analysed incrementally (so unchanged types keep their nodes and everything kept for them).
  const editAnalysis = new SchemaAnalysis({ prelude: true });
  let editText = text;
  editAnalysis.update(editText);
  const entityNames = [...text.matchAll(/^type (E\d+) \{$/gm)].map((m) => m[1]);
  let edit = 0;
  const perEdit = timeRuns(
    sampled('`generateService` per edit: each run adds a field to another entity (incremental analysis, as the code generation process)'),
    runs,
    2,
    deadline,
    () => {
      const entity = entityNames[(edit * 37) % entityNames.length];
      editText = editText.replace(`type ${entity} {\n`, `type ${entity} {\n  benchEdit${String(edit).padStart(3, '0')}: Int\n`);
      edit++;
      editAnalysis.update(editText);
      return generateService(editAnalysis.documentWithPrelude(), committed);
    },
  );

  const parts: Sampled[] = [];
  try {
    const model = buildModel(changed);
    const next = physicalSchema(model);
    const previous = parseSnapshot(committed.snapshot);
    const migration = planMigration(previous, next, renamesOf(model, previous, next));
    parts.push(
      timeRuns(sampled('`buildModel`'), runs, 2, deadline, () => buildModel(changed)),
      timeRuns(sampled('`physicalSchema`'), runs, 2, deadline, () => physicalSchema(model)),
      timeRuns(sampled('`parseSnapshot` (JSON.parse of snapshot.json)'), runs, 2, deadline, () => parseSnapshot(committed.snapshot)),
      timeRuns(sampled('`renamesOf` + `planMigration`'), runs, 2, deadline, () =>
        planMigration(previous, next, renamesOf(model, previous, next)),
      ),
      timeRuns(sampled('`generateEntities` (ts-morph printStructure, every entity file)'), runs, 2, deadline, () =>
        generateEntities(model),
      ),
      timeRuns(sampled('`generateResolverTypes`'), runs, 2, deadline, () => generateResolverTypes(changed, model)),
      timeRuns(sampled('`renderMigration` (pending migration)'), runs, 2, deadline, () => renderMigration(migration, 'Pending', 0)),
      timeRuns(sampled('`JSON.stringify` of the next snapshot'), runs, 2, deadline, () => JSON.stringify(next, null, 2)),
    );
  } catch (e) {
    parts.push({ ...sampled('parts'), problems: [`could not time the parts: ${(e as Error).message.split('\n')[0]}`] });
  }
  let shape: WarmResults['shape'];
  try {
    const g = generateService(doc, { migrations: [] });
    shape = {
      files: g.files.length,
      bytes: g.files.reduce((n, f) => n + Buffer.byteLength(f.content), 0),
      entityFiles: g.files.filter((f) => f.path.startsWith('src/data/entities/')).length,
    };
  } catch {
    /* reported through `initial` */
  }
  return { analysis, initial, oneField, perEdit, plan, parts, shape };
}
