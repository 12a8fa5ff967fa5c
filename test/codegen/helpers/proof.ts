// THE PROOF for generated migrations, with TypeORM as the oracle. A service's schema evolves
// through GraphQL steps; each step's migration is planned from the previous snapshot, rendered as
// a TypeORM migration file, compiled and run by TypeORM's own migration runner. After each step:
// - TypeORM's schema builder, given the generated entities, wants no query;
// - the database, read back from its catalog, is exactly the planned physical schema (names of
//   every constraint, index and sequence included, no stray table or enum type);
// - for a step without warnings, every row inserted before it reads back unchanged.
// Then every down migration runs in reverse, each leaving the previous step's schema, and the
// database ends empty.
import assert from 'node:assert/strict';
import { parse } from 'graphql';
import ts from 'typescript';
import { DataSource, MigrationInterface } from 'typeorm';
import { EMPTY_SCHEMA, type DbSchema } from '../../../core/src/codegen/dbSchema';
import { generateEntities } from '../../../core/src/codegen/entities';
import { invertRenames, matchSchemas, planMigration, renamesOf } from '../../../core/src/codegen/migrations/diff';
import { renderMigration, type RenderedMigration } from '../../../core/src/codegen/migrations/file';
import { applyOperations, schemaDifferences } from '../../../core/src/codegen/migrations/simulate';
import type { MigrationPlan } from '../../../core/src/codegen/migrations/types';
import { physicalSchema } from '../../../core/src/codegen/physical';
import { buildModel, type DataModel } from '../../../core/src/model/model';
import { loadEntities } from '../../helpers/loadEntities';
import type { TestDatabase } from './db';
import { databaseDifferences } from './introspect';
import { assertRowsSurvived, insertSampleRows, listifiedColumns, readRows } from './rows';

export interface Step {
  sdl: string;
  /** Warning codes the step must report (in any order); default: none. `'any'` skips the check. */
  warnings?: string[] | 'any';
}

export interface StepReport {
  model: DataModel;
  schema: DbSchema;
  plan: MigrationPlan;
  migration: RenderedMigration;
  /** Values checked after the step (0 when the step has warnings: its rows are deleted first). */
  checkedValues: number;
  /** Values checked after its down migration (0 when the down warns). */
  checkedDownValues?: number;
}

export interface ProofOptions {
  /** Insert rows before each step and check them after it (default true). */
  data?: boolean;
  /** Run the oracle after every step, not only the last (default true). */
  everyStep?: boolean;
  /** Run and check the down migrations (default true). */
  downs?: boolean;
  /** The previous snapshot and an already-built database (for services made elsewhere). */
  start?: DbSchema;
  /** Timestamp of the first migration. */
  timestamp?: number;
  /** Migrations that ran before (with `start`). */
  migrations?: (new () => MigrationInterface)[];
}

/** Compiles a rendered migration file and returns its class. */
export function compileMigration(file: Pick<RenderedMigration, 'content' | 'className' | 'path'>): new () => MigrationInterface {
  const js = ts.transpileModule(file.content, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2020,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'require', 'module', js)(module.exports, require, module);
  const cls = module.exports[file.className];
  assert.equal(typeof cls, 'function', `${file.path} exports class ${file.className}`);
  return cls as new () => MigrationInterface;
}

export function modelOf(sdl: string): DataModel {
  return buildModel(parse(sdl));
}

/** TypeORM's schema builder's queries for the generated entities of `model` against the database. */
export async function oracle(db: TestDatabase, model: DataModel): Promise<string[]> {
  const loaded = loadEntities(generateEntities(model));
  const ds = new DataSource({ ...db.options(), entities: loaded.entities } as never);
  try {
    await ds.initialize();
    const log = await ds.driver.createSchemaBuilder().log();
    return log.upQueries.map((x) => x.query);
  } finally {
    await db.release(ds);
    loaded.remove();
  }
}

export async function withMigrations<T>(
  db: TestDatabase,
  classes: (new () => MigrationInterface)[],
  f: (ds: DataSource) => Promise<T>,
): Promise<T> {
  const ds = new DataSource({ ...db.options(), migrations: classes, migrationsTransactionMode: 'each' } as never);
  await ds.initialize();
  try {
    return await f(ds);
  } finally {
    await db.release(ds);
  }
}

/** Deletes every row of every table (the steps that warn are run on empty tables). */
async function emptyTables(db: TestDatabase, schema: DbSchema): Promise<void> {
  if (!schema.tables.length) return;
  await db.query(`TRUNCATE ${schema.tables.map((t) => `"${t.name}"`).join(', ')} CASCADE`);
}

