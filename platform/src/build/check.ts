// The platform's check of a pushed service folder, with the same core as the language server and
// `codestore check`: the manifest, the schema (GraphQL and platform rules, resolvers included),
// the generated database layer (identical to what `codestore generate` writes, migrations
// committed), and the TypeScript (type-checked against the generated entities).
import { createHash } from 'crypto';
import * as path from 'path';
import { parseDocument } from 'yaml';
import { generateService, SnapshotError } from '../../../core/src/codegen/generate';
import { costLimitsOf } from '../gateway/cost';
import { corsOriginsOf } from '../gateway/serviceSettings';
import type { ServiceGeneration } from '../../../core/src/codegen/generate';
import {
  committedMigrations,
  isMigrationScript,
  looksLikeMigrationFile,
  migrationClassOf,
  migrationName,
  migrationStatements,
  schemaDifferences,
  schemaFromMigrations,
} from '../../../core/src/codegen/migrations';
import { parseSnapshot } from '../../../core/src/codegen/plan';
import type { SchemaAnalysis } from '../../../core/src/schema/analysis';
import { MIGRATIONS_DIR, SCHEMA_PATH, SERVICE_MANIFEST, SNAPSHOT_PATH } from '../../../core/src/service-folder/paths';
import { parseManifest } from '../../../core/src/service-folder/serviceFolder';
import { generatedDrift } from '../../../servicefs/src/drift';
import { listDir, readResolvers, readServiceFiles, readText } from '../../../servicefs/src/folder';
import { LineMap, Problem, sortProblems } from '../../../servicefs/src/problems';
import { analyseServiceSchema, schemaProblems } from '../../../servicefs/src/schemaProblems';
import { typeCheckService } from './typecheck';

export type { Problem, ProblemSeverity } from '../../../servicefs/src/problems';

/** The codes the check itself gives (besides the schema rules' codes and `ts<number>`). */
export const CHECK_CODES = {
  manifestMissing: 'manifest-missing',
  manifestInvalid: 'manifest-invalid',
  serviceIdMismatch: 'service-id-mismatch',
  schemaMissing: 'schema-missing',
  generatedMissing: 'generated-missing',
  generatedStale: 'generated-stale',
  generatedObsolete: 'generated-obsolete',
  snapshotInvalid: 'snapshot-invalid',
  generationFailed: 'generation-failed',
  migrationMissing: 'migration-missing',
  migrationMismatch: 'migration-mismatch',
  migrationInvalid: 'migration-invalid',
  migrationUnexpectedFile: 'migration-unexpected-file',
  orphanResolver: 'orphan-resolver',
  resolverNoDefaultExport: 'resolver-no-default-export',
  resolverNotAFunction: 'resolver-not-a-function',
  moduleNotAvailable: 'module-not-available',
} as const;

const REGENERATE = 'regenerate with `codestore generate`';

export interface CheckOptions {
  /** The service the push is for: a codestore.yaml naming another service is an error. */
  serviceId?: string;
  /** Type-check the TypeScript (default true). */
  typeCheck?: boolean;
  /** Where the platform's node_modules are (default: found from this module). */
  moduleRoot?: string;
}

export interface CommittedMigration {
  /** `src/data/migrations/<timestamp>-<Name>.ts` (or the original code.store's `<timestamp>.ts`). */
  file: string;
  timestamp: number;
  /** The exported migration class. */
  className: string;
}

export interface CheckResult {
  /** No problem of severity error. */
  ok: boolean;
  /** Sorted by file and position. */
  problems: Problem[];
  /** From codestore.yaml, when it names one. */
  serviceId?: string;
  /** sha256 (hex) of src/schema.graphql, when it exists. */
  schemaHash?: string;
  /** The committed migrations in the order they run. */
  migrations: CommittedMigration[];
}

/** Checks the service folder `dir` (an extracted push, or a folder on disk). Never throws for a bad service. */
export async function checkService(dir: string, options: CheckOptions = {}): Promise<CheckResult> {
  const root = path.resolve(dir);
  const problems: Problem[] = [];
  const result: CheckResult = { ok: false, problems, migrations: [] };

  result.serviceId = checkManifest(root, options, problems);

  const schemaText = readText(root, SCHEMA_PATH);
  if (schemaText === undefined) {
    problems.push(
      at(SCHEMA_PATH, 'error', CHECK_CODES.schemaMissing, `A service keeps its GraphQL schema at ${SCHEMA_PATH}, and there is none.`),
    );
  } else {
    result.schemaHash = createHash('sha256').update(schemaText).digest('hex');
    const analysis = analyseServiceSchema(schemaText);
    const schema = schemaProblems(analysis, readResolvers(root));
    problems.push(...schema.problems);
    // Generation needs a schema without errors (a missing resolver does not change it), as `codestore generate` does.
    if (!schema.blocking) checkGenerated(root, analysis, problems);
  }

  result.migrations = checkMigrationFiles(root, problems);

  if (options.typeCheck !== false) {
    const typed = typeCheckService(root, { moduleRoot: options.moduleRoot });
    problems.push(...typed.problems);
  }

  sortProblems(problems);
  result.ok = !problems.some((p) => p.severity === 'error');
  return result;
}

