// PostgreSQL SQL for migration operations, in the form TypeORM itself writes (so a reader who knows
// TypeORM's migrations recognises them), but data-safe: renames and type changes keep the rows.
import type { DbColumn, DbEnum, DbForeignKey, DbTable } from '../dbSchema';
import type { Dialect, Operation, TypeChange } from './types';

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const cols = (names: string[]) => names.map(quoteIdent).join(', ');

/** PostgreSQL's limit on identifiers, which TypeORM uses for sequence names. */
const MAX_IDENTIFIER = 63;

/** TypeORM's PostgresQueryRunner.buildSequenceName. */
export function sequenceName(table: string, column: string): string {
  const name = `${table}_${column}_seq`;
  if (name.length <= MAX_IDENTIFIER) return name;
  return `${table.slice(0, 29)}_${column.slice(0, Math.max(29, MAX_IDENTIFIER - table.length - 5))}_seq`;
}

/** The element type of a column, without array brackets: `character varying(20)`, `"Status"`, `integer`. */
function elementType(c: DbColumn): string {
  if (c.enumName !== undefined) return quoteIdent(c.enumName);
  return c.length !== undefined ? `${c.type}(${c.length})` : c.type;
}

export function columnType(c: DbColumn): string {
  return elementType(c) + (c.array ? '[]' : '');
}

function columnDefinition(c: DbColumn): string {
  let sql = quoteIdent(c.name);
  if (c.generated === 'increment' && !c.array && (c.type === 'bigint' || c.type === 'integer' || c.type === 'smallint')) {
    sql += c.type === 'bigint' ? ' BIGSERIAL' : c.type === 'integer' ? ' SERIAL' : ' SMALLSERIAL';
  } else {
    sql += ' ' + columnType(c);
  }
  if (!c.nullable) sql += ' NOT NULL';
  if (c.default !== undefined) sql += ' DEFAULT ' + c.default;
  return sql;
}

function foreignKeySql(table: string, fk: DbForeignKey): string {
  return (
    `ALTER TABLE ${quoteIdent(table)} ADD CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${cols(fk.columns)}) ` +
    `REFERENCES ${quoteIdent(fk.referencedTable)}(${cols(fk.referencedColumns)}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`
  );
}

function createTableSql(t: DbTable): string {
  const parts = t.columns.map(columnDefinition);
  for (const u of t.uniques) parts.push(`CONSTRAINT ${quoteIdent(u.name)} UNIQUE (${cols(u.columns)})`);
  if (t.primaryKey.columns.length) parts.push(`CONSTRAINT ${quoteIdent(t.primaryKey.name)} PRIMARY KEY (${cols(t.primaryKey.columns)})`);
  return `CREATE TABLE ${quoteIdent(t.name)} (${parts.join(', ')})`;
}

const NUMERIC = ['integer', 'bigint', 'numeric', 'double precision'];
const TEMPORAL = ['date', 'timestamp with time zone'];
const VARCHAR = 'character varying';

/** Converts one value of `from`'s element type to `to`'s element type, in SQL. */
function castElement(expr: string, from: DbColumn, to: DbColumn): string {
  const target = elementType(to);
  if (from.enumName === undefined && to.enumName === undefined) {
    if (from.type === to.type) return from.type === VARCHAR ? expr : `${expr}::${target}`;
    if ((NUMERIC.includes(from.type) && NUMERIC.includes(to.type)) || (TEMPORAL.includes(from.type) && TEMPORAL.includes(to.type)))
      return `${expr}::${target}`;
  }
  // To text: the assignment to a bounded `character varying` then fails on a value too long
  // (an explicit cast to `character varying(n)` would cut it silently).
  if (to.type === VARCHAR && to.enumName === undefined) return `${expr}::text`;
  return `${expr}::text::${target}`;
}

/** The USING expression that converts a column from `from` to `to`, or undefined when PostgreSQL's assignment cast is right. */
export function conversion(from: DbColumn, to: DbColumn): string | undefined {
  const c = quoteIdent(to.name);
  if (from.array === to.array) {
    if (from.enumName === undefined && to.enumName === undefined && from.type === VARCHAR && to.type === VARCHAR) return undefined;
    if (!from.array) return castElement(c, from, to);
    // Arrays: cast the array as a whole (the element cast applies to each element); where
    // PostgreSQL has no direct cast, through text[].
    if (from.enumName === undefined && to.enumName === undefined) {
      if ((NUMERIC.includes(from.type) && NUMERIC.includes(to.type)) || (TEMPORAL.includes(from.type) && TEMPORAL.includes(to.type)))
        return `${c}::${columnType(to)}`;
    }
    return to.type === VARCHAR && to.enumName === undefined ? `${c}::text[]` : `${c}::text[]::${columnType(to)}`;
  }
  if (to.array) return `CASE WHEN ${c} IS NULL THEN NULL ELSE ARRAY[${castElement(c, from, to)}] END`;
  return castElement(`(${c})[1]`, from, to);
}

