// GitHub's public schema, as shipped by @octokit/graphql-schema, and a copy that graphql-js
// accepts. The shipped SDL (15.26.x) declares two fields of `EnterpriseOwnerInfo` twice
// (`repositoryDeployKeySetting`, `repositoryDeployKeySettingOrganizations`), so buildASTSchema
// refuses it and graphql-config (hence graphql-language-service-server) cannot load it at all.
// The copy drops the later duplicate of every field/value/argument that is declared twice; both
// servers are benchmarked on that same copy.
import * as fs from 'fs';
import * as path from 'path';
import { DocumentNode, parse } from 'graphql';

// The package exports only an ESM entry, so its files are located on disk, not through require.
export const GITHUB_SCHEMA_DIR = path.resolve(__dirname, '../../node_modules/@octokit/graphql-schema');
export const GITHUB_SCHEMA_PATH = path.join(GITHUB_SCHEMA_DIR, 'schema.graphql');

export interface GithubSchema {
  shipped: string;
  /** The shipped text without the duplicate declarations. */
  text: string;
  version: string;
  removed: string[];
}

export function loadGithubSchema(): GithubSchema {
  const shipped = fs.readFileSync(GITHUB_SCHEMA_PATH, 'utf8');
  let version = 'unknown';
  try {
    version = (JSON.parse(fs.readFileSync(path.join(GITHUB_SCHEMA_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    /* keep unknown */
  }
  const { text, removed } = dropDuplicateDeclarations(shipped);
  return { shipped, text, version, removed };
}

/** Removes the second and later declarations of a field, enum value or input field within one definition. */
export function dropDuplicateDeclarations(sdl: string): { text: string; removed: string[] } {
  const doc: DocumentNode = parse(sdl);
  const cuts: Array<{ start: number; end: number; what: string }> = [];
  for (const def of doc.definitions) {
    if (!('name' in def) || !def.name) continue;
    for (const key of ['fields', 'values'] as const) {
      const members = (
        def as unknown as Record<string, ReadonlyArray<{ name: { value: string }; loc?: { start: number; end: number } }> | undefined>
      )[key];
      const seen = new Set<string>();
      for (const m of members ?? []) {
        if (seen.has(m.name.value) && m.loc) cuts.push({ start: m.loc.start, end: m.loc.end, what: `${def.name.value}.${m.name.value}` });
        seen.add(m.name.value);
      }
    }
  }
  let text = sdl;
  for (const cut of cuts.sort((a, b) => b.start - a.start)) {
    // Take the whole lines: leading indentation and the line break (plus one blank line) after.
    let start = cut.start;
    while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
    let end = cut.end;
    if (text[end] === '\n') end++;
    if (text[end] === '\n') end++;
    text = text.slice(0, start) + text.slice(end);
  }
  return { text, removed: cuts.map((c) => c.what).reverse() };
}
