// The meter's and the invoices' side of the store: how far the journal is applied, the calls
// counted per instance, environment, month and plan, and an instance's current plan.
import type { Queryable } from './db';
import type { InstanceEnvironment } from './projects';

/** One count of the meter: calls to an instance's environment in a month under a plan. */
export interface MeteredCalls {
  instanceId: string;
  environment: InstanceEnvironment;
  /** YYYY-MM-01 */
  month: string;
  planId: string;
}

/** The journal's sequence number up to which calls are in `usage`. */
export async function appliedSeq(q: Queryable): Promise<number> {
  const [{ applied_seq }] = await q.query<{ applied_seq: string }>(
    'SELECT applied_seq::text AS applied_seq FROM metering_state WHERE id = 1',
  );
  return Number(applied_seq);
}

/** Records that the journal is applied up to `seq` (never moving it back). */
export async function setAppliedSeq(tx: Queryable, seq: number): Promise<void> {
  await tx.query('UPDATE metering_state SET applied_seq = greatest(applied_seq, $1) WHERE id = 1', [seq]);
}

/** Adds calls to `usage`; an instance or plan removed meanwhile has nothing left to count. */
export async function addUsage(tx: Queryable, entry: MeteredCalls, calls: number): Promise<void> {
  await tx.query(
    `INSERT INTO usage (instance_id, environment, month, plan_id, calls)
     SELECT $1, $2, $3::date, $4, $5 WHERE EXISTS (SELECT 1 FROM rate_plans WHERE id = $4 AND instance_id = $1)
     ON CONFLICT (instance_id, environment, month, plan_id) DO UPDATE SET calls = usage.calls + EXCLUDED.calls`,
    [entry.instanceId, entry.environment, entry.month, entry.planId, calls],
  );
}

/** The plan in effect for an instance (the newest one). */
export async function currentPlanId(q: Queryable, instanceId: string): Promise<string | undefined> {
  const rows = await q.query<{ id: string }>(
    'SELECT id FROM rate_plans WHERE instance_id = $1 ORDER BY effective_from DESC, id DESC LIMIT 1',
    [instanceId],
  );
  return rows[0]?.id;
}

export interface UsageRow {
  instance_id: string;
  environment: string;
  plan_id: string;
  calls: string;
}

/** The counted calls of the instances in the month starting `first` (YYYY-MM-01). */
export async function usageOf(q: Queryable, instanceIds: readonly string[], first: string): Promise<UsageRow[]> {
  return q.query<UsageRow>(
    'SELECT instance_id, environment, plan_id, calls::text AS calls FROM usage WHERE instance_id = ANY($1) AND month = $2::date ORDER BY instance_id, environment, plan_id',
    [instanceIds, first],
  );
}