function at(file: string, severity: Problem['severity'], code: string, message: string, line = 1, column = 1): Problem {
  return { file, line, column, severity, code, message };
}

/** codestore.yaml: present, a YAML mapping, `serviceId` a non-empty string naming this service. */
function checkManifest(root: string, options: CheckOptions, problems: Problem[]): string | undefined {
  const text = readText(root, SERVICE_MANIFEST);
  if (text === undefined) {
    problems.push(
      at(
        SERVICE_MANIFEST,
        'error',
        CHECK_CODES.manifestMissing,
        `A service folder has ${SERVICE_MANIFEST} at its root, and this one has none. Create it with \`serviceId: <your service>\`.`,
      ),
    );
    return undefined;
  }
  const { manifest, error } = parseManifest(text);
  if (error) {
    const doc = parseDocument(text);
    const pos = doc.errors[0]?.linePos?.[0];
    problems.push(at(SERVICE_MANIFEST, 'error', CHECK_CODES.manifestInvalid, error, pos?.line ?? 1, pos?.col ?? 1));
    return undefined;
  }
  const id = manifest.serviceId;
  if (id !== undefined && (typeof id !== 'string' || !id.trim())) {
    const pos = new LineMap(text).position(Math.max(0, text.search(/^serviceId\s*:/m)));
    problems.push(
      at(
        SERVICE_MANIFEST,
        'error',
        CHECK_CODES.manifestInvalid,
        '`serviceId` in codestore.yaml must be a non-empty string (the id `codestore service:create` gave the service).',
        pos.line,
        pos.column,
      ),
    );
    return undefined;
  }
  if (options.serviceId !== undefined && id !== undefined && id !== options.serviceId) {
    const pos = new LineMap(text).position(Math.max(0, text.search(/^serviceId\s*:/m)));
    problems.push(
      at(
        SERVICE_MANIFEST,
        'error',
        CHECK_CODES.serviceIdMismatch,
        `codestore.yaml names the service "${id}", but this push is for "${options.serviceId}". Push from the right folder, or fix serviceId.`,
        pos.line,
        pos.column,
      ),
    );
  }
  // The gateway's settings: refused here rather than ignored once deployed.
  for (const [key, found] of [
    ['limits', costLimitsOf(manifest).problems],
    ['cors', corsOriginsOf(manifest).problems],
  ] as const) {
    const pos = new LineMap(text).position(Math.max(0, text.search(new RegExp(`^${key}\\s*:`, 'm'))));
    for (const message of found) problems.push(at(SERVICE_MANIFEST, 'error', CHECK_CODES.manifestInvalid, message, pos.line, pos.column));
  }
  return id;
}

/**
 * The generated files must be exactly what `generateService` makes from the schema, as
 * `codestore generate --check` sees them (both through generatedDrift), and the schema must not
 * need a migration that was not committed.
 */
