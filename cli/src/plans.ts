// How the CLI reads and words rate plans, money and months: pure functions. The platform counts
// money in minor units of a currency (cents); people type and read major units (0.05 EUR).
import type { BillingType, RatePlan, RatePlanInput } from '../../apiclient/src';
import {
  BILLING_TYPES,
  DEFAULT_CURRENCY,
  formatMoney,
  MAX_INT,
  minorDigits,
  parseWholeCount,
  toMinorUnits,
} from '../../apiclient/src/money';
import { alternatives } from './format';
import { usageError } from './errors';

export { BILLING_TYPES, DEFAULT_CURRENCY, formatMoney, formatTotals, minorDigits } from '../../apiclient/src/money';

/** `--currency`: an ISO 4217 code, upper-cased. */
export function parseCurrency(value: string | undefined): string {
  if (value === undefined) return DEFAULT_CURRENCY;
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw usageError(`--currency is an ISO 4217 code like EUR or USD, not ${JSON.stringify(value)}.`);
  return code;
}

/** `-t/--type`: NOT_BILLABLE, MONTHLY or PAY_PER_CALL (any case, - for _). */
export function parseBillingType(value: string): BillingType {
  const type = value.trim().toUpperCase().replace(/-/g, '_');
  if ((BILLING_TYPES as readonly string[]).includes(type)) return type as BillingType;
  throw usageError(`-t/--type is ${alternatives(BILLING_TYPES)}, not ${JSON.stringify(value)}.`);
}

/** A decimal amount in major units of `currency` (0.05, 29.99) as minor units (5, 2999), exactly. */
export function parseAmount(value: string, currency: string, option = '-v/--value'): number {
  const digits = minorDigits(currency);
  const example = digits ? `like 0.05 or 29.99` : 'like 5 or 300';
  const m = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(value);
  if (!m) throw usageError(`${option} is an amount in ${currency} ${example}, not ${JSON.stringify(value)}.`);
  const converted = toMinorUnits(m[1], m[2] ?? '', currency);
  if ('minor' in converted) return converted.minor;
  if (converted.problem === 'decimals') {
    throw usageError(
      digits
        ? `${option} has at most ${digits} decimals in ${currency} (the platform counts in its minor unit), not ${JSON.stringify(value)}.`
        : `${option} is a whole amount in ${currency} (it has no minor unit), not ${JSON.stringify(value)}.`,
    );
  }
  throw usageError(`${option} is at most ${formatMoney(MAX_INT, currency)}, not ${JSON.stringify(value)}.`);
}

/** `--month`: YYYY-MM (a calendar month, UTC); undefined when not given (the platform's default is this month). */
export function parseMonth(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const month = value.trim();
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw usageError(`--month is YYYY-MM (like 2024-05), not ${JSON.stringify(value)}.`);
  return month;
}

/** A whole number from 0 to 2^31-1, given as `option`. */
export function parseCount(value: string, option: string): number {
  const n = parseWholeCount(value);
  if (n === undefined) throw usageError(`${option} is a whole number of calls (0 or more), not ${JSON.stringify(value)}.`);
  return n;
}

/** The rate plan options as typed: -t, -v, --currency, --free. */
export interface PlanOptions {
  type?: string;
  value?: string;
  currency?: string;
  free?: string;
  /** `10/s`, `600/min`. */
  rateLimit?: string;
  /** `10000/month` (or `10000`). */
  quota?: string;
  overage?: boolean;
}

/** The rate limit and quota flags, checked here so a typo is a usage error, not a round trip. */
function planLimits(options: PlanOptions, billingType: string): Pick<RatePlanInput, 'rateLimit' | 'quotaPerMonth' | 'quotaOverage'> {
  const out: Pick<RatePlanInput, 'rateLimit' | 'quotaPerMonth' | 'quotaOverage'> = {};
  if (options.rateLimit !== undefined) {
    if (!/^\s*\d+\s*\/\s*(s|sec|second|m|min|minute)\s*$/i.test(options.rateLimit))
      throw usageError(`--rate-limit is calls per second or minute, like 10/s or 600/min, not "${options.rateLimit}".`);
    out.rateLimit = options.rateLimit.replace(/\s+/g, '');
  }
  if (options.quota !== undefined) {
    const m = /^\s*(\d+)\s*(\/\s*month)?\s*$/i.exec(options.quota);
    if (!m || Number(m[1]) < 1) throw usageError(`--quota is calls a month, like 10000/month, not "${options.quota}".`);
    out.quotaPerMonth = Number(m[1]);
  }
  if (options.overage) {
    if (billingType !== 'PAY_PER_CALL' || out.quotaPerMonth === undefined)
      throw usageError("--overage bills calls past the --quota at the plan's price: it needs -t PAY_PER_CALL and --quota.");
    out.quotaOverage = true;
  }
  return out;
}

