// Projects end to end on a real platform: a service added to a project gets development, staging
// and production environments, each with its own database; promote moves a version along them;
// production takes client keys (a revoked one is refused at once, a developer key never), and
// every production call is metered under the plan in effect, into usage and the month's invoice;
// rolling an environment back to an earlier version reverts its migration and keeps its rows;
// secrets reach the service as environment variables; removing an instance needs confirmation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as path from 'path';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { api, call } from './helpers/http';
import { platformTargets, TestPlatform } from './helpers/platform';
import { addFields, blogService, variant } from './helpers/service';

const INSTANCE = `id ratePlan { billingType amount currency freeCallsPerMonth } environments { name path status currentVersion { version } latestDeployment { status error } }`;

for (const target of platformTargets()) {
  describe(`projects and service-instances (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    let serviceId: string;
    let devKey: string;
    let projectId: string;
    const urls: Record<string, string> = {};

    before(async () => {
      platform = await TestPlatform.start(target);
      ({ client } = await platform.signup('projects'));
      const created = await client.createService('Blog');
      serviceId = created.service.id;
      devKey = created.developerKey;
      const v1 = await blogService(path.join(platform.tmp, 'v1'), serviceId);
      const v2 = await variant(v1, path.join(platform.tmp, 'v2'), {
        schema: (s) => addFields('Query', 'greeting: String')(s.replace('body: String!', 'body: String!\n  summary: String')),
        files: {
          'src/resolvers/queries/greeting.ts':
            'export default function greeting(): string | null {\n  return process.env.GREETING ?? null;\n}\n',
        },
      });
      prewarmTypeCheck();
      assert.equal((await client.push(serviceId, await packServiceFolder(v1))).deployed, true);
      await api(client, 'mutation($s: ID!) { promote(serviceId: $s) { status } }', { s: serviceId });
      // 0.0.2 is pushed (to private) but not promoted: demo keeps 0.0.1.
      assert.equal((await client.push(serviceId, await packServiceFolder(v2))).deployed, true);
    });
    after(async () => {
      await platform?.close();
    });

    it("adding a service deploys its demo version to a new instance's development environment", async () => {
      await assert.rejects(api(client, 'mutation { createProject(name: "  ") { id } }'), /needs a name/);
      ({
        createProject: { id: projectId },
      } = await api(client, 'mutation { createProject(name: "Shop") { id } }'));
      assert.match(projectId, /^shop-[0-9a-z]{6}$/);
      await assert.rejects(api(client, 'mutation { createProject(name: "shop") { id } }'), /already have a project/);
      const { addServiceToProject: inst } = await api(
        client,
        `mutation($p: ID!, $s: ID!) {
        addServiceToProject(projectId: $p, serviceId: $s, plan: { billingType: PAY_PER_CALL, amount: 5, currency: "eur", freeCallsPerMonth: 2 }) { ${INSTANCE} } }`,
        { p: projectId, s: serviceId },
      );
      assert.deepEqual(inst.ratePlan, { billingType: 'PAY_PER_CALL', amount: 5, currency: 'EUR', freeCallsPerMonth: 2 });
      assert.deepEqual(
        inst.environments.map((e: any) => [e.name, e.status, e.currentVersion?.version ?? null]),
        [
          ['development', 'DEPLOYED', '0.0.1'],
          ['staging', null, null],
          ['production', null, null],
        ],
      );
      for (const e of inst.environments) urls[e.name] = `${platform.url}${e.path}`;
      await assert.rejects(
        api(client, 'mutation($p: ID!, $s: ID!) { addServiceToProject(projectId: $p, serviceId: $s) { id } }', {
          p: projectId,
          s: serviceId,
        }),
        /has the service .* already/,
      );
      const dev = await call(urls.development, devKey, 'mutation { createPost(title: "In development", body: "x") { id } }');
      assert.equal(dev.body.errors, undefined, JSON.stringify(dev.body));
      assert.equal((await call(urls.production, devKey, '{ allPosts { id } }')).status, 403, 'production takes client keys only');
    });

    it('promotes development to staging to production, each on its own database', async () => {
      await assert.rejects(
        api(
          client,
          'mutation($p: ID!, $s: ID!) { promoteInstance(projectId: $p, serviceId: $s, from: development, to: production) { status } }',
          { p: projectId, s: serviceId },
        ),
        /development to staging/,
      );
      for (const [from, to] of [
        ['development', 'staging'],
        ['staging', 'production'],
      ]) {
        const { promoteInstance } = await api(
          client,
          `mutation($p: ID!, $s: ID!) { promoteInstance(projectId: $p, serviceId: $s, from: ${from}, to: ${to}) { environment status error version { version } } }`,
          { p: projectId, s: serviceId },
        );
        assert.deepEqual(promoteInstance, { environment: to, status: 'DEPLOYED', error: null, version: { version: '0.0.1' } });
      }
      await call(urls.staging, devKey, 'mutation { createPost(title: "In staging", body: "x") { id } }');
      assert.deepEqual((await call(urls.development, devKey, '{ allPosts { title } }')).body.data.allPosts, [{ title: 'In development' }]);
      assert.deepEqual((await call(urls.staging, devKey, '{ allPosts { title } }')).body.data.allPosts, [{ title: 'In staging' }]);
    });

    it("production takes the project's client keys, meters every call, and bills it on the month's invoice", async () => {
      const { addClientKey } = await api(
        client,
        'mutation($p: ID!) { addClientKey(projectId: $p, name: "acme") { key clientKey { id prefix revokedAt } } }',
        { p: projectId },
      );
      const key = addClientKey.key as string;
      assert.ok(key.startsWith(addClientKey.clientKey.prefix));
      const before = (
        await api(client, 'query($p: ID!, $s: ID!) { usage(projectId: $p, serviceId: $s) { production development staging } }', {
          p: projectId,
          s: serviceId,
        })
      ).usage;
      assert.equal(before.production, 0);
      assert.ok(before.development >= 1 && before.staging >= 1, JSON.stringify(before));
      const n = 7;
      const answers = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          call(
            urls.production,
            key,
            i === 0 ? 'mutation { createPost(title: "In production", body: "x") { id } }' : '{ allPosts { title } }',
          ),
        ),
      );
      assert.deepEqual(
        answers.map((a) => a.status),
        Array(n).fill(200),
      );
      assert.deepEqual((await call(urls.production, key, '{ allPosts { title } }')).body.data.allPosts, [{ title: 'In production' }]);
      // Not calls: a query that does not validate, and a wrong key.
      assert.match((await call(urls.production, key, '{ nope }')).body.errors?.[0].message ?? '', /nope/);
      assert.equal((await call(urls.production, `${key}x`, '{ allPosts { title } }')).status, 403);
      const { usage } = await api(
        client,
        'query($p: ID!, $s: ID!) { usage(projectId: $p, serviceId: $s) { month production byPlan { calls plan { billingType amount } } } }',
        { p: projectId, s: serviceId },
      );
      assert.equal(usage.production, n + 1);
      assert.deepEqual(usage.byPlan, [{ calls: n + 1, plan: { billingType: 'PAY_PER_CALL', amount: 5 } }]);
      const { invoice } = await api(
        client,
        'query($p: ID!) { invoice(projectId: $p) { month lines { serviceId calls billedCalls total plan { billingType } } totals { amount currency } } }',
        { p: projectId },
      );
      assert.equal(invoice.month, usage.month);
      assert.deepEqual(invoice.lines, [
        { serviceId, calls: n + 1, billedCalls: n + 1 - 2, total: (n + 1 - 2) * 5, plan: { billingType: 'PAY_PER_CALL' } },
      ]);
      assert.deepEqual(invoice.totals, [{ amount: (n + 1 - 2) * 5, currency: 'EUR' }]);

      // A new plan applies from the next call; the month bills both.
      await api(
        client,
        'mutation($p: ID!, $s: ID!) { setRatePlan(projectId: $p, serviceId: $s, plan: { billingType: MONTHLY, amount: 2900 }) { id } }',
        { p: projectId, s: serviceId },
      );
      await call(urls.production, key, '{ allPosts { title } }');
      const after = (
        await api(client, 'query($p: ID!) { invoice(projectId: $p) { lines { calls total plan { billingType } } totals { amount } } }', {
          p: projectId,
        })
      ).invoice;
      assert.deepEqual(after.lines, [
        { calls: n + 1, total: (n + 1 - 2) * 5, plan: { billingType: 'PAY_PER_CALL' } },
        { calls: 1, total: 2900, plan: { billingType: 'MONTHLY' } },
      ]);
      assert.deepEqual(after.totals, [{ amount: (n + 1 - 2) * 5 + 2900 }]);
      await assert.rejects(
        api(client, 'query($p: ID!) { invoice(projectId: $p, month: "2026-13") { month } }', { p: projectId }),
        /YYYY-MM/,
      );

      await api(client, 'mutation($p: ID!, $k: ID!) { removeClientKey(projectId: $p, id: $k) }', {
        p: projectId,
        k: addClientKey.clientKey.id,
      });
      const refused = await call(urls.production, key, '{ allPosts { title } }');
      assert.equal(refused.status, 403, 'a revoked key is refused at once');
      const keys = (await api(client, 'query($p: ID!) { clientKeys(projectId: $p) { id revokedAt } }', { p: projectId })).clientKeys;
      assert.ok(keys[0].revokedAt);
    });

    it('rolls an environment forward and back: the migration runs up, then down, and the rows stay', async () => {
      const roll = (version: string, force = false) =>
        api(
          client,
          `mutation($p: ID!, $s: ID!) { rollInstance(projectId: $p, serviceId: $s, environment: development, version: "${version}", force: ${force}) { status error version { version } } }`,
          { p: projectId, s: serviceId },
        );
      assert.deepEqual((await roll('0.0.2')).rollInstance, { status: 'DEPLOYED', error: null, version: { version: '0.0.2' } });
      const withSummary = await call(urls.development, devKey, '{ allPosts { title summary } }');
      assert.deepEqual(withSummary.body.data.allPosts, [{ title: 'In development', summary: null }]);
      // Rolling back removes `summary`, which a call just used: refused unless forced.
      await assert.rejects(
        roll('0.0.1'),
        (e: Error & { code?: string }) => e.code === 'BREAKS_CLIENTS' && /'summary' was removed/.test(e.message),
      );
      assert.deepEqual((await roll('0.0.1', true)).rollInstance, { status: 'DEPLOYED', error: null, version: { version: '0.0.1' } });
      assert.match((await call(urls.development, devKey, '{ allPosts { summary } }')).body.errors?.[0].message ?? '', /summary/);
      assert.deepEqual((await call(urls.development, devKey, '{ allPosts { title } }')).body.data.allPosts, [{ title: 'In development' }]);
      const lines = (
        await api(
          client,
          'query($p: ID!, $s: ID!) { logs(projectId: $p, serviceId: $s, environment: development, limit: 1000) { lines { stream message } } }',
          { p: projectId, s: serviceId },
        )
      ).logs.lines;
      assert.ok(
        lines.some((l: any) => l.stream === 'platform' && /^migration \w+ reverted$/.test(l.message)),
        JSON.stringify(lines),
      );
      await assert.rejects(roll('9.9.9'), /no version 9\.9\.9/);
    });

    it('secrets reach the service as environment variables, and are never listed in full', async () => {
      await api(
        client,
        'mutation($p: ID!, $s: ID!) { rollInstance(projectId: $p, serviceId: $s, environment: staging, version: "0.0.2") { status } }',
        { p: projectId, s: serviceId },
      );
      const set = (name: string, value: string) =>
        api(
          client,
          'mutation($p: ID!, $s: ID!, $n: String!, $v: String!) { addSecret(projectId: $p, serviceId: $s, environment: staging, name: $n, value: $v) { name preview } }',
          { p: projectId, s: serviceId, n: name, v: value },
        );
      assert.deepEqual((await set('GREETING', 'hello from staging')).addSecret, { name: 'GREETING', preview: 'he… (18 characters)' });
      await assert.rejects(set('NODE_OPTIONS', '--inspect'), /reserved/);
      await assert.rejects(set('1BAD', 'x'), /environment variable name/);
      assert.deepEqual((await call(urls.staging, devKey, '{ greeting }')).body.data, { greeting: 'hello from staging' });
      const listed = JSON.stringify(
        (
          await api(client, 'query($p: ID!, $s: ID!) { secrets(projectId: $p, serviceId: $s, environment: staging) { name preview } }', {
            p: projectId,
            s: serviceId,
          })
        ).secrets,
      );
      assert.ok(!listed.includes('hello from staging'), listed);
      await api(
        client,
        'mutation($p: ID!, $s: ID!) { removeSecret(projectId: $p, serviceId: $s, environment: staging, name: "GREETING") }',
        { p: projectId, s: serviceId },
      );
      assert.deepEqual((await call(urls.staging, devKey, '{ greeting }')).body.data, { greeting: null });
      const sealed = await platform.platform.db.query<{ sealed: string }>('SELECT sealed FROM secrets');
      assert.ok(sealed.every((r) => !r.sealed.includes('hello')));
    });

    it('removing an instance needs confirmation, then drops its databases; a project with instances needs force', async () => {
      await assert.rejects(api(client, 'mutation($p: ID!) { deleteProject(id: $p) }', { p: projectId }), /force/);
      await assert.rejects(
        api(client, 'mutation($p: ID!, $s: ID!) { removeServiceFromProject(projectId: $p, serviceId: $s) }', {
          p: projectId,
          s: serviceId,
        }),
        /dropDatabases/,
      );
      assert.equal((await call(urls.development, devKey, '{ allPosts { title } }')).status, 200, 'nothing changed');
      await assert.rejects(api(client, 'mutation($s: ID!) { removeService(id: $s) }', { s: serviceId }), /remove it from them first/);
      const billed = (await api(client, 'query($p: ID!) { invoice(projectId: $p) { totals { amount } } }', { p: projectId })).invoice
        .totals;
      await api(client, 'mutation($p: ID!, $s: ID!) { removeServiceFromProject(projectId: $p, serviceId: $s, dropDatabases: true) }', {
        p: projectId,
        s: serviceId,
      });
      assert.deepEqual(
        (await api(client, 'query($p: ID!) { invoice(projectId: $p) { totals { amount } } }', { p: projectId })).invoice.totals,
        billed,
        'the month it ran in is still billed',
      );
      assert.equal((await call(urls.development, devKey, '{ allPosts { title } }')).status, 404);
      // The service's private and demo databases remain; the instance's three are gone.
      const store = decodeURIComponent(new URL(platform.databaseUrl).pathname.slice(1));
      const left = await platform.platform.db.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
        `${store}_e_`,
      ]);
      assert.equal(left.length, 2, left.map((r) => r.datname).join(', '));
      assert.deepEqual((await api(client, 'query { projects { id instances { id } } }')).projects, [{ id: projectId, instances: [] }]);
      await api(client, 'mutation($p: ID!) { deleteProject(id: $p) }', { p: projectId });
      assert.deepEqual((await api(client, 'query { projects { id } }')).projects, []);
    });
  });
}
