// The migration between two physical schemas (the committed snapshot and the schema the model
// maps to now), planned so no data is lost that need not be:
// - renames (from @renamedFrom) rename tables, columns, enum types and labels, and with them the
//   constraints, indices and id sequences whose names TypeORM derives from them;
// - type changes convert the rows in place (ALTER COLUMN ... TYPE ... USING);
// - what cannot be done without losing data (drops, narrowing, new NOT NULL columns) is still
//   planned, and reported as a warning that says how to avoid the loss.
// The down migration is the same diff taken backwards, with the renames inverted.
import type { DataModel, ModelField } from '../../model/model';
import type { DbColumn, DbConstraint, DbEnum, DbForeignKey, DbIndex, DbSchema, DbTable, Origin } from '../dbSchema';
import { physicalSchema } from '../physical';
import { postgres } from './postgres';
import { applyOperation, cloneSchema } from './simulate';
import type { ColumnMove, Dialect, MigrationPlan, MigrationWarning, Operation, QuickFix, Renames } from './types';

export function emptyRenames(): Renames {
  return { tables: {}, columns: {}, enums: {}, enumValues: {}, moves: [] };
}

/** The same renames seen from the other side (keyed by the old names, giving the new ones). */
export function invertRenames(r: Renames): Renames {
  const out = emptyRenames();
  for (const [to, from] of Object.entries(r.tables)) out.tables[from] = to;
  for (const [table, map] of Object.entries(r.columns)) {
    const oldTable = r.tables[table] ?? table;
    const m = (out.columns[oldTable] ??= {});
    for (const [to, from] of Object.entries(map)) m[from] = to;
  }
  for (const [to, from] of Object.entries(r.enums)) out.enums[from] = to;
  for (const [e, map] of Object.entries(r.enumValues)) {
    const oldEnum = r.enums[e] ?? e;
    const m = (out.enumValues[oldEnum] ??= {});
    for (const [to, from] of Object.entries(map)) m[from] = to;
  }
  out.moves = (r.moves ?? []).map((m) => ({ from: m.to, to: m.from }));
  return out;
}

/** Plans the migration from `previous` to `next`, both ways. */
export function planMigration(previous: DbSchema, next: DbSchema, renames: Renames = emptyRenames(), dialect: Dialect = postgres): MigrationPlan {
  [previous, next] = narrowToChanges(previous, next, renames);
  const up = diffSchemas(previous, next, renames, dialect);
  const down = diffSchemas(next, previous, invertRenames(renames), dialect);
  return {
    empty: up.operations.length === 0,
    operations: up.operations,
    downOperations: down.operations,
    up: up.operations.flatMap((op) => dialect.sql(op)),
    down: down.operations.flatMap((op) => dialect.sql(op)),
    warnings: up.warnings,
    renames,
  };
}

// ---------------------------------------------------------------------------------------------
// Renames from the model

const originEquals = (a: Origin | undefined, b: Origin | undefined) =>
  !!a && !!b && a.type === b.type && a.field === b.field && a.value === b.value;

/**
 * The renames @renamedFrom asks for, as physical names between `previous` (the snapshot) and the
 * schema the model maps to. A rename counts only when its old name is in `previous` and its new
 * name is not (so a @renamedFrom left in the schema after its migration does nothing). Join
 * tables and their key columns follow renames of the types and fields they come from.
 */
