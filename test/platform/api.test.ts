// The platform's HTTP surface and lifecycle: routes, malformed requests, the client's documents
// against the schema, batched reads, the store's migrations, the data directory lock, and a
// restart on the same data keeping accounts and services.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import axios from 'axios';
import { buildSchema, parse, validate } from 'graphql';
import { OPERATIONS, PlatformClient } from '../../apiclient/src';
import { buildPlatformSchema, platformSdl } from '../../platform/src/api/schema';
import { resolvers } from '../../platform/src/api/resolvers';
import { startPlatform } from '../../platform/src/main';
import { migrate } from '../../platform/src/store/migrations';
import { BIN, PASSWORD, platformError, platformTargets, runCli, testDirectory, TestPlatform } from './helpers/platform';
import { MIGRATIONS } from '../../platform/src/store/migrations';

describe('API contract', () => {
  it('every document the client sends is valid against the platform schema', () => {
    const schema = buildSchema(platformSdl());
    for (const [name, doc] of Object.entries(OPERATIONS)) {
      assert.deepEqual(
        validate(schema, parse(doc)).map((e) => e.message),
        [],
        name,
      );
    }
  });

  it('the client turns a silent server into TIMEOUT and a closed port into UNREACHABLE', async () => {
    const silent = http.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const e = await platformError(new PlatformClient({ url, timeoutMs: 200 }).whoami(), 'TIMEOUT');
      assert.equal(
        e.message,
        `The platform at ${url} did not answer within 0.2 s. If it is stuck, stop it and start it with \`codestore platform start\`.`,
      );
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
    const closed = await platformError(
      new PlatformClient({ url, hints: { start: 'run "code.store: Start Platform"' } }).listServices(),
      'UNREACHABLE',
    );
    assert.equal(closed.message, `Cannot reach the platform at ${url}: run "code.store: Start Platform".`);
    assert.throws(() => new PlatformClient({ url: 'ftp://x' }), /must start with http/);
  });

  it('the schema refuses to start with a root field that has no resolver', () => {
    const { createService: _dropped, ...mutations } = resolvers.Mutation;
    assert.throws(() => buildPlatformSchema({ ...resolvers, Mutation: mutations }), /Mutation\.createService has no resolver/);
    assert.throws(
      () => buildPlatformSchema({ ...resolvers, Query: { ...resolvers.Query, nope: () => 1 } }),
      /Query\.nope, which the schema does not have/,
    );
  });
});

