// How the extension words deployments, environments, rate plans and money: pure functions (no
// `vscode`), shared by the trees, the CodeLens and the status bar, and tested without VS Code.
import { DEFAULT_CURRENCY, formatMoney, MAX_INT, parseWholeCount, toMinorUnits } from '../../apiclient/src/money';
import type { DeploymentStatus, Environment, RatePlan } from '../../apiclient/src/types';

/** A ThemeIcon by codicon id, with an optional ThemeColor id. */
export interface IconSpec {
  id: string;
  color?: string;
}

/** The status of an environment's latest deployment in one word. */
export type StatusWord = 'DEPLOYED' | 'INITIALIZED' | 'IN_PROGRESS' | 'FAILED' | 'NOT_DEPLOYED';

export function statusWord(status: DeploymentStatus | null | undefined): StatusWord {
  switch (status) {
    case 'DEPLOYED':
      return 'DEPLOYED';
    case 'DEPLOYMENT_INITIALIZED':
      return 'INITIALIZED';
    case 'DEPLOYMENT_IN_PROGRESS':
      return 'IN_PROGRESS';
    case 'DEPLOYMENT_FAILED':
      return 'FAILED';
    default:
      return 'NOT_DEPLOYED';
  }
}

/** True while a deployment has not settled: the views poll until none is left. */
export function isSettling(status: DeploymentStatus | null | undefined): boolean {
  return status === 'DEPLOYMENT_INITIALIZED' || status === 'DEPLOYMENT_IN_PROGRESS';
}

export function statusIcon(status: DeploymentStatus | null | undefined): IconSpec {
  switch (status) {
    case 'DEPLOYED':
      return { id: 'check', color: 'testing.iconPassed' };
    case 'DEPLOYMENT_INITIALIZED':
    case 'DEPLOYMENT_IN_PROGRESS':
      return { id: 'sync~spin' };
    case 'DEPLOYMENT_FAILED':
      return { id: 'error', color: 'testing.iconFailed' };
    default:
      return { id: 'circle-outline' };
  }
}

/**
 * An environment's state after its name: `0.0.3 DEPLOYED`, `0.0.4 IN_PROGRESS`, `0.0.4 FAILED,
 * 0.0.3 serving`, `not deployed`.
 */
export function environmentState(env: Environment): string {
  const latest = env.latestDeployment;
  if (!latest) return env.currentVersion ? `${env.currentVersion.version} serving` : 'not deployed';
  const state = `${latest.version.version} ${statusWord(latest.status)}`;
  const serving = env.currentVersion;
  const shown = serving && serving.id !== latest.version.id ? `${state}, ${serving.version} serving` : state;
  return env.idle ? `${shown}, idle` : shown;
}

/** With the status icon and the environment's name, for CodeLens titles and the status bar: `$(check) private 0.0.3 DEPLOYED`. */
export function environmentSummary(env: Environment): string {
  return `$(${statusIcon(env.latestDeployment?.status ?? env.status).id}) ${env.name} ${environmentState(env)}`;
}

/** The first line of a deployment error, for a description or a message. */
export function firstLine(text: string | null | undefined): string {
  return (text ?? '').trim().split(/\r?\n/)[0]?.trim() ?? '';
}

/** Text on one line: every run of whitespace (newlines too) as one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A deployment that settled, as push, promote and the instance operations answer it. */
export interface SettledDeployment {
  environment: string;
  status: DeploymentStatus;
  error: string | null;
}

/**
 * A deployment's outcome in one sentence, and whether the version now serves: `Deployed 0.0.2 to
 * private: <url>`, or why it failed.
 */
export function deploymentOutcome(d: SettledDeployment, version: string, url?: string): { ok: boolean; message: string } {
  switch (d.status) {
    case 'DEPLOYED':
      return { ok: true, message: `Deployed ${version} to ${d.environment}${url ? `: ${url}` : '.'}` };
    case 'DEPLOYMENT_FAILED': {
      const why = oneLine(d.error ?? '').replace(/\.$/, '') || 'the platform gave no reason';
      return { ok: false, message: `Deploying ${version} to ${d.environment} failed: ${why}.` };
    }
    default:
      // The platform answers when a deployment settled; one that did not wait is still going.
      return {
        ok: true,
        message: `The deployment of ${version} to ${d.environment} is ${statusWord(d.status)}: watch it in the Services view.`,
      };
  }
}

// ---- Money and rate plans. The platform counts money in minor units of a currency (cents). ----

export { BILLING_TYPES, DEFAULT_CURRENCY, formatMoney, formatTotals, minorDigits } from '../../apiclient/src/money';

/** A plan in a few words: `Not billable`, `Monthly 29.99 EUR`, `Pay per call 0.05 EUR (1000 free a month)`. */
export function describePlan(plan: Pick<RatePlan, 'billingType' | 'amount' | 'currency' | 'freeCallsPerMonth'>): string {
  switch (plan.billingType) {
    case 'MONTHLY':
      return `Monthly ${formatMoney(plan.amount, plan.currency)}`;
    case 'PAY_PER_CALL': {
      const free = plan.freeCallsPerMonth ? ` (${plan.freeCallsPerMonth} free a month)` : '';
      return `Pay per call ${formatMoney(plan.amount, plan.currency)}${free}`;
    }
    default:
      return 'Not billable';
  }
}

/**
 * A plan's limits, with how much of the month's quota `used` (production calls so far) took:
 * `10/s per key · quota 1,234 of 10,000 this month`; empty for a plan without limits.
 */
export function describeLimits(plan: Pick<RatePlan, 'rateLimit' | 'quotaPerMonth' | 'quotaOverage'>, used?: number): string {
  const parts: string[] = [];
  if (plan.rateLimit) parts.push(`${plan.rateLimit} per key`);
  if (plan.quotaPerMonth) {
    const of =
      used === undefined
        ? `${formatCount(plan.quotaPerMonth)} a month`
        : `${formatCount(used)} of ${formatCount(plan.quotaPerMonth)} this month`;
    parts.push(`quota ${of}${plan.quotaOverage ? ' (overage billed)' : ''}`);
  }
  return parts.join(' · ');
}

/**
 * A price as typed in an input box, in major units with an optional currency: `29.99`, `0.05 USD`,
 * `300 JPY`. Minor units and the currency, or an error message that says what to type.
 */
export function parsePrice(text: string, defaultCurrency = DEFAULT_CURRENCY): { amount: number; currency: string } | { error: string } {
  const m = /^\s*(\d+)(?:[.,](\d*))?\s*([A-Za-z]{3})?\s*$/.exec(text);
  if (!m) return { error: 'Type an amount like 29.99 or 0.05, optionally with a currency: 0.05 USD.' };
  const currency = (m[3] ?? defaultCurrency).toUpperCase();
  const converted = toMinorUnits(m[1], m[2] ?? '', currency);
  if ('minor' in converted) return { amount: converted.minor, currency };
  if (converted.problem === 'decimals') {
    return {
      error: converted.digits
        ? `At most ${converted.digits} decimals in ${currency}.`
        : `${currency} has no minor unit: type a whole amount.`,
    };
  }
  return { error: `At most ${formatMoney(MAX_INT, currency)}.` };
}

/** A whole number of calls as typed; an error message otherwise. */
export function parseCallCount(text: string): number | { error: string } {
  return parseWholeCount(text) ?? { error: 'Type a whole number of calls (0 or more).' };
}

/** `YYYY-MM` of a date, in UTC (the platform's months are UTC). */
export function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** `1234` → `1,234`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** `2024-05-01T12:00:00.000Z` → `2024-05-01 12:00` (UTC). */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').slice(0, 16);
}
