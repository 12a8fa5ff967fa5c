// Deployments end to end, on a real platform with real deployment processes: a push deploys to
// private and the endpoint serves it (a mutation writes, a query reads back); promote deploys the
// same build to demo on its own database; a second version takes over only when healthy, with no
// failed request; a version whose migration fails is rolled back while the previous one keeps
// serving; @auth fields run the auth handler; a crashed process is restarted and its crash
// logged; a platform restart brings every deployment back; removing the service stops and
// deletes everything of it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformClient, PushedVersion } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { Answer, api, call } from './helpers/http';
import { platformTargets, TestPlatform } from './helpers/platform';
import { addFields, blogService, variant } from './helpers/service';

type PushedWithDeployment = PushedVersion & { deployment: { id: string; status: string; error: string | null } | null };

/**
 * Sends `query` over and over until stopped; every answer is kept. Requests run one after
 * another, so the answers are in time order.
 */
function hammer(url: string, key: string, query: string): { stop(): Promise<Answer[]> } {
  const answers: Answer[] = [];
  let running = true;
  const loop = (async () => {
    while (running) answers.push(await call(url, key, query).catch((e) => ({ status: 0, body: { errors: [{ message: String(e) }] } })));
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return answers;
    },
  };
}

const failed = (answers: Answer[]) => answers.filter((a) => a.status !== 200 || a.body.errors?.length);

async function logLines(client: PlatformClient, serviceId: string, environment: string): Promise<string[]> {
  const data = await api<{ logs: { lines: Array<{ stream: string; message: string }> } }>(
    client,
    'query($s: ID!, $e: EnvironmentName!) { logs(serviceId: $s, environment: $e, limit: 1000) { lines { stream message } } }',
    { s: serviceId, e: environment },
  );
  return data.logs.lines.map((l) => `${l.stream} ${l.message}`);
}

