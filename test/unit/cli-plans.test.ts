// The CLI's reading and wording of rate plans, money and months (project:service:add/plan, usage,
// invoice), and of a project's environments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../cli/src/errors';
import { alternatives, nextEnvironment, parseInstanceEnvironment, previousEnvironment } from '../../cli/src/format';
import {
  describePlan,
  formatMoney,
  formatTotals,
  minorDigits,
  parseAmount,
  parseBillingType,
  parseCount,
  parseCurrency,
  parseMonth,
  ratePlanInput,
} from '../../cli/src/plans';

const usage = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof CliError && e.exitCode === 2 && message.test(e.message));

describe('CLI rate plans and money', () => {
  it('reads an amount in major units as exact minor units', () => {
    assert.equal(parseAmount('0.05', 'EUR'), 5);
    assert.equal(parseAmount('29.99', 'EUR'), 2999);
    assert.equal(parseAmount('12.5', 'EUR'), 1250);
    assert.equal(parseAmount('12.', 'EUR'), 1200);
    assert.equal(parseAmount('0.050', 'EUR'), 5, 'trailing zeros say nothing');
    assert.equal(parseAmount(' 3 ', 'EUR'), 300);
    assert.equal(parseAmount('0', 'EUR'), 0);
    // Not through floating point: 0.29 * 100 is 28.999999999999996.
    assert.equal(parseAmount('0.29', 'EUR'), 29);
    assert.equal(parseAmount('1.15', 'USD'), 115);
    assert.equal(parseAmount('300', 'JPY'), 300);
    assert.equal(parseAmount('1.005', 'BHD'), 1005);
    assert.equal(parseAmount('21474836.47', 'EUR'), 2 ** 31 - 1);
    usage(() => parseAmount('0.055', 'EUR'), /^-v\/--value has at most 2 decimals in EUR .*not "0\.055"\.$/);
    usage(() => parseAmount('1.5', 'JPY'), /^-v\/--value is a whole amount in JPY/);
    usage(() => parseAmount('21474836.48', 'EUR'), /^-v\/--value is at most 21474836\.47 EUR/);
    for (const bad of ['', '-1', '1,50', '.5', 'five', '1e3', '0x10', '5 EUR'])
      usage(() => parseAmount(bad, 'EUR'), /^-v\/--value is an amount in EUR like 0\.05 or 29\.99, not /);
  });

  it('prints minor units as major units with the currency', () => {
    assert.equal(formatMoney(1250, 'EUR'), '12.50 EUR');
    assert.equal(formatMoney(5, 'EUR'), '0.05 EUR');
    assert.equal(formatMoney(0, 'EUR'), '0.00 EUR');
    assert.equal(formatMoney(-5, 'USD'), '-0.05 USD');
    assert.equal(formatMoney(2999, 'EUR'), '29.99 EUR');
    assert.equal(formatMoney(300, 'JPY'), '300 JPY');
    assert.equal(formatMoney(1005, 'BHD'), '1.005 BHD');
    assert.equal(
      formatTotals([
        { amount: 3014, currency: 'EUR' },
        { amount: 500, currency: 'USD' },
      ]),
      '30.14 EUR + 5.00 USD',
    );
    assert.equal(formatTotals([]), 'nothing');
    assert.deepEqual([minorDigits('EUR'), minorDigits('JPY'), minorDigits('KWD')], [2, 0, 3]);
  });

  it('reads --currency, -t, --month and --free', () => {
    assert.equal(parseCurrency(undefined), 'EUR');
    assert.equal(parseCurrency('usd'), 'USD');
    usage(() => parseCurrency('euro'), /^--currency is an ISO 4217 code like EUR or USD, not "euro"\.$/);
    assert.equal(parseBillingType('pay-per-call'), 'PAY_PER_CALL');
    assert.equal(parseBillingType('MONTHLY'), 'MONTHLY');
    usage(() => parseBillingType('yearly'), /^-t\/--type is NOT_BILLABLE, MONTHLY or PAY_PER_CALL, not "yearly"\.$/);
    assert.equal(parseMonth(undefined), undefined);
    assert.equal(parseMonth('2024-05'), '2024-05');
    for (const bad of ['2024-5', '2024-13', '2024-00', '05-2024', '2024-05-01', 'may'])
      usage(() => parseMonth(bad), /^--month is YYYY-MM \(like 2024-05\), not /);
    assert.equal(parseCount('1000', '--free'), 1000);
    for (const bad of ['-1', '1.5', 'x', '2147483648']) usage(() => parseCount(bad, '--free'), /^--free is a whole number of calls/);
  });

  it('makes the rate plan of -t, -v, --currency and --free', () => {
    assert.equal(ratePlanInput({}), undefined);
    assert.deepEqual(ratePlanInput({ type: 'PAY_PER_CALL', value: '0.05' }), {
      billingType: 'PAY_PER_CALL',
      amount: 5,
      currency: 'EUR',
      freeCallsPerMonth: 0,
    });
    assert.deepEqual(ratePlanInput({ type: 'pay_per_call', value: '0.05', currency: 'usd', free: '1000' }), {
      billingType: 'PAY_PER_CALL',
      amount: 5,
      currency: 'USD',
      freeCallsPerMonth: 1000,
    });
    assert.deepEqual(ratePlanInput({ type: 'MONTHLY', value: '29.99' }), {
      billingType: 'MONTHLY',
      amount: 2999,
      currency: 'EUR',
      freeCallsPerMonth: 0,
    });
    assert.deepEqual(ratePlanInput({ type: 'NOT_BILLABLE' }), {
      billingType: 'NOT_BILLABLE',
      amount: 0,
      currency: 'EUR',
      freeCallsPerMonth: 0,
    });
    assert.deepEqual(ratePlanInput({ type: 'NOT_BILLABLE', value: '0' }), {
      billingType: 'NOT_BILLABLE',
      amount: 0,
      currency: 'EUR',
      freeCallsPerMonth: 0,
    });
    usage(() => ratePlanInput({ value: '0.05' }), /^-v\/--value set a rate plan: give its type too, -t MONTHLY or -t PAY_PER_CALL\.$/);
    usage(() => ratePlanInput({ free: '10', currency: 'EUR' }), /^--currency and --free set a rate plan/);
    usage(() => ratePlanInput({ type: 'PAY_PER_CALL' }), /^-t PAY_PER_CALL needs -v\/--value <the price of one call>, like -v 0\.05/);
    usage(() => ratePlanInput({ type: 'MONTHLY' }), /^-t MONTHLY needs -v\/--value <the monthly fee>, like -v 29\.99/);
    usage(() => ratePlanInput({ type: 'NOT_BILLABLE', value: '1' }), /^A NOT_BILLABLE plan has no price: leave out -v\/--value\.$/);
    usage(() => ratePlanInput({ type: 'MONTHLY', value: '10', free: '5' }), /^--free is for PAY_PER_CALL plans .*not MONTHLY\.$/);
    usage(() => ratePlanInput({ type: 'PAY_PER_CALL', value: '0.001' }), /at most 2 decimals in EUR/);
  });

  it('adds --rate-limit, --quota and --overage', () => {
    assert.deepEqual(ratePlanInput({ type: 'PAY_PER_CALL', value: '0.05', rateLimit: '10/s', quota: '10000/month', overage: true }), {
      billingType: 'PAY_PER_CALL',
      amount: 5,
      currency: 'EUR',
      freeCallsPerMonth: 0,
      rateLimit: '10/s',
      quotaPerMonth: 10000,
      quotaOverage: true,
    });
    assert.deepEqual(ratePlanInput({ type: 'NOT_BILLABLE', rateLimit: '600 / min', quota: '50' }), {
      billingType: 'NOT_BILLABLE',
      amount: 0,
      currency: 'EUR',
      freeCallsPerMonth: 0,
      rateLimit: '600/min',
      quotaPerMonth: 50,
    });
    usage(
      () => ratePlanInput({ type: 'MONTHLY', value: '1', rateLimit: '10 per second' }),
      /^--rate-limit is calls per second or minute, like 10\/s/,
    );
    usage(() => ratePlanInput({ type: 'MONTHLY', value: '1', quota: '10/day' }), /^--quota is calls a month/);
    usage(
      () => ratePlanInput({ type: 'MONTHLY', value: '1', quota: '10', overage: true }),
      /^--overage .* needs -t PAY_PER_CALL and --quota/,
    );
    usage(() => ratePlanInput({ rateLimit: '10/s' }), /^--rate-limit set a rate plan: give its type too/);
    assert.equal(
      describePlan({
        billingType: 'PAY_PER_CALL',
        amount: 5,
        currency: 'EUR',
        freeCallsPerMonth: 0,
        rateLimit: '10/s',
        quotaPerMonth: 100,
        quotaOverage: false,
      }),
      'PAY_PER_CALL 0.05 EUR a call; at most 10/s per client key, 100 calls a month (then refused)',
    );
  });

  it('words a plan', () => {
    const plan = { billingType: 'PAY_PER_CALL' as const, amount: 5, currency: 'EUR', freeCallsPerMonth: 0 };
    assert.equal(describePlan(plan), 'PAY_PER_CALL 0.05 EUR a call');
    assert.equal(describePlan({ ...plan, freeCallsPerMonth: 1000 }), 'PAY_PER_CALL 0.05 EUR a call, 1000 calls a month free');
    assert.equal(describePlan({ ...plan, freeCallsPerMonth: 1 }), 'PAY_PER_CALL 0.05 EUR a call, 1 call a month free');
    assert.equal(describePlan({ ...plan, billingType: 'MONTHLY', amount: 2999 }), 'MONTHLY 29.99 EUR a month');
    assert.equal(describePlan({ ...plan, billingType: 'NOT_BILLABLE', amount: 0 }), 'NOT_BILLABLE');
  });
});

describe('CLI project environments', () => {
  it('reads -e of an instance: development, staging or production', () => {
    assert.equal(parseInstanceEnvironment(undefined), undefined);
    assert.equal(parseInstanceEnvironment('Staging'), 'staging');
    usage(() => parseInstanceEnvironment('prod'), /^-e\/--env is development, staging or production in a project, not "prod"\.$/);
    usage(() => parseInstanceEnvironment('demo'), /^-e\/--env is .* not "demo" \(demo is the service's own: leave out -p\/--project\)\.$/);
    usage(() => parseInstanceEnvironment('x', '-t/--to'), /^-t\/--to is development/);
  });

  it('knows the order of promotion', () => {
    assert.equal(nextEnvironment('development'), 'staging');
    assert.equal(nextEnvironment('staging'), 'production');
    assert.equal(nextEnvironment('production'), undefined);
    assert.equal(previousEnvironment('production'), 'staging');
    assert.equal(previousEnvironment('development'), undefined);
    assert.deepEqual([alternatives(['a']), alternatives(['a', 'b']), alternatives(['a', 'b', 'c'])], ['a', 'a or b', 'a, b or c']);
  });
});
