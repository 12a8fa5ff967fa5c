// The extension's wording of statuses, deployments, rate plans and money (client/src/format.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deploymentOutcome,
  describeLimits,
  describePlan,
  environmentState,
  environmentSummary,
  formatMoney,
  formatTotals,
  isSettling,
  monthOf,
  parseCallCount,
  parsePrice,
  statusIcon,
  statusWord,
} from '../../client/src/format';
import { blogService, deployment, environment, plan, version } from './extension-fixtures';

describe('extension: statuses', () => {
  it('gives each deployment status its word and ThemeIcon (check, sync~spin, error)', () => {
    assert.equal(statusWord('DEPLOYED'), 'DEPLOYED');
    assert.equal(statusWord('DEPLOYMENT_INITIALIZED'), 'INITIALIZED');
    assert.equal(statusWord('DEPLOYMENT_IN_PROGRESS'), 'IN_PROGRESS');
    assert.equal(statusWord('DEPLOYMENT_FAILED'), 'FAILED');
    assert.equal(statusWord(null), 'NOT_DEPLOYED');
    assert.deepEqual(statusIcon('DEPLOYED'), { id: 'check', color: 'testing.iconPassed' });
    assert.equal(statusIcon('DEPLOYMENT_INITIALIZED').id, 'sync~spin');
    assert.equal(statusIcon('DEPLOYMENT_IN_PROGRESS').id, 'sync~spin');
    assert.deepEqual(statusIcon('DEPLOYMENT_FAILED'), { id: 'error', color: 'testing.iconFailed' });
    assert.equal(statusIcon(undefined).id, 'circle-outline');
    assert.equal(isSettling('DEPLOYMENT_INITIALIZED'), true);
    assert.equal(isSettling('DEPLOYMENT_IN_PROGRESS'), true);
    assert.equal(isSettling('DEPLOYED'), false);
    assert.equal(isSettling(null), false);
  });

  it('says what an environment runs: the latest deployment, and what serves when that differs', () => {
    const [priv, demo] = blogService('DEPLOYMENT_IN_PROGRESS').environments;
    assert.equal(environmentState(priv), '0.0.3 IN_PROGRESS, 0.0.2 serving');
    assert.equal(environmentState(demo), '0.0.1 DEPLOYED');
    assert.equal(environmentSummary(demo), '$(check) demo 0.0.1 DEPLOYED');
    assert.equal(environmentSummary(priv), '$(sync~spin) private 0.0.3 IN_PROGRESS, 0.0.2 serving');
    const deployed = blogService('DEPLOYED').environments[0];
    assert.equal(environmentSummary(deployed), '$(check) private 0.0.3 DEPLOYED');
    const failed = blogService('DEPLOYMENT_FAILED').environments[0];
    assert.equal(environmentSummary(failed), '$(error) private 0.0.3 FAILED, 0.0.2 serving');
    assert.equal(environmentState(environment('staging', null, null)), 'not deployed');
    const v = version('0.0.4');
    assert.equal(environmentState(environment('development', null, deployment('development', 'DEPLOYMENT_FAILED', v))), '0.0.4 FAILED');
  });

  it('words a settled deployment: the endpoint when deployed, the reason on one line when it failed', () => {
    assert.deepEqual(deploymentOutcome({ environment: 'private', status: 'DEPLOYED', error: null }, '0.0.2', 'http://h/s/abc/graphql'), {
      ok: true,
      message: 'Deployed 0.0.2 to private: http://h/s/abc/graphql',
    });
    assert.deepEqual(deploymentOutcome({ environment: 'demo', status: 'DEPLOYED', error: null }, '0.0.2'), {
      ok: true,
      message: 'Deployed 0.0.2 to demo.',
    });
    assert.deepEqual(
      deploymentOutcome(
        { environment: 'staging', status: 'DEPLOYMENT_FAILED', error: 'migrate: relation "Post" exists.\n  at x\n' },
        '0.0.3',
      ),
      { ok: false, message: 'Deploying 0.0.3 to staging failed: migrate: relation "Post" exists. at x.' },
    );
    assert.equal(
      deploymentOutcome({ environment: 'demo', status: 'DEPLOYMENT_FAILED', error: null }, '0.0.3').message,
      'Deploying 0.0.3 to demo failed: the platform gave no reason.',
    );
    assert.equal(deploymentOutcome({ environment: 'private', status: 'DEPLOYMENT_IN_PROGRESS', error: null }, '0.0.3').ok, true);
  });
});

describe('extension: money and rate plans', () => {
  it('prints minor units as major units of the currency', () => {
    assert.equal(formatMoney(1250, 'EUR'), '12.50 EUR');
    assert.equal(formatMoney(5, 'EUR'), '0.05 EUR');
    assert.equal(formatMoney(300, 'JPY'), '300 JPY');
    assert.equal(formatMoney(-5, 'EUR'), '-0.05 EUR');
    assert.equal(
      formatTotals([
        { amount: 3014, currency: 'EUR' },
        { amount: 500, currency: 'USD' },
      ]),
      '30.14 EUR + 5.00 USD',
    );
    assert.equal(formatTotals([]), 'nothing');
  });

  it('describes a plan in a few words', () => {
    assert.equal(describePlan(plan('NOT_BILLABLE')), 'Not billable');
    assert.equal(describeLimits({ rateLimit: null, quotaPerMonth: null, quotaOverage: false }), '');
    assert.equal(
      describeLimits({ rateLimit: '10/s', quotaPerMonth: 10000, quotaOverage: false }, 1234),
      '10/s per key · quota 1,234 of 10,000 this month',
    );
    assert.equal(describeLimits({ rateLimit: null, quotaPerMonth: 500, quotaOverage: true }), 'quota 500 a month (overage billed)');
    assert.equal(describePlan(plan('MONTHLY', 2999)), 'Monthly 29.99 EUR');
    assert.equal(describePlan(plan('PAY_PER_CALL', 5, 1000)), 'Pay per call 0.05 EUR (1000 free a month)');
    assert.equal(describePlan(plan('PAY_PER_CALL', 5)), 'Pay per call 0.05 EUR');
  });

  it('reads a typed price exactly, in the default currency or the one given', () => {
    assert.deepEqual(parsePrice('29.99'), { amount: 2999, currency: 'EUR' });
    assert.deepEqual(parsePrice(' 0.05 usd '), { amount: 5, currency: 'USD' });
    assert.deepEqual(parsePrice('0,5'), { amount: 50, currency: 'EUR' });
    assert.deepEqual(parsePrice('0.050'), { amount: 5, currency: 'EUR' });
    assert.deepEqual(parsePrice('300 JPY'), { amount: 300, currency: 'JPY' });
    assert.ok('error' in parsePrice('0.005'));
    assert.ok('error' in parsePrice('1.5 JPY'));
    assert.ok('error' in parsePrice('-1'));
    assert.ok('error' in parsePrice('abc'));
    assert.ok('error' in parsePrice('99999999999'));
    assert.equal(parseCallCount(' 1000 '), 1000);
    assert.ok(typeof parseCallCount('1.5') === 'object');
    assert.equal(monthOf(new Date('2024-05-31T23:59:59Z')), '2024-05');
  });
});
