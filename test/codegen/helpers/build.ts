// Hand-built physical schemas for the migration unit tests (no GraphQL, no database).
import type { DbColumn, DbEnum, DbForeignKey, DbIndex, DbSchema, DbTable } from '../../../core/src/codegen/dbSchema';

export function col(name: string, type: string, extra: Partial<DbColumn> = {}): DbColumn {
  return { name, type, array: false, nullable: true, ...extra };
}

export const id = (name = 'id'): DbColumn => col(name, 'bigint', { nullable: false, generated: 'increment' });

export function table(name: string, columns: DbColumn[], extra: Partial<DbTable> = {}): DbTable {
  const key = columns.find((c) => c.generated === 'increment')?.name ?? 'id';
  return {
    name,
    columns: columns.map((c) => ({ ...c, origin: c.origin ?? { type: name, field: c.name } })),
    primaryKey: { name: `PK_${name}`, columns: [key] },
    uniques: [],
    indices: [],
    foreignKeys: [],
    origin: { type: name },
    ...extra,
  };
}

export function fk(name: string, column: string, referencedTable: string, onDelete: DbForeignKey['onDelete'] = 'NO ACTION'): DbForeignKey {
  return { name, columns: [column], referencedTable, referencedColumns: ['id'], onDelete, onUpdate: 'NO ACTION' };
}

export function index(name: string, columns: string[], unique = false): DbIndex {
  return { name, columns, unique };
}

export function enumType(name: string, values: string[]): DbEnum {
  return { name, values, origin: { type: name } };
}

export function schema(tables: DbTable[], enums: DbEnum[] = []): DbSchema {
  return { version: 1, tables, enums };
}
