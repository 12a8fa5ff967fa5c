// The shapes a migration is planned in: renames (what @renamedFrom says, in physical names), the
// dialect-neutral operations, the warnings for changes that can lose data or fail, and the
// dialect interface that turns operations into SQL.
import type { DbColumn, DbConstraint, DbEnum, DbForeignKey, DbIndex, DbTable, Origin } from '../dbSchema';

/**
 * Renames between two physical schemas, keyed by the NEW name and giving the OLD one. Column and
 * enum value maps are keyed by the new table / enum type name.
 */
export interface Renames {
  tables: Record<string, string>;
  columns: Record<string, Record<string, string>>;
  enums: Record<string, string>;
  enumValues: Record<string, Record<string, string>>;
  /**
   * One-to-one relations whose join column changes sides (the owning side is the type whose name
   * sorts first, so renaming a type or field can move it): the links are copied across.
   */
  moves: ColumnMove[];
}

export interface ColumnMove {
  /** The join column that goes, in the previous schema's names. */
  from: { table: string; column: string };
  /** The join column on the other table that replaces it, in the next schema's names. */
  to: { table: string; column: string };
}

export const NO_RENAMES: Renames = { tables: {}, columns: {}, enums: {}, enumValues: {}, moves: [] };

/** A column that uses an enum type, as it is in the database when the enum's values are replaced. */
export interface EnumColumnUse {
  table: string;
  column: string;
  array: boolean;
  /** The column has a default (it is dropped before the conversion). */
  hasDefault?: boolean;
}

/**
 * One schema change. Tables, columns and enum types are named as they are in the database at the
 * moment the operation runs (the operations of a plan run in order).
 */
export type Operation =
  | { op: 'createEnum'; enum: DbEnum }
  | { op: 'dropEnum'; enum: DbEnum }
  | { op: 'renameEnum'; from: string; to: string }
  | { op: 'renameEnumValue'; enum: string; from: string; to: string }
  /** Appends a label; `before`/`after` keep the schema's order. */
  | { op: 'addEnumValue'; enum: string; value: string; before?: string; after?: string }
  /**
   * Replaces the labels of an enum type (how a label is removed): the type is recreated and every
   * column using it is converted through text, which fails on rows holding a removed label.
   * The columns' defaults are dropped; later operations set them again.
   */
  | { op: 'replaceEnumValues'; enum: string; values: string[]; previousValues: string[]; columns: EnumColumnUse[] }
  /** The table with its columns, primary key and unique constraints; indices and foreign keys are separate operations. */
  | { op: 'createTable'; table: DbTable }
  | { op: 'dropTable'; table: DbTable }
  | { op: 'renameTable'; from: string; to: string; junction?: boolean }
  | { op: 'renameSequence'; table: string; from: string; to: string }
  | { op: 'addColumn'; table: string; column: DbColumn }
  | { op: 'dropColumn'; table: string; column: DbColumn }
  | { op: 'renameColumn'; table: string; from: string; to: string }
  /** Changes type, length or array-ness; `from` is the column as it was. */
  | { op: 'alterColumnType'; table: string; column: DbColumn; from: DbColumn }
  | { op: 'setNullable'; table: string; column: string; nullable: boolean }
  /**
   * Copies the links of a join column to the join column on the other side of the relation:
   * each `to` row gets the key of the `from` row that pointed at it.
   */
  | { op: 'moveReference'; from: { table: string; column: string; key: string }; to: { table: string; column: string; key: string } }
  /** Gives NULL cells the column's default, before the column becomes NOT NULL. */
  | { op: 'fillNulls'; table: string; column: string }
  /** `default` undefined drops the default. */
  | { op: 'setDefault'; table: string; column: string; default?: string }
  /** Makes a column draw from its own sequence (starting after the largest value), or stop doing so. */
  | { op: 'setGenerated'; table: string; column: string; type: string; generated: boolean; sequence: string }
  | { op: 'addPrimaryKey'; table: string; constraint: DbConstraint }
  | { op: 'dropPrimaryKey'; table: string; constraint: DbConstraint }
  | { op: 'addUnique'; table: string; constraint: DbConstraint }
  | { op: 'dropUnique'; table: string; constraint: DbConstraint }
  | { op: 'createIndex'; table: string; index: DbIndex }
  | { op: 'dropIndex'; table: string; index: DbIndex }
  | { op: 'addForeignKey'; table: string; foreignKey: DbForeignKey }
  | { op: 'dropForeignKey'; table: string; foreignKey: DbForeignKey }
  /** Primary key, unique and foreign key constraints (and a constraint's own index). */
  | { op: 'renameConstraint'; table: string; from: string; to: string }
  | { op: 'renameIndex'; table: string; from: string; to: string };

export type OperationKind = Operation['op'];

/** Stable codes of the migration warnings. */
export type MigrationWarningCode =
  | 'migration-drop-table'
  | 'migration-drop-column'
  | 'migration-drop-enum-value'
  | 'migration-narrow-type'
  | 'migration-change-type'
  | 'migration-add-required-column'
  | 'migration-set-not-null'
  | 'migration-add-unique';

/** A change the editor can make to the GraphQL schema so the migration keeps the data. */
export type QuickFix =
  /** Add `@renamedFrom(name: <name>)` on the type, field, enum or enum value at `target`. */
  | { kind: 'renamedFrom'; target: Origin; name: string }
  /** Add `@default(value: ...)` on the field at `target`. */
  | { kind: 'default'; target: Origin }
  /** Make the field at `target` nullable (drop the `!`). */
  | { kind: 'nullable'; target: Origin };

export interface MigrationWarning {
  code: MigrationWarningCode;
  /** Says what is lost or what fails, and how to avoid it. */
  message: string;
  /** The GraphQL type / field / enum value that causes it (for dropped things, where it was). */
  origin: Origin;
  /** The database object concerned. */
  table?: string;
  column?: string;
  fixes: QuickFix[];
}

export interface MigrationPlan {
  /** Nothing changes: no migration is needed. */
  empty: boolean;
  operations: Operation[];
  /** The inverse operations, from the new schema back to the old one. */
  downOperations: Operation[];
  up: string[];
  down: string[];
  warnings: MigrationWarning[];
  renames: Renames;
}

export type TypeChange = 'same' | 'widening' | 'narrowing' | 'incompatible';

/** SQL generation for one database. PostgreSQL is `postgres.ts`; MySQL and SQLite would be siblings. */
export interface Dialect {
  readonly name: string;
  /** The statements for one operation. */
  sql(op: Operation): string[];
  /** How a column's values fare when its type changes from `from` to `to` (both already named as in the new schema). */
  typeChange(from: DbColumn, to: DbColumn, enums: { from?: DbEnum; to?: DbEnum }): TypeChange;
  /** Whether a label added to an enum type can be used in the same transaction (PostgreSQL: no). */
  readonly enumValueUsableInSameTransaction: boolean;
  /** The name of the sequence behind a generated column, as the ORM expects it. */
  sequenceName(table: string, column: string): string;
}
