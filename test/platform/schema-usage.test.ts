// Schema changes checked against real traffic, end to end: calls through the gateway record the
// coordinates they used per environment and client; a version that removes a field a client of
// production called is refused where it would be promoted there, naming the change, the
// operation, the client and the calls; removing a field nobody used passes; force goes on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { api, call } from './helpers/http';
import { platformTargets, TestPlatform } from './helpers/platform';
import { blogService, variant } from './helpers/service';

for (const target of platformTargets()) {
  describe(`schema changes checked against traffic (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    let serviceId: string;
    let devKey: string;
    let projectId: string;
    let withoutTags: string;
    const urls: Record<string, string> = {};

    before(async () => {
      platform = await TestPlatform.start(target);
      ({ client } = await platform.signup('usage'));
      const created = await client.createService('Blog');
      serviceId = created.service.id;
      devKey = created.developerKey;
      const v1 = await blogService(path.join(platform.tmp, 'v1'), serviceId);
      const v2 = await variant(v1, path.join(platform.tmp, 'v2'), { schema: (s) => s.replace('  tags: [String!]\n', '') });
      withoutTags = fs.readFileSync(path.join(v2, 'src/schema.graphql'), 'utf8');
      prewarmTypeCheck();
      assert.equal((await client.push(serviceId, await packServiceFolder(v1))).deployed, true);
      await client.promote(serviceId);
      ({
        createProject: { id: projectId },
      } = await api(client, 'mutation { createProject(name: "Shop") { id } }'));
      const { addServiceToProject: inst } = await api(
        client,
        'mutation($p: ID!, $s: ID!) { addServiceToProject(projectId: $p, serviceId: $s) { environments { name path } } }',
        { p: projectId, s: serviceId },
      );
      for (const e of inst.environments) urls[e.name] = `${platform.url}${e.path}`;
      for (const [from, to] of [
        ['development', 'staging'],
        ['staging', 'production'],
      ])
        await client.promoteInstance(projectId, serviceId, from as 'development', to as 'staging');
      const services = await client.serviceInfo(serviceId);
      urls.demo = `${platform.url}${services.environments.find((e) => e.name === 'demo')!.path}`;
      const { addClientKey } = await api(client, 'mutation($p: ID!) { addClientKey(projectId: $p, name: "acme") { key } }', {
        p: projectId,
      });
      const acme = addClientKey.key as string;

      // Traffic: acme reads tags in production; the developer key reads other fields in demo.
      for (let i = 0; i < 3; i++)
        assert.equal((await call(urls.production, acme, 'query Feed { allPosts { id title tags } }')).status, 200);
      assert.equal((await call(urls.production, acme, 'query Reader { post(id: 1) { body } }')).status, 200);
      assert.equal((await call(urls.production, acme, '{ __schema { types { name } } }')).status, 200);
      assert.equal((await call(urls.demo, devKey, 'query Titles { allPosts { title createdAt } }')).status, 200);
      // v2 (no tags) serves private only.
      assert.equal((await client.push(serviceId, await packServiceFolder(v2))).deployed, true);
    });
    after(async () => {
      await platform?.close();
    });

    it('records the coordinates each operation used, per environment and client; introspection apart', async () => {
      const { schemaUsage } = await api(
        client,
        'query($s: ID!) { schemaUsage(serviceId: $s) { environment projectId servedVersion schema coordinates { coordinate calls clients operations } } }',
        { s: serviceId },
      );
      const production = schemaUsage.find((e: any) => e.environment === 'production');
      assert.equal(production.projectId, projectId);
      assert.equal(production.servedVersion, '0.0.1');
      assert.match(production.schema, /tags: \[String!\]/);
      const byCoordinate = Object.fromEntries(production.coordinates.map((c: any) => [c.coordinate, c]));
      assert.deepEqual(Object.keys(byCoordinate).sort(), [
        'Post.body',
        'Post.id',
        'Post.tags',
        'Post.title',
        'Query.allPosts',
        'Query.post',
        'Query.post(id:)',
      ]);
      assert.deepEqual(byCoordinate['Post.tags'], { coordinate: 'Post.tags', calls: 3, clients: ['acme'], operations: ['Feed'] });
      assert.deepEqual(byCoordinate['Query.post(id:)'].operations, ['Reader']);
      const demo = schemaUsage.find((e: any) => e.environment === 'demo');
      assert.deepEqual(
        demo.coordinates.map((c: any) => c.coordinate),
        ['Post.createdAt', 'Post.title', 'Query.allPosts'],
      );
      assert.deepEqual(demo.coordinates[0].clients, ['developer key']);
    });

    it('schemaCheck judges a candidate against every environment: only production breaks', async () => {
      const { schemaCheck } = await api(
        client,
        'query($s: ID!, $sdl: String!) { schemaCheck(serviceId: $s, schema: $sdl) { environment projectId breaking changes { type path level breaksUsage clients calls description operations { name calls } } } }',
        { s: serviceId, sdl: withoutTags },
      );
      const byEnv = Object.fromEntries(schemaCheck.map((e: any) => [e.environment, e]));
      assert.deepEqual(Object.keys(byEnv).sort(), ['demo', 'development', 'private', 'production', 'staging']);
      assert.equal(byEnv.production.breaking, true);
      const removed = byEnv.production.changes.find((c: any) => c.path === 'Post.tags');
      assert.deepEqual(
        { ...removed, description: undefined },
        {
          type: 'FIELD_REMOVED',
          path: 'Post.tags',
          level: 'BREAKING',
          breaksUsage: true,
          clients: ['acme'],
          calls: 3,
          operations: [{ name: 'Feed', calls: 3 }],
          description: undefined,
        },
      );
      assert.match(removed.description, /breaks 1 operation \(Feed\) of 1 client \(acme\), 3 calls in 30 days/);
      assert.equal(byEnv.demo.breaking, false);
      assert.match(byEnv.demo.changes.find((c: any) => c.path === 'Post.tags').description, /no recorded call used it/);
      // private serves v2 already: no change there.
      assert.deepEqual(byEnv.private.changes, []);
      await assert.rejects(
        api(client, 'query($s: ID!) { schemaCheck(serviceId: $s, schema: "type {") { breaking } }', { s: serviceId }),
        /does not parse/,
      );
      await assert.rejects(
        api(client, 'query($s: ID!) { schemaCheck(serviceId: $s, schema: "type Query { a: Int }", days: 91) { breaking } }', {
          s: serviceId,
        }),
        /1 to 90/,
      );
    });

    it('promotes a removal nobody used; refuses one production clients called, naming them; force goes on', async () => {
      // demo's traffic never read tags: the breaking change passes.
      assert.equal((await client.promote(serviceId)).status, 'DEPLOYED');
      await client.rollInstance(projectId, serviceId, 'development', '0.0.2');
      assert.equal((await client.promoteInstance(projectId, serviceId, 'development', 'staging')).status, 'DEPLOYED');
      const refused = api(
        client,
        'mutation($p: ID!, $s: ID!) { promoteInstance(projectId: $p, serviceId: $s, from: staging, to: production) { status } }',
        { p: projectId, s: serviceId },
      );
      await assert.rejects(refused, (e: Error & { code?: string }) => {
        assert.equal(e.code, 'BREAKS_CLIENTS');
        assert.match(e.message, /production of .* would break operations that clients called in the last 30 days/);
        assert.match(
          e.message,
          /'tags' was removed from object type 'Post': breaks 1 operation \(Feed\) of 1 client \(acme\), 3 calls in 30 days/,
        );
        assert.match(e.message, /force/);
        return true;
      });
      const info = await client.serviceInfo(serviceId);
      assert.ok(info, 'still there');
      const forced = await api(
        client,
        'mutation($p: ID!, $s: ID!) { promoteInstance(projectId: $p, serviceId: $s, from: staging, to: production, force: true) { status version { version } } }',
        { p: projectId, s: serviceId },
      );
      assert.deepEqual(forced.promoteInstance, { status: 'DEPLOYED', version: { version: '0.0.2' } });
      const lines = (
        await api(
          client,
          'query($p: ID!, $s: ID!) { logs(projectId: $p, serviceId: $s, environment: production, limit: 1000) { lines { stream message } } }',
          { p: projectId, s: serviceId },
        )
      ).logs.lines;
      assert.ok(
        lines.some(
          (l: any) =>
            l.stream === 'platform' && /forced a version that breaks recorded operations: Field 'tags' was removed/.test(l.message),
        ),
        JSON.stringify(lines),
      );
    });
  });
}