/** Widening conversions of scalar element types (every value converts, and reads back the same as text). */
const WIDENINGS: Record<string, string[]> = {
  integer: ['bigint', 'double precision', 'numeric', VARCHAR],
  bigint: ['numeric', VARCHAR],
  numeric: [VARCHAR],
  'double precision': [VARCHAR],
};
const NARROWINGS: Record<string, string[]> = {
  bigint: ['integer', 'double precision'],
  'double precision': ['integer', 'bigint', 'numeric'],
  numeric: ['integer', 'bigint', 'double precision'],
};

function elementChange(from: DbColumn, to: DbColumn, enums: { from?: DbEnum; to?: DbEnum }): TypeChange {
  if (from.enumName !== undefined || to.enumName !== undefined) {
    if (from.enumName !== undefined && to.enumName !== undefined) {
      if (from.enumName === to.enumName) return 'same';
      const target = new Set(enums.to?.values ?? []);
      return enums.from && enums.from.values.every((v) => target.has(v)) ? 'widening' : 'incompatible';
    }
    if (from.enumName !== undefined && to.type === VARCHAR) {
      const longest = Math.max(0, ...(enums.from?.values ?? []).map((v) => v.length));
      return to.length === undefined || (enums.from && to.length >= longest) ? 'widening' : 'narrowing';
    }
    return 'incompatible';
  }
  if (from.type === to.type) {
    if (from.type !== VARCHAR || from.length === to.length) return 'same';
    if (to.length === undefined) return 'widening';
    if (from.length === undefined) return 'narrowing';
    return to.length > from.length ? 'widening' : 'narrowing';
  }
  if (to.type === VARCHAR && to.length !== undefined && WIDENINGS[from.type]?.includes(VARCHAR)) return 'narrowing';
  if (WIDENINGS[from.type]?.includes(to.type)) return 'widening';
  if (NARROWINGS[from.type]?.includes(to.type)) return 'narrowing';
  return 'incompatible';
}

