// Where versions move, the schema they bring is checked against the traffic of the environment
// they go to: a breaking change that recorded operations used refuses the move, unless forced.
import type { GraphQLSchema } from 'graphql';
import { checkSchemaChange, describeChange, JudgedChange, SchemaCheck, UsageRow } from '../../../core/src/usage/check';
import type { Queryable } from '../store/db';
import { schemaUsageOf } from '../store/schemaUsage';
import type { VersionSchemas } from './versions';

export const DEFAULT_CHECK_DAYS = 30;
export const MAX_CHECK_DAYS = 90;

export interface EnvironmentCheck extends SchemaCheck {
  environmentId: string;
  /** The version the environment serves now; undefined when it serves nothing (nothing to break). */
  servedVersionId?: string;
}

/** Usage rows of one environment over `days`, as the core's check takes them. */
export async function environmentUsage(db: Queryable, environmentId: string, days: number): Promise<UsageRow[]> {
  return (await schemaUsageOf(db, [environmentId], days)).map((r) => ({
    coordinate: r.coordinate,
    operationHash: r.operation_hash,
    operationName: r.operation_name,
    client: r.client,
    calls: r.calls,
  }));
}

/** Checks `candidate` against what `environmentId` serves (`servedVersionId`) and its usage over `days`. */
export async function checkEnvironment(
  db: Queryable,
  schemas: VersionSchemas,
  environmentId: string,
  servedVersionId: string | null | undefined,
  candidate: GraphQLSchema,
  days = DEFAULT_CHECK_DAYS,
): Promise<EnvironmentCheck> {
  const served = servedVersionId ? await schemas.of(servedVersionId) : undefined;
  if (!served) return { environmentId, days, changes: [], blocking: [] };
  const result = await checkSchemaChange(served, candidate, await environmentUsage(db, environmentId, days), days);
  return { ...result, environmentId, servedVersionId: servedVersionId ?? undefined };
}

/** The refusal of a move that breaks recorded operations, one line per breaking change, and how to go on anyway. */
export function refusal(what: string, check: SchemaCheck, forceHint: string): string {
  const lines = check.blocking.map((c) => `  - ${describeChange(c, check.days)}`);
  return (
    `${what} would break operations that clients called in the last ${check.days} days:\n${lines.join('\n')}\n` +
    `Keep the old fields (mark them @deprecated) until no client calls them, or ${forceHint} to go on anyway.`
  );
}

/** A judged change as the API shows it (`SchemaChange`), in a check's answer and in a refusal's `extensions.changes`. */
export function changeView(c: JudgedChange, days: number) {
  return {
    type: c.type,
    level: c.level,
    message: c.message,
    path: c.path ?? null,
    description: describeChange(c, days),
    breaksUsage: !!c.usage?.operations.length,
    operations: (c.usage?.operations ?? []).map((o) => ({ name: o.name ?? null, hash: o.hash, calls: o.calls })),
    clients: c.usage?.clients ?? [],
    calls: c.usage?.calls ?? 0,
  };
}
