// The state a diff's phases share (diff.ts runs them in order, phases.ts has them): the matching
// of the two schemas, the database as the operations so far leave it, what is kept, and the
// operations and warnings so far.
import type { DbColumn, DbConstraint, DbForeignKey, DbIndex, DbSchema, DbTable, Origin } from '../dbSchema';
import { matchSchemas } from './match';
import { applyOperation, cloneSchema } from './simulate';
import type { Dialect, MigrationWarning, Operation, Renames } from './types';

/** A column that survives the migration, in both schemas. */
export interface Pair {
  table: string;
  prevTable: string;
  prev: DbColumn;
  next: DbColumn;
}

export const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export type DiffContext = ReturnType<typeof diffContext>;

export function diffContext(prev: DbSchema, next: DbSchema, renames: Renames, dialect: Dialect) {
  const operations: Operation[] = [];
  const warnings: MigrationWarning[] = [];
  const w = cloneSchema(prev); // the database as the operations so far leave it
  const emit = (op: Operation) => {
    operations.push(op);
    applyOperation(w, op);
  };
  const wTable = (name: string) => w.tables.find((t) => t.name === name);

  const { tableOld, tableNew, columnOld, enumOld, enumNew, valueOld, moves } = matchSchemas(prev, next, renames);
  const moveFrom = (table: string, column: string) => moves.find((m) => m.from.table === table && m.from.column === column);
  const moveTo = (table: string, column: string) => moves.find((m) => m.to.table === table && m.to.column === column);
  const prevTables = new Map(prev.tables.map((t) => [t.name, t]));
  const nextTables = new Map(next.tables.map((t) => [t.name, t]));
  const newColumnName = (prevTable: string, prevColumn: string) => columnNew.get(prevTable)?.get(prevColumn);
  const columnNew = new Map<string, Map<string, string>>(); // prev table → (prev column → next column)
  for (const [n, m] of columnOld) columnNew.set(tableOld.get(n)!, new Map([...m].map(([a, b]) => [b, a])));
  const prevEnums = new Map(prev.enums.map((e) => [e.name, e]));
  const nextEnums = new Map(next.enums.map((e) => [e.name, e]));

  /** A previous column's type in next names, to compare with the next column. */
  const typeKey = (c: DbColumn, side: 'prev' | 'next') => {
    if (c.enumName !== undefined) {
      const name = side === 'prev' ? (enumNew.has(c.enumName) ? enumNew.get(c.enumName)! : `\u0000dropped:${c.enumName}`) : c.enumName;
      return `enum:${name}:${c.array}`;
    }
    return `${c.type}:${c.length ?? ''}:${c.array}`;
  };
  // Pairs of surviving columns.
  const pairs: Pair[] = [];
  for (const [n, m] of columnOld) {
    const nt = nextTables.get(n)!;
    const pt = prevTables.get(tableOld.get(n)!)!;
    for (const [nc, pc] of m)
      pairs.push({
        table: n,
        prevTable: pt.name,
        prev: pt.columns.find((c) => c.name === pc)!,
        next: nt.columns.find((c) => c.name === nc)!,
      });
  }
  // The first pair of each previous column (what `pairs.find` would give), looked up per foreign key column.
  const pairIndex = new Map<string, Pair>();
  for (const p of pairs) {
    const key = `${p.prevTable}\u0000${p.prev.name}`;
    if (!pairIndex.has(key)) pairIndex.set(key, p);
  }
  const pairOf = (prevTable: string, prevColumn: string) => pairIndex.get(`${prevTable}\u0000${prevColumn}`);
  const typeChanges = (p: Pair) => typeKey(p.prev, 'prev') !== typeKey(p.next, 'next');
  const retyped = (prevTable: string, prevColumn: string) => {
    const p = pairOf(prevTable, prevColumn);
    return !p || typeChanges(p);
  };

  // --- What is kept: constraints and indices whose columns survive and that the next schema still has.
  const mapColumns = (prevTable: string, columns: string[]) => {
    const out = columns.map((c) => newColumnName(prevTable, c));
    return out.every((c) => c !== undefined) ? (out as string[]) : undefined;
  };
  const keptPk = new Map<string, DbConstraint>(); // prev table → next pk
  const keptUnique = new Map<string, DbConstraint>(); // `${prevTable}\0${name}` → next
  const keptIndex = new Map<string, DbIndex>();
  const keptFk = new Map<string, DbForeignKey>();
  const nextKept = new Set<object>();
  const k = (table: string, name: string) => `${table}\u0000${name}`;
  for (const [o, n] of tableNew) {
    const pt = prevTables.get(o)!;
    const nt = nextTables.get(n)!;
    const pk = mapColumns(o, pt.primaryKey.columns);
    if (pt.primaryKey.columns.length && pk && nt.primaryKey.columns.length && sameSet(pk, nt.primaryKey.columns)) {
      keptPk.set(o, nt.primaryKey);
      nextKept.add(nt.primaryKey);
    }
    for (const u of pt.uniques) {
      const c = mapColumns(o, u.columns);
      const match = c && nt.uniques.find((x) => !nextKept.has(x) && sameSet(x.columns, c));
      if (match) {
        keptUnique.set(k(o, u.name), match);
        nextKept.add(match);
      }
    }
    for (const i of pt.indices) {
      const c = mapColumns(o, i.columns);
      const match = c && nt.indices.find((x) => !nextKept.has(x) && x.unique === i.unique && sameSet(x.columns, c));
      if (match) {
        keptIndex.set(k(o, i.name), match);
        nextKept.add(match);
      }
    }
  }
  const referenceKept = (prevTable: string, columns: string[]) => {
    const t = prevTables.get(prevTable)!;
    if (keptPk.has(prevTable) && sameSet(t.primaryKey.columns, columns)) return true;
    return t.uniques.some((u) => keptUnique.has(k(prevTable, u.name)) && sameSet(u.columns, columns));
  };
  for (const [o, n] of tableNew) {
    const pt = prevTables.get(o)!;
    const nt = nextTables.get(n)!;
    for (const fk of pt.foreignKeys) {
      const c = mapColumns(o, fk.columns);
      const refTable = tableNew.get(fk.referencedTable);
      const refColumns = refTable === undefined ? undefined : mapColumns(fk.referencedTable, fk.referencedColumns);
      if (!c || refTable === undefined || !refColumns) continue;
      if (fk.columns.some((x) => retyped(o, x)) || fk.referencedColumns.some((x) => retyped(fk.referencedTable, x))) continue;
      if (!referenceKept(fk.referencedTable, fk.referencedColumns)) continue;
      const match = nt.foreignKeys.find(
        (x) =>
          !nextKept.has(x) &&
          sameSet(x.columns, c) &&
          x.referencedTable === refTable &&
          sameSet(x.referencedColumns, refColumns) &&
          x.onDelete === fk.onDelete &&
          x.onUpdate === fk.onUpdate,
      );
      if (match) {
        keptFk.set(k(o, fk.name), match);
        nextKept.add(match);
      }
    }
  }

  // Used by several phases.
  const createdTables = next.tables.filter((t) => !tableOld.has(t.name));
  const droppedTables = prev.tables.filter((t) => !tableNew.has(t.name));
  const enumInUse = (name: string) => w.tables.some((t) => t.columns.some((c) => c.enumName === name));
  const dropUnusedEnums = () => {
    for (const e of [...w.enums])
      if (!enumNew.has(e.name) && prevEnums.has(e.name) && !enumInUse(e.name)) emit({ op: 'dropEnum', enum: e });
  };

  function sameType(a: DbColumn, b: DbColumn): boolean {
    return a.type === b.type && a.length === b.length && a.array === b.array && a.enumName === b.enumName;
  }

  function fieldOrigin(t: DbTable, c: DbColumn): Origin {
    return c.origin ?? { type: t.origin.type, field: c.name };
  }

  function describe(o: Origin): string {
    return o.value !== undefined ? `${o.type}.${o.value}` : o.field !== undefined ? `${o.type}.${o.field}` : o.type;
  }

  return {
    prev,
    next,
    renames,
    dialect,
    operations,
    warnings,
    w,
    emit,
    wTable,
    moveFrom,
    moveTo,
    prevTables,
    nextTables,
    newColumnName,
    columnNew,
    prevEnums,
    nextEnums,
    typeKey,
    pairs,
    pairOf,
    typeChanges,
    retyped,
    mapColumns,
    keptPk,
    keptUnique,
    keptIndex,
    keptFk,
    nextKept,
    k,
    referenceKept,
    tableOld,
    tableNew,
    columnOld,
    enumOld,
    enumNew,
    valueOld,
    moves,
    createdTables,
    droppedTables,
    enumInUse,
    dropUnusedEnums,
    sameType,
    fieldOrigin,
    describe,
  };
}
