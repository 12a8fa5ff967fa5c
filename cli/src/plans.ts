// How the CLI reads and words rate plans, money and months: pure functions. The platform counts
// money in minor units of a currency (cents); people type and read major units (0.05 EUR).
import type { BillingType, Money, RatePlan, RatePlanInput } from '../../client/src/api';
import { alternatives } from './format';
import { usageError } from './errors';

export const BILLING_TYPES: readonly BillingType[] = ['NOT_BILLABLE', 'MONTHLY', 'PAY_PER_CALL'];
export const DEFAULT_CURRENCY = 'EUR';
/** The platform's amounts and counts are GraphQL Ints. */
const MAX_INT = 2 ** 31 - 1;

/** How many decimals a currency has (EUR 2, JPY 0, BHD 3), from the ISO 4217 data Node carries. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

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
  // Trailing zeros say nothing: 0.050 EUR is 5 cents.
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) {
    throw usageError(digits
      ? `${option} has at most ${digits} decimals in ${currency} (the platform counts in its minor unit), not ${JSON.stringify(value)}.`
      : `${option} is a whole amount in ${currency} (it has no minor unit), not ${JSON.stringify(value)}.`);
  }
  const minor = BigInt(m[1]) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  if (minor > BigInt(MAX_INT)) throw usageError(`${option} is at most ${formatMoney(MAX_INT, currency)}, not ${JSON.stringify(value)}.`);
  return Number(minor);
}

/** Minor units as major units with the currency: `12.50 EUR`, `300 JPY`, `-0.05 EUR`. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const units = BigInt(Math.abs(Math.trunc(amount))).toString().padStart(digits + 1, '0');
  const major = digits ? `${units.slice(0, -digits)}.${units.slice(-digits)}` : units;
  return `${sign}${major} ${currency}`;
}

/** Totals per currency on one line: `30.14 EUR + 5.00 USD`, or `nothing`. */
export function formatTotals(totals: Money[]): string {
  return totals.length ? totals.map((t) => formatMoney(t.amount, t.currency)).join(' + ') : 'nothing';
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
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_INT) throw usageError(`${option} is a whole number of calls (0 or more), not ${JSON.stringify(value)}.`);
  return n;
}

/** The rate plan options as typed: -t, -v, --currency, --free. */
export interface PlanOptions {
  type?: string;
  value?: string;
  currency?: string;
  free?: string;
}

/**
 * The rate plan the options describe, or undefined when they give none (no -t). A paid plan needs
 * its price (-v, in major units); NOT_BILLABLE has none; --free is for PAY_PER_CALL.
 */
export function ratePlanInput(options: PlanOptions): RatePlanInput | undefined {
  if (options.type === undefined) {
    const stray = [options.value !== undefined && '-v/--value', options.currency !== undefined && '--currency', options.free !== undefined && '--free'].filter(Boolean);
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
    if (options.value !== undefined && parseAmount(options.value, currency) !== 0) throw usageError('A NOT_BILLABLE plan has no price: leave out -v/--value.');
    return { billingType, amount: 0, currency, freeCallsPerMonth };
  }
  if (options.value === undefined) {
    throw usageError(billingType === 'MONTHLY'
      ? '-t MONTHLY needs -v/--value <the monthly fee>, like -v 29.99 (in EUR unless --currency says otherwise).'
      : '-t PAY_PER_CALL needs -v/--value <the price of one call>, like -v 0.05 (in EUR unless --currency says otherwise).');
  }
  return { billingType, amount: parseAmount(options.value, currency), currency, freeCallsPerMonth };
}

/** A plan in a few words: `NOT_BILLABLE`, `MONTHLY 29.99 EUR a month`, `PAY_PER_CALL 0.05 EUR a call, 1000 calls a month free`. */
export function describePlan(plan: Pick<RatePlan, 'billingType' | 'amount' | 'currency' | 'freeCallsPerMonth'>): string {
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
