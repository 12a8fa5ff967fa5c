// The physical schema TypeORM expects for the generated entities: tables, columns, keys,
// constraints and enum types, named by TypeORM's own DefaultNamingStrategy.
// Imported from its own module, not from 'typeorm': the language server bundles this file.
import { DefaultNamingStrategy } from 'typeorm/naming-strategy/DefaultNamingStrategy.js';
import type { DataModel } from '../model/model';
import type { DbColumn, DbConstraint, DbEnum, DbForeignKey, DbIndex, DbSchema, DbTable } from './dbSchema';
import {
  columnEnums,
  deepFreeze,
  entitySignature,
  GeneratedEntity,
  generatedEntities,
  GeneratedRelation,
  OutputCache,
  typeOrmDefault,
} from './files';

const naming = new DefaultNamingStrategy();

/** TypeORM's type for the `ID` primary key and for every column that references one. */
const KEY_TYPE = 'bigint';

export function physicalSchema(model: DataModel): DbSchema {
  const entities = generatedEntities(model);
  const tables: DbTable[] = [];
  for (const entity of entities) tables.push(...entityTables.get(entitySignature(entity), () => deepFreeze(tablesOf(entity))));
  tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const enums: DbEnum[] = columnEnums(entities).map((e) => ({
    name: e.name,
    values: e.values.map((v) => v.name),
    origin: { type: e.name },
  }));
  return { version: 1, tables, enums };
}

/**
 * An entity's tables by its signature (files.ts): after an edit only the changed entities' tables
 * are made again. Frozen, since every schema made from then on shares them.
 */
const entityTables = new OutputCache<DbTable[]>();

/** Forgets every entity's tables (tests compare with a generation from scratch). */
export function clearPhysicalCaches(): void {
  entityTables.clear();
}

/** The entity's table and the join tables it owns. */
function tablesOf(entity: GeneratedEntity): DbTable[] {
  const tables = [entityTable(entity)];
  for (const f of entity.fields) {
    if (f.kind === 'relation' && f.relation.kind === 'many-to-many' && f.relation.owner) {
      tables.push(junctionTable(entity, f.field.name, f.relation));
    }
  }
  return tables;
}

function entityTable(entity: GeneratedEntity): DbTable {
  const table = entity.entity.name;
  const columns: DbColumn[] = [];
  const uniques: DbConstraint[] = [];
  const indices: DbIndex[] = [];
  const foreignKeys: DbForeignKey[] = [];
  for (const f of entity.fields) {
    const origin = { type: table, field: f.field.name };
    if (f.kind === 'primary') {
      columns.push({ name: f.field.name, type: KEY_TYPE, array: false, nullable: false, generated: 'increment', origin });
      continue;
    }
    if (f.kind === 'column') {
      const column: DbColumn = { name: f.field.name, type: f.type, array: f.array, nullable: !f.field.nonNull, origin };
      if (f.length !== undefined) column.length = f.length;
      if (f.field.default !== undefined) column.default = typeOrmDefault(f.field.default);
      if (f.enum) column.enumName = f.enum.name;
      columns.push(column);
      if (f.field.unique) uniques.push({ name: naming.uniqueConstraintName(table, [column.name]), columns: [column.name] });
      if (f.field.index) indices.push({ name: naming.indexName(table, [column.name]), columns: [column.name], unique: false });
      continue;
    }
    const rel = f.relation;
    if (!rel.owner || (rel.kind !== 'many-to-one' && rel.kind !== 'one-to-one')) continue;
    const referenced = rel.target.primary.name;
    const name = naming.joinColumnName(f.field.name, referenced);
    columns.push({ name, type: KEY_TYPE, array: false, nullable: !f.field.nonNull, origin });
    foreignKeys.push({
      name: naming.foreignKeyName(table, [name]),
      columns: [name],
      referencedTable: rel.target.entity.name,
      referencedColumns: [referenced],
      onDelete: rel.onDelete,
      onUpdate: 'NO ACTION',
    });
    // RelationJoinColumnBuilder: an owning one-to-one's join column gets a REL_ unique constraint.
    if (rel.kind === 'one-to-one') uniques.push({ name: naming.relationConstraintName(table, [name]), columns: [name] });
    else if (f.field.unique) uniques.push({ name: naming.uniqueConstraintName(table, [name]), columns: [name] });
    if (f.field.index) indices.push({ name: naming.indexName(table, [name]), columns: [name], unique: false });
  }
  const primary = entity.primary.name;
  return {
    name: table,
    columns,
    primaryKey: { name: naming.primaryKeyName(table, [primary]), columns: [primary] },
    uniques,
    indices,
    foreignKeys,
    origin: { type: table },
  };
}

/** JunctionEntityMetadataBuilder: two key columns, a composite primary key, an index and a cascading foreign key per side. */
function junctionTable(owner: GeneratedEntity, field: string, rel: GeneratedRelation): DbTable {
  const ownerTable = owner.entity.name;
  const targetTable = rel.target.entity.name;
  const name = naming.joinTableName(ownerTable, targetTable, field, rel.inverse?.name ?? '');
  const ownerKey = owner.primary.name;
  const targetKey = rel.target.primary.name;
  let ownerColumn = naming.joinTableColumnName(ownerTable, ownerKey, ownerKey);
  let targetColumn = naming.joinTableInverseColumnName(targetTable, targetKey, targetKey);
  if (ownerColumn === targetColumn) {
    ownerColumn = naming.joinTableColumnDuplicationPrefix(ownerColumn, 1);
    targetColumn = naming.joinTableColumnDuplicationPrefix(targetColumn, 2);
  }
  const origin = { type: ownerTable, field };
  const inverseOrigin = rel.inverse ? { type: targetTable, field: rel.inverse.name } : origin;
  const column = (n: string, o: typeof origin): DbColumn => ({ name: n, type: KEY_TYPE, array: false, nullable: false, origin: o });
  // TypeORM defaults both junction foreign keys to ON DELETE CASCADE ON UPDATE CASCADE; the
  // generated @ManyToMany sets neither, so a link disappears with either of its rows.
  const foreignKey = (c: string, table: string, key: string): DbForeignKey => ({
    name: naming.foreignKeyName(name, [c]),
    columns: [c],
    referencedTable: table,
    referencedColumns: [key],
    onDelete: 'CASCADE',
    onUpdate: 'CASCADE',
  });
  return {
    name,
    columns: [column(ownerColumn, origin), column(targetColumn, inverseOrigin)],
    primaryKey: { name: naming.primaryKeyName(name, [ownerColumn, targetColumn]), columns: [ownerColumn, targetColumn] },
    uniques: [],
    indices: [
      { name: naming.indexName(name, [ownerColumn]), columns: [ownerColumn], unique: false },
      { name: naming.indexName(name, [targetColumn]), columns: [targetColumn], unique: false },
    ],
    foreignKeys: [foreignKey(ownerColumn, ownerTable, ownerKey), foreignKey(targetColumn, targetTable, targetKey)],
    origin,
    junction: true,
  };
}
