// The physical database schema a data model maps to: tables, columns, keys, constraints and
// enum types, with TypeORM's own names for everything (so TypeORM agrees with our migrations).
// It is also the snapshot format committed beside the migrations (`snapshot.json`).

/** Where a database object comes from in the GraphQL schema, for warnings placed in the editor. */
export interface Origin {
  /** The GraphQL object or enum type. */
  type: string;
  /** The field, for columns and join tables. */
  field?: string;
  /** The enum value, for enum labels. */
  value?: string;
}

export interface DbColumn {
  name: string;
  /** PostgreSQL type without length or array brackets: `character varying`, `integer`, `bigint`, an enum type's name... */
  type: string;
  /** `character varying(length)` when set. */
  length?: number;
  array: boolean;
  nullable: boolean;
  /** SQL default expression, as written in the schema's @default. */
  default?: string;
  /** Generated from a sequence (the entity's ID). */
  generated?: 'increment';
  /** Set when `type` is an enum type. */
  enumName?: string;
  origin?: Origin;
}

export interface DbConstraint {
  name: string;
  columns: string[];
}

export interface DbIndex extends DbConstraint {
  unique: boolean;
}

export interface DbForeignKey extends DbConstraint {
  referencedTable: string;
  referencedColumns: string[];
  onDelete: 'NO ACTION' | 'CASCADE' | 'SET NULL' | 'RESTRICT';
  onUpdate: 'NO ACTION' | 'CASCADE' | 'SET NULL' | 'RESTRICT';
}

export interface DbTable {
  name: string;
  columns: DbColumn[];
  primaryKey: DbConstraint;
  uniques: DbConstraint[];
  indices: DbIndex[];
  foreignKeys: DbForeignKey[];
  /** The entity type, or for a join table the owning type and field. */
  origin: Origin;
  /** A many-to-many join table. */
  junction?: boolean;
}

export interface DbEnum {
  name: string;
  values: string[];
  origin: Origin;
}

export interface DbSchema {
  /** Format version of the snapshot file. */
  version: 1;
  tables: DbTable[];
  enums: DbEnum[];
}

export const EMPTY_SCHEMA: DbSchema = { version: 1, tables: [], enums: [] };
