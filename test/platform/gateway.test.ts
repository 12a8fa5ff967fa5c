// The gateway as clients meet it, on a real platform: operations over a cost limit are refused
// before anything runs (the resolver's own counter proves it), logged and not billed; the limits
// can be set per service in codestore.yaml; request lines name what was called (and the client
// key in production); browsers get CORS answers by environment: local origins outside production,
// the listed ones everywhere, preflights refused with how to allow the origin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { api, call } from './helpers/http';
import { PASSWORD, platformTargets, TestPlatform } from './helpers/platform';
import { addFields, blogService, variant } from './helpers/service';

/** allPosts counts its own runs (before it queries the database); resolverCalls reads the count. */
const COUNTING = {
  schema: addFields('Query', 'resolverCalls: Int!'),
  files: {
    'src/resolvers/queries/allPosts.ts': `import type { QueryResolvers } from '../../data/resolverTypes';
import { Post } from '../../data/entities';

const allPosts: QueryResolvers['allPosts'] = async (_parent, _args, context) => {
  const counter = globalThis as unknown as { allPostsCalls?: number };
  counter.allPostsCalls = (counter.allPostsCalls ?? 0) + 1;
  return context.db.connection.getRepository(Post).find({ relations: { author: true }, order: { id: 'ASC' } });
};

export default allPosts;
`,
    'src/resolvers/queries/resolverCalls.ts': `export default function resolverCalls(): number {
  return (globalThis as unknown as { allPostsCalls?: number }).allPostsCalls ?? 0;
}
`,
  },
};

const aliases = (n: number, selection = '{ id title }') =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: allPosts ${selection}`).join(' ')} }`;
/** post → author → posts → author ..., `levels` fields deep. */
function deep(levels: number): string {
  let q = 'id';
  for (let i = levels - 2; i >= 1; i--) q = `${i % 2 ? 'author' : 'posts'} { ${q} }`;
  return `{ post(id: "1") { ${q} } }`;
}

/** Introspection `levels` deep (its lists count one item each: it stays under the fields limit). */
function deepIntrospection(levels: number): string {
  let q = 'name';
  for (let i = 0; i < levels - 3; i++) q = `ofType { ${q} }`;
  return `{ __type(name: "Post") { fields { ${q} } } }`.replace('fields { ofType', 'fields { type');
}

async function logLines(
  client: PlatformClient,
  serviceId: string,
  environment: string,
  projectId?: string,
): Promise<Array<{ stream: string; message: string; request: any }>> {
  const data = await api(
    client,
    'query($s: ID!, $e: EnvironmentName!, $p: ID) { logs(serviceId: $s, environment: $e, limit: 1000, projectId: $p) { lines { stream message request { operationType operationName rootFields status ms clientKey refused } } } }',
    { s: serviceId, e: environment, p: projectId ?? null },
  );
  return data.logs.lines;
}

async function preflight(url: string, origin: string | undefined): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      ...(origin ? { origin } : {}),
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-user-authorization',
    },
  });
}

async function post(url: string, key: string, query: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', 'x-user-authorization': key },
    body: JSON.stringify({ query }),
  });
}