function checkGenerated(root: string, analysis: SchemaAnalysis, problems: Problem[]): void {
  const files = readServiceFiles(root);
  const { snapshot, migrations } = files;
  let generation: ServiceGeneration;
  try {
    generation = generateService(analysis.documentWithPrelude(), files);
  } catch (e) {
    if (e instanceof SnapshotError) problems.push(at(SNAPSHOT_PATH, 'error', CHECK_CODES.snapshotInvalid, e.message));
    else
      problems.push(
        at(
          SCHEMA_PATH,
          'error',
          CHECK_CODES.generationFailed,
          `The database layer could not be generated from the schema (${(e as Error).message}). This is a bug in code.store: please report it with your schema.`,
        ),
      );
    return;
  }

  for (const drift of generatedDrift(root, generation)) {
    switch (drift.kind) {
      case 'missing':
        problems.push(
          at(
            drift.path,
            'error',
            CHECK_CODES.generatedMissing,
            `${drift.path} is missing: the schema generates it; ${REGENERATE} and push again.`,
          ),
        );
        break;
      case 'stale':
        problems.push(
          at(
            drift.path,
            'error',
            CHECK_CODES.generatedStale,
            `${drift.path} differs from what the schema generates (first at line ${drift.line}): it is stale or was edited by hand; ${REGENERATE} and push again. Generated files are owned by the platform: change the schema instead.`,
            drift.line,
            drift.column,
          ),
        );
        break;
      case 'obsolete':
        problems.push(
          at(
            drift.path,
            'error',
            CHECK_CODES.generatedObsolete,
            `${drift.path} was generated from an older schema and should be gone: ${REGENERATE} (it deletes it) and push again.`,
          ),
        );
        break;
      case 'migration-needed': {
        const name = migrationName(generation.plan);
        const what = generation.baseline === 'empty' ? 'creates the database tables' : 'changes the database';
        problems.push(
          at(
            SCHEMA_PATH,
            'error',
            CHECK_CODES.migrationMissing,
            `The schema ${what} (migration "${name}", ${generation.plan.operations.length} operation(s)) but no migration for it was committed: ${REGENERATE}, which commits the migration to ${MIGRATIONS_DIR}/, and push again.`,
          ),
        );
        break;
      }
    }
  }

  // The committed migrations, replayed, must build the schema the snapshot records: a migration
  // edited, deleted or added by hand would leave the database different from the entities.
  if (snapshot !== undefined) {
    const sources = new Map(migrations.map((f) => [f, readText(root, `${MIGRATIONS_DIR}/${f}`)]));
    const committed = committedMigrations(migrations, (f) => sources.get(f)).map((m) => m.file);
    try {
      const recorded = parseSnapshot(snapshot);
      const statements = committed.flatMap((f) => migrationStatements(sources.get(f) ?? ''));
      const differences = schemaDifferences(schemaFromMigrations(statements), recorded);
      if (differences.length) {
        const shown = differences.slice(0, 5).join('; ') + (differences.length > 5 ? `; and ${differences.length - 5} more` : '');
        problems.push(
          at(
            committed.length ? `${MIGRATIONS_DIR}/${committed[committed.length - 1]}` : SNAPSHOT_PATH,
            'error',
            CHECK_CODES.migrationMismatch,
            `The committed migrations do not build the schema recorded in ${SNAPSHOT_PATH} (${shown}): a migration was edited, deleted or added by hand. Restore the migrations from version control, then ${REGENERATE}.`,
          ),
        );
      }
    } catch (e) {
      if (!(e instanceof SnapshotError)) throw e;
      problems.push(at(SNAPSHOT_PATH, 'error', CHECK_CODES.snapshotInvalid, e.message));
    }
  }
}

/**
 * The files of `src/data/migrations/`: committed migrations (each exporting a TypeORM migration
 * class, whatever the file's name: ours are `<timestamp>-<Name>.ts`, the original code.store's
 * `<timestamp>.ts`) and the snapshot. Any other script there would be run as a migration.
 */
function checkMigrationFiles(root: string, problems: Problem[]): CommittedMigration[] {
  const out: CommittedMigration[] = [];
  for (const name of listDir(root, MIGRATIONS_DIR)) {
    const rel = `${MIGRATIONS_DIR}/${name}`;
    if (!isMigrationScript(name)) continue;
    const cls = name.endsWith('.ts') ? migrationClassOf(readText(root, rel) ?? '') : undefined;
    if (cls) {
      out.push({ file: rel, timestamp: cls.timestamp, className: cls.className });
    } else if (looksLikeMigrationFile(name)) {
      const stamp = /^\d{13}/.exec(name)![0];
      problems.push(
        at(
          rel,
          'error',
          CHECK_CODES.migrationInvalid,
          `${rel} does not export a TypeORM migration class (\`export class <Name>${stamp} implements MigrationInterface\` with async up and down, its name ending in a 13-digit timestamp). Restore it from version control.`,
        ),
      );
    } else {
      problems.push(
        at(
          rel,
          'error',
          CHECK_CODES.migrationUnexpectedFile,
          `${rel} is not a committed migration (a TypeORM migration class named after a 13-digit timestamp, in \`<timestamp>-<Name>.ts\`), yet the data source would run it as one. Move it out of ${MIGRATIONS_DIR}/, or ${REGENERATE}.`,
        ),
      );
    }
  }
  // In the order TypeORM runs them.
  return out.sort((a, b) => a.timestamp - b.timestamp || (a.file < b.file ? -1 : 1));
}
