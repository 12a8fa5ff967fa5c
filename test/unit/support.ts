// Shared helpers for the unit tests: cursor markers in fixture text, documents for the server
// features, and a stable comparison key for diagnostics.
import fc from 'fast-check';
import { readFileSync } from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import type { SchemaDiagnostic } from '../../core/src/schema/diagnostics';
import type { SchemaDocument } from '../../server/src/service/document';
import type { ServiceFolder } from '../../servicefs/src/folder';

// Property tests run from a fixed seed so a run can be repeated exactly; set CODESTORE_FUZZ_SEED
// to explore other seeds (fast-check prints the seed of any failure).
export const FUZZ_SEED = Number(process.env.CODESTORE_FUZZ_SEED ?? 20261124);
fc.configureGlobal({ seed: FUZZ_SEED });

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const GITHUB_SCHEMA_PATH = path.join(REPO_ROOT, 'node_modules/@octokit/graphql-schema/schema.graphql');
export const BLOG_SCHEMA_PATH = path.join(REPO_ROOT, 'test/fixtures/blog/src/schema.graphql');

let githubSchema: string | undefined;
export function githubSchemaText(): string {
  githubSchema ??= readFileSync(GITHUB_SCHEMA_PATH, 'utf8');
  return githubSchema;
}

export function blogSchemaText(): string {
  return readFileSync(BLOG_SCHEMA_PATH, 'utf8');
}

/** `'type A { b: St|ring }'` → the text without the marker and the marker's offset. */
export function withCursor(marked: string, marker = '|'): { text: string; offset: number } {
  const offset = marked.indexOf(marker);
  if (offset < 0) throw new Error(`no cursor marker "${marker}" in ${JSON.stringify(marked)}`);
  if (marked.indexOf(marker, offset + marker.length) >= 0) throw new Error(`more than one cursor marker in ${JSON.stringify(marked)}`);
  return { text: marked.slice(0, offset) + marked.slice(offset + marker.length), offset };
}

/**
 * Several positions in one fixture, each marked with `‸` (GraphQL never uses it):
 * `'type ‸A { b: ‸B }'` → the text without the marks and their offsets, in order.
 */
export function withMarks(marked: string, mark = '‸'): { text: string; at: number[] } {
  const parts = marked.split(mark);
  const at: number[] = [];
  let offset = 0;
  for (let i = 0; i < parts.length - 1; i++) {
    offset += parts[i].length;
    at.push(offset);
  }
  return { text: parts.join(''), at };
}

/** A fake service folder: only what the features read. */
export function fakeService(queries: string[] = [], mutations: string[] = [], root = '/work/svc'): ServiceFolder {
  return { root, resolvers: { queries: new Set(queries), mutations: new Set(mutations) } };
}

export interface DocOptions {
  prelude?: boolean;
  service?: ServiceFolder;
  uri?: string;
}

/** A SchemaDocument over `text`, analysed from scratch. */
export function schemaDocument(text: string, opts: DocOptions = {}): SchemaDocument {
  const prelude = opts.prelude ?? !!opts.service;
  const uri = opts.uri ?? (opts.service ? `file://${opts.service.root}/src/schema.graphql` : 'file:///work/scratch/schema.graphql');
  const analysis = new SchemaAnalysis({ prelude });
  analysis.update(text);
  return { uri, document: TextDocument.create(uri, 'graphql', 1, text), analysis, service: opts.service };
}

/** A diagnostic as a comparable string: position, code and message. */
export function diagnosticKey(d: Pick<SchemaDiagnostic, 'start' | 'end' | 'code' | 'message'>): string {
  return `${d.start}-${d.end} ${d.code}: ${d.message}`;
}

/** Diagnostics as a sorted multiset of keys. */
export function diagnosticKeys(ds: readonly SchemaDiagnostic[]): string[] {
  return ds.map(diagnosticKey).sort();
}

/** Line and column of an offset, for readable failure messages. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}
