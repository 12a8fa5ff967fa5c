// What the gateway's rate limits and quotas read and write: a plan's limits, the production calls
// an instance made in a month (for its quota), and the calls it refused, counted apart.
import type { Queryable } from './db';

export interface PlanLimits {
  plan_id: string;
  rate_limit: number | null;
  rate_period: 'second' | 'minute' | null;
  quota: number | null;
  quota_overage: boolean;
}

export async function planLimits(q: Queryable, planId: string): Promise<PlanLimits | undefined> {
  return (
    await q.query<PlanLimits>('SELECT id AS plan_id, rate_limit, rate_period, quota, quota_overage FROM rate_plans WHERE id = $1', [planId])
  )[0];
}

/** Production calls of the instance in the month (YYYY-MM-01), under any plan. */
export async function productionCalls(q: Queryable, instanceId: string, month: string): Promise<number> {
  const [row] = await q.query<{ calls: string | null }>(
    `SELECT sum(calls)::text AS calls FROM usage WHERE instance_id = $1 AND environment = 'production' AND month = $2::date`,
    [instanceId, month],
  );
  return Number(row?.calls ?? 0);
}

export interface RefusedCount {
  instance_id: string;
  environment: string;
  month: string;
  reason: string;
  calls: number;
}

export async function addRefusedCalls(q: Queryable, counts: readonly RefusedCount[]): Promise<void> {
  for (const c of counts) {
    await q.query(
      `INSERT INTO refused_calls (instance_id, environment, month, reason, calls)
       SELECT $1, $2, $3::date, $4, $5 WHERE EXISTS (SELECT 1 FROM instances WHERE id = $1)
       ON CONFLICT (instance_id, environment, month, reason) DO UPDATE SET calls = refused_calls.calls + EXCLUDED.calls`,
      [c.instance_id, c.environment, c.month, c.reason, c.calls],
    );
  }
}

export async function refusedCallsOf(
  q: Queryable,
  instanceId: string,
  month: string,
): Promise<Array<{ environment: string; reason: string; calls: number }>> {
  return (
    await q.query<{ environment: string; reason: string; calls: string }>(
      'SELECT environment, reason, calls::text AS calls FROM refused_calls WHERE instance_id = $1 AND month = $2::date ORDER BY environment, reason',
      [instanceId, month],
    )
  ).map((r) => ({ ...r, calls: Number(r.calls) }));
}
