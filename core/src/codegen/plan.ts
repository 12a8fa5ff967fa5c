// The migration plan of a service: from its committed snapshot (or its baseline) to the current
// schema. Light on purpose (no code printing): the language server runs it after every valid edit
// to show destructive changes in the schema.
import type { DocumentNode } from 'graphql';
import { buildModel, DataModel } from '../model/model';
import { DbSchema, EMPTY_SCHEMA } from './dbSchema';
import {
  committedMigrations,
  looksLikeMigrationFile,
  migrationStatements,
  planMigration,
  renamesOf,
  schemaFromMigrations,
} from './migrations';
import type { MigrationPlan } from './migrations';
import { PENDING_MIGRATION_PATH, SNAPSHOT_PATH } from '../service-folder/paths';
import { physicalSchema } from './physical';
import { deepFreeze } from './files';

export { PENDING_MIGRATION_PATH, SNAPSHOT_PATH };

export interface ServiceFiles {
  /** The text of `src/data/migrations/snapshot.json`, when it exists. */
  snapshot?: string;
  /** File names in `src/data/migrations/` (committed migrations). */
  migrations: string[];
  /**
   * The migration files' sources by file name: the baseline of a service without a snapshot. A
   * committed migration is any migration class TypeORM would run (see committedMigrations).
   */
  migrationSources?: Record<string, string>;
}

export interface ServicePlan {
  model: DataModel;
  /** The physical schema of the current model: the next snapshot. */
  next: DbSchema;
  plan: MigrationPlan;
  /**
   * What the migration starts from: the committed snapshot; nothing (a new service); or, for a
   * service that has migrations but no snapshot (made before snapshots, e.g. by the original
   * code.store), the schema its migrations build, replayed from their SQL (`replayed`), or the
   * current schema when their sources are not given (`adopted`).
   */
  baseline: 'snapshot' | 'empty' | 'replayed' | 'adopted';
}

export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** Parses a snapshot; throws SnapshotError saying what to do when it is not one. */
export function parseSnapshot(text: string): DbSchema {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SnapshotError(
      `${SNAPSHOT_PATH} is not valid JSON (${(e as Error).message}). Restore it from version control: it records the database schema of the last committed migration.`,
    );
  }
  const v = value as Partial<DbSchema>;
  if (!v || v.version !== 1 || !Array.isArray(v.tables) || !Array.isArray(v.enums)) {
    throw new SnapshotError(
      `${SNAPSHOT_PATH} is not a code.store snapshot (version 1, with tables and enums). Restore it from version control.`,
    );
  }
  return v as DbSchema;
}

/** The last plan: the language server asks for the same one for warnings and then to write files. */
let lastPlan: { doc: DocumentNode; service: ServiceFiles; result: ServicePlan } | undefined;

export function planService(doc: DocumentNode, service: ServiceFiles): ServicePlan {
  if (lastPlan && lastPlan.doc === doc && sameServiceFiles(lastPlan.service, service)) return lastPlan.result;
  const result = computePlan(doc, service);
  lastPlan = { doc, service: { ...service, migrations: [...service.migrations] }, result };
  return result;
}

function sameServiceFiles(a: ServiceFiles, b: ServiceFiles): boolean {
  if (a.snapshot !== b.snapshot || a.migrations.length !== b.migrations.length) return false;
  if (a.migrations.some((m, i) => m !== b.migrations[i])) return false;
  if (b.snapshot !== undefined) return true; // the sources matter only without a snapshot
  const sa = a.migrationSources;
  const sb = b.migrationSources;
  if (!sa || !sb) return sa === sb;
  const keys = Object.keys(sb);
  return keys.length === Object.keys(sa).length && keys.every((k) => Object.prototype.hasOwnProperty.call(sa, k) && sa[k] === sb[k]);
}

/**
 * The last snapshot parsed, by its text: it changes only when a migration is committed, and it is
 * read from disk on every generation. Frozen: every plan until the next commit shares it.
 */
let lastSnapshot: { text: string; schema: DbSchema } | undefined;
function snapshotOf(text: string): DbSchema {
  if (lastSnapshot?.text !== text) lastSnapshot = { text, schema: deepFreeze(parseSnapshot(text)) };
  return lastSnapshot.schema;
}

/** Forgets the last plan and snapshot (tests compare with a generation from scratch). */
export function clearPlanCaches(): void {
  lastPlan = undefined;
  lastSnapshot = undefined;
}

function computePlan(doc: DocumentNode, service: ServiceFiles): ServicePlan {
  const model = buildModel(doc);
  const next = physicalSchema(model);
  const sources = service.migrationSources;
  const committed = sources
    ? committedMigrations(service.migrations, (f) => sources[f]).map((m) => m.file)
    : service.migrations.filter(looksLikeMigrationFile);
  let baseline: ServicePlan['baseline'];
  let previous: DbSchema;
  if (service.snapshot !== undefined) {
    previous = snapshotOf(service.snapshot);
    baseline = 'snapshot';
  } else if (committed.length && sources) {
    // In the order TypeORM ran them.
    previous = schemaFromMigrations(committed.flatMap((f) => migrationStatements(sources[f] ?? '')));
    baseline = 'replayed';
  } else if (committed.length) {
    previous = next;
    baseline = 'adopted';
  } else {
    previous = EMPTY_SCHEMA;
    baseline = 'empty';
  }
  const plan = planMigration(previous, next, renamesOf(model, previous, next));
  return { model, next, plan, baseline };
}