export function renamesOf(model: DataModel, previous: DbSchema, next: DbSchema = physicalSchema(model)): Renames {
  const out = emptyRenames();
  const prevTables = new Map(previous.tables.map((t) => [t.name, t]));
  const nextNames = new Set(next.tables.map((t) => t.name));
  const claimed = new Set<string>();
  const tableOld = new Map<string, DbTable>();
  const renamedType = (t: string) => model.entities.get(t)?.renamedFrom;
  const renamedField = (t: string, f: string | undefined) => (f === undefined ? undefined : model.entities.get(t)?.fields.find((x: ModelField) => x.name === f)?.renamedFrom);
  /**
   * The origins a next origin may have had, best first: a @renamedFrom counts only where it
   * applies (the type's table was matched through it), and a stale one falls back to the name.
   */
  const oldOrigins = (o: Origin | undefined): Origin[] => {
    if (!o) return [];
    const types = [tableOld.get(o.type)?.origin.type, renamedType(o.type), o.type].filter((x): x is string => x !== undefined);
    const fields = [renamedField(o.type, o.field), o.field];
    const out: Origin[] = [];
    for (const type of types) for (const field of fields) if (!out.some((x) => originEquals(x, { type, field }))) out.push({ type, field });
    return out;
  };
  const wasOneOf = (prev: Origin | undefined, o: Origin | undefined) => oldOrigins(o).some((c) => originEquals(prev, c));

  // Tables: entity tables, then join tables (known by the relation they store, from either side:
  // the owning side may change when a type is renamed).
  for (const junction of [false, true]) {
    for (const t of next.tables) {
      if (!!t.junction !== junction) continue;
      const same = prevTables.get(t.name);
      if (same) { tableOld.set(t.name, same); continue; }
      const free = previous.tables.filter((p) => !nextNames.has(p.name) && !claimed.has(p.name) && !!p.junction === junction);
      let found: DbTable | undefined;
      if (!junction) {
        const was = renamedType(t.origin.type);
        if (was !== undefined) found = free.find((p) => originEquals(p.origin, { type: was })) ?? free.find((p) => p.name === was);
      } else {
        found = free.find((p) => wasOneOf(p.origin, t.origin))
          ?? free.find((p) => t.columns.some((c) => wasOneOf(p.origin, c.origin)) && p.columns.some((pc) => t.columns.some((c) => wasOneOf(pc.origin, c.origin))));
      }
      if (found) {
        claimed.add(found.name);
        tableOld.set(t.name, found);
        out.tables[t.name] = found.name;
      }
    }
  }

  // Columns.
  for (const t of next.tables) {
    const p = tableOld.get(t.name);
    if (!p) continue;
    const names = new Set(t.columns.map((c) => c.name));
    const used = new Set<string>();
    const isKey = (table: DbTable, c: string) => table.foreignKeys.some((fk) => fk.columns.includes(c));
    const refOf = (table: DbTable, c: string) => table.foreignKeys.find((fk) => fk.columns.includes(c))?.referencedTable;
    for (const c of t.columns) {
      if (p.columns.some((x) => x.name === c.name)) continue;
      const free = p.columns.filter((x) => !names.has(x.name) && !used.has(x.name));
      let found: DbColumn | undefined;
      if (!t.junction) {
        // The column of the same (possibly renamed) field: a join column is also renamed when
        // the referenced key is.
        for (const was of oldOrigins(c.origin)) {
          found = free.find((x) => originEquals(x.origin, was) && isKey(p, x.name) === isKey(t, c.name));
          if (found) break;
        }
      } else {
        // Join table keys: the column that referenced the same (possibly renamed) table, in order.
        const target = refOf(t, c.name);
        const oldTarget = target === undefined ? undefined : (tableOld.get(target)?.name ?? target);
        const candidates = free.filter((x) => refOf(p, x.name) === oldTarget);
        found = candidates.find((x) => wasOneOf(x.origin, c.origin)) ?? candidates[0];
      }
      if (found) {
        used.add(found.name);
        (out.columns[t.name] ??= {})[c.name] = found.name;
      }
    }
  }
  /** Whether a previous column continues in the next schema (by name, or renamed). */
  const continues = (prevTable: string, prevColumn: string) => next.tables.some((t) => {
    if (tableOld.get(t.name)?.name !== prevTable) return false;
    const renamed = out.columns[t.name] ?? {};
    return Object.values(renamed).includes(prevColumn) || (t.columns.some((c) => c.name === prevColumn) && renamed[prevColumn] === undefined);
  });

  // One-to-one join columns that change sides (the owning side is decided by names).
  for (const t of next.tables) {
    const p = tableOld.get(t.name);
    if (!p || t.junction) continue;
    for (const c of t.columns) {
      const fk = t.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === c.name);
      if (!fk || !c.origin?.field || p.columns.some((x) => x.name === c.name) || out.columns[t.name]?.[c.name] !== undefined) continue;
      const rel = model.entities.get(c.origin.type)?.fields.find((f) => f.name === c.origin!.field)?.relation;
      const source = tableOld.get(fk.referencedTable);
      if (!rel?.inverse || !source) continue;
      const inverse = { type: fk.referencedTable, field: rel.inverse };
      const column = source.columns.find((x) => wasOneOf(x.origin, inverse)
        && source.foreignKeys.some((f) => f.columns.length === 1 && f.columns[0] === x.name && f.referencedTable === p.name));
      if (!column || continues(source.name, column.name)) continue;
      // Many links cannot fold into one: only a one-to-one's join column moves into a one-to-one.
      const unique = source.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column.name);
      if (rel.kind === 'one-to-one' && !unique) continue;
      out.moves.push({ from: { table: source.name, column: column.name }, to: { table: t.name, column: c.name } });
    }
  }

  // Enum types and labels.
  const prevEnums = new Map(previous.enums.map((e) => [e.name, e]));
  const nextEnums = new Set(next.enums.map((e) => e.name));
  for (const e of next.enums) {
    let p = prevEnums.get(e.name);
    if (!p) {
      const was = model.enums.get(e.origin.type)?.renamedFrom;
      if (was === undefined) continue;
      p = previous.enums.find((x) => !nextEnums.has(x.name) && (originEquals(x.origin, { type: was }) || x.name === was));
      if (!p || Object.values(out.enums).includes(p.name)) continue;
      out.enums[e.name] = p.name;
    }
    const modelEnum = model.enums.get(e.origin.type);
    for (const v of modelEnum?.values ?? []) {
      if (v.renamedFrom === undefined || p.values.includes(v.name) || !p.values.includes(v.renamedFrom) || e.values.includes(v.renamedFrom)) continue;
      (out.enumValues[e.name] ??= {})[v.name] = v.renamedFrom;
    }
  }
  return out;
}

