// Rate limits and quotas: a rate plan's calls per second or minute per client key, and its calls
// per month per instance; a generous rate limit per developer key. Refused calls never reach the
// service, so they are never metered; they are counted apart (`refused_calls`).
//
// Quotas are exact: a production call takes a reservation before it is forwarded (refused when
// the month's metered calls plus those in flight reach the quota), which becomes a call when the
// meter journals it and is given back otherwise. The month's count is read from the store once
// per instance and month, after the meter has applied its journal (at start it replays what a
// stopped platform left), so the count holds across a restart. One gateway process counts.
import type { Meter } from '../billing/meter';
import { monthOf } from '../billing/meter';
import type { Db } from '../store/db';
import { addRefusedCalls, PlanLimits, planLimits, productionCalls, RefusedCount } from '../store/limits';

export interface RateLimit {
  calls: number;
  per: 'second' | 'minute';
}

/** Each developer key (private, demo, development, staging): enough for any test or tool, not for a runaway loop. */
export const DEVELOPER_RATE_LIMIT: RateLimit = { calls: 1000, per: 'second' };

const PERIOD_MS = { second: 1000, minute: 60_000 } as const;
const REFUSED_FLUSH_MS = 1000;

export interface LimitRefusal {
  code: 'RATE_LIMITED' | 'QUOTA_EXCEEDED';
  /** Seconds, for Retry-After. */
  retryAfter: number;
  message: string;
  /** `5/s`, `10000/month`: what was exceeded. */
  limit: string;
}

/** A production call's place in the month's quota: a call once metered, else given back. */
export interface QuotaTicket {
  commit(): void;
  release(): void;
}

const NO_TICKET: QuotaTicket = { commit: () => undefined, release: () => undefined };

export function formatRateLimit(r: RateLimit): string {
  return `${r.calls}/${r.per === 'second' ? 's' : 'min'}`;
}

/** `10/s`, `600/min` (also `/second`, `/minute`); undefined when it is not one. */
export function parseRateLimit(text: string): RateLimit | undefined {
  const m = /^\s*(\d{1,9})\s*\/\s*(s|sec|second|m|min|minute)\s*$/i.exec(text);
  if (!m || Number(m[1]) < 1) return undefined;
  return { calls: Number(m[1]), per: m[2].toLowerCase().startsWith('s') ? 'second' : 'minute' };
}

export interface CallLimitsOptions {
  /** Milliseconds since the epoch; injectable so tests need not wait. */
  now?: () => number;
  /** null: developer keys are not limited. */
  developerRateLimit?: RateLimit | null;
}

interface QuotaState {
  month: string;
  used: number;
  reserved: number;
}

