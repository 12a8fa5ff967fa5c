// Copies the `public` schema of one PostgreSQL database into another, table by table: enum types,
// sequences, tables with their columns and defaults, rows, then constraints and indexes (after the
// rows, so their order does not matter). Both ends are anything that runs SQL (PGlite or a
// server), which is how a data directory of the PGlite platform moves onto the server.
import type { Queryable } from './db';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const BATCH = 2000;

export interface CopyOptions {
  /** Tables to leave out (their rows; with `schema: false`, also their definition). */
  skip?: ReadonlySet<string>;
  /** Create the types, sequences, tables, constraints and indexes (else they exist already, empty). */
  schema: boolean;
}

/** The rows of each copied table, for the caller's check. */
export type CopyCounts = Record<string, number>;

export async function copyDatabase(source: Queryable, target: Queryable, options: CopyOptions): Promise<CopyCounts> {
  const skip = options.skip ?? new Set<string>();
  const other = await source.query<{ kind: string; name: string }>(`
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS kind, n.nspname || '.' || c.relname AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ((c.relkind IN ('r', 'p') AND n.nspname <> 'public') OR (c.relkind IN ('v', 'm') AND n.nspname = 'public'))
       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`);
  if (other.length) throw new Error(`it has a ${other[0].kind} ${other[0].name}; only tables in the public schema can be moved`);
  const tables = (
    await source.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    )
  )
    .map((t) => t.name)
    .filter((t) => !skip.has(t));

  const columnsOf = new Map<
    string,
    Array<{ name: string; type: string; notnull: boolean; def: string | null; identity: string; generated: string }>
  >();
  for (const t of tables) {
    columnsOf.set(
      t,
      await source.query(
        `
      SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
             pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity AS identity, a.attgenerated AS generated
        FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE a.attrelid = ('public.' || quote_ident($1))::regclass AND a.attnum > 0 AND NOT a.attisdropped
       ORDER BY a.attnum`,
        [t],
      ),
    );
  }
  const sequences = await source.query<{
    name: string;
    type: string;
    start: string;
    inc: string;
    min: string;
    max: string;
    cycle: boolean;
    last: string | null;
    owner: string | null;
  }>(`
    SELECT s.sequencename AS name, s.data_type::text AS type, s.start_value::text AS start, s.increment_by::text AS inc,
           s.min_value::text AS min, s.max_value::text AS max, s.cycle, s.last_value::text AS last,
           (SELECT quote_ident(t.relname) || '.' || quote_ident(a.attname) FROM pg_depend dep
              JOIN pg_class t ON t.oid = dep.refobjid JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
             WHERE dep.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass AND dep.deptype = 'a' LIMIT 1) AS owner
      FROM pg_sequences s WHERE s.schemaname = 'public' ORDER BY s.sequencename`);
  // Identity columns' sequences come with their tables.
  const identitySequences = new Set(
    (
      await source.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_depend d ON d.objid = c.oid AND d.deptype = 'i' WHERE c.relkind = 'S'`)
    ).map((r) => r.name),
  );

  if (options.schema) {
    const enums = await source.query<{ name: string; labels: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' GROUP BY t.typname ORDER BY t.typname`);
    for (const e of enums) {
      await target.query(`CREATE TYPE public.${q(e.name)} AS ENUM (${e.labels.map((l) => `'${l.replace(/'/g, "''")}'`).join(', ')})`);
    }
    for (const s of sequences) {
      if (identitySequences.has(s.name)) continue;
      await target.query(
        `CREATE SEQUENCE public.${q(s.name)} AS ${s.type} INCREMENT ${s.inc} MINVALUE ${s.min} MAXVALUE ${s.max} START ${s.start}${s.cycle ? ' CYCLE' : ''}`,
      );
    }
    for (const t of tables) {
      const cols = columnsOf.get(t)!.map((c) => {
        let col = `${q(c.name)} ${c.type}`;
        if (c.generated === 's') col += ` GENERATED ALWAYS AS (${c.def}) STORED`;
        else if (c.identity) col += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
        else if (c.def !== null) col += ` DEFAULT ${c.def}`;
        if (c.notnull) col += ' NOT NULL';
        return col;
      });
      await target.query(`CREATE TABLE public.${q(t)} (${cols.join(', ')})`);
    }
    for (const s of sequences) {
      if (s.owner && !identitySequences.has(s.name)) await target.query(`ALTER SEQUENCE public.${q(s.name)} OWNED BY public.${s.owner}`);
    }
  }

  const counts: CopyCounts = {};
  for (const t of tables) {
    const cols = columnsOf.get(t)!.filter((c) => c.generated !== 's');
    const list = cols.map((c) => q(c.name)).join(', ');
    const overriding = cols.some((c) => c.identity === 'a') ? ' OVERRIDING SYSTEM VALUE' : '';
    let copied = 0;
    for (;;) {
      const [{ rows }] = await source.query<{ rows: string | null }>(
        `SELECT json_agg(t)::text AS rows FROM (SELECT ${list} FROM public.${q(t)} ORDER BY ctid LIMIT ${BATCH} OFFSET ${copied}) t`,
      );
      if (!rows) break;
      const inserted = await target.query<{ n: number }>(
        `WITH ins AS (INSERT INTO public.${q(t)} (${list})${overriding} SELECT ${list} FROM json_populate_recordset(NULL::public.${q(t)}, $1::json) RETURNING 1) SELECT count(*)::int AS n FROM ins`,
        [rows],
      );
      copied += inserted[0].n;
      if (inserted[0].n < BATCH) break;
    }
    const [{ n }] = await source.query<{ n: number }>(`SELECT count(*)::int AS n FROM public.${q(t)}`);
    if (n !== copied) throw new Error(`table ${t}: ${copied} of ${n} rows copied`);
    counts[t] = copied;
  }

  for (const s of sequences) {
    if (skip.size && s.owner && skip.has(s.owner.split('.')[0].replace(/"/g, ''))) continue;
    if (s.last === null) continue;
    await target.query(`SELECT setval('public.${q(s.name)}', ${s.last}, true)`);
  }

  if (options.schema) {
    const constraints = await source.query<{ tbl: string; name: string; def: string; foreign: boolean }>(`
      SELECT r.relname AS tbl, c.conname AS name, pg_get_constraintdef(c.oid) AS def, c.contype = 'f' AS foreign
        FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
       WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'c', 'x', 'f')
       ORDER BY CASE c.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 WHEN 'c' THEN 3 ELSE 4 END, r.relname, c.conname`);
    // Foreign keys last: they need the unique indexes they reference.
    for (const c of constraints.filter((k) => !k.foreign)) {
      if (!skip.has(c.tbl)) await target.query(`ALTER TABLE public.${q(c.tbl)} ADD CONSTRAINT ${q(c.name)} ${c.def}`);
    }
    const indexes = await source.query<{ tbl: string; def: string }>(`
      SELECT t.relname AS tbl, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))`);
    for (const i of indexes) {
      if (!skip.has(i.tbl)) await target.query(i.def);
    }
    for (const c of constraints.filter((k) => k.foreign)) {
      if (!skip.has(c.tbl)) await target.query(`ALTER TABLE public.${q(c.tbl)} ADD CONSTRAINT ${q(c.name)} ${c.def}`);
    }
  }
  return counts;
}