function childProcessesOf(pid: number): string[] {
  try {
    return execFileSync('ps', ['-o', 'args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('runtime.js'));
  } catch {
    return [];
  }
}

for (const target of platformTargets()) {
  describe(`deployments (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    let serviceId: string;
    let key: string;
    let privateUrl: string;
    let demoUrl: string;
    let v1: string;
    let v2: string;

    before(async () => {
      platform = await TestPlatform.start(target);
      ({ client } = await platform.signup('deploy'));
      const created = await client.createService('Blog');
      serviceId = created.service.id;
      key = created.developerKey;
      const [priv, demo] = created.service.environments;
      privateUrl = client.endpointUrl(priv);
      demoUrl = client.endpointUrl(demo);
      v1 = await blogService(path.join(platform.tmp, 'v1'), serviceId);
      v2 = await variant(v1, path.join(platform.tmp, 'v2'), {
        schema: addFields('Query', 'hello: String!'),
        files: { 'src/resolvers/queries/hello.ts': 'export default function hello(): string {\n  return "v2";\n}\n' },
      });
      prewarmTypeCheck();
    });
    after(async () => {
      await platform?.close();
    });

    it('a push deploys to private: a mutation writes a row and a query reads it back', async () => {
      const pushed = (await client.push(serviceId, await packServiceFolder(v1))) as PushedWithDeployment;
      assert.equal(pushed.version, '0.0.1');
      assert.equal(pushed.deployed, true);
      assert.equal(pushed.deployment?.status, 'DEPLOYED', pushed.deployment?.error ?? '');

      const created = await call(privateUrl, key, 'mutation { createPost(title: "Hello", body: "First post") { id title createdAt } }');
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal(created.body.errors, undefined);
      const post = created.body.data!.createPost as { id: string; title: string; createdAt: string };
      assert.equal(post.title, 'Hello');
      assert.match(post.createdAt, /^\d{4}-\d\d-\d\dT/);
      const read = await call(privateUrl, key, `{ post(id: "${post.id}") { id title body } allPosts { title } }`);
      assert.deepEqual(read.body.data, { post: { id: post.id, title: 'Hello', body: 'First post' }, allPosts: [{ title: 'Hello' }] });

      const info = await client.serviceInfo(serviceId);
      const priv = info.environments.find((e) => e.name === 'private')!;
      assert.equal(priv.status, 'DEPLOYED');
      assert.equal(priv.currentVersion?.version, '0.0.1');
      const lines = await logLines(client, serviceId, 'private');
      assert.ok(
        lines.some((l) => l.startsWith('platform ') && l.includes('version 0.0.1 deployed')),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => /^request mutation \(createPost\) 200 [\d.]+ ms$/.test(l)),
        lines.join('\n'),
      );
    });

    it('the endpoint wants the developer key, and an unknown endpoint or an empty environment says so', async () => {
      const none = await call(privateUrl, undefined, '{ allPosts { id } }');
      assert.equal(none.status, 401);
      assert.equal(none.body.errors?.[0].extensions?.code, 'UNAUTHENTICATED');
      const wrong = await call(privateUrl, `${key}x`, '{ allPosts { id } }');
      assert.equal(wrong.status, 403);
      assert.match(wrong.body.errors![0].message, /developer key/);
      const unknown = await call(`${platform.url}/s/nosuchendpoint/graphql`, key, '{ allPosts { id } }');
      assert.equal(unknown.status, 404);
      const empty = await call(demoUrl, key, '{ allPosts { id } }');
      assert.equal(empty.status, 503);
      assert.equal(empty.body.errors?.[0].extensions?.code, 'NOT_DEPLOYED');
      // Another service's key does not open this one.
      const other = await client.createService('Other');
      assert.equal((await call(privateUrl, other.developerKey, '{ allPosts { id } }')).status, 403);
    });

    it('promote deploys the same build to demo, on a database of its own', async () => {
      const { promote } = await api<{
        promote: { environment: string; status: string; error: string | null; version: { version: string } };
      }>(client, 'mutation($s: ID!) { promote(serviceId: $s) { environment status error version { version } } }', { s: serviceId });
      assert.deepEqual(promote, { environment: 'demo', status: 'DEPLOYED', error: null, version: { version: '0.0.1' } });
      const demoPosts = await call(demoUrl, key, '{ allPosts { title } }');
      assert.deepEqual(demoPosts.body.data, { allPosts: [] }, 'the private row is not in demo');
      await call(demoUrl, key, 'mutation { createPost(title: "Demo only", body: "x") { id } }');
      assert.deepEqual((await call(privateUrl, key, '{ allPosts { title } }')).body.data, { allPosts: [{ title: 'Hello' }] });
      assert.deepEqual((await call(demoUrl, key, '{ allPosts { title } }')).body.data, { allPosts: [{ title: 'Demo only' }] });
      const demo = (await client.serviceInfo(serviceId)).environments.find((e) => e.name === 'demo')!;
      assert.equal(demo.currentVersion?.version, '0.0.1');
    });

    it('a second version takes over only once healthy, and no request fails meanwhile', async () => {
      const steady = hammer(privateUrl, key, '{ allPosts { title } }');
      const probe = hammer(privateUrl, key, '{ hello }');
      const pushed = (await client.push(serviceId, await packServiceFolder(v2))) as PushedWithDeployment;
      const [steadyAnswers, probeAnswers] = await Promise.all([steady.stop(), probe.stop()]);
      assert.equal(pushed.deployment?.status, 'DEPLOYED', pushed.deployment?.error ?? '');
      assert.ok(steadyAnswers.length > 5, `only ${steadyAnswers.length} requests during the push`);
      assert.deepEqual(failed(steadyAnswers), [], 'a request failed during the deployment');
      // `hello` is unknown to 0.0.1 (a validation error) until 0.0.2 serves, and then always answers.
      const served = probeAnswers.map((a) =>
        a.body.data?.hello === 'v2'
          ? 'new'
          : /Cannot query field "hello"/.test(a.body.errors?.[0]?.message ?? '')
            ? 'old'
            : `bad ${a.status} ${JSON.stringify(a.body)}`,
      );
      assert.ok(
        !served.some((s) => s.startsWith('bad')),
        served.find((s) => s.startsWith('bad')),
      );
      const firstNew = served.indexOf('new');
      assert.ok(
        served.slice(firstNew === -1 ? served.length : firstNew).every((s) => s === 'new'),
        'the old version answered after the new one had taken over',
      );
      assert.ok(served.includes('old'), 'the old version served during the push');
      assert.deepEqual((await call(privateUrl, key, '{ hello allPosts { title } }')).body.data, {
        hello: 'v2',
        allPosts: [{ title: 'Hello' }],
      });
    });

    it('a version whose migration fails is rolled back, and the previous one keeps serving', async () => {
      // Two posts with one title: the unique index of the next version cannot be made.
      await call(privateUrl, key, 'mutation { createPost(title: "Twin", body: "1") { id } }');
      await call(privateUrl, key, 'mutation { createPost(title: "Twin", body: "2") { id } }');
      const bad = await variant(v2, path.join(platform.tmp, 'unique-title'), {
        schema: (s) => s.replace('title: String!', 'title: String! @unique'),
      });
      const steady = hammer(privateUrl, key, '{ hello allPosts { title } }');
      const pushed = (await client.push(serviceId, await packServiceFolder(bad))) as PushedWithDeployment;
      const answers = await steady.stop();
      assert.equal(pushed.version, '0.0.3');
      assert.equal(pushed.deployed, false);
      assert.equal(pushed.deployment?.status, 'DEPLOYMENT_FAILED');
      assert.match(pushed.deployment!.error!, /migration failed and was rolled back/i);
      assert.deepEqual(failed(answers), [], 'a request failed during the failed deployment');

      const priv = (await client.serviceInfo(serviceId)).environments.find((e) => e.name === 'private')!;
      assert.equal(priv.currentVersion?.version, '0.0.2');
      assert.equal(priv.latestDeployment?.status, 'DEPLOYMENT_FAILED');
      // Nothing of the failed migration stayed: a third twin is still allowed.
      const third = await call(privateUrl, key, 'mutation { createPost(title: "Twin", body: "3") { id } }');
      assert.equal(third.body.errors, undefined, JSON.stringify(third.body));
      const lines = await logLines(client, serviceId, 'private');
      assert.ok(
        lines.some((l) => l.startsWith('platform deployment failed') && /rolled back/.test(l)),
        lines.join('\n'),
      );
    });

    it('@auth fields run the auth handler first; a crashed process is restarted and its crash logged', async () => {
      const v3 = await variant(v2, path.join(platform.tmp, 'v3'), {
        schema: (s) => addFields('Mutation', 'crash: Boolean!')(addFields('Query', 'secret: String! @auth')(s)),
        files: {
          'src/auth.ts': [
            'import type { Context } from "./data/resolverTypes";',
            '',
            'export default function auth(_parent: unknown, _args: unknown, context: Context): void {',
            '  if (context.headers.authorization !== "Bearer let-me-in") throw new Error("Not allowed: send Authorization: Bearer let-me-in.");',
            '}',
            '',
          ].join('\n'),
          'src/resolvers/queries/secret.ts': 'export default function secret(): string {\n  return "the secret";\n}\n',
          'src/resolvers/mutations/crash.ts':
            'export default function crash(): boolean {\n  setTimeout(() => process.exit(7), 20);\n  return true;\n}\n',
        },
      });
      const pushed = (await client.push(serviceId, await packServiceFolder(v3))) as PushedWithDeployment;
      assert.equal(pushed.deployment?.status, 'DEPLOYED', pushed.deployment?.error ?? '');
      const refused = await call(privateUrl, key, '{ secret }');
      assert.match(refused.body.errors?.[0].message ?? '', /Not allowed/);
      assert.equal(refused.body.data, null);
      const allowed = await call(privateUrl, key, '{ secret }', { authorization: 'Bearer let-me-in' });
      assert.deepEqual(allowed.body.data, { secret: 'the secret' });
      assert.deepEqual((await call(privateUrl, key, '{ hello }')).body.data, { hello: 'v2' }, 'fields without @auth need no handler');

      assert.deepEqual((await call(privateUrl, key, 'mutation { crash }')).body.data, { crash: true });
      // The next request waits for the restart instead of failing.
      await new Promise((r) => setTimeout(r, 200));
      const after = await call(privateUrl, key, '{ allPosts { title } }');
      assert.equal(after.status, 200, JSON.stringify(after.body));
      const lines = await logLines(client, serviceId, 'private');
      assert.ok(
        lines.some((l) => l.startsWith('platform crashed') && l.includes('code 7')),
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => l.startsWith('platform version 0.0.4 started')),
        lines.join('\n'),
      );
    });

    it('restarting the platform brings every deployment back as it was', async () => {
      await platform.restart();
      await platform.platform.restored;
      assert.deepEqual((await call(privateUrl, key, '{ allPosts { title } }')).body.data?.allPosts, [
        { title: 'Hello' },
        { title: 'Twin' },
        { title: 'Twin' },
        { title: 'Twin' },
      ]);
      assert.deepEqual((await call(demoUrl, key, '{ allPosts { title } }')).body.data, { allPosts: [{ title: 'Demo only' }] });
      const info = await client.serviceInfo(serviceId);
      assert.deepEqual(
        info.environments.map((e) => [e.name, e.currentVersion?.version]),
        [
          ['private', '0.0.4'],
          ['demo', '0.0.1'],
        ],
      );
    });

    it('removing the service stops its processes and deletes its databases and builds', async () => {
      assert.equal(childProcessesOf(process.pid).length, 2, 'one process for private, one for demo');
      await client.removeService(serviceId);
      assert.equal((await call(privateUrl, key, '{ allPosts { title } }')).status, 404);
      assert.deepEqual(childProcessesOf(process.pid), []);
      assert.ok(!fs.existsSync(path.join(platform.dataDir, 'services', serviceId)));
      const store = decodeURIComponent(new URL(platform.databaseUrl).pathname.slice(1));
      const rows = await platform.platform.db.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
        `${store}_e_`,
      ]);
      assert.deepEqual(rows, []);
      const roles = await platform.platform.db.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)', [
        `${store}_e_`,
      ]);
      assert.deepEqual(roles, [], "the environments' roles are dropped with their databases");
    });
  });
}
