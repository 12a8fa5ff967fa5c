// Reads the database's `public` schema back as a DbSchema, to compare with the schema a migration
// should have produced. Stricter than TypeORM's schema builder: it also sees constraint names that
// TypeORM does not compare (unique constraints), sequence names, enum types no column uses, and
// tables no entity maps to.
import type { DbColumn, DbSchema, DbTable } from '../../../core/src/codegen/dbSchema';
import { sequenceName } from '../../../core/src/codegen/migrations/postgres';
import { schemaDifferences } from '../../../core/src/codegen/migrations/simulate';
import type { TestDatabase } from './db';

/** TypeORM's own bookkeeping, not part of the service's schema. */
const IGNORED_TABLES = new Set(['migrations', 'typeorm_metadata']);

export interface Introspection {
  schema: DbSchema;
  sequences: string[];
}

const list = (s: string | null): string[] => (s ? s.split(',') : []);

/** `'-1'::integer` → `-1`, `'draft'::character varying` → `'draft'`: how a default reads, without casts. */
export function normalizeDefault(d: string | undefined): string | undefined {
  if (d === undefined || d === null) return undefined;
  let s = d.replace(/::[\w\s."[\]-]+/g, '').trim();
  const num = /^'(-?\d+(?:\.\d+)?)'$/.exec(s);
  if (num) s = num[1];
  while (/^\(.*\)$/.test(s) && !/^\(.*\)\s*\(/.test(s)) s = s.slice(1, -1);
  // Keywords and function names in any case (PostgreSQL deparses them its own way), strings as they are.
  return s
    .split("'")
    .map((part, i) => (i % 2 === 1 ? part : part.toLowerCase()))
    .join("'");
}

export async function introspect(db: TestDatabase): Promise<Introspection> {
  const enums = await db.query<{ name: string; values: string }>(
    `SELECT t.typname AS name, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS values
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' GROUP BY t.typname ORDER BY t.typname`,
  );
  const enumNames = new Set(enums.map((e) => e.name));
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const columns = await db.query<{ table: string; name: string; format: string; nullable: boolean; default: string | null }>(
    `SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS format, NOT a.attnotnull AS nullable,
            pg_get_expr(d.adbin, d.adrelid) AS default
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum`,
  );
  const constraints = await db.query<{
    table: string;
    name: string;
    type: string;
    columns: string;
    ref_table: string | null;
    ref_columns: string | null;
    on_delete: string;
    on_update: string;
  }>(
    `SELECT cl.relname AS table, con.conname AS name, con.contype AS type,
            array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o), ',') AS columns,
            rc.relname AS ref_table,
            array_to_string(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o), ',') AS ref_columns,
            con.confdeltype AS on_delete, con.confupdtype AS on_update
     FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
     LEFT JOIN pg_class rc ON rc.oid = con.confrelid
     WHERE n.nspname = 'public' ORDER BY cl.relname, con.conname`,
  );
  const indices = await db.query<{ table: string; name: string; unique: boolean; columns: string }>(
    `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique,
            array_to_string(ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.o), ',') AS columns
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype IN ('p', 'u', 'x'))
     ORDER BY t.relname, i.relname`,
  );
  const sequences = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname`,
  );
  const action = (c: string) =>
    (({ a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' }) as Record<string, string>)[
      c
    ] as DbTable['foreignKeys'][number]['onDelete'];

  const out: DbTable[] = [];
  for (const { name } of tables) {
    if (IGNORED_TABLES.has(name)) continue;
    const cols: DbColumn[] = [];
    for (const c of columns.filter((x) => x.table === name)) {
      let format = c.format;
      const array = format.endsWith('[]');
      if (array) format = format.slice(0, -2);
      const col: DbColumn = { name: c.name, type: format, array, nullable: c.nullable };
      const len = /^character varying\((\d+)\)$/.exec(format);
      if (len) {
        col.type = 'character varying';
        col.length = Number(len[1]);
      }
      const enumName = format.replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
      if (enumNames.has(enumName)) {
        col.type = enumName;
        col.enumName = enumName;
      }
      if (c.default !== null) {
        const seq = /^nextval\('"?(.*?)"?'::regclass\)$/.exec(c.default);
        if (seq && seq[1] === sequenceName(name, c.name)) col.generated = 'increment';
        else col.default = c.default;
      }
      cols.push(col);
    }
    const cons = constraints.filter((x) => x.table === name);
    const pk = cons.find((x) => x.type === 'p');
    out.push({
      name,
      columns: cols,
      primaryKey: pk ? { name: pk.name, columns: list(pk.columns) } : { name: '', columns: [] },
      uniques: cons.filter((x) => x.type === 'u').map((x) => ({ name: x.name, columns: list(x.columns) })),
      indices: indices.filter((x) => x.table === name).map((x) => ({ name: x.name, columns: list(x.columns), unique: x.unique })),
      foreignKeys: cons
        .filter((x) => x.type === 'f')
        .map((x) => ({
          name: x.name,
          columns: list(x.columns),
          referencedTable: x.ref_table!,
          referencedColumns: list(x.ref_columns),
          onDelete: action(x.on_delete),
          onUpdate: action(x.on_update),
        })),
      origin: { type: name },
    });
  }
  return {
    schema: { version: 1, tables: out, enums: enums.map((e) => ({ name: e.name, values: list(e.values), origin: { type: e.name } })) },
    sequences: sequences.map((s) => s.name).filter((s) => s !== 'migrations_id_seq' && s !== 'typeorm_metadata_id_seq'),
  };
}

/** What differs between the database and `expected` (defaults compared without casts), and stray or missing sequences. */
export async function databaseDifferences(db: TestDatabase, expected: DbSchema): Promise<string[]> {
  const { schema, sequences } = await introspect(db);
  const norm = (s: DbSchema): DbSchema => ({
    ...s,
    tables: s.tables.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...c, default: normalizeDefault(c.default) })) })),
  });
  const diffs = schemaDifferences(norm(schema), norm(expected));
  const wanted = expected.tables
    .flatMap((t) => t.columns.filter((c) => c.generated === 'increment').map((c) => sequenceName(t.name, c.name)))
    .sort();
  if (JSON.stringify(wanted) !== JSON.stringify(sequences)) diffs.push(`sequences: ${sequences.join(',')} ≠ ${wanted.join(',')}`);
  return diffs;
}
