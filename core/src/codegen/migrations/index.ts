// Migrations: the diff between the committed snapshot and the model, as TypeORM migration files.
export { planMigration, renamesOf, invertRenames, emptyRenames, diffSchemas, matchSchemas } from './diff';
export type { SchemaMatch } from './diff';
export { renderMigration, renderDataSource, migrationName, MIGRATIONS_DIR, DATA_SOURCE_PATH } from './file';
export type { RenderedMigration } from './file';
export { migrationStatements, schemaFromMigrations } from './baseline';
export { committedMigrations, isMigrationScript, looksLikeMigrationFile, migrationClassOf } from './committed';
export type { CommittedMigrationFile, MigrationClass } from './committed';
export { postgres, sequenceName } from './postgres';
export { applyOperations, schemaDifferences } from './simulate';
export * from './types';
