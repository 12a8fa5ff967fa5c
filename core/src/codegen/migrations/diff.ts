// The migration between two physical schemas (the committed snapshot and the schema the model
// maps to now), planned so no data is lost that need not be:
// - renames (from @renamedFrom, renames.ts) rename tables, columns, enum types and labels, and
//   with them the constraints, indices and id sequences whose names TypeORM derives from them;
// - type changes convert the rows in place (ALTER COLUMN ... TYPE ... USING);
// - what cannot be done without losing data (drops, narrowing, new NOT NULL columns) is still
//   planned, and reported as a warning (warnings.ts) that says how to avoid the loss.
// The down migration is the same diff taken backwards, with the renames inverted. A diff matches
// the schemas (match.ts), then runs its phases (phases.ts) over one DiffContext (diffContext.ts).
import type { DbSchema } from '../dbSchema';
import { diffContext } from './diffContext';
import { narrowToChanges } from './match';
import { PHASES } from './phases';
import { postgres } from './postgres';
import { emptyRenames, invertRenames } from './renames';
import type { Dialect, MigrationPlan, MigrationWarning, Operation, Renames } from './types';
import { diffWarnings } from './warnings';

export { emptyRenames, invertRenames, renamesOf } from './renames';
export { matchSchemas, narrowToChanges } from './match';
export type { SchemaMatch } from './match';

/** Plans the migration from `previous` to `next`, both ways. */
export function planMigration(
  previous: DbSchema,
  next: DbSchema,
  renames: Renames = emptyRenames(),
  dialect: Dialect = postgres,
): MigrationPlan {
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

interface Diff {
  operations: Operation[];
  warnings: MigrationWarning[];
}

/** Plans the operations that take `prev` to `next`. */
export function diffSchemas(prev: DbSchema, next: DbSchema, renames: Renames, dialect: Dialect): Diff {
  const ctx = diffContext(prev, next, renames, dialect);
  const warn = diffWarnings(ctx);
  for (const phase of PHASES) phase(ctx, warn);
  return { operations: ctx.operations, warnings: ctx.warnings };
}