/** Runs the proof; returns one report per step. */
export async function prove(db: TestDatabase, steps: Step[], options: ProofOptions = {}): Promise<StepReport[]> {
  const { data = true, everyStep = true, downs = true } = options;
  let previous = options.start ?? EMPTY_SCHEMA;
  if (!options.start) await db.reset();
  const reports: StepReport[] = [];
  const classes: (new () => MigrationInterface)[] = [...(options.migrations ?? [])];
  let timestamp = options.timestamp ?? 1_700_000_000_000;
  for (const [i, step] of steps.entries()) {
    const model = modelOf(step.sdl);
    const schema = physicalSchema(model);
    const renames = renamesOf(model, previous, schema);
    const plan = planMigration(previous, schema, renames);
    const where = `step ${i + 1}`;

    // The plan takes the snapshot exactly to the new schema, and back.
    assert.deepEqual(
      schemaDifferences(applyOperations(previous, plan.operations), schema),
      [],
      `${where}: up operations reach the new schema`,
    );
    assert.deepEqual(
      schemaDifferences(applyOperations(schema, plan.downOperations), previous),
      [],
      `${where}: down operations reach the previous schema`,
    );
    if (step.warnings !== 'any') {
      assert.deepEqual(
        plan.warnings.map((w) => w.code).sort(),
        [...(step.warnings ?? [])].sort(),
        `${where}: warnings ${JSON.stringify(plan.warnings.map((w) => w.message))}`,
      );
    }

    const migration = renderMigration(plan, undefined, timestamp++);
    classes.push(compileMigration(migration));
    const safe = plan.warnings.length === 0;
    let before;
    if (data && safe) {
      await insertSampleRows(db, previous, i + 1);
      before = await readRows(db, previous);
    } else if (!safe) {
      await emptyTables(db, previous);
    }
    const ran = await withMigrations(db, classes, (ds) => ds.runMigrations({ transaction: 'each' }));
    assert.equal(ran.length, 1, `${where}: one migration ran`);

    assert.deepEqual(await databaseDifferences(db, schema), [], `${where}: the database is the planned schema\n${plan.up.join('\n')}`);
    if (everyStep || i === steps.length - 1) {
      assert.deepEqual(await oracle(db, model), [], `${where}: TypeORM wants no change\n${plan.up.join('\n')}`);
    }
    let checkedValues = 0;
    if (before) {
      const match = matchSchemas(previous, schema, renames);
      const after = await readRows(db, schema, listifiedColumns(previous, schema, match));
      const filled = new Set(plan.operations.flatMap((o) => (o.op === 'fillNulls' ? [`${o.table}.${o.column}`] : [])));
      checkedValues = assertRowsSurvived(before, after, previous, schema, match, filled);
    }
    reports.push({ model, schema, plan, migration, checkedValues });
    previous = schema;
  }

  if (downs) {
    for (let i = steps.length - 1; i >= 0; i--) {
      const expected = i > 0 ? reports[i - 1].schema : (options.start ?? EMPTY_SCHEMA);
      const current = reports[i].schema;
      // The down is the diff backwards: when that warns (it narrows what the up widened, drops
      // what the up added), it runs on empty tables; otherwise the rows must survive it too.
      const back = invertRenames(reports[i].plan.renames);
      const safe = planMigration(current, expected, back).warnings.length === 0;
      let before;
      if (!safe) await emptyTables(db, current);
      else if (data) before = await readRows(db, current);
      await withMigrations(db, classes, (ds) => ds.undoLastMigration({ transaction: 'each' }));
      assert.deepEqual(
        await databaseDifferences(db, expected),
        [],
        `down of step ${i + 1}: the database is the previous schema\n${reports[i].plan.down.join('\n')}`,
      );
      if (before) {
        const match = matchSchemas(current, expected, back);
        const after = await readRows(db, expected, listifiedColumns(current, expected, match));
        const filled = new Set(reports[i].plan.downOperations.flatMap((o) => (o.op === 'fillNulls' ? [`${o.table}.${o.column}`] : [])));
        reports[i].checkedDownValues = assertRowsSurvived(before, after, current, expected, match, filled);
      }
    }
    if (!options.start) await assertEmpty(db);
  }
  return reports;
}

/** No table (but TypeORM's `migrations`), no enum type, no sequence (but the migrations table's). */
export async function assertEmpty(db: TestDatabase): Promise<void> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
  );
  const types = await db.query<{ name: string }>(
    `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e'`,
  );
  const sequences = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relname <> 'migrations_id_seq'`,
  );
  assert.deepEqual(
    { tables: tables.map((x) => x.name), types: types.map((x) => x.name), sequences: sequences.map((x) => x.name) },
    { tables: [], types: [], sequences: [] },
  );
}