for (const target of platformTargets()) {
  describe(`the gateway (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    let serviceId: string;
    let key: string;
    let privateUrl: string;
    let demoUrl: string;
    let v1: string;
    let v2: string;
    let email: string;
    const calls = async (url: string) => (await call(url, key, '{ resolverCalls }')).body.data.resolverCalls as number;

    before(async () => {
      platform = await TestPlatform.start(target);
      ({ client, email } = await platform.signup('gateway'));
      const created = await client.createService('Blog');
      serviceId = created.service.id;
      key = created.developerKey;
      privateUrl = client.endpointUrl(created.service.environments[0]);
      demoUrl = client.endpointUrl(created.service.environments[1]);
      v1 = await variant(await blogService(path.join(platform.tmp, 'v0'), serviceId), path.join(platform.tmp, 'v1'), COUNTING);
      v2 = path.join(platform.tmp, 'v2');
      fs.cpSync(v1, v2, { recursive: true });
      fs.writeFileSync(
        path.join(v2, 'codestore.yaml'),
        [
          `serviceId: ${serviceId}`,
          'limits:',
          '  documentSize: 300000',
          '  depth: 3',
          '  fields: 50',
          'cors:',
          '  origins: [https://app.example.com, "https://*.preview.example.com"]',
          '',
        ].join('\n'),
      );
      prewarmTypeCheck();
      assert.equal((await client.push(serviceId, await packServiceFolder(v1))).deployed, true);
      await call(privateUrl, key, 'mutation { createPost(title: "Hello", body: "x") { id } }');
    });
    after(async () => {
      await platform?.close();
    });

    it('a normal query passes, and its log line names the operation and root fields', async () => {
      const before = await calls(privateUrl);
      const ok = await call(privateUrl, key, 'query Feed { allPosts { id title } }');
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(
        ok.body.data.allPosts.map((p: any) => p.title),
        ['Hello'],
      );
      assert.equal(await calls(privateUrl), before + 1);
      const lines = await logLines(client, serviceId, 'private');
      const feed = lines.find((l) => l.stream === 'request' && l.message.startsWith('query Feed'));
      assert.match(feed?.message ?? '', /^query Feed \(allPosts\) 200 \d+\.\d ms$/, lines.map((l) => l.message).join('\n'));
      assert.deepEqual(
        { ...feed!.request, ms: 0 },
        { operationType: 'query', operationName: 'Feed', rootFields: ['allPosts'], status: '200', ms: 0, clientKey: null, refused: null },
      );
      assert.ok(lines.some((l) => /^mutation \(createPost\) 200 /.test(l.message)));
    });

    it('refuses the 5,000-alias query and a deep one before any resolver runs, naming the limit', async () => {
      const before = await calls(privateUrl);
      const big = aliases(5000);
      assert.ok(big.length > 100_000);
      const refused = await call(privateUrl, key, big);
      assert.equal(refused.status, 400);
      const error = refused.body.errors![0] as { message: string; extensions: Record<string, unknown> };
      assert.deepEqual(error.extensions, {
        code: 'QUERY_TOO_COMPLEX',
        limit: 'documentSize',
        measured: Buffer.byteLength(big),
        maximum: 65_536,
      });
      assert.match(error.message, /documentSize.*65,536/);
      assert.equal(refused.body.data, undefined);

      const tooMany = await call(privateUrl, key, aliases(600));
      assert.deepEqual(tooMany.body.errors![0].extensions, {
        code: 'QUERY_TOO_COMPLEX',
        limit: 'fields',
        measured: 600 * 21,
        maximum: 10_000,
      });

      const tooDeep = await call(privateUrl, key, deep(16));
      assert.equal(tooDeep.status, 400);
      assert.deepEqual(tooDeep.body.errors![0].extensions, { code: 'QUERY_TOO_COMPLEX', limit: 'depth', measured: 16, maximum: 15 });
      assert.match(tooDeep.body.errors![0].message, /nests fields 16 deep; the limit \(depth\) is 15/);
      assert.deepEqual((await call(privateUrl, key, deepIntrospection(16))).body.errors![0].extensions, {
        code: 'QUERY_TOO_COMPLEX',
        limit: 'depth',
        measured: 16,
        maximum: 15,
      });
      const atLimit = await call(privateUrl, key, deepIntrospection(15));
      assert.equal(atLimit.status, 200, JSON.stringify(atLimit.body));
      assert.equal(atLimit.body.data.__type.fields.length, 6, 'at the limit passes');

      assert.equal(await calls(privateUrl), before, 'allPosts never ran');
      const lines = (await logLines(client, serviceId, 'private')).filter((l) => l.request?.refused);
      assert.deepEqual(
        lines.map((l) => l.request.refused),
        [
          `QUERY_TOO_COMPLEX documentSize ${Buffer.byteLength(big)} > 65536`,
          'QUERY_TOO_COMPLEX fields 12600 > 10000',
          'QUERY_TOO_COMPLEX depth 16 > 15',
          'QUERY_TOO_COMPLEX depth 16 > 15',
        ],
      );
      assert.match(lines[1].message, /^query \(allPosts\) 400 \d+\.\d ms refused: QUERY_TOO_COMPLEX fields 12600 > 10000$/);
    });

    it("takes the service's own limits from codestore.yaml, and they apply to its next version", async () => {
      assert.equal((await client.push(serviceId, await packServiceFolder(v2))).deployed, true);
      const before = await calls(privateUrl);
      // Its documentSize is raised: the big query is now measured, and refused by its fields.
      const big = await call(privateUrl, key, aliases(5000));
      assert.deepEqual(big.body.errors![0].extensions, { code: 'QUERY_TOO_COMPLEX', limit: 'fields', measured: 5000 * 21, maximum: 50 });
      assert.equal((await call(privateUrl, key, '{ allPosts { title author { name } } }')).status, 200, 'depth 3 and 31 fields pass');
      assert.deepEqual((await call(privateUrl, key, '{ allPosts { title author { posts { id } } } }')).body.errors![0].extensions, {
        code: 'QUERY_TOO_COMPLEX',
        limit: 'depth',
        measured: 4,
        maximum: 3,
      });
      assert.deepEqual((await call(privateUrl, key, '{ allPosts { id title body author { name } } }')).body.errors![0].extensions, {
        code: 'QUERY_TOO_COMPLEX',
        limit: 'fields',
        measured: 51,
        maximum: 50,
      });
      assert.equal(await calls(privateUrl), before + 1);
    });

    it('answers preflights and requests from allowed origins, and refuses others', async () => {
      // v2 serves private: local origins by default, and the two codestore.yaml lists.
      for (const origin of [
        'http://localhost:5173',
        'http://127.0.0.1:8080',
        'https://app.example.com',
        'https://pr-7.preview.example.com',
      ]) {
        const pre = await preflight(privateUrl, origin);
        assert.equal(pre.status, 204, origin);
        assert.equal(pre.headers.get('access-control-allow-origin'), origin);
        assert.match(pre.headers.get('access-control-allow-headers') ?? '', /x-user-authorization/);
        assert.match(pre.headers.get('access-control-allow-headers') ?? '', /content-type/);
        assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
        assert.equal(pre.headers.get('access-control-allow-credentials'), null);
        const res = await post(privateUrl, key, '{ __typename }', origin);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('access-control-allow-origin'), origin);
        assert.match(res.headers.get('vary') ?? '', /Origin/);
      }
      for (const origin of ['https://evil.example.com', 'http://app.example.com', 'https://preview.example.com', 'null']) {
        const pre = await preflight(privateUrl, origin);
        assert.equal(pre.status, 403, origin);
        assert.equal(pre.headers.get('access-control-allow-origin'), null);
        const body = (await pre.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
        assert.equal(body.errors[0].extensions.code, 'ORIGIN_NOT_ALLOWED');
        assert.match(body.errors[0].message, /cors: \{ origins: .* codestore\.yaml/);
        const res = await post(privateUrl, key, '{ __typename }', origin);
        assert.equal(res.headers.get('access-control-allow-origin'), null, 'answered, but without CORS headers');
      }
      // An error answer carries them too, so the page can read it.
      const unauthenticated = await post(privateUrl, '', '{ __typename }', 'http://localhost:3000');
      assert.equal(unauthenticated.status, 401);
      assert.equal(unauthenticated.headers.get('access-control-allow-origin'), 'http://localhost:3000');
      assert.equal((await preflight(privateUrl, undefined)).status, 405);
      // demo serves nothing yet: still a preflight from a local origin is answered.
      assert.equal((await preflight(demoUrl, 'http://localhost:5173')).status, 204);
    });

    it('production takes only the origins set for it; the log names the client key', async () => {
      await api(client, 'mutation($s: ID!) { promote(serviceId: $s) { status } }', { s: serviceId });
      const {
        createProject: { id: projectId },
      } = await api(client, 'mutation { createProject(name: "Shop") { id } }');
      const { addServiceToProject: inst } = await api(
        client,
        'mutation($p: ID!, $s: ID!) { addServiceToProject(projectId: $p, serviceId: $s) { environments { name path } } }',
        { p: projectId, s: serviceId },
      );
      const urls = Object.fromEntries(inst.environments.map((e: any) => [e.name, `${platform.url}${e.path}`]));
      const roll = await api(
        client,
        'mutation($p: ID!, $s: ID!) { rollInstance(projectId: $p, serviceId: $s, environment: production, version: "0.0.2") { status error } }',
        { p: projectId, s: serviceId },
      );
      assert.equal(roll.rollInstance.status, 'DEPLOYED', roll.rollInstance.error);
      const { addClientKey } = await api(client, 'mutation($p: ID!) { addClientKey(projectId: $p, name: "acme") { key } }', {
        p: projectId,
      });

      // Development: local origins; the service's own codestore.yaml list is for its own environments.
      assert.equal((await preflight(urls.development, 'http://localhost:5173')).status, 204);
      assert.equal((await preflight(urls.development, 'https://app.example.com')).status, 403);
      const refused = await preflight(urls.production, 'http://localhost:5173');
      assert.equal(refused.status, 403, 'production has no default origins');
      assert.match(
        ((await refused.json()) as any).errors[0].message,
        new RegExp(`project:service:cors -p <project> -s <service> -e production --add http://localhost:5173`),
      );

      const change = (add: string[], remove: string[] = []) =>
        api(
          client,
          'mutation($p: ID!, $s: ID!, $a: [String!], $r: [String!]) { changeCorsOrigins(projectId: $p, serviceId: $s, environment: production, add: $a, remove: $r) }',
          { p: projectId, s: serviceId, a: add, r: remove },
        );
      await assert.rejects(change(['https://shop.example.com/path']), /not an origin/);
      assert.deepEqual((await change(['https://Shop.example.com', 'http://localhost:*'])).changeCorsOrigins, [
        'http://localhost:*',
        'https://shop.example.com',
      ]);
      assert.equal((await preflight(urls.production, 'https://shop.example.com')).status, 204);
      assert.equal((await preflight(urls.production, 'http://localhost:5173')).status, 204);
      const res = await post(urls.production, addClientKey.key, 'query Shop { allPosts { title } }', 'https://shop.example.com');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example.com');
      assert.deepEqual((await change([], ['http://localhost:*'])).changeCorsOrigins, ['https://shop.example.com']);
      assert.equal((await preflight(urls.production, 'http://localhost:5173')).status, 403, 'removed from the next request on');
      assert.deepEqual(
        (
          await api(client, 'query($p: ID!, $s: ID!) { corsOrigins(projectId: $p, serviceId: $s, environment: production) }', {
            p: projectId,
            s: serviceId,
          })
        ).corsOrigins,
        ['https://shop.example.com'],
      );
      // The same from the CLI.
      const configDir = platform.dir('config');
      assert.equal((await platform.cli(['auth:login', '-e', email, '-p', PASSWORD], { configDir })).code, 0);
      const added = await platform.cli(
        [
          'project:service:cors',
          '-p',
          projectId,
          '-s',
          serviceId,
          '-e',
          'production',
          '--add',
          'https://cli.example.com,https://b.example.com',
          '--json',
        ],
        { configDir },
      );
      assert.equal(added.code, 0, added.stderr);
      assert.deepEqual(JSON.parse(added.stdout), {
        origins: ['https://b.example.com', 'https://cli.example.com', 'https://shop.example.com'],
      });
      const removed = await platform.cli(
        ['project:service:cors', '-p', projectId, '-s', serviceId, '-e', 'production', '--remove', 'https://b.example.com'],
        { configDir },
      );
      assert.match(
        removed.stdout,
        /allowed to call .* production environment .*:\n  https:\/\/cli\.example\.com\n  https:\/\/shop\.example\.com\n$/,
      );
      const bad = await platform.cli(
        ['project:service:cors', '-p', projectId, '-s', serviceId, '-e', 'production', '--add', 'shop.example.com'],
        { configDir },
      );
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /not an origin/);
      assert.equal((await preflight(urls.production, 'https://cli.example.com')).status, 204);

      const lines = await logLines(client, serviceId, 'production', projectId);
      const shop = lines.find((l) => l.message.startsWith('query Shop'));
      assert.match(shop?.message ?? '', /^query Shop \(allPosts\) 200 \d+\.\d ms acme$/, lines.map((l) => l.message).join('\n'));
      assert.equal(shop!.request.clientKey, 'acme');

      // A refused operation is not a call: usage does not count it.
      const usage = async () =>
        (
          await api(client, 'query($p: ID!, $s: ID!) { usage(projectId: $p, serviceId: $s) { production } }', {
            p: projectId,
            s: serviceId,
          })
        ).usage.production as number;
      const counted = await usage();
      const tooDeep = await call(urls.production, addClientKey.key, '{ allPosts { title author { posts { id } } } }');
      assert.equal(tooDeep.body.errors?.[0].extensions?.code, 'QUERY_TOO_COMPLEX');
      assert.equal(await usage(), counted);
      assert.equal((await call(urls.production, addClientKey.key, '{ allPosts { title } }')).status, 200);
      assert.equal(await usage(), counted + 1);
    });
  });
}