export class CallLimits {
  readonly now: () => number;
  /** Fixed windows by key: at most `calls` in each calendar second or minute. */
  private readonly windows = new Map<string, { window: number; count: number }>();
  private readonly quotas = new Map<string, Promise<QuotaState>>();
  private readonly plans = new Map<string, Promise<PlanLimits | undefined>>();
  private refusedQueue = new Map<string, RefusedCount>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly meter: Meter,
    private readonly options: CallLimitsOptions = {},
    private readonly logError: (message: string, e: unknown) => void = () => undefined,
  ) {
    this.now = options.now ?? Date.now;
  }

  get developerRateLimit(): RateLimit | null {
    return this.options.developerRateLimit === undefined ? DEVELOPER_RATE_LIMIT : this.options.developerRateLimit;
  }

  /** A plan's limits (a plan row never changes: read once). */
  planLimits(planId: string): Promise<PlanLimits | undefined> {
    let p = this.plans.get(planId);
    if (!p) {
      p = planLimits(this.db, planId);
      p.catch(() => this.plans.delete(planId));
      this.plans.set(planId, p);
    }
    return p;
  }

  /** Counts one call against `key`'s rate limit; a refusal when the window is full. */
  rate(key: string, limit: RateLimit, who: string): LimitRefusal | undefined {
    const period = PERIOD_MS[limit.per];
    const now = this.now();
    const window = Math.floor(now / period);
    let w = this.windows.get(key);
    if (!w || w.window !== window) {
      if (!w && this.windows.size > 100_000) this.windows.clear();
      this.windows.set(key, (w = { window, count: 0 }));
    }
    if (w.count < limit.calls) {
      w.count++;
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil(((window + 1) * period - now) / 1000));
    return {
      code: 'RATE_LIMITED',
      retryAfter,
      limit: formatRateLimit(limit),
      message: `Rate limit: at most ${limit.calls} calls a ${limit.per} per ${who}; this one was refused and not billed. Retry after ${retryAfter} s.`,
    };
  }

  /** Reserves a production call in the instance's quota for this month (none when the plan has no hard quota). */
  async reserve(instanceId: string, plan: PlanLimits): Promise<QuotaTicket | LimitRefusal> {
    if (plan.quota === null || plan.quota_overage) return NO_TICKET;
    const now = new Date(this.now());
    const month = monthOf(now);
    let state = this.quotas.get(instanceId);
    if (!state || (await state).month !== month) {
      // The meter's journal first: every call answered so far is then in usage.
      state = this.meter.flush().then(async () => ({ month, used: await productionCalls(this.db, instanceId, month), reserved: 0 }));
      state.catch(() => this.quotas.delete(instanceId));
      this.quotas.set(instanceId, state);
    }
    const s = await state;
    if (s.used + s.reserved >= plan.quota) {
      const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      const retryAfter = Math.max(1, Math.ceil((next - now.getTime()) / 1000));
      return {
        code: 'QUOTA_EXCEEDED',
        retryAfter,
        limit: `${plan.quota}/month`,
        message: `Quota: the plan allows ${plan.quota} calls a month, and this month's are used; this one was refused and not billed. It renews on ${new Date(next).toISOString().slice(0, 10)} (UTC), or the project can move to a plan with a larger quota.`,
      };
    }
    s.reserved++;
    let done = false;
    return {
      commit: () => {
        if (!done) {
          done = true;
          s.reserved--;
          s.used++;
        }
      },
      release: () => {
        if (!done) {
          done = true;
          s.reserved--;
        }
      },
    };
  }

  /** The instance's plan changed or it was removed: its quota state is read again. */
  forget(instanceId: string): void {
    this.quotas.delete(instanceId);
  }

  /** Counts a refused call of an instance environment (written to the store within a second). */
  refused(instanceId: string, environment: string, reason: string): void {
    const month = monthOf(new Date(this.now()));
    const key = `${instanceId}\t${environment}\t${month}\t${reason}`;
    const c = this.refusedQueue.get(key);
    if (c) c.calls++;
    else this.refusedQueue.set(key, { instance_id: instanceId, environment, month, reason, calls: 1 });
    this.timer ??= setTimeout(() => void this.flush(), REFUSED_FLUSH_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.refusedQueue.values()];
    this.refusedQueue = new Map();
    if (!batch.length) return;
    await this.db
      .transaction((tx) => addRefusedCalls(tx, batch))
      .catch((e) => this.logError(`could not count ${batch.length} refused call(s)`, e));
  }
}

export function isRefusal(x: QuotaTicket | LimitRefusal): x is LimitRefusal {
  return 'code' in x;
}

/** The limits a call must pass, by whose key it carries: a plan's for production, the developer default elsewhere. */
export async function admitCall(
  limits: CallLimits,
  meter: Meter,
  route: { environment: string; instance_id: string | null; service_id: string },
  keyHash: string,
): Promise<QuotaTicket | LimitRefusal> {
  if (route.environment === 'production' && route.instance_id) {
    const planId = meter.planOf(route.instance_id) ?? (await meter.loadPlan(route.instance_id));
    const plan = planId ? await limits.planLimits(planId) : undefined;
    if (!plan) return NO_TICKET;
    if (plan.rate_limit !== null && plan.rate_period !== null) {
      const refused = limits.rate(`key:${keyHash}`, { calls: plan.rate_limit, per: plan.rate_period }, 'client key');
      if (refused) return refused;
    }
    return limits.reserve(route.instance_id, plan);
  }
  const dev = limits.developerRateLimit;
  if (dev) {
    const refused = limits.rate(`dev:${route.service_id}`, dev, 'developer key');
    if (refused) return refused;
  }
  return NO_TICKET;
}
