// Applies migration operations to a physical schema, as the database would. The planner keeps a
// working copy of the schema this way (each phase sees the database as the earlier operations
// left it), and tests check that a plan's operations take the previous schema exactly to the next.
import type { DbColumn, DbSchema, DbTable } from '../dbSchema';
import type { Operation } from './types';

export function cloneSchema(s: DbSchema): DbSchema {
  return cloneData(s);
}

/**
 * A deep copy of plain data, as a JSON round trip makes it (same keys in the same order, properties
 * whose value is undefined left out) without writing and parsing the text.
 */
function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = cloneData(v);
    }
    return out as T;
  }
  return value;
}

function table(s: DbSchema, name: string): DbTable {
  const t = s.tables.find((x) => x.name === name);
  if (!t) throw new Error(`simulate: no table "${name}"`);
  return t;
}

function column(t: DbTable, name: string): DbColumn {
  const c = t.columns.find((x) => x.name === name);
  if (!c) throw new Error(`simulate: no column "${t.name}"."${name}"`);
  return c;
}

const renameIn = (list: string[], from: string, to: string) => list.map((x) => (x === from ? to : x));

/** Applies one operation to `s` in place. */
export function applyOperation(s: DbSchema, op: Operation): void {
  switch (op.op) {
    case 'createEnum':
      s.enums.push(cloneData(op.enum));
      return;
    case 'dropEnum':
      s.enums = s.enums.filter((e) => e.name !== op.enum.name);
      return;
    case 'renameEnum': {
      const e = s.enums.find((x) => x.name === op.from);
      if (!e) throw new Error(`simulate: no enum "${op.from}"`);
      e.name = op.to;
      for (const t of s.tables)
        for (const c of t.columns)
          if (c.enumName === op.from) {
            c.enumName = op.to;
            c.type = op.to;
          }
      return;
    }
    case 'renameEnumValue': {
      const e = s.enums.find((x) => x.name === op.enum);
      if (!e) throw new Error(`simulate: no enum "${op.enum}"`);
      e.values = renameIn(e.values, op.from, op.to);
      // A default names the label by its identity: it follows the rename.
      const quoted = (v: string) => `'${v.replace(/'/g, "''")}'`;
      for (const t of s.tables)
        for (const c of t.columns) if (c.enumName === op.enum && c.default === quoted(op.from)) c.default = quoted(op.to);
      return;
    }
    case 'addEnumValue': {
      const e = s.enums.find((x) => x.name === op.enum);
      if (!e) throw new Error(`simulate: no enum "${op.enum}"`);
      const at =
        op.before !== undefined ? e.values.indexOf(op.before) : op.after !== undefined ? e.values.indexOf(op.after) + 1 : e.values.length;
      e.values.splice(at < 0 ? e.values.length : at, 0, op.value);
      return;
    }
    case 'replaceEnumValues': {
      const e = s.enums.find((x) => x.name === op.enum);
      if (!e) throw new Error(`simulate: no enum "${op.enum}"`);
      e.values = [...op.values];
      for (const u of op.columns) delete column(table(s, u.table), u.column).default;
      return;
    }
    case 'createTable':
      s.tables.push(cloneData(op.table));
      return;
    case 'dropTable':
      s.tables = s.tables.filter((t) => t.name !== op.table.name);
      return;
    case 'renameTable': {
      table(s, op.from).name = op.to;
      for (const t of s.tables) for (const fk of t.foreignKeys) if (fk.referencedTable === op.from) fk.referencedTable = op.to;
      return;
    }
    case 'renameSequence':
      return;
    case 'addColumn':
      table(s, op.table).columns.push(cloneData(op.column));
      return;
    case 'dropColumn': {
      const t = table(s, op.table);
      const name = op.column.name;
      t.columns = t.columns.filter((c) => c.name !== name);
      // PostgreSQL drops what depends on the column.
      t.uniques = t.uniques.filter((u) => !u.columns.includes(name));
      t.indices = t.indices.filter((i) => !i.columns.includes(name));
      t.foreignKeys = t.foreignKeys.filter((f) => !f.columns.includes(name));
      if (t.primaryKey.columns.includes(name)) t.primaryKey = { name: '', columns: [] };
      return;
    }
    case 'renameColumn': {
      const t = table(s, op.table);
      column(t, op.from).name = op.to;
      t.primaryKey.columns = renameIn(t.primaryKey.columns, op.from, op.to);
      for (const u of t.uniques) u.columns = renameIn(u.columns, op.from, op.to);
      for (const i of t.indices) i.columns = renameIn(i.columns, op.from, op.to);
      for (const f of t.foreignKeys) f.columns = renameIn(f.columns, op.from, op.to);
      for (const other of s.tables) {
        for (const f of other.foreignKeys)
          if (f.referencedTable === op.table) f.referencedColumns = renameIn(f.referencedColumns, op.from, op.to);
      }
      return;
    }
    case 'alterColumnType': {
      const c = column(table(s, op.table), op.column.name);
      c.type = op.column.type;
      c.array = op.column.array;
      if (op.column.length !== undefined) c.length = op.column.length;
      else delete c.length;
      if (op.column.enumName !== undefined) c.enumName = op.column.enumName;
      else delete c.enumName;
      return;
    }
    case 'setNullable':
      column(table(s, op.table), op.column).nullable = op.nullable;
      return;
    case 'fillNulls':
    case 'moveReference':
      return;
    case 'setDefault': {
      const c = column(table(s, op.table), op.column);
      if (op.default !== undefined) c.default = op.default;
      else delete c.default;
      return;
    }
    case 'setGenerated': {
      const c = column(table(s, op.table), op.column);
      if (op.generated) c.generated = 'increment';
      else delete c.generated;
      return;
    }
    case 'addPrimaryKey':
      table(s, op.table).primaryKey = { name: op.constraint.name, columns: [...op.constraint.columns] };
      return;
    case 'dropPrimaryKey':
      table(s, op.table).primaryKey = { name: '', columns: [] };
      return;
    case 'addUnique':
      table(s, op.table).uniques.push({ name: op.constraint.name, columns: [...op.constraint.columns] });
      return;
    case 'dropUnique': {
      const t = table(s, op.table);
      t.uniques = t.uniques.filter((u) => u.name !== op.constraint.name);
      return;
    }
    case 'createIndex':
      table(s, op.table).indices.push({ name: op.index.name, columns: [...op.index.columns], unique: op.index.unique });
      return;
    case 'dropIndex': {
      const t = table(s, op.table);
      t.indices = t.indices.filter((i) => i.name !== op.index.name);
      return;
    }
    case 'addForeignKey':
      table(s, op.table).foreignKeys.push(cloneData(op.foreignKey));
      return;
    case 'dropForeignKey': {
      const t = table(s, op.table);
      t.foreignKeys = t.foreignKeys.filter((f) => f.name !== op.foreignKey.name);
      return;
    }
    case 'renameConstraint': {
      const t = table(s, op.table);
      if (t.primaryKey.name === op.from) {
        t.primaryKey.name = op.to;
        return;
      }
      const c = t.uniques.find((u) => u.name === op.from) ?? t.foreignKeys.find((f) => f.name === op.from);
      if (!c) throw new Error(`simulate: no constraint "${op.from}" on "${op.table}"`);
      c.name = op.to;
      return;
    }
    case 'renameIndex': {
      const i = table(s, op.table).indices.find((x) => x.name === op.from);
      if (!i) throw new Error(`simulate: no index "${op.from}" on "${op.table}"`);
      i.name = op.to;
      return;
    }
  }
}

