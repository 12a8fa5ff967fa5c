// The phases of a diff, in the order diff.ts runs them: each emits its operations into the
// shared DiffContext, which applies them to the working copy of the database the next phase sees.
import type { DiffContext, Pair } from './diffContext';
import { defaultsUse } from './match';
import type { DiffWarnings } from './warnings';

/** Phase 1: drop the foreign keys that go or change (nothing they guard may block what follows). */
function dropForeignKeys(ctx: DiffContext): void {
  const { prev, emit, keptFk, k } = ctx;
  for (const pt of prev.tables) {
    for (const fk of pt.foreignKeys) if (!keptFk.has(k(pt.name, fk.name))) emit({ op: 'dropForeignKey', table: pt.name, foreignKey: fk });
  }
}

/** Phase 2: drop indices, unique constraints and primary keys that go or change. */
function dropKeysAndIndices(ctx: DiffContext): void {
  const { emit, prevTables, keptPk, keptUnique, keptIndex, k, tableNew } = ctx;
  for (const [o] of tableNew) {
    const pt = prevTables.get(o)!;
    for (const i of pt.indices) if (!keptIndex.has(k(o, i.name))) emit({ op: 'dropIndex', table: o, index: i });
    for (const u of pt.uniques) if (!keptUnique.has(k(o, u.name))) emit({ op: 'dropUnique', table: o, constraint: u });
    if (pt.primaryKey.columns.length && !keptPk.has(o)) emit({ op: 'dropPrimaryKey', table: o, constraint: pt.primaryKey });
  }
}

/** Phase 3: drop tables and columns that go, then enum types nothing uses any more. */
function dropTablesAndColumns(ctx: DiffContext, warn: DiffWarnings): void {
  const { emit, moveFrom, prevTables, nextTables, newColumnName, tableNew, droppedTables, dropUnusedEnums } = ctx;
  const { warnDropTable, warnDropColumn } = warn;
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
  dropUnusedEnums();
}

/** Phase 4: renames: enum types, tables, columns, then what TypeORM names after them. */
function renames(ctx: DiffContext, warn: DiffWarnings): void {
  const {
    dialect,
    emit,
    prevTables,
    nextTables,
    pairs,
    typeChanges,
    keptPk,
    keptUnique,
    keptIndex,
    keptFk,
    k,
    tableOld,
    tableNew,
    columnOld,
    enumOld,
    valueOld,
    dropUnusedEnums,
  } = ctx;
  const alterType = (p: Pair) => alterColumnType(ctx, warn, p);
  for (const [n, o] of enumOld) if (n !== o) emit({ op: 'renameEnum', from: o, to: n });
  for (const [n, o] of tableOld)
    if (n !== o)
      emit(nextTables.get(n)!.junction ? { op: 'renameTable', from: o, to: n, junction: true } : { op: 'renameTable', from: o, to: n });
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
}

/** Phase 5: new enum types, and label changes of the others. */
function enumTypesAndLabels(ctx: DiffContext, warn: DiffWarnings): void {
  const { next, dialect, w, emit, nextEnums, pairs, typeChanges, enumOld } = ctx;
  const { warnDropEnumValue } = warn;
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
      const columns = w.tables.flatMap((t) =>
        t.columns
          .filter((c) => c.enumName === n)
          .map((c) => ({ table: t.name, column: c.name, array: c.array, ...(c.default !== undefined ? { hasDefault: true } : {}) })),
      );
      emit({ op: 'replaceEnumValues', enum: n, values: [...ne.values], previousValues: [...we.values], columns });
      if (columns.length) for (const v of removed) warnDropEnumValue(ne, v, added);
    } else {
      for (const v of added) {
        const at = ne.values.indexOf(v);
        const current = w.enums.find((e) => e.name === n)!.values;
        const before = ne.values.slice(at + 1).find((x) => current.includes(x));
        const after = [...ne.values.slice(0, at)].reverse().find((x) => current.includes(x));
        emit(
          before !== undefined
            ? { op: 'addEnumValue', enum: n, value: v, before }
            : after !== undefined
              ? { op: 'addEnumValue', enum: n, value: v, after }
              : { op: 'addEnumValue', enum: n, value: v },
        );
      }
    }
  }
}

/** Phase 6: new tables (keys and uniques inline, indices after) and new columns. */
function createTablesAndColumns(ctx: DiffContext, warn: DiffWarnings): void {
  const { warnings, emit, wTable, moveTo, prevTables, nextTables, tableOld, tableNew, columnOld, createdTables, fieldOrigin, describe } =
    ctx;
  const { warnRequiredColumn } = warn;
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
            code: 'migration-set-not-null',
            origin: fieldOrigin(nt, c),
            table: n,
            column: c.name,
            fixes: [{ kind: 'nullable', target: fieldOrigin(nt, c) }],
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
}

/** Phase 7: changed columns: type, generation, default, nullability. */
function changeColumns(ctx: DiffContext, warn: DiffWarnings): void {
  const { dialect, emit, wTable, typeKey, pairs, sameType } = ctx;
  const { warnSetNotNull } = warn;
  const alterType = (p: Pair) => alterColumnType(ctx, warn, p);
  for (const p of pairs) {
    const wc = wTable(p.table)!.columns.find((c) => c.name === p.next.name)!;
    if (typeKey(p.prev, 'prev') !== typeKey(p.next, 'next') && !sameType(wc, p.next)) alterType(p);
    if ((wc.generated === 'increment') !== (p.next.generated === 'increment')) {
      emit({
        op: 'setGenerated',
        table: p.table,
        column: p.next.name,
        type: p.next.type,
        generated: p.next.generated === 'increment',
        sequence: dialect.sequenceName(p.table, p.next.name),
      });
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
}

/** Phase 8: enum types left without columns. */
function dropEmptyEnums(ctx: DiffContext): void {
  const { w, emit, prevEnums, enumNew } = ctx;
  for (const e of [...w.enums]) if (!enumNew.has(e.name) && prevEnums.has(e.name)) emit({ op: 'dropEnum', enum: e });
}

/** Phase 9: keys, uniques and indices of changed tables; then every new foreign key. */
function addKeysIndicesAndForeignKeys(ctx: DiffContext, warn: DiffWarnings): void {
  const { next, emit, nextTables, nextKept, tableOld, columnOld } = ctx;
  const { warnAddUnique } = warn;
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
}

/** A surviving column changes type: its default goes first, the conversion is warned about when it can fail or lose data. */
function alterColumnType(ctx: DiffContext, warn: DiffWarnings, p: Pair): void {
  const { dialect, w, emit, wTable, nextEnums } = ctx;
  const { warnTypeChange } = warn;
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

export const PHASES: ((ctx: DiffContext, warn: DiffWarnings) => void)[] = [
  dropForeignKeys,
  dropKeysAndIndices,
  dropTablesAndColumns,
  renames,
  enumTypesAndLabels,
  createTablesAndColumns,
  changeColumns,
  dropEmptyEnums,
  addKeysIndicesAndForeignKeys,
];
