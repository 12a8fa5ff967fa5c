// Service folders for platform tests: the blog fixture with the push-blog resolvers, generated as
// `codestore generate` would, and variants of it (a schema edit, more resolvers) generated again
// on top, so each variant carries the migration from the one before.
import * as fs from 'fs';
import * as path from 'path';
import { SchemaAnalysis } from '../../../core/src/schema/analysis';
import { CodegenHost } from '../../../servicefs/src/codegen';
import { REPO_ROOT } from './platform';

export const BLOG = path.join(REPO_ROOT, 'test/fixtures/blog');
export const PUSH_BLOG = path.join(REPO_ROOT, 'test/fixtures/push-blog');

/** Regenerates the database layer of `dir` from its schema, committing a migration for any change. */
export async function generate(dir: string): Promise<void> {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(fs.readFileSync(path.join(dir, 'src/schema.graphql'), 'utf8'));
  await new CodegenHost().write({ root: dir }, analysis.documentWithPrelude(), true);
}

/** A pushable blog service in `dir` (which must not exist or be empty), its codestore.yaml naming `serviceId`. */
export async function blogService(dir: string, serviceId: string): Promise<string> {
  fs.cpSync(BLOG, dir, { recursive: true });
  fs.cpSync(path.join(PUSH_BLOG, 'src'), path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'codestore.yaml'), `serviceId: ${serviceId}\n`);
  await generate(dir);
  return dir;
}

export interface Variant {
  /** Returns the new schema from the old. */
  schema?: (sdl: string) => string;
  /** More files, by path relative to the service folder. */
  files?: Record<string, string>;
}

/** A copy of `from` in `to` with the edits applied and the database layer generated again. */
export async function variant(from: string, to: string, edits: Variant): Promise<string> {
  fs.cpSync(from, to, { recursive: true });
  const schemaPath = path.join(to, 'src/schema.graphql');
  if (edits.schema) fs.writeFileSync(schemaPath, edits.schema(fs.readFileSync(schemaPath, 'utf8')));
  for (const [rel, content] of Object.entries(edits.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    fs.writeFileSync(path.join(to, rel), content);
  }
  // Distinct migration timestamps for variants made in the same millisecond.
  await new Promise((r) => setTimeout(r, 2));
  await generate(to);
  return to;
}

/** Adds fields to the Query (or Mutation) type of a schema. */
export function addFields(type: 'Query' | 'Mutation', fields: string): (sdl: string) => string {
  return (sdl) => sdl.replace(new RegExp(`type ${type} \\{`), `type ${type} {\n  ${fields}`);
}