export function applyOperations(s: DbSchema, ops: Operation[]): DbSchema {
  const out = cloneSchema(s);
  for (const op of ops) applyOperation(out, op);
  return out;
}

/**
 * What differs between two physical schemas as the database sees them (origins, and the order
 * of tables, columns, constraints and enum labels, do not count). Empty when they are the same.
 */
export function schemaDifferences(a: DbSchema, b: DbSchema): string[] {
  const key = (s: DbSchema) => {
    const out: Record<string, string> = {};
    for (const e of s.enums) out[`enum ${e.name}`] = [...e.values].sort().join(',');
    for (const t of s.tables) {
      out[`table ${t.name}`] = `pk ${t.primaryKey.name}(${[...t.primaryKey.columns].sort()})`;
      for (const c of t.columns) {
        out[`column ${t.name}.${c.name}`] = JSON.stringify([
          c.type,
          c.length ?? null,
          c.array,
          c.nullable,
          c.default ?? null,
          c.generated ?? null,
          c.enumName ?? null,
        ]);
      }
      for (const u of t.uniques) out[`unique ${t.name}.${u.name}`] = [...u.columns].sort().join(',');
      for (const i of t.indices) out[`index ${t.name}.${i.name}`] = `${i.unique}:${[...i.columns].sort().join(',')}`;
      for (const f of t.foreignKeys) {
        out[`fk ${t.name}.${f.name}`] =
          `${f.columns.join(',')}->${f.referencedTable}(${f.referencedColumns.join(',')}) ${f.onDelete}/${f.onUpdate}`;
      }
    }
    return out;
  };
  const ka = key(a);
  const kb = key(b);
  const diffs: string[] = [];
  for (const k of new Set([...Object.keys(ka), ...Object.keys(kb)])) {
    if (ka[k] !== kb[k]) diffs.push(`${k}: ${ka[k] ?? '(none)'} ≠ ${kb[k] ?? '(none)'}`);
  }
  return diffs.sort();
}