export const postgres: Dialect = {
  name: 'postgres',
  enumValueUsableInSameTransaction: false,
  sequenceName,

  typeChange(from, to, enums) {
    const element = elementChange(from, to, enums);
    if (from.array === to.array) return element;
    if (element === 'incompatible') return 'incompatible';
    // A value becomes a one-element list; a list keeps only its first element.
    return to.array ? (element === 'narrowing' ? 'narrowing' : 'widening') : 'narrowing';
  },

  sql(op: Operation): string[] {
    const t = 'table' in op && typeof op.table === 'string' ? quoteIdent(op.table) : '';
    switch (op.op) {
      case 'createEnum':
        return [`CREATE TYPE ${quoteIdent(op.enum.name)} AS ENUM(${op.enum.values.map(quoteLiteral).join(', ')})`];
      case 'dropEnum':
        return [`DROP TYPE ${quoteIdent(op.enum.name)}`];
      case 'renameEnum':
        return [`ALTER TYPE ${quoteIdent(op.from)} RENAME TO ${quoteIdent(op.to)}`];
      case 'renameEnumValue':
        return [`ALTER TYPE ${quoteIdent(op.enum)} RENAME VALUE ${quoteLiteral(op.from)} TO ${quoteLiteral(op.to)}`];
      case 'addEnumValue': {
        const where =
          op.before !== undefined ? ` BEFORE ${quoteLiteral(op.before)}` : op.after !== undefined ? ` AFTER ${quoteLiteral(op.after)}` : '';
        return [`ALTER TYPE ${quoteIdent(op.enum)} ADD VALUE ${quoteLiteral(op.value)}${where}`];
      }
      case 'replaceEnumValues': {
        // TypeORM's way: the old type steps aside, the new one takes its name, the columns convert through text.
        const old = `${op.enum}_old`;
        const out = [
          `ALTER TYPE ${quoteIdent(op.enum)} RENAME TO ${quoteIdent(old)}`,
          `CREATE TYPE ${quoteIdent(op.enum)} AS ENUM(${op.values.map(quoteLiteral).join(', ')})`,
        ];
        for (const u of op.columns) {
          const table = quoteIdent(u.table);
          const c = quoteIdent(u.column);
          if (u.hasDefault) out.push(`ALTER TABLE ${table} ALTER COLUMN ${c} DROP DEFAULT`);
          out.push(
            u.array
              ? `ALTER TABLE ${table} ALTER COLUMN ${c} TYPE ${quoteIdent(op.enum)}[] USING ${c}::text[]::${quoteIdent(op.enum)}[]`
              : `ALTER TABLE ${table} ALTER COLUMN ${c} TYPE ${quoteIdent(op.enum)} USING ${c}::text::${quoteIdent(op.enum)}`,
          );
        }
        out.push(`DROP TYPE ${quoteIdent(old)}`);
        return out;
      }
      case 'createTable':
        return [createTableSql(op.table)];
      case 'dropTable':
        return [`DROP TABLE ${quoteIdent(op.table.name)}`];
      case 'renameTable':
        return [`ALTER TABLE ${quoteIdent(op.from)} RENAME TO ${quoteIdent(op.to)}`];
      case 'renameSequence':
        return [`ALTER SEQUENCE ${quoteIdent(op.from)} RENAME TO ${quoteIdent(op.to)}`];
      case 'addColumn':
        return [`ALTER TABLE ${t} ADD ${columnDefinition(op.column)}`];
      case 'dropColumn':
        return [`ALTER TABLE ${t} DROP COLUMN ${quoteIdent(op.column.name)}`];
      case 'renameColumn':
        return [`ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(op.from)} TO ${quoteIdent(op.to)}`];
      case 'alterColumnType': {
        const using = conversion(op.from, op.column);
        return [
          `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(op.column.name)} TYPE ${columnType(op.column)}${using ? ` USING ${using}` : ''}`,
        ];
      }
      case 'setNullable':
        return [`ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(op.column)} ${op.nullable ? 'DROP' : 'SET'} NOT NULL`];
      case 'moveReference': {
        const { from, to } = op;
        return [
          `UPDATE ${quoteIdent(to.table)} AS "target" SET ${quoteIdent(to.column)} = "source".${quoteIdent(from.key)} ` +
            `FROM ${quoteIdent(from.table)} AS "source" WHERE "source".${quoteIdent(from.column)} = "target".${quoteIdent(to.key)}`,
        ];
      }
      case 'fillNulls':
        return [`UPDATE ${t} SET ${quoteIdent(op.column)} = DEFAULT WHERE ${quoteIdent(op.column)} IS NULL`];
      case 'setDefault':
        return [
          op.default !== undefined
            ? `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(op.column)} SET DEFAULT ${op.default}`
            : `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(op.column)} DROP DEFAULT`,
        ];
      case 'setGenerated': {
        const seq = quoteIdent(op.sequence);
        const c = quoteIdent(op.column);
        if (!op.generated) return [`ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT`, `DROP SEQUENCE ${seq}`];
        return [
          `CREATE SEQUENCE ${seq} AS ${op.type === 'integer' ? 'integer' : op.type === 'smallint' ? 'smallint' : 'bigint'} OWNED BY ${t}.${c}`,
          // Existing rows keep their keys; new ones continue after the largest.
          `SELECT setval(${quoteLiteral(seq)}, COALESCE((SELECT MAX(${c}) FROM ${t}), 0) + 1, false)`,
          `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT nextval(${quoteLiteral(seq)})`,
        ];
      }
      case 'addPrimaryKey':
        return [`ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(op.constraint.name)} PRIMARY KEY (${cols(op.constraint.columns)})`];
      case 'dropPrimaryKey':
        return [`ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(op.constraint.name)}`];
      case 'addUnique':
        return [`ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(op.constraint.name)} UNIQUE (${cols(op.constraint.columns)})`];
      case 'dropUnique':
        return [`ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(op.constraint.name)}`];
      case 'createIndex':
        return [`CREATE ${op.index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(op.index.name)} ON ${t} (${cols(op.index.columns)})`];
      case 'dropIndex':
        return [`DROP INDEX ${quoteIdent(op.index.name)}`];
      case 'addForeignKey':
        return [foreignKeySql(op.table, op.foreignKey)];
      case 'dropForeignKey':
        return [`ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(op.foreignKey.name)}`];
      case 'renameConstraint':
        return [`ALTER TABLE ${t} RENAME CONSTRAINT ${quoteIdent(op.from)} TO ${quoteIdent(op.to)}`];
      case 'renameIndex':
        return [`ALTER INDEX ${quoteIdent(op.from)} RENAME TO ${quoteIdent(op.to)}`];
    }
  },
};
