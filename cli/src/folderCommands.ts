// check and generate: the service folder's schema and database layer, with the same core as the
// language server. push regenerates through `generateDatabaseLayer` too.
import * as fs from 'fs';
import * as path from 'path';
import type { SchemaAnalysis } from '../../core/src/schema/analysis';
import type { MigrationPlan } from '../../core/src/codegen/migrations';
import { SCHEMA_PATH, SERVICE_MANIFEST } from '../../core/src/service-folder/paths';
import { readResolvers } from '../../servicefs/src/folder';
import { CodegenHost } from '../../servicefs/src/codegen';
import { ensureProjectFiles, formatLack } from '../../servicefs/src/project';
import { formatProblem, sortProblems } from '../../servicefs/src/problems';
import { analyseServiceSchema, schemaProblems } from '../../servicefs/src/schemaProblems';
import { CommandInput, printJson } from './context';
import { CliError } from './errors';

/** The service's schema, analysed; throws saying why not. */
function loadService(dir: string): { text: string; analysis: SchemaAnalysis } {
  if (!fs.existsSync(path.join(dir, SERVICE_MANIFEST))) {
    throw new CliError(`${dir} is not a service folder (no ${SERVICE_MANIFEST}). Run it in a service folder or pass its path.`, 2);
  }
  const schemaFile = path.join(dir, SCHEMA_PATH);
  let text: string;
  try {
    text = fs.readFileSync(schemaFile, 'utf8');
  } catch {
    throw new CliError(`cannot read ${schemaFile}. A service keeps its schema at ${SCHEMA_PATH}.`, 2);
  }
  return { text, analysis: analyseServiceSchema(text) };
}

/** Refuses to generate from a schema with errors (a missing resolver is no reason not to). */
function refuseErrors(analysis: SchemaAnalysis, dir: string): void {
  const errors = schemaProblems(analysis, readResolvers(dir)).problems.filter(
    (p) => p.severity === 'error' && p.code !== 'missing-resolver',
  );
  if (errors.length)
    throw new CliError(`the schema has ${errors.length} error(s); nothing was generated. Run \`codestore check\` to see them.`);
}

export interface Regeneration {
  written: string[];
  deleted: string[];
  /** The migration committed, when the schema needed one. */
  migration?: string;
  warnings: MigrationPlan['warnings'];
}

/** The DROP TABLE / DROP COLUMN statements of a plan's `up`: what loses data when it runs. */
export function destructiveSteps(plan: Pick<MigrationPlan, 'up'>): string[] {
  return plan.up.filter((sql) => /\bDROP\s+(TABLE|COLUMN)\b/i.test(sql));
}

/**
 * What `codestore generate` does: writes the generated files and commits the pending migration.
 * `confirm`, when given, sees a migration that drops data before anything is written, and
 * returns false to write nothing. Throws when the schema has errors.
 */
export async function generateDatabaseLayer(
  dir: string,
  confirm?: (destructive: string[], plan: MigrationPlan) => Promise<boolean>,
): Promise<Regeneration | undefined> {
  const loaded = loadService(dir);
  refuseErrors(loaded.analysis, dir);
  const service = { root: dir };
  const host = new CodegenHost();
  const doc = loaded.analysis.documentWithPrelude();
  let result;
  try {
    if (confirm) {
      const planned = await host.plan(service, doc);
      const destructive = destructiveSteps(planned.plan);
      if (destructive.length && !(await confirm(destructive, planned.plan))) return undefined;
    }
    result = await host.write(service, doc, true);
  } catch (e) {
    // A broken snapshot says what to do; it is the user's to fix, not a crash.
    if ((e as Error)?.name === 'SnapshotError') throw new CliError((e as Error).message);
    throw e;
  }
  return {
    written: result.written,
    deleted: result.deleted,
    migration: result.generation.committed?.path,
    warnings: result.generation.plan.warnings,
  };
}

export async function generate({ values, args }: CommandInput): Promise<number> {
  const dir = path.resolve(args[0] ?? '.');
  if (values.check) {
    const loaded = loadService(dir);
    refuseErrors(loaded.analysis, dir);
    const { stale } = await new CodegenHost().check({ root: dir }, loaded.analysis.documentWithPrelude());
    if (values.json) printJson({ upToDate: !stale.length, stale });
    else
      process.stdout.write(
        stale.length
          ? `Out of date:\n${stale.map((s) => `  ${s}`).join('\n')}\nRun \`codestore generate\` and commit the result.\n`
          : 'Generated files are up to date.\n',
      );
    return stale.length ? 1 : 0;
  }
  const result = (await generateDatabaseLayer(dir))!;
  // The folder as a TypeScript project (package.json, tsconfig.json, .gitignore): what it lacks.
  const project = ensureProjectFiles(dir);
  result.written.unshift(...project.written);
  if (values.json)
    printJson({
      written: result.written,
      deleted: result.deleted,
      migration: result.migration,
      warnings: result.warnings,
      projectFiles: project.lacks,
    });
  else {
    for (const w of result.warnings) process.stdout.write(`warning ${w.message} [${w.code}]\n`);
    for (const l of project.lacks) process.stdout.write(`warning ${formatLack(l)}\n`);
    for (const f of result.written) process.stdout.write(`wrote ${f}\n`);
    for (const f of result.deleted) process.stdout.write(`deleted ${f}\n`);
    if (!result.written.length && !result.deleted.length) process.stdout.write('Everything is up to date.\n');
  }
  return 0;
}

export async function check({ values, args }: CommandInput): Promise<number> {
  const dir = path.resolve(args[0] ?? '.');
  const { analysis } = loadService(dir);
  const rows = sortProblems(schemaProblems(analysis, readResolvers(dir)).problems);
  if (values.json) printJson(rows);
  else {
    for (const r of rows) process.stdout.write(`${formatProblem(r)}\n`);
    const errors = rows.filter((r) => r.severity === 'error').length;
    process.stdout.write(errors || rows.length ? `${errors} error(s), ${rows.length - errors} warning(s)\n` : 'The schema is valid.\n');
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}
