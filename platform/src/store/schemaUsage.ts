// Schema usage: per environment, day, client, operation and schema coordinate, how many calls
// used it. Added to in batches by the usage recorder, read as a window of days by schema checks,
// and pruned to the last 90 days.
import type { Queryable } from './db';

export const USAGE_RETENTION_DAYS = 90;

export interface SchemaUsageIncrement {
  environmentId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  client: string;
  operationHash: string;
  operationName?: string;
  coordinate: string;
  calls: number;
}

export interface SchemaUsageRow {
  environment_id: string;
  client: string;
  operation_hash: string;
  operation_name: string | null;
  coordinate: string;
  calls: number;
}

/** The UTC day of `at` as YYYY-MM-DD. */
export function dayOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Adds the increments in one statement (one row per key; callers aggregate first). */
export async function addSchemaUsage(q: Queryable, increments: readonly SchemaUsageIncrement[]): Promise<void> {
  if (!increments.length) return;
  const cols: unknown[][] = [[], [], [], [], [], [], []];
  for (const i of increments) {
    cols[0].push(i.environmentId);
    cols[1].push(i.day);
    cols[2].push(i.client);
    cols[3].push(i.operationHash);
    cols[4].push(i.operationName ?? null);
    cols[5].push(i.coordinate);
    cols[6].push(i.calls);
  }
  await q.query(
    `INSERT INTO schema_usage (environment_id, day, client, operation_hash, operation_name, coordinate, calls)
     SELECT e, d::date, c, h, n, k, x FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS u(e, d, c, h, n, k, x)
       WHERE EXISTS (SELECT 1 FROM environments WHERE id = e)
     ON CONFLICT (environment_id, day, client, operation_hash, coordinate)
       DO UPDATE SET calls = schema_usage.calls + EXCLUDED.calls, operation_name = COALESCE(EXCLUDED.operation_name, schema_usage.operation_name)`,
    cols,
  );
}

/** Usage of these environments over the last `days` days (today included), summed over the days. */
export async function schemaUsageOf(
  q: Queryable,
  environmentIds: readonly string[],
  days: number,
  now = new Date(),
): Promise<SchemaUsageRow[]> {
  if (!environmentIds.length) return [];
  const since = dayOf(new Date(now.getTime() - (days - 1) * 86_400_000));
  const rows = await q.query<SchemaUsageRow & { calls: string }>(
    `SELECT environment_id, client, operation_hash, max(operation_name) AS operation_name, coordinate, sum(calls)::text AS calls
       FROM schema_usage WHERE environment_id = ANY($1) AND day >= $2::date
      GROUP BY environment_id, client, operation_hash, coordinate`,
    [environmentIds, since],
  );
  return rows.map((r) => ({ ...r, calls: Number(r.calls) }));
}

/** Deletes the days older than the retention window. */
export async function pruneSchemaUsage(q: Queryable, now = new Date()): Promise<void> {
  const keepFrom = dayOf(new Date(now.getTime() - (USAGE_RETENTION_DAYS - 1) * 86_400_000));
  await q.query('DELETE FROM schema_usage WHERE day < $1::date', [keepFrom]);
}