for (const target of platformTargets()) {
  describe(`platform (${target.label})`, () => {
    let platform: TestPlatform;
    before(async () => {
      platform = await TestPlatform.start(target);
    });
    after(async () => {
      await platform?.close();
    });

    const post = (body: unknown, headers: Record<string, string> = {}) =>
      axios.post(`${platform.url}/graphql`, body, {
        headers: { 'content-type': 'application/json', ...headers },
        validateStatus: () => true,
        transformResponse: (d) => d,
      });

    it('GET /healthz is ok; unknown routes and unknown endpoints say so; push wants a token', async () => {
      const health = await axios.get(`${platform.url}/healthz`);
      assert.deepEqual(health.data, { status: 'ok' });
      const missing = await axios.get(`${platform.url}/nope`, { validateStatus: () => true });
      assert.equal(missing.status, 404);
      assert.equal(missing.data.errors[0].extensions.code, 'NOT_FOUND');
      const gateway = await axios.post(`${platform.url}/s/abcdefghij/graphql`, 'x', { validateStatus: () => true });
      assert.equal(gateway.status, 404);
      assert.equal(gateway.data.errors[0].extensions.code, 'NOT_FOUND');
      const push = await axios.post(`${platform.url}/push/some-service`, 'x', { validateStatus: () => true });
      assert.equal(push.status, 401);
      assert.equal(push.data.errors[0].extensions.code, 'UNAUTHENTICATED');
    });

    it('answers malformed requests with a status and a coded error', async () => {
      const cases: Array<[string, () => Promise<{ status: number; data: string }>, number, string | undefined]> = [
        ['not JSON', () => post('{"query": '), 400, 'BAD_REQUEST'],
        ['no query', () => post({ variables: {} }), 400, 'BAD_REQUEST'],
        ['a JSON array', () => post('[1]'), 400, 'BAD_REQUEST'],
        ['syntax error', () => post({ query: '{ viewer {' }), 200, 'GRAPHQL_PARSE_FAILED'],
        ['unknown field', () => post({ query: '{ nope }' }), 200, 'GRAPHQL_VALIDATION_FAILED'],
        ['missing variable', () => post({ query: 'query($id: ID!) { service(id: $id) { id } }' }), 200, 'BAD_USER_INPUT'],
        [
          'variable of the wrong type',
          () => post({ query: 'mutation($n: String!) { createService(name: $n) { developerKey } }', variables: { n: { x: 1 } } }),
          200,
          'BAD_USER_INPUT',
        ],
        ['variables not an object', () => post({ query: '{ viewer { account { id } } }', variables: [1] }), 400, 'BAD_REQUEST'],
      ];
      for (const [name, send, status, code] of cases) {
        const r = await send();
        assert.equal(r.status, status, name);
        const body = JSON.parse(r.data);
        assert.equal(body.errors[0].extensions.code, code, name);
        assert.ok(body.errors[0].message.length > 10, name);
      }
      const form = await axios.post(`${platform.url}/graphql`, 'query=x', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        validateStatus: () => true,
      });
      assert.equal(form.status, 415);
      const put = await axios.put(`${platform.url}/graphql`, {}, { validateStatus: () => true });
      assert.equal(put.status, 405);
      const mutationOverGet = await axios.get(`${platform.url}/graphql`, {
        params: { query: 'mutation { logout }' },
        validateStatus: () => true,
      });
      assert.equal(mutationOverGet.status, 405);
      const big = await post({ query: `{ viewer { account { id } } } #${'x'.repeat(1024 * 1024)}` });
      assert.equal(big.status, 413);
      assert.equal(JSON.parse(big.data).errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
      // Still serving after all that.
      assert.equal((await axios.get(`${platform.url}/healthz`)).status, 200);
    });

    it('a client pointed at something that is not a platform gets BAD_RESPONSE', async () => {
      const wrong = new PlatformClient({ url: `${platform.url}/healthz` });
      await platformError(wrong.whoami(), 'BAD_RESPONSE');
    });

    it('fills a services tree with a fixed number of store queries, however many services', async () => {
      const { client } = await platform.signup('batch');
      const db = platform.platform.db;
      const original = db.query.bind(db);
      const count = async () => {
        let n = 0;
        (db as { query: typeof db.query }).query = (sql, params) => {
          n++;
          return original(sql, params);
        };
        try {
          await client.listServices();
        } finally {
          (db as { query: typeof db.query }).query = original;
        }
        return n;
      };
      await client.createService('first');
      const withOne = await count();
      for (const name of ['second', 'third', 'fourth', 'fifth']) await client.createService(name);
      assert.equal(await count(), withOne);
      assert.ok(withOne <= 5, `${withOne} queries`);
    });

    it('masks an internal error: a code and a pointer to the log, the details only in the log', async () => {
      const { client } = await platform.signup('internal');
      const db = platform.platform.db;
      const original = db.query.bind(db);
      (db as { query: typeof db.query }).query = (sql, params) => {
        if (sql.includes('FROM services WHERE organization_id')) return Promise.reject(new Error('connection lost to secret-host:5432'));
        return original(sql, params);
      };
      try {
        const e = await platformError(client.listServices(), 'INTERNAL_SERVER_ERROR');
        assert.equal(e.message, 'Internal error on the platform; its log has the details.');
      } finally {
        (db as { query: typeof db.query }).query = original;
      }
      assert.ok(
        platform.log.some((l) => l.includes('internal error in services') && l.includes('secret-host')),
        platform.log.join('\n'),
      );
      assert.deepEqual(await client.listServices(), []);
    });

    it('keeps accounts, tokens and services across a restart on the same data', async () => {
      const { client, email, session } = await platform.signup('restart');
      const { service } = await client.createService('survivor');
      const oldUrl = platform.url;
      await platform.restart();
      const again = platform.client(session.token);
      assert.equal((await again.whoami()).account.email, email);
      assert.deepEqual(await again.serviceInfo(service.id), service);
      await platform.client().login(email, PASSWORD);
      assert.ok(oldUrl.startsWith('http://127.0.0.1:'));
      const migrations = await platform.platform.db.query<{ version: number }>('SELECT version FROM store_migrations ORDER BY version');
      assert.deepEqual(
        migrations.map((m) => Number(m.version)),
        MIGRATIONS.map((m) => m.version),
      );
      assert.deepEqual(await migrate(platform.platform.db), [], 'nothing left to apply');
    });

    it('refuses a second platform on a data directory in use', async () => {
      await assert.rejects(
        startPlatform({ port: 0, dataDir: platform.dataDir }),
        /Another platform \(process \d+, this one\) is using .*Stop it first, or pass another --data directory\./,
      );
      // The running one is unharmed.
      assert.equal((await axios.get(`${platform.url}/healthz`)).status, 200);
    });

    it('refuses a port in use with advice', async () => {
      const port = Number(new URL(platform.url).port);
      const started = Date.now();
      await assert.rejects(
        startPlatform({ port, dataDir: platform.dir('second') }),
        new RegExp(`^Error: Port ${port} on 127\\.0\\.0\\.1 is in use: stop what runs there, or pass another --port\\.$`),
      );
      assert.ok(Date.now() - started < 1000, 'fails before opening a store');
    });
  });
}

describe('codestore platform start', () => {
  it('serves until SIGTERM, then shuts down cleanly and frees its data directory', async () => {
    const data = testDirectory('codestore-platform-start-');
    const env = { ...process.env, CODESTORE_PLATFORM_DATA: data };
    const child = spawn(process.execPath, [BIN, 'platform', 'start', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          stdout += d;
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+) \(store on the embedded PostgreSQL server in (.*?);/.exec(stdout);
          if (m) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`exited ${code}: ${stderr}`)));
      });
      assert.match(stdout, new RegExp(`embedded PostgreSQL server in ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/postgres`));
      assert.deepEqual((await axios.get(`${url}/healthz`)).data, { status: 'ok' });
      assert.ok(fs.existsSync(path.join(data, 'platform.pid')));

      const second = await runCli(['platform', 'start', '--port', '0'], { cwd: data, env });
      assert.equal(second.code, 1);
      assert.match(second.stderr, /^codestore platform: Another platform \(process \d+\) is using /);

      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /SIGTERM: shutting down/);
      assert.ok(!fs.existsSync(path.join(data, 'platform.pid')), 'the lock is released');
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(data, { recursive: true, force: true });
    }
  });

  it('refuses bad options with the usage', async () => {
    const r = await runCli(['platform', 'start', '--port', 'many'], { cwd: os.tmpdir(), env: process.env });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'codestore platform: --port must be a port number, not "many".\n');
    const unknown = await runCli(['platform', 'stop'], { cwd: os.tmpdir(), env: process.env });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^Usage: codestore platform start/);
  });
});
