// Matching two schemas: what a diff needs of them (narrowToChanges), and which next object
// continues which previous one (matchSchemas).
import type { DbSchema, DbTable } from '../dbSchema';
import type { ColumnMove, Renames } from './types';

/**
 * The parts of two schemas a diff needs: the tables and enum types that differ or take part in a
 * rename, the tables next to them (foreign keys either way; their keys to tables further away
 * are left out on both sides, so they plan nothing), and the enum types those tables use.
 * A one-field edit of a large schema then diffs a handful of tables, not all of them.
 */
export function narrowToChanges(previous: DbSchema, next: DbSchema, renames: Renames): [DbSchema, DbSchema] {
  const same = (a: object | undefined, b: object | undefined) => a !== undefined && b !== undefined && (a === b || jsonOf(a) === jsonOf(b));
  const prevTables = new Map(previous.tables.map((t) => [t.name, t]));
  const nextTables = new Map(next.tables.map((t) => [t.name, t]));
  const prevEnums = new Map(previous.enums.map((e) => [e.name, e]));
  const nextEnums = new Map(next.enums.map((e) => [e.name, e]));

  const changedEnums = new Set<string>();
  for (const name of new Set([...prevEnums.keys(), ...nextEnums.keys()]))
    if (!same(prevEnums.get(name), nextEnums.get(name))) changedEnums.add(name);
  for (const [n, o] of Object.entries(renames.enums)) {
    changedEnums.add(n);
    changedEnums.add(o);
  }
  for (const n of Object.keys(renames.enumValues)) changedEnums.add(n);

  const changed = new Set<string>();
  const usesChangedEnum = (t: { columns: { enumName?: string }[] }) =>
    t.columns.some((c) => c.enumName !== undefined && changedEnums.has(c.enumName));
  for (const name of new Set([...prevTables.keys(), ...nextTables.keys()])) {
    const p = prevTables.get(name);
    const n = nextTables.get(name);
    if (!same(p, n) || (p && usesChangedEnum(p)) || (n && usesChangedEnum(n))) changed.add(name);
  }
  for (const [n, o] of Object.entries(renames.tables)) {
    changed.add(n);
    changed.add(o);
  }
  for (const n of Object.keys(renames.columns)) {
    changed.add(n);
    if (renames.tables[n]) changed.add(renames.tables[n]);
  }
  for (const m of renames.moves) {
    changed.add(m.from.table);
    changed.add(m.to.table);
  }
  if (!changed.size && !changedEnums.size)
    return [
      { ...previous, tables: [], enums: [] },
      { ...next, tables: [], enums: [] },
    ];

  // Neighbours: what changed tables reference, and what references them, on either side.
  const keep = new Set(changed);
  for (const tables of [previous.tables, next.tables]) {
    for (const t of tables) {
      for (const fk of t.foreignKeys) {
        if (changed.has(t.name)) keep.add(fk.referencedTable);
        if (changed.has(fk.referencedTable)) keep.add(t.name);
      }
    }
  }
  // Enum types the kept tables use on either side: kept on both sides, so one that stays is never
  // taken for one that goes.
  const used = new Set(changedEnums);
  for (const tables of [previous.tables, next.tables]) {
    for (const t of tables) if (keep.has(t.name)) for (const c of t.columns) if (c.enumName !== undefined) used.add(c.enumName);
  }
  const narrow = (s: DbSchema): DbSchema => {
    const tables = s.tables
      .filter((t) => keep.has(t.name))
      .map((t) => (changed.has(t.name) ? t : { ...t, foreignKeys: t.foreignKeys.filter((fk) => keep.has(fk.referencedTable)) }));
    return { ...s, tables, enums: s.enums.filter((e) => used.has(e.name)) };
  };
  return [narrow(previous), narrow(next)];
}

/**
 * JSON.stringify of an object, kept for frozen ones (the parsed snapshot, the tables physical.ts
 * keeps per entity): an edit then compares the text of one or two tables afresh, not all of them.
 */