/**
 * The parts of two schemas a diff needs: the tables and enum types that differ or take part in a
 * rename, the tables next to them (foreign keys either way; their keys to tables further away
 * are left out on both sides, so they plan nothing), and the enum types those tables use.
 * A one-field edit of a large schema then diffs a handful of tables, not all of them.
 */
export function narrowToChanges(previous: DbSchema, next: DbSchema, renames: Renames): [DbSchema, DbSchema] {
  const same = (a: unknown, b: unknown) => a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
  const prevTables = new Map(previous.tables.map((t) => [t.name, t]));
  const nextTables = new Map(next.tables.map((t) => [t.name, t]));
  const prevEnums = new Map(previous.enums.map((e) => [e.name, e]));
  const nextEnums = new Map(next.enums.map((e) => [e.name, e]));

  const changedEnums = new Set<string>();
  for (const name of new Set([...prevEnums.keys(), ...nextEnums.keys()])) if (!same(prevEnums.get(name), nextEnums.get(name))) changedEnums.add(name);
  for (const [n, o] of Object.entries(renames.enums)) { changedEnums.add(n); changedEnums.add(o); }
  for (const n of Object.keys(renames.enumValues)) changedEnums.add(n);

  const changed = new Set<string>();
  const usesChangedEnum = (t: { columns: { enumName?: string }[] }) => t.columns.some((c) => c.enumName !== undefined && changedEnums.has(c.enumName));
  for (const name of new Set([...prevTables.keys(), ...nextTables.keys()])) {
    const p = prevTables.get(name);
    const n = nextTables.get(name);
    if (!same(p, n) || (p && usesChangedEnum(p)) || (n && usesChangedEnum(n))) changed.add(name);
  }
  for (const [n, o] of Object.entries(renames.tables)) { changed.add(n); changed.add(o); }
  for (const n of Object.keys(renames.columns)) { changed.add(n); if (renames.tables[n]) changed.add(renames.tables[n]); }
  for (const m of renames.moves) { changed.add(m.from.table); changed.add(m.to.table); }
  if (!changed.size && !changedEnums.size) return [{ ...previous, tables: [], enums: [] }, { ...next, tables: [], enums: [] }];

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
    const tables = s.tables.filter((t) => keep.has(t.name)).map((t) => changed.has(t.name)
      ? t
      : { ...t, foreignKeys: t.foreignKeys.filter((fk) => keep.has(fk.referencedTable)) });
    return { ...s, tables, enums: s.enums.filter((e) => used.has(e.name)) };
  };
  return [narrow(previous), narrow(next)];
}

// ---------------------------------------------------------------------------------------------
// The diff