/**
 * The rate plan the options describe, or undefined when they give none (no -t). A paid plan needs
 * its price (-v, in major units); NOT_BILLABLE has none; --free is for PAY_PER_CALL.
 */
export function ratePlanInput(options: PlanOptions): RatePlanInput | undefined {
  if (options.type === undefined) {
    const stray = [
      options.value !== undefined && '-v/--value',
      options.currency !== undefined && '--currency',
      options.free !== undefined && '--free',
      options.rateLimit !== undefined && '--rate-limit',
      options.quota !== undefined && '--quota',
      options.overage && '--overage',
    ].filter(Boolean);
    if (stray.length) throw usageError(`${stray.join(' and ')} set a rate plan: give its type too, -t MONTHLY or -t PAY_PER_CALL.`);
    return undefined;
  }
  const billingType = parseBillingType(options.type);
  const currency = parseCurrency(options.currency);
  if (options.free !== undefined && billingType !== 'PAY_PER_CALL') {
    throw usageError(`--free is for PAY_PER_CALL plans (the production calls a month that are not billed), not ${billingType}.`);
  }
  const freeCallsPerMonth = options.free === undefined ? 0 : parseCount(options.free, '--free');
  if (billingType === 'NOT_BILLABLE') {
    if (options.value !== undefined && parseAmount(options.value, currency) !== 0)
      throw usageError('A NOT_BILLABLE plan has no price: leave out -v/--value.');
    return { billingType, amount: 0, currency, freeCallsPerMonth, ...planLimits(options, billingType) };
  }
  if (options.value === undefined) {
    throw usageError(
      billingType === 'MONTHLY'
        ? '-t MONTHLY needs -v/--value <the monthly fee>, like -v 29.99 (in EUR unless --currency says otherwise).'
        : '-t PAY_PER_CALL needs -v/--value <the price of one call>, like -v 0.05 (in EUR unless --currency says otherwise).',
    );
  }
  return { billingType, amount: parseAmount(options.value, currency), currency, freeCallsPerMonth, ...planLimits(options, billingType) };
}

/** A plan in a few words: `NOT_BILLABLE`, `MONTHLY 29.99 EUR a month`, `PAY_PER_CALL 0.05 EUR a call, 1000 calls a month free`. */
export function describePlan(
  plan: Pick<RatePlan, 'billingType' | 'amount' | 'currency' | 'freeCallsPerMonth'> &
    Partial<Pick<RatePlan, 'rateLimit' | 'quotaPerMonth' | 'quotaOverage'>>,
): string {
  const limits = [
    plan.rateLimit ? `at most ${plan.rateLimit} per client key` : '',
    plan.quotaPerMonth ? `${plan.quotaPerMonth} calls a month (${plan.quotaOverage ? 'more billed' : 'then refused'})` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return limits ? `${billing(plan)}; ${limits}` : billing(plan);
}

function billing(plan: Pick<RatePlan, 'billingType' | 'amount' | 'currency' | 'freeCallsPerMonth'>): string {
  switch (plan.billingType) {
    case 'MONTHLY':
      return `MONTHLY ${formatMoney(plan.amount, plan.currency)} a month`;
    case 'PAY_PER_CALL': {
      const free = plan.freeCallsPerMonth ? `, ${plan.freeCallsPerMonth} call${plan.freeCallsPerMonth === 1 ? '' : 's'} a month free` : '';
      return `PAY_PER_CALL ${formatMoney(plan.amount, plan.currency)} a call${free}`;
    }
    default:
      return plan.billingType;
  }
}
