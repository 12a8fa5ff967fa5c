// Rate limits and quotas of rate plans, on a real platform with an injected clock: a plan of 5
// calls a second answers 5 of a burst and refuses the rest with 429 and Retry-After; a quota of 10
// calls a month lets exactly 10 through, concurrent calls and a platform restart in the middle
// included; refused calls are counted apart and never billed; with overage, calls past the quota
// are served and billed. Developer keys have their own (generous) rate limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as path from 'path';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { api, call } from './helpers/http';
import { platformTargets, TestPlatform } from './helpers/platform';
import { blogService } from './helpers/service';

for (const target of platformTargets()) {
  describe(`rate limits and quotas (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    let serviceId: string;
    let devKey: string;
    let privateUrl: string;
    // Mid-second, mid-month: the windows below do not roll over by themselves.
    let t = Math.floor(Date.now() / 1000) * 1000 + 100;

    /** A project with the service in production under `plan`; its production URL and a client key. */
    async function production(name: string, plan: string): Promise<{ projectId: string; url: string; key: string }> {
      const {
        createProject: { id: projectId },
      } = await api(client, `mutation { createProject(name: "${name}") { id } }`);
      await api(client, `mutation($p: ID!, $s: ID!) { addServiceToProject(projectId: $p, serviceId: $s, plan: ${plan}) { id } }`, {
        p: projectId,
        s: serviceId,
      });
      const roll = await api(
        client,
        'mutation($p: ID!, $s: ID!) { rollInstance(projectId: $p, serviceId: $s, environment: production, version: "0.0.1") { status error } }',
        { p: projectId, s: serviceId },
      );
      assert.equal(roll.rollInstance.status, 'DEPLOYED', roll.rollInstance.error);
      const inst = (await api(client, 'query($p: ID!) { project(id: $p) { instances { environments { name path } } } }', { p: projectId }))
        .project.instances[0];
      const url = `${platform.url}${inst.environments.find((e: any) => e.name === 'production').path}`;
      const { addClientKey } = await api(client, 'mutation($p: ID!) { addClientKey(projectId: $p, name: "web") { key } }', {
        p: projectId,
      });
      return { projectId, url, key: addClientKey.key };
    }
    const usage = async (projectId: string) =>
      (
        await api(
          client,
          'query($p: ID!, $s: ID!) { usage(projectId: $p, serviceId: $s) { production refused { environment reason calls } } }',
          { p: projectId, s: serviceId },
        )
      ).usage;
    const invoice = async (projectId: string) =>
      (await api(client, 'query($p: ID!) { invoice(projectId: $p) { lines { calls billedCalls total } } }', { p: projectId })).invoice
        .lines;

    before(async () => {
      platform = await TestPlatform.start(target, { gateway: { now: () => t, developerRateLimit: { calls: 50, per: 'second' } } });
      ({ client } = await platform.signup('limits'));
      const created = await client.createService('Blog');
      serviceId = created.service.id;
      devKey = created.developerKey;
      privateUrl = client.endpointUrl(created.service.environments[0]);
      prewarmTypeCheck();
      const dir = await blogService(path.join(platform.tmp, 'blog'), serviceId);
      assert.equal((await client.push(serviceId, await packServiceFolder(dir))).deployed, true);
      await api(client, 'mutation($s: ID!) { promote(serviceId: $s) { status } }', { s: serviceId });
    });
    after(async () => {
      await platform?.close();
    });

    it('a plan of 5 calls a second answers 5 of a burst of 20 per client key, the rest 429 with Retry-After, unbilled', async () => {
      const { projectId, url, key } = await production('Rated', '{ billingType: PAY_PER_CALL, amount: 3, rateLimit: "5/s" }');
      const plan = (
        await api(client, 'query($p: ID!) { project(id: $p) { instances { ratePlan { rateLimit quotaPerMonth quotaOverage } } } }', {
          p: projectId,
        })
      ).project.instances[0].ratePlan;
      assert.deepEqual(plan, { rateLimit: '5/s', quotaPerMonth: null, quotaOverage: false });
      const burst = await Promise.all(
        Array.from({ length: 20 }, () =>
          fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-user-authorization': key },
            body: JSON.stringify({ query: '{ allPosts { id } }' }),
          }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as any })),
        ),
      );
      assert.equal(burst.filter((a) => a.status === 200).length, 5);
      const refused = burst.filter((a) => a.status === 429);
      assert.equal(refused.length, 15);
      for (const r of refused) {
        assert.equal(r.retryAfter, '1');
        assert.deepEqual(r.body.errors[0].extensions, { code: 'RATE_LIMITED', limit: '5/s', retryAfter: 1 });
        assert.match(r.body.errors[0].message, /at most 5 calls a second per client key/);
      }
      // The next second has room again.
      t += 1000;
      assert.equal((await call(url, key, '{ allPosts { id } }')).status, 200);
      const u = await usage(projectId);
      assert.equal(u.production, 6);
      assert.deepEqual(u.refused, [{ environment: 'production', reason: 'RATE_LIMITED', calls: 15 }]);
      assert.deepEqual(await invoice(projectId), [{ calls: 6, billedCalls: 6, total: 18 }]);
    });

    it('a quota of 10 calls a month lets exactly 10 through, across concurrency and a platform restart', async () => {
      const { projectId, url, key } = await production('Quota', '{ billingType: PAY_PER_CALL, amount: 5, quotaPerMonth: 10 }');
      const first = await Promise.all(Array.from({ length: 6 }, () => call(url, key, '{ allPosts { id } }')));
      assert.deepEqual(
        first.map((a) => a.status),
        Array(6).fill(200),
      );
      await platform.restart();
      const rest = await Promise.all(Array.from({ length: 8 }, () => call(url, key, '{ allPosts { id } }')));
      assert.deepEqual(rest.map((a) => a.status).sort(), [...Array(4).fill(200), ...Array(4).fill(429)]);
      const over = rest.find((a) => a.status === 429)!;
      assert.equal(over.body.errors![0].extensions?.code, 'QUOTA_EXCEEDED');
      assert.match(over.body.errors![0].message, /allows 10 calls a month/);
      const u = await usage(projectId);
      assert.equal(u.production, 10);
      assert.deepEqual(u.refused, [{ environment: 'production', reason: 'QUOTA_EXCEEDED', calls: 4 }]);
      assert.deepEqual(await invoice(projectId), [{ calls: 10, billedCalls: 10, total: 50 }]);

      // With overage the calls past the quota are served and billed at the plan's price.
      await api(
        client,
        'mutation($p: ID!, $s: ID!) { setRatePlan(projectId: $p, serviceId: $s, plan: { billingType: PAY_PER_CALL, amount: 5, quotaPerMonth: 10, quotaOverage: true }) { id } }',
        { p: projectId, s: serviceId },
      );
      assert.equal((await call(url, key, '{ allPosts { id } }')).status, 200);
      assert.equal((await usage(projectId)).production, 11);
      assert.deepEqual(
        (await invoice(projectId)).map((l: any) => l.total),
        [50, 5],
      );
      await assert.rejects(
        api(
          client,
          'mutation($p: ID!, $s: ID!) { setRatePlan(projectId: $p, serviceId: $s, plan: { billingType: MONTHLY, amount: 900, quotaPerMonth: 10, quotaOverage: true }) { id } }',
          { p: projectId, s: serviceId },
        ),
        /PAY_PER_CALL/,
      );
      await assert.rejects(
        api(
          client,
          'mutation($p: ID!, $s: ID!) { setRatePlan(projectId: $p, serviceId: $s, plan: { billingType: MONTHLY, amount: 900, rateLimit: "10 per s" }) { id } }',
          { p: projectId, s: serviceId },
        ),
        /like 10\/s or 600\/min/,
      );
    });

    it('a developer key has its own rate limit', async () => {
      t += 1000;
      const answers = await Promise.all(Array.from({ length: 60 }, () => call(privateUrl, devKey, '{ __typename }')));
      assert.equal(answers.filter((a) => a.status === 200).length, 50);
      assert.equal(answers.filter((a) => a.status === 429 && a.body.errors?.[0].extensions?.code === 'RATE_LIMITED').length, 10);
    });
  });
}
