// Money as the platform counts it: whole minor units of an ISO 4217 currency (cents). Pure, and
// shared by the CLI and the extension (no axios here: the extension loads this at activation).
import type { BillingType, Money } from './types';

export const BILLING_TYPES: readonly BillingType[] = ['NOT_BILLABLE', 'MONTHLY', 'PAY_PER_CALL'];
export const DEFAULT_CURRENCY = 'EUR';
/** The platform's amounts and counts are GraphQL Ints. */
export const MAX_INT = 2 ** 31 - 1;

/** How many decimals a currency has (EUR 2, JPY 0, BHD 3), from the ISO 4217 data Node carries. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Major units as typed, split into their whole and fraction digits (`29`, `99`), as minor units of
 * `currency`, exactly; or why not: more decimals than the currency has, or more than a GraphQL Int.
 */
export function toMinorUnits(
  whole: string,
  fraction: string,
  currency: string,
): { minor: number } | { problem: 'decimals' | 'too-large'; digits: number } {
  const digits = minorDigits(currency);
  // Trailing zeros say nothing: 0.050 EUR is 5 cents.
  const significant = fraction.replace(/0+$/, '');
  if (significant.length > digits) return { problem: 'decimals', digits };
  const minor = BigInt(whole) * 10n ** BigInt(digits) + BigInt(significant.padEnd(digits, '0') || '0');
  if (minor > BigInt(MAX_INT)) return { problem: 'too-large', digits };
  return { minor: Number(minor) };
}

/** Minor units as major units with the currency: `12.50 EUR`, `300 JPY`, `-0.05 EUR`. */
export function formatMoney(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amount < 0 ? '-' : '';
  const units = BigInt(Math.abs(Math.trunc(amount)))
    .toString()
    .padStart(digits + 1, '0');
  const major = digits ? `${units.slice(0, -digits)}.${units.slice(-digits)}` : units;
  return `${sign}${major} ${currency}`;
}

/** Amounts in several currencies on one line: `30.14 EUR + 5.00 USD`, or `nothing`. */
export function formatTotals(totals: Money[]): string {
  return totals.length ? totals.map((t) => formatMoney(t.amount, t.currency)).join(' + ') : 'nothing';
}

/** A whole number from 0 to 2^31-1 as typed, or undefined. */
export function parseWholeCount(text: string): number | undefined {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) && n <= MAX_INT ? n : undefined;
}
