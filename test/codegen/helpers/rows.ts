// Sample rows for a physical schema, and the check that they survive a migration: every value of a
// column that continues (renamed, widened, or unchanged) reads back the same as text.
import assert from 'node:assert/strict';
import type { DbColumn, DbSchema, DbTable } from '../../../core/src/codegen/dbSchema';
import type { SchemaMatch } from '../../../core/src/codegen/migrations/diff';
import { quoteIdent as q, quoteLiteral as lit } from '../../../core/src/codegen/migrations/postgres';
import type { TestDatabase } from './db';

/** An element value of a column's type, as a PostgreSQL literal's text; distinct for distinct `k`. */
function element(c: DbColumn, k: number, schema: DbSchema): string {
  if (c.enumName !== undefined) {
    const values = schema.enums.find((e) => e.name === c.enumName)!.values;
    return values[k % values.length];
  }
  switch (c.type) {
    case 'character varying': {
      const s = `v${k}x${'abcdefghij'.repeat(3)}`;
      return c.length !== undefined ? s.slice(0, c.length) : s;
    }
    case 'integer':
      return String(k * 7 - 3);
    case 'bigint':
      return String(9007199254740993n + BigInt(k));
    case 'double precision':
      return String(k + 0.5);
    case 'numeric':
      return `12345678901234567890.${100 + k}`;
    case 'boolean':
      return k % 2 === 0 ? 'true' : 'false';
    case 'date':
      return `2024-01-${String((k % 28) + 1).padStart(2, '0')}`;
    case 'timestamp with time zone':
      return `2024-01-02 03:04:${String(k % 60).padStart(2, '0')}+00`;
    case 'jsonb':
      return JSON.stringify({ k, list: [1, 'two'] });
    default:
      throw new Error(`no sample value for type ${c.type}`);
  }
}

