// Renames from the model: which table, column, enum type and label of the previous schema each
// one of the next continues, from @renamedFrom (and what follows from it: join tables, join
// columns that change sides).
import type { DataModel, ModelField } from '../../model/model';
import type { DbColumn, DbSchema, DbTable, Origin } from '../dbSchema';
import { physicalSchema } from '../physical';
import { jsonOf } from './match';
import type { Renames } from './types';

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
  const renamedField = (t: string, f: string | undefined) =>
    f === undefined ? undefined : model.entities.get(t)?.fields.find((x: ModelField) => x.name === f)?.renamedFrom;
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
      if (same) {
        tableOld.set(t.name, same);
        continue;
      }
      const free = previous.tables.filter((p) => !nextNames.has(p.name) && !claimed.has(p.name) && !!p.junction === junction);
      let found: DbTable | undefined;
      if (!junction) {
        const was = renamedType(t.origin.type);
        if (was !== undefined) found = free.find((p) => originEquals(p.origin, { type: was })) ?? free.find((p) => p.name === was);
      } else {
        found =
          free.find((p) => wasOneOf(p.origin, t.origin)) ??
          free.find(
            (p) =>
              t.columns.some((c) => wasOneOf(p.origin, c.origin)) &&
              p.columns.some((pc) => t.columns.some((c) => wasOneOf(pc.origin, c.origin))),
          );
      }
      if (found) {
        claimed.add(found.name);
        tableOld.set(t.name, found);
        out.tables[t.name] = found.name;
      }
    }
  }

  // Columns. A table the same as before (the common case: an edit changes one or two) has every
  // column it had: nothing is renamed there and no join column moves into it.
  const unchanged = (t: DbTable, p: DbTable) => p === t || (p.name === t.name && jsonOf(p) === jsonOf(t));
  for (const t of next.tables) {
    const p = tableOld.get(t.name);
    if (!p || unchanged(t, p)) continue;
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
  const continues = (prevTable: string, prevColumn: string) =>
    next.tables.some((t) => {
      if (tableOld.get(t.name)?.name !== prevTable) return false;
      const renamed = out.columns[t.name] ?? {};
      return (
        Object.values(renamed).includes(prevColumn) || (t.columns.some((c) => c.name === prevColumn) && renamed[prevColumn] === undefined)
      );
    });

  // One-to-one join columns that change sides (the owning side is decided by names).
  for (const t of next.tables) {
    const p = tableOld.get(t.name);
    if (!p || t.junction || unchanged(t, p)) continue;
    for (const c of t.columns) {
      const fk = t.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === c.name);
      if (!fk || !c.origin?.field || p.columns.some((x) => x.name === c.name) || out.columns[t.name]?.[c.name] !== undefined) continue;
      const rel = model.entities.get(c.origin.type)?.fields.find((f) => f.name === c.origin!.field)?.relation;
      const source = tableOld.get(fk.referencedTable);
      if (!rel?.inverse || !source) continue;
      const inverse = { type: fk.referencedTable, field: rel.inverse };
      const column = source.columns.find(
        (x) =>
          wasOneOf(x.origin, inverse) &&
          source.foreignKeys.some((f) => f.columns.length === 1 && f.columns[0] === x.name && f.referencedTable === p.name),
      );
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
      if (v.renamedFrom === undefined || p.values.includes(v.name) || !p.values.includes(v.renamedFrom) || e.values.includes(v.renamedFrom))
        continue;
      (out.enumValues[e.name] ??= {})[v.name] = v.renamedFrom;
    }
  }
  return out;
}