const texts = new WeakMap<object, string>();
export function jsonOf(value: object): string {
  if (!Object.isFrozen(value)) return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

/** Which next table, column, enum type and label continues which previous one (keyed by next names unless said). */
export interface SchemaMatch {
  /** next table → previous table */
  tableOld: Map<string, string>;
  /** previous table → next table */
  tableNew: Map<string, string>;
  /** next table → (next column → previous column) */
  columnOld: Map<string, Map<string, string>>;
  /** next enum → previous enum */
  enumOld: Map<string, string>;
  /** previous enum → next enum */
  enumNew: Map<string, string>;
  /** next enum → (next label → previous label) */
  valueOld: Map<string, Map<string, string>>;
  /** Valid one-to-one join column moves. */
  moves: ColumnMove[];
}

/**
 * Matches the next schema's objects to the previous ones: by the renames when they are valid (the
 * old name is in `prev`, the new name is not, and the old name is not also kept), else by name.
 */
export function matchSchemas(prev: DbSchema, next: DbSchema, renames: Renames): SchemaMatch {
  const prevTables = new Map(prev.tables.map((t) => [t.name, t]));
  const nextTables = new Map(next.tables.map((t) => [t.name, t]));
  const tableOld = new Map<string, string>(); // next → prev
  for (const t of next.tables) {
    const r = renames.tables[t.name];
    const taken = new Set(tableOld.values());
    if (r !== undefined && r !== t.name && prevTables.has(r) && !prevTables.has(t.name) && !nextTables.has(r) && !taken.has(r))
      tableOld.set(t.name, r);
    else if (prevTables.has(t.name) && !taken.has(t.name)) tableOld.set(t.name, t.name);
  }
  const tableNew = new Map([...tableOld].map(([n, o]) => [o, n])); // prev → next

  const columnOld = new Map<string, Map<string, string>>(); // next table → (next column → prev column)
  for (const [n, o] of tableOld) {
    const nt = nextTables.get(n)!;
    const pt = prevTables.get(o)!;
    const m = new Map<string, string>();
    const has = (t: DbTable, c: string) => t.columns.some((x) => x.name === c);
    for (const c of nt.columns) {
      const r = renames.columns[n]?.[c.name];
      const taken = new Set(m.values());
      if (r !== undefined && r !== c.name && has(pt, r) && !has(pt, c.name) && !has(nt, r) && !taken.has(r)) m.set(c.name, r);
      else if (has(pt, c.name) && !taken.has(c.name)) m.set(c.name, c.name);
    }
    columnOld.set(n, m);
  }

  const prevEnums = new Map(prev.enums.map((e) => [e.name, e]));
  const nextEnums = new Map(next.enums.map((e) => [e.name, e]));
  const enumOld = new Map<string, string>();
  for (const e of next.enums) {
    const r = renames.enums[e.name];
    const taken = new Set(enumOld.values());
    if (r !== undefined && r !== e.name && prevEnums.has(r) && !prevEnums.has(e.name) && !nextEnums.has(r) && !taken.has(r))
      enumOld.set(e.name, r);
    else if (prevEnums.has(e.name) && !taken.has(e.name)) enumOld.set(e.name, e.name);
  }
  const enumNew = new Map([...enumOld].map(([n, o]) => [o, n]));
  const valueOld = new Map<string, Map<string, string>>(); // next enum → (next label → prev label)
  for (const [n, o] of enumOld) {
    const ne = nextEnums.get(n)!;
    const pe = prevEnums.get(o)!;
    const m = new Map<string, string>();
    for (const v of ne.values) {
      const r = renames.enumValues[n]?.[v];
      const taken = new Set(m.values());
      if (r !== undefined && r !== v && pe.values.includes(r) && !pe.values.includes(v) && !ne.values.includes(r) && !taken.has(r))
        m.set(v, r);
      else if (pe.values.includes(v) && !taken.has(v)) m.set(v, v);
    }
    valueOld.set(n, m);
  }

  const moves = (renames.moves ?? []).filter((m) => {
    const to = columnOld.get(m.to.table);
    const fromTable = prev.tables.find((t) => t.name === m.from.table);
    const toTable = next.tables.find((t) => t.name === m.to.table);
    return (
      tableNew.has(m.from.table) &&
      to !== undefined &&
      !to.has(m.to.column) &&
      !!fromTable &&
      !!toTable &&
      fromTable.columns.some((c) => c.name === m.from.column) &&
      toTable.columns.some((c) => c.name === m.to.column) &&
      ![...(columnOld.get(tableNew.get(m.from.table)!) ?? new Map()).values()].includes(m.from.column)
    );
  });
  return { tableOld, tableNew, columnOld, enumOld, enumNew, valueOld, moves };
}

/** Whether a column default in `schema` uses `value` of enum `enumName`. */
export function defaultsUse(schema: DbSchema, enumName: string, value: string): boolean {
  const literal = `'${value.replace(/'/g, "''")}'`;
  return schema.tables.some((t) =>
    t.columns.some((c) => c.enumName === enumName && c.default !== undefined && c.default.includes(literal)),
  );
}