function arrayLiteral(items: string[]): string {
  return `{${items.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** How many distinct values a column can hold (uniques on booleans and enums run out). */
function capacity(c: DbColumn, schema: DbSchema): number {
  if (c.array) return Infinity;
  if (c.enumName !== undefined) return schema.enums.find((e) => e.name === c.enumName)!.values.length;
  if (c.type === 'boolean') return 2;
  if (c.type === 'character varying' && c.length !== undefined && c.length < 4) return 1;
  return Infinity;
}

const fkOf = (t: DbTable, column: string) => t.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === column);
const isUnique = (t: DbTable, column: string) =>
  t.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column) ||
  t.indices.some((i) => i.unique && i.columns.length === 1 && i.columns[0] === column);

/**
 * Inserts up to `perTable` rows in every table of `schema` (tables in an order that lets foreign
 * keys point at rows inserted before; a table whose required keys cannot be met stays as it is).
 * `seed` keeps values of successive calls distinct.
 */
export async function insertSampleRows(db: TestDatabase, schema: DbSchema, seed: number, perTable = 2): Promise<number> {
  const keys = new Map<string, string[]>();
  for (const t of schema.tables) {
    const pk = t.primaryKey.columns;
    if (pk.length !== 1) continue;
    const rows = await db.query<{ id: string }>(`SELECT ${q(pk[0])}::text AS id FROM ${q(t.name)} ORDER BY 1`);
    keys.set(
      t.name,
      rows.map((r) => r.id),
    );
  }
  let inserted = 0;
  const pending = schema.tables.filter((t) => !t.junction);
  // Entity tables: those whose required references can be met first.
  for (let pass = 0; pass < schema.tables.length + 1 && pending.length; pass++) {
    for (const t of [...pending]) {
      const required = t.foreignKeys.filter((f) => f.columns.some((c) => !t.columns.find((x) => x.name === c)!.nullable));
      if (required.some((f) => f.referencedTable !== t.name && !keys.get(f.referencedTable)?.length)) continue;
      if (required.some((f) => f.referencedTable === t.name)) {
        pending.splice(pending.indexOf(t), 1);
        continue;
      }
      pending.splice(pending.indexOf(t), 1);
      const rows = perTable;
      // Values unique columns already hold (as text), so new rows do not collide with old ones.
      const usedTargets = new Map<string, Set<string>>();
      for (const c of t.columns) {
        if (!isUnique(t, c.name)) continue;
        const held = await db.query<{ v: string }>(`SELECT ${q(c.name)}::text AS v FROM ${q(t.name)} WHERE ${q(c.name)} IS NOT NULL`);
        usedTargets.set(c.name, new Set(held.map((h) => h.v)));
      }
      for (let r = 0; r < rows; r++) {
        const k = seed * 10 + r;
        const names: string[] = [];
        const values: string[] = [];
        let skip = false;
        for (const c of t.columns) {
          if (c.generated === 'increment') continue;
          const fk = fkOf(t, c.name);
          if (fk) {
            const ids = keys.get(fk.referencedTable) ?? [];
            const used = usedTargets.get(c.name) ?? new Set<string>();
            const free = isUnique(t, c.name) ? ids.filter((i) => !used.has(i)) : ids;
            if (!free.length) {
              if (!c.nullable) {
                skip = true;
                break;
              }
              continue;
            }
            const id = free[r % free.length];
            used.add(id);
            usedTargets.set(c.name, used);
            names.push(q(c.name));
            values.push(lit(id));
            continue;
          }
          const unique = isUnique(t, c.name);
          // Nullable columns hold a value on even rows and null on odd ones (unless unique).
          if (c.nullable && r % 2 === 1 && !unique) continue;
          let value = c.array ? arrayLiteral([element(c, k, schema), element(c, k + 1, schema)]) : element(c, k, schema);
          if (unique) {
            const used = usedTargets.get(c.name)!;
            for (let j = 1; used.has(value) && j <= capacity(c, schema) + 1 && j < 50; j++) value = element(c, k + j * 1000, schema);
            if (used.has(value)) {
              if (!c.nullable) {
                skip = true;
                break;
              }
              continue;
            }
            used.add(value);
          }
          names.push(q(c.name));
          values.push(lit(value));
        }
        if (skip) continue;
        const pk = t.primaryKey.columns[0];
        const sql = names.length
          ? `INSERT INTO ${q(t.name)} (${names.join(', ')}) VALUES (${values.join(', ')}) RETURNING ${q(pk)}::text AS id`
          : `INSERT INTO ${q(t.name)} DEFAULT VALUES RETURNING ${q(pk)}::text AS id`;
        const [row] = await db.query<{ id: string }>(sql);
        keys.set(t.name, [...(keys.get(t.name) ?? []), row.id]);
        inserted++;
      }
    }
  }
  // Join tables: link rows pairwise.
  for (const t of schema.tables.filter((x) => x.junction)) {
    const [a, b] = t.foreignKeys;
    const left = keys.get(a.referencedTable) ?? [];
    const right = keys.get(b.referencedTable) ?? [];
    for (let r = 0; r < Math.min(left.length, right.length, perTable); r++) {
      const l = left[left.length - 1 - r];
      const rr = right[(seed + r) % right.length];
      await db.query(
        `INSERT INTO ${q(t.name)} (${q(a.columns[0])}, ${q(b.columns[0])}) VALUES (${lit(l)}, ${lit(rr)}) ON CONFLICT DO NOTHING`,
      );
      inserted++;
    }
  }
  return inserted;
}

export type Rows = Map<string, Map<string, Record<string, string | null>>>;

/** Every row of every table, each value as text, keyed by table and primary key. `asElement` reads those columns' first element. */
export async function readRows(db: TestDatabase, schema: DbSchema, asElement: Set<string> = new Set()): Promise<Rows> {
  const out: Rows = new Map();
  for (const t of schema.tables) {
    const pk = t.primaryKey.columns;
    const select = t.columns.map((c) =>
      asElement.has(`${t.name}.${c.name}`) ? `(${q(c.name)})[1]::text AS ${q(c.name)}` : `${q(c.name)}::text AS ${q(c.name)}`,
    );
    const key = pk.map((c) => `${q(c)}::text`).join(` || ',' || `);
    const rows = await db.query<Record<string, string | null>>(`SELECT ${key} AS "__key", ${select.join(', ')} FROM ${q(t.name)}`);
    out.set(t.name, new Map(rows.map((r) => [r.__key as string, r])));
  }
  return out;
}

/** Columns whose values the comparison reads as their first element (a value that became a list). */
export function listifiedColumns(prev: DbSchema, next: DbSchema, match: SchemaMatch): Set<string> {
  const out = new Set<string>();
  for (const [n, m] of match.columnOld) {
    const pt = prev.tables.find((t) => t.name === match.tableOld.get(n))!;
    const nt = next.tables.find((t) => t.name === n)!;
    for (const [nc, pc] of m) {
      if (!pt.columns.find((c) => c.name === pc)!.array && nt.columns.find((c) => c.name === nc)!.array) out.add(`${n}.${nc}`);
    }
  }
  return out;
}

/** Asserts every row of `before` (read in `prev`) is in `after` (read in `next`) with every continuing column's value. */
export function assertRowsSurvived(
  before: Rows,
  after: Rows,
  prev: DbSchema,
  next: DbSchema,
  match: SchemaMatch,
  filled: Set<string> = new Set(),
): number {
  let checked = 0;
  for (const [n, pn] of match.tableOld) {
    const rowsBefore = before.get(pn)!;
    const rowsAfter = after.get(n)!;
    const pt = prev.tables.find((t) => t.name === pn)!;
    const nt = next.tables.find((t) => t.name === n)!;
    const cols = match.columnOld.get(n)!;
    const pkMapped = pt.primaryKey.columns.every((c) => [...cols.values()].includes(c));
    if (!pkMapped) continue;
    assert.equal(rowsAfter.size, rowsBefore.size, `rows of "${pn}" → "${n}": ${rowsBefore.size} before, ${rowsAfter.size} after`);
    for (const [, row] of rowsBefore) {
      // The key in next column order.
      const key = nt.primaryKey.columns.map((c) => row[cols.get(c) ?? c]).join(',');
      const moved = rowsAfter.get(key);
      assert.ok(moved, `row ${key} of "${pn}" is missing from "${n}" after the migration`);
      for (const [nc, pc] of cols) {
        const c = pt.columns.find((x) => x.name === pc)!;
        let expected = row[pc];
        if (expected !== null && c.enumName !== undefined) {
          const ne = nt.columns.find((x) => x.name === nc)!.enumName;
          const labels = ne === undefined ? undefined : match.valueOld.get(ne);
          const rename = (v: string) => [...(labels ?? [])].find(([, o]) => o === v)?.[0] ?? v;
          expected = c.array ? `{${expected.slice(1, -1).split(',').map(rename).join(',')}}` : rename(expected);
        }
        // A column that became NOT NULL with a default gives its nulls the default.
        if (expected === null && filled.has(`${n}.${nc}`)) assert.notEqual(moved[nc], null, `"${n}"."${nc}" of row ${key} got its default`);
        else assert.equal(moved[nc], expected, `"${pn}"."${pc}" → "${n}"."${nc}" of row ${key}`);
        checked++;
      }
    }
  }
  // Links of a one-to-one whose join column changed sides: the other side now points back.
  for (const m of match.moves) {
    const sourceRows = before.get(m.from.table)!;
    const targetRows = after.get(m.to.table)!;
    for (const [key, row] of sourceRows) {
      const linked = row[m.from.column];
      if (linked === null) continue;
      assert.equal(
        targetRows.get(linked)?.[m.to.column],
        key,
        `link ${m.from.table}.${m.from.column} of row ${key} moved to ${m.to.table}.${m.to.column} of row ${linked}`,
      );
      checked++;
    }
  }
  return checked;
}