interface Diff {
  operations: Operation[];
  warnings: MigrationWarning[];
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Plans the operations that take `prev` to `next`. */
export function diffSchemas(prev: DbSchema, next: DbSchema, renames: Renames, dialect: Dialect): Diff {
  const operations: Operation[] = [];
  const warnings: MigrationWarning[] = [];
  const w = cloneSchema(prev); // the database as the operations so far leave it
  const emit = (op: Operation) => { operations.push(op); applyOperation(w, op); };
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
  interface Pair { table: string; prevTable: string; prev: DbColumn; next: DbColumn }
  const pairs: Pair[] = [];
  for (const [n, m] of columnOld) {
    const nt = nextTables.get(n)!;
    const pt = prevTables.get(tableOld.get(n)!)!;
    for (const [nc, pc] of m) pairs.push({ table: n, prevTable: pt.name, prev: pt.columns.find((c) => c.name === pc)!, next: nt.columns.find((c) => c.name === nc)! });
  }
  const pairOf = (prevTable: string, prevColumn: string) => pairs.find((p) => p.prevTable === prevTable && p.prev.name === prevColumn);
  const typeChanges = (p: Pair) => typeKey(p.prev, 'prev') !== typeKey(p.next, 'next');
  const retyped = (prevTable: string, prevColumn: string) => { const p = pairOf(prevTable, prevColumn); return !p || typeChanges(p); };

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
      if (match) { keptUnique.set(k(o, u.name), match); nextKept.add(match); }
    }
    for (const i of pt.indices) {
      const c = mapColumns(o, i.columns);
      const match = c && nt.indices.find((x) => !nextKept.has(x) && x.unique === i.unique && sameSet(x.columns, c));
      if (match) { keptIndex.set(k(o, i.name), match); nextKept.add(match); }
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
      const match = nt.foreignKeys.find((x) => !nextKept.has(x) && sameSet(x.columns, c) && x.referencedTable === refTable
        && sameSet(x.referencedColumns, refColumns) && x.onDelete === fk.onDelete && x.onUpdate === fk.onUpdate);
      if (match) { keptFk.set(k(o, fk.name), match); nextKept.add(match); }
    }
  }

  // --- Phase 1: drop the foreign keys that go or change (nothing they guard may block what follows).
  for (const pt of prev.tables) {
    for (const fk of pt.foreignKeys) if (!keptFk.has(k(pt.name, fk.name))) emit({ op: 'dropForeignKey', table: pt.name, foreignKey: fk });
  }
  // --- Phase 2: drop indices, unique constraints and primary keys that go or change.
  for (const [o] of tableNew) {
    const pt = prevTables.get(o)!;
    for (const i of pt.indices) if (!keptIndex.has(k(o, i.name))) emit({ op: 'dropIndex', table: o, index: i });
    for (const u of pt.uniques) if (!keptUnique.has(k(o, u.name))) emit({ op: 'dropUnique', table: o, constraint: u });
    if (pt.primaryKey.columns.length && !keptPk.has(o)) emit({ op: 'dropPrimaryKey', table: o, constraint: pt.primaryKey });
  }

  // --- Phase 3: drop tables and columns that go, then enum types nothing uses any more.
  const createdTables = next.tables.filter((t) => !tableOld.has(t.name));
  const droppedTables = prev.tables.filter((t) => !tableNew.has(t.name));
  for (const pt of droppedTables) {
    emit({ op: 'dropTable', table: pt });
    warnDropTable(pt);
  }
  for (const [o, n] of tableNew) {
    const pt = prevTables.get(o)!;
    for (const c of pt.columns) {
      if (newColumnName(o, c.name) !== undefined || moveFrom(o, c.name)) continue;
      emit({ op: 'dropColumn', table: o, column: c });
      warnDropColumn(pt, nextTables.get(n)!, c);
    }
  }
  const enumInUse = (name: string) => w.tables.some((t) => t.columns.some((c) => c.enumName === name));
  const dropUnusedEnums = () => {
    for (const e of [...w.enums]) if (!enumNew.has(e.name) && prevEnums.has(e.name) && !enumInUse(e.name)) emit({ op: 'dropEnum', enum: e });
  };
  dropUnusedEnums();

  // --- Phase 4: renames: enum types, tables, columns, then what TypeORM names after them.
  for (const [n, o] of enumOld) if (n !== o) emit({ op: 'renameEnum', from: o, to: n });
  for (const [n, o] of tableOld) if (n !== o) emit(nextTables.get(n)!.junction ? { op: 'renameTable', from: o, to: n, junction: true } : { op: 'renameTable', from: o, to: n });
  for (const [n, m] of columnOld) for (const [nc, pc] of m) if (nc !== pc) emit({ op: 'renameColumn', table: n, from: pc, to: nc });
  for (const p of pairs) {
    if (p.prev.generated !== 'increment' || p.next.generated !== 'increment') continue;
    const from = dialect.sequenceName(p.prevTable, p.prev.name);
    const to = dialect.sequenceName(p.table, p.next.name);
    if (from !== to) emit({ op: 'renameSequence', table: p.table, from, to });
  }
  for (const [o, n] of tableNew) {
    const pt = prevTables.get(o)!;
    const pk = keptPk.get(o);
    if (pk && pk.name !== pt.primaryKey.name) emit({ op: 'renameConstraint', table: n, from: pt.primaryKey.name, to: pk.name });
    for (const u of pt.uniques) {
      const to = keptUnique.get(k(o, u.name));
      if (to && to.name !== u.name) emit({ op: 'renameConstraint', table: n, from: u.name, to: to.name });
    }
    for (const fk of pt.foreignKeys) {
      const to = keptFk.get(k(o, fk.name));
      if (to && to.name !== fk.name) emit({ op: 'renameConstraint', table: n, from: fk.name, to: to.name });
    }
    for (const i of pt.indices) {
      const to = keptIndex.get(k(o, i.name));
      if (to && to.name !== i.name) emit({ op: 'renameIndex', table: n, from: i.name, to: to.name });
    }
  }
  for (const [n, m] of valueOld) for (const [nv, pv] of m) if (nv !== pv) emit({ op: 'renameEnumValue', enum: n, from: pv, to: nv });
  // Columns leaving an enum type for another type convert now, before the enum's labels change.
  for (const p of pairs) {
    if (p.prev.enumName === undefined || p.next.enumName !== undefined || !typeChanges(p)) continue;
    alterType(p);
  }
  dropUnusedEnums();

  // --- Phase 5: new enum types, and label changes of the others.
  for (const e of next.enums) if (!enumOld.has(e.name)) emit({ op: 'createEnum', enum: e });
  for (const [n] of enumOld) {
    const ne = nextEnums.get(n)!;
    const we = w.enums.find((e) => e.name === n)!;
    const removed = we.values.filter((v) => !ne.values.includes(v));
    const added = ne.values.filter((v) => !we.values.includes(v));
    if (!removed.length && !added.length) continue;
    // PostgreSQL refuses a label added in the same transaction in a default or a conversion.
    const usesAdded = added.some((v) => defaultsUse(next, n, v)) || pairs.some((p) => p.next.enumName === n && typeChanges(p));
    if (removed.length || (usesAdded && !dialect.enumValueUsableInSameTransaction)) {
      const columns = w.tables.flatMap((t) => t.columns.filter((c) => c.enumName === n)
        .map((c) => ({ table: t.name, column: c.name, array: c.array, ...(c.default !== undefined ? { hasDefault: true } : {}) })));
      emit({ op: 'replaceEnumValues', enum: n, values: [...ne.values], previousValues: [...we.values], columns });
      if (columns.length) for (const v of removed) warnDropEnumValue(ne, v, added);
    } else {
      for (const v of added) {
        const at = ne.values.indexOf(v);
        const current = w.enums.find((e) => e.name === n)!.values;
        const before = ne.values.slice(at + 1).find((x) => current.includes(x));
        const after = [...ne.values.slice(0, at)].reverse().find((x) => current.includes(x));
        emit(before !== undefined ? { op: 'addEnumValue', enum: n, value: v, before } : after !== undefined ? { op: 'addEnumValue', enum: n, value: v, after } : { op: 'addEnumValue', enum: n, value: v });
      }
    }
  }

  // --- Phase 6: new tables (keys and uniques inline, indices after) and new columns.
  for (const nt of createdTables) {
    emit({ op: 'createTable', table: { ...nt, indices: [], foreignKeys: [] } });
    for (const i of nt.indices) emit({ op: 'createIndex', table: nt.name, index: i });
  }
  for (const [n, m] of columnOld) {
    const nt = nextTables.get(n)!;
    for (const c of nt.columns) {
      if (m.has(c.name)) continue;
      const move = moveTo(n, c.name);
      if (move) {
        // The relation's join column changes sides: add it, copy the links, drop the old one.
        const source = tableNew.get(move.from.table)!;
        emit({ op: 'addColumn', table: n, column: { ...c, nullable: true } });
        emit({
          op: 'moveReference',
          from: { table: source, column: move.from.column, key: nextTables.get(source)!.primaryKey.columns[0] },
          to: { table: n, column: c.name, key: nt.primaryKey.columns[0] },
        });
        emit({ op: 'dropColumn', table: source, column: wTable(source)!.columns.find((x) => x.name === move.from.column)! });
        if (!c.nullable) {
          warnings.push({
            code: 'migration-set-not-null', origin: fieldOrigin(nt, c), table: n, column: c.name, fixes: [{ kind: 'nullable', target: fieldOrigin(nt, c) }],
            message: `The migration moves the links of ${describe(fieldOrigin(nt, c))} to "${n}"."${c.name}", which is NOT NULL: it fails if a "${n}" row has no link. Make the field nullable, or link every row first.`,
          });
          emit({ op: 'setNullable', table: n, column: c.name, nullable: false });
        }
        continue;
      }
      emit({ op: 'addColumn', table: n, column: c });
      if (!c.nullable && c.default === undefined && c.generated === undefined) warnRequiredColumn(prevTables.get(tableOld.get(n)!)!, nt, c);
    }
  }

  // --- Phase 7: changed columns: type, generation, default, nullability.
  for (const p of pairs) {
    const wc = wTable(p.table)!.columns.find((c) => c.name === p.next.name)!;
    if (typeKey(p.prev, 'prev') !== typeKey(p.next, 'next') && !sameType(wc, p.next)) alterType(p);
    if ((wc.generated === 'increment') !== (p.next.generated === 'increment')) {
      emit({ op: 'setGenerated', table: p.table, column: p.next.name, type: p.next.type, generated: p.next.generated === 'increment', sequence: dialect.sequenceName(p.table, p.next.name) });
    }
    if (wc.default !== p.next.default) emit({ op: 'setDefault', table: p.table, column: p.next.name, default: p.next.default });
    if (wc.nullable && !p.next.nullable) {
      if (p.next.default !== undefined) emit({ op: 'fillNulls', table: p.table, column: p.next.name });
      else warnSetNotNull(p);
      emit({ op: 'setNullable', table: p.table, column: p.next.name, nullable: false });
    } else if (!wc.nullable && p.next.nullable) {
      emit({ op: 'setNullable', table: p.table, column: p.next.name, nullable: true });
    }
  }

  // --- Phase 8: enum types left without columns.
  for (const e of [...w.enums]) if (!enumNew.has(e.name) && prevEnums.has(e.name)) emit({ op: 'dropEnum', enum: e });

  // --- Phase 9: keys, uniques and indices of changed tables; then every new foreign key.
  for (const [n] of tableOld) {
    const nt = nextTables.get(n)!;
    if (nt.primaryKey.columns.length && !nextKept.has(nt.primaryKey)) emit({ op: 'addPrimaryKey', table: n, constraint: nt.primaryKey });
    // A unique constraint over columns that already hold values fails on duplicates.
    const existing = (columns: string[]) => columns.every((c) => columnOld.get(n)!.has(c));
    for (const u of nt.uniques) {
      if (nextKept.has(u)) continue;
      emit({ op: 'addUnique', table: n, constraint: u });
      if (existing(u.columns)) warnAddUnique(nt, u.columns);
    }
    for (const i of nt.indices) {
      if (nextKept.has(i)) continue;
      emit({ op: 'createIndex', table: n, index: i });
      if (i.unique && existing(i.columns)) warnAddUnique(nt, i.columns);
    }
  }
  for (const nt of next.tables) {
    for (const fk of nt.foreignKeys) if (!nextKept.has(fk)) emit({ op: 'addForeignKey', table: nt.name, foreignKey: fk });
  }

  return { operations, warnings };

  // --- helpers (closures over the matching above) -------------------------------------------

  function sameType(a: DbColumn, b: DbColumn): boolean {
    return a.type === b.type && a.length === b.length && a.array === b.array && a.enumName === b.enumName;
  }

  function alterType(p: Pair): void {
    const wc = wTable(p.table)!.columns.find((c) => c.name === p.next.name)!;
    if (wc.default !== undefined) emit({ op: 'setDefault', table: p.table, column: p.next.name, default: undefined });
    const from = { ...wc };
    const enums = {
      from: from.enumName === undefined ? undefined : w.enums.find((e) => e.name === from.enumName),
      to: p.next.enumName === undefined ? undefined : nextEnums.get(p.next.enumName),
    };
    emit({ op: 'alterColumnType', table: p.table, column: { ...p.next }, from });
    const change = dialect.typeChange(from, p.next, enums);
    if (change === 'narrowing' || change === 'incompatible') warnTypeChange(p, from, change, enums);
  }

  function fieldOrigin(t: DbTable, c: DbColumn): Origin {
    return c.origin ?? { type: t.origin.type, field: c.name };
  }

  function describe(o: Origin): string {
    return o.value !== undefined ? `${o.type}.${o.value}` : o.field !== undefined ? `${o.type}.${o.field}` : o.type;
  }

  function warnDropTable(pt: DbTable): void {
    // A join table goes with either type's table: that drop is the warning.
    if (pt.junction && pt.foreignKeys.some((f) => droppedTables.some((d) => !d.junction && d.name === f.referencedTable))) return;
    const fixes: QuickFix[] = [];
    const candidates = createdTables.filter((t) => !!t.junction === !!pt.junction);
    if (!pt.junction) {
      const score = (t: DbTable) => t.columns.filter((c) => pt.columns.some((x) => x.name === c.name && typeKey(x, 'prev') === typeKey(c, 'next'))).length;
      for (const t of [...candidates].sort((a, b) => score(b) - score(a)).slice(0, 3)) {
        fixes.push({ kind: 'renamedFrom', target: { type: t.origin.type }, name: pt.origin.type });
      }
      warnings.push({
        code: 'migration-drop-table', origin: pt.origin, table: pt.name, fixes,
        message: `The migration drops table "${pt.name}" and every row in it: "${pt.origin.type}" is no longer in the schema. ` +
          (fixes.length
            ? `If it was renamed, add @renamedFrom(name: "${pt.origin.type}") to the type that replaces it, and the table is renamed with its rows.`
            : `If it was renamed, add @renamedFrom(name: "${pt.origin.type}") to the new type; otherwise export the rows you need before migrating.`),
      });
    } else {
      for (const t of candidates) {
        if (t.origin.field === undefined || pt.origin.field === undefined || t.origin.field === pt.origin.field) continue;
        fixes.push({ kind: 'renamedFrom', target: { type: t.origin.type, field: t.origin.field }, name: pt.origin.field });
      }
      warnings.push({
        code: 'migration-drop-table', origin: pt.origin, table: pt.name, fixes: fixes.slice(0, 3),
        message: `The migration drops join table "${pt.name}" and every link it holds for ${describe(pt.origin)}. ` +
          `If the relation field was renamed, add @renamedFrom(name: "${pt.origin.field}") to it; otherwise the links are lost.`,
      });
    }
  }

  function warnDropColumn(pt: DbTable, nt: DbTable, c: DbColumn): void {
    const origin = fieldOrigin(pt, c);
    const oldName = origin.field ?? c.name;
    const added = nt.columns.filter((x) => !(columnOld.get(nt.name)?.has(x.name)));
    const sameKind = (x: DbColumn) => pt.foreignKeys.some((f) => f.columns.includes(c.name)) === nt.foreignKeys.some((f) => f.columns.includes(x.name));
    const ranked = added.filter(sameKind).sort((a, b) => Number(typeKey(b, 'next') === typeKey(c, 'prev')) - Number(typeKey(a, 'next') === typeKey(c, 'prev')));
    const fixes: QuickFix[] = pt.junction ? [] : ranked.slice(0, 3).map((x) => ({ kind: 'renamedFrom', target: fieldOrigin(nt, x), name: oldName }));
    warnings.push({
      code: 'migration-drop-column', origin, table: nt.name, column: c.name, fixes,
      message: `The migration drops column "${pt.name}"."${c.name}" and its values: ${describe(origin)} is no longer in the schema. ` +
        (fixes.length && fixes[0].kind === 'renamedFrom'
          ? `If it was renamed to "${fixes[0].target.field}", add @renamedFrom(name: "${oldName}") to that field, and the column is renamed with its values.`
          : `If it was renamed, add @renamedFrom(name: "${oldName}") to the new field; otherwise copy the values you need before migrating.`),
    });
  }

  function warnDropEnumValue(e: DbEnum, value: string, added: string[]): void {
    const fixes: QuickFix[] = added.slice(0, 3).map((v) => ({ kind: 'renamedFrom', target: { type: e.origin.type, value: v }, name: value }));
    warnings.push({
      code: 'migration-drop-enum-value', origin: { type: e.origin.type, value }, fixes,
      message: `The migration removes "${value}" from enum "${e.origin.type}": it fails if any row still holds "${value}". ` +
        (fixes.length
          ? `If "${value}" was renamed, add @renamedFrom(name: "${value}") to the value that replaces it; otherwise update those rows to another value first.`
          : `Update those rows to another value first, or keep the value.`),
    });
  }

  function warnTypeChange(p: Pair, from: DbColumn, change: 'narrowing' | 'incompatible', enums: { from?: DbEnum; to?: DbEnum }): void {
    const nt = nextTables.get(p.table)!;
    const origin = fieldOrigin(nt, p.next);
    const fixes: QuickFix[] = [];
    const show = (c: DbColumn) => (c.enumName !== undefined ? `enum ${c.enumName}` : c.length !== undefined ? `${c.type}(${c.length})` : c.type) + (c.array ? '[]' : '');
    // An enum replaced by another (renamed without @renamedFrom) whose labels do not all carry over.
    if (enums.from && enums.to && !prevEnums.has(enums.to.name) && !enumNew.has(enums.from.name)) {
      fixes.push({ kind: 'renamedFrom', target: { type: enums.to.origin.type }, name: enums.from.origin.type });
    }
    warnings.push({
      code: change === 'narrowing' ? 'migration-narrow-type' : 'migration-change-type', origin, table: p.table, column: p.next.name, fixes,
      message: change === 'narrowing'
        ? `The migration narrows ${describe(origin)} from ${show(from)} to ${show(p.next)}: values that do not fit make it fail, or lose precision. ` +
          `Keep the wider type, or add a new field and copy the values that fit.`
        : `The migration converts ${describe(origin)} from ${show(from)} to ${show(p.next)}: it fails on any value that does not convert. ` +
          (fixes.length
            ? `If enum "${enums.from!.origin.type}" was renamed, add @renamedFrom(name: "${enums.from!.origin.type}") to "${enums.to!.origin.type}".`
            : `Keep the type and add a new field for the new values, or make sure every stored value converts.`),
    });
  }

  function warnRequiredColumn(pt: DbTable, nt: DbTable, c: DbColumn): void {
    const origin = fieldOrigin(nt, c);
    const isKey = nt.foreignKeys.some((f) => f.columns.includes(c.name));
    const fixes: QuickFix[] = [];
    const dropped = pt.columns.filter((x) => newColumnName(pt.name, x.name) === undefined && (x.origin?.field ?? x.name) !== origin.field);
    const sameKind = (x: DbColumn) => pt.foreignKeys.some((f) => f.columns.includes(x.name)) === isKey;
    for (const x of dropped.filter(sameKind).slice(0, 3)) fixes.push({ kind: 'renamedFrom', target: origin, name: x.origin?.field ?? x.name });
    if (!isKey) fixes.push({ kind: 'default', target: origin });
    fixes.push({ kind: 'nullable', target: origin });
    warnings.push({
      code: 'migration-add-required-column', origin, table: nt.name, column: c.name, fixes,
      message: `The migration adds the required column "${nt.name}"."${c.name}" without a default: it fails if "${nt.name}" has rows. ` +
        (fixes[0].kind === 'renamedFrom' ? `If it replaces "${fixes[0].name}", add @renamedFrom(name: "${fixes[0].name}") to ${describe(origin)}; otherwise ` : '') +
        (isKey ? `make ${describe(origin)} nullable, or fill the table afterwards.` : `add @default(value: ...) to ${describe(origin)}, or make it nullable.`).replace(/^./, (ch) => (fixes[0].kind === 'renamedFrom' ? ch : ch.toUpperCase())),
    });
  }

  function warnAddUnique(nt: DbTable, columns: string[]): void {
    const c = nt.columns.find((x) => x.name === columns[0])!;
    const origin = fieldOrigin(nt, c);
    warnings.push({
      code: 'migration-add-unique', origin, table: nt.name, column: c.name, fixes: [],
      message: `The migration makes "${nt.name}".${columns.map((x) => `"${x}"`).join(', ')} unique: it fails if two rows hold the same value. ` +
        `Remove the duplicates first, or leave ${describe(origin)} without @unique.`,
    });
  }

  function warnSetNotNull(p: Pair): void {
    const nt = nextTables.get(p.table)!;
    const origin = fieldOrigin(nt, p.next);
    const isKey = nt.foreignKeys.some((f) => f.columns.includes(p.next.name));
    const fixes: QuickFix[] = isKey ? [{ kind: 'nullable', target: origin }] : [{ kind: 'default', target: origin }, { kind: 'nullable', target: origin }];
    warnings.push({
      code: 'migration-set-not-null', origin, table: p.table, column: p.next.name, fixes,
      message: `The migration makes "${p.table}"."${p.next.name}" NOT NULL: it fails if a row holds null. ` +
        (isKey ? `Keep ${describe(origin)} nullable, or set it on every row first.` : `Add @default(value: ...) to ${describe(origin)} so existing nulls get it, or keep it nullable.`),
    });
  }
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
    if (r !== undefined && r !== t.name && prevTables.has(r) && !prevTables.has(t.name) && !nextTables.has(r) && !taken.has(r)) tableOld.set(t.name, r);
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
    if (r !== undefined && r !== e.name && prevEnums.has(r) && !prevEnums.has(e.name) && !nextEnums.has(r) && !taken.has(r)) enumOld.set(e.name, r);
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
      if (r !== undefined && r !== v && pe.values.includes(r) && !pe.values.includes(v) && !ne.values.includes(r) && !taken.has(r)) m.set(v, r);
      else if (pe.values.includes(v) && !taken.has(v)) m.set(v, v);
    }
    valueOld.set(n, m);
  }

  const moves = (renames.moves ?? []).filter((m) => {
    const to = columnOld.get(m.to.table);
    const fromTable = prev.tables.find((t) => t.name === m.from.table);
    const toTable = next.tables.find((t) => t.name === m.to.table);
    return tableNew.has(m.from.table) && to !== undefined && !to.has(m.to.column) && !!fromTable && !!toTable
      && fromTable.columns.some((c) => c.name === m.from.column) && toTable.columns.some((c) => c.name === m.to.column)
      && ![...(columnOld.get(tableNew.get(m.from.table)!) ?? new Map()).values()].includes(m.from.column);
  });
  return { tableOld, tableNew, columnOld, enumOld, enumNew, valueOld, moves };
}

/** Whether a column default in `schema` uses `value` of enum `enumName`. */
function defaultsUse(schema: DbSchema, enumName: string, value: string): boolean {
  const literal = `'${value.replace(/'/g, "''")}'`;
  return schema.tables.some((t) => t.columns.some((c) => c.enumName === enumName && c.default !== undefined && c.default.includes(literal)));
}
