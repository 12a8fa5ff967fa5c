// A service folder as the extension reads and writes it, with pure functions (no `vscode`, no file
// system): codestore.yaml's serviceId, the files of a new service, and whether the pending migration
// drops data. The yaml package stays out of the extension bundle: codestore.yaml is a flat mapping,
// and only its top-level `serviceId:` line is read or written here, so comments and keys stay as they are.
// The paths are core's dependency-free core/src/service-folder/paths.ts.
import { PENDING_MIGRATION_PATH, RESOLVERS_DIR, SCHEMA_PATH, SERVICE_MANIFEST, resolverPath } from '../../core/src/service-folder/paths';
import { projectFiles } from '../../core/src/project/projectFiles';

export { PENDING_MIGRATION_PATH, RESOLVERS_DIR, SCHEMA_PATH, SERVICE_MANIFEST, resolverPath };

const SERVICE_ID_LINE = /^serviceId[ \t]*:(.*)$/m;

/** A YAML scalar as written after `key:`: quotes removed, a trailing comment dropped. */
function scalar(raw: string): string {
  const text = raw.trim();
  if (text.startsWith('"')) {
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(text);
    if (m) {
      try {
        return JSON.parse(`"${m[1]}"`) as string;
      } catch {
        return m[1];
      }
    }
  }
  if (text.startsWith("'")) {
    const m = /^'((?:[^']|'')*)'/.exec(text);
    if (m) return m[1].replace(/''/g, "'");
  }
  return text.replace(/(^|\s)#.*$/, '').trim();
}

/** The serviceId of a codestore.yaml's text, if it names one. */
export function readServiceId(text: string): string | undefined {
  const m = SERVICE_ID_LINE.exec(text);
  if (!m) return undefined;
  const value = scalar(m[1]);
  return value && value !== '~' && value !== 'null' ? value : undefined;
}

/**
 * codestore.yaml's text with `serviceId: <id>`: the existing line replaced (its comment kept), or
 * one added at the end. Throws when the file is not a plain block mapping (then the user edits it).
 */
export function withServiceId(text: string, serviceId: string): string {
  const meaningful = text.split(/\r?\n/).filter((l) => l.trim() && !l.trimStart().startsWith('#'));
  if (meaningful.some((l) => /^(\{|\[|-\s|---|\.\.\.)/.test(l))) {
    throw new Error(`${SERVICE_MANIFEST} is not a plain mapping of keys: add \`serviceId: ${serviceId}\` to it yourself.`);
  }
  const value = /^[A-Za-z0-9_.-]+$/.test(serviceId) ? serviceId : JSON.stringify(serviceId);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const m = SERVICE_ID_LINE.exec(text);
  if (m) {
    const comment = /\s#.*$/.exec(m[1].replace(/^\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')/, ''))?.[0] ?? '';
    return text.slice(0, m.index) + `serviceId: ${value}${comment}` + text.slice(m.index + m[0].length);
  }
  const sep = text === '' || text.endsWith('\n') ? '' : eol;
  return `${text}${sep}serviceId: ${value}${eol}`;
}

/** A folder name for a service name: `My Blog!` → `my-blog`. */
export function folderNameFor(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'service'
  );
}

/**
 * The files of a new service: codestore.yaml (no serviceId yet), a schema with one query, its
 * resolver, and package.json, tsconfig.json and .gitignore.
 */
export function scaffoldServiceFiles(name: string): { path: string; content: string }[] {
  return [
    {
      path: SERVICE_MANIFEST,
      content: `# ${oneLineName(name)}: a code.store service. "code.store: Create Service" writes its serviceId here.\n`,
    },
    {
      path: SCHEMA_PATH,
      content: `# ${oneLineName(name)}. Every Query and Mutation field has its resolver in src/resolvers/.
type Query {
  "Says hello."
  hello(name: String): String!
}
`,
    },
    {
      path: resolverPath('queries', 'hello'),
      content: `/** Resolves \`Query.hello\`. */
export default async function hello(
  parent: unknown,
  args: { name?: string | null },
): Promise<string> {
  return \`Hello, \${args.name ?? 'world'}!\`;
}
`,
    },
    ...projectFiles(name),
  ];
}

function oneLineName(name: string): string {
  return name.replace(/\s+/g, ' ').trim();
}

/** What a pending migration would destroy, as its `up()` says it. */
export interface DestructiveChanges {
  /** The DROP TABLE / DROP COLUMN statements of `up()`. */
  statements: string[];
  /** The warnings the generator wrote in the file's header about them (`[migration-drop-table] ...`). */
  warnings: string[];
}

/**
 * The statements of a generated migration's `up()` that drop a table or a column (its `down()`
 * drops what `up()` creates, which loses nothing), with the header's warnings about dropped data.
 */
export function destructiveChanges(migrationText: string): DestructiveChanges {
  const upStart = migrationText.search(/\basync\s+up\s*\(/);
  if (upStart < 0) return { statements: [], warnings: [] };
  const downStart = migrationText.slice(upStart).search(/\basync\s+down\s*\(/);
  const up = downStart < 0 ? migrationText.slice(upStart) : migrationText.slice(upStart, upStart + downStart);
  const statements: string[] = [];
  for (const m of up.matchAll(/\.query\(\s*`((?:[^`\\]|\\.)*)`/g)) {
    const sql = m[1].replace(/\\(.)/g, '$1');
    if (/\bDROP\s+(TABLE|COLUMN)\b/i.test(sql)) statements.push(sql);
  }
  const warnings = [...migrationText.matchAll(/^\/\/ - \[(migration-drop-(?:table|column))\] (.*)$/gm)].map((m) => m[2].trim());
  return { statements, warnings };
}
