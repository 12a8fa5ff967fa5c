// Usage and invoices from the metered calls. A month is a calendar month in UTC. Production calls
// are billed by the plan they were made under: PAY_PER_CALL charges each call after the plan's
// free calls of the month; MONTHLY charges its fee for every month in which it was in effect,
// whatever the calls; NOT_BILLABLE charges nothing. Development and staging calls are counted,
// never billed.
import { badInput } from '../errors';
import type { UsageRow } from '../store/metering';
import type { RatePlanRow } from '../store/projects';

export interface MonthRange {
  /** YYYY-MM */
  month: string;
  /** YYYY-MM-01 */
  first: string;
  start: Date;
  end: Date;
}

/** `YYYY-MM` (default: the current month, UTC) as a range; a malformed month is a BAD_USER_INPUT. */
export function monthRange(month: string | null | undefined, now = new Date()): MonthRange {
  const text = month ?? `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  const year = m ? Number(m[1]) : NaN;
  const mon = m ? Number(m[2]) : NaN;
  if (!m || mon < 1 || mon > 12) throw badInput(`month is YYYY-MM (for example 2026-11), not "${text}".`, 'month');
  if (year < 2000) throw badInput(`The platform has no usage before 2000 (asked for ${text}).`, 'month');
  return { month: text, first: `${text}-01`, start: new Date(Date.UTC(year, mon - 1, 1)), end: new Date(Date.UTC(year, mon, 1)) };
}

export interface InvoiceLine {
  plan: RatePlanRow;
  calls: number;
  billedCalls: number;
  total: number;
}

/**
 * The lines of one instance for a month: one per plan that was in effect at some time of the
 * month (plans sorted newest first, as ratePlansOf returns them; a removed instance's last plan
 * ends at its removal), or that production calls were counted under.
 */
export function instanceLines(
  plans: readonly RatePlanRow[],
  usage: readonly UsageRow[],
  range: MonthRange,
  removedAt: Date | null = null,
): InvoiceLine[] {
  const calls = new Map<string, number>();
  for (const u of usage) if (u.environment === 'production') calls.set(u.plan_id, (calls.get(u.plan_id) ?? 0) + Number(u.calls));
  const lines: InvoiceLine[] = [];
  // Newest first: each plan is in effect until the one after it (the previous in this list) starts.
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i];
    const from = new Date(plan.effective_from);
    // The newest plan lasts until the instance is removed, if it was.
    const until = i === 0 ? (removedAt ? new Date(removedAt) : undefined) : new Date(plans[i - 1].effective_from);
    const inEffect = from < range.end && (!until || until > range.start);
    const n = calls.get(plan.id) ?? 0;
    if (!inEffect && n === 0) continue;
    const amount = Number(plan.amount);
    let billedCalls = 0;
    let total = 0;
    if (plan.billing_type === 'PAY_PER_CALL') {
      billedCalls = Math.max(0, n - plan.free_calls);
      total = billedCalls * amount;
    } else if (plan.billing_type === 'MONTHLY') {
      total = inEffect ? amount : 0;
    }
    lines.push({ plan, calls: n, billedCalls, total });
  }
  return lines.reverse();
}
