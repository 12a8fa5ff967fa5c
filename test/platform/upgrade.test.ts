// Upgrade: a data directory laid out as the PGlite platform left it (its store in `<data>/store`,
// each environment's database in `<data>/environments/<id>/db`, both PGlite data directories)
// moves into the embedded PostgreSQL server on the first start: old logins and tokens keep
// working, services, versions, deployments, logs, projects, instances, plans and every
// environment's rows are there. A failure halfway says what failed and leaves the old folders as
// they were; the next start finishes the job.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { startPlatform } from '../../platform/src/main';
import { environmentDatabaseName } from '../../platform/src/runtime/databases';
import { copyDatabase } from '../../platform/src/store/copyDatabase';
import { openPgliteDb, Queryable } from '../../platform/src/store/db';
import { migrate } from '../../platform/src/store/migrations';
import { startEmbeddedServer, STORE_DATABASE } from '../../platform/src/store/postgresServer';
import { api, call } from './helpers/http';
import { PASSWORD, testDirectory } from './helpers/platform';
import { blogService } from './helpers/service';

const pgQueryable = (c: Client): Queryable => ({
  query: async <T>(sql: string, params: readonly unknown[] = []) => (await c.query(sql, params as unknown[])).rows as T[],
});

/**
 * Turns a stopped platform's data directory back into the PGlite platform's layout: the store and
 * every environment's database copied into PGlite data directories, the server's folders removed.
 */
async function toPgliteLayout(dataDir: string): Promise<string[]> {
  const server = await startEmbeddedServer({ dataDir, log: () => undefined });
  const { PGlite } = await import('@electric-sql/pglite');
  let envIds: string[] = [];
  try {
    const store = new Client({ connectionString: server.url(STORE_DATABASE) });
    await store.connect();
    try {
      const old = await openPgliteDb(path.join(dataDir, 'store'));
      try {
        await migrate(old);
        await old.transaction(async (tx) => {
          const tables = await tx.query<{ name: string }>(
            `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'store_migrations'`,
          );
          await tx.query(`TRUNCATE ${tables.map((t) => `public."${t.name}"`).join(', ')} CASCADE`);
          await tx.query('SET LOCAL session_replication_role = replica');
          await copyDatabase(pgQueryable(store), tx, { schema: false, skip: new Set(['store_migrations']) });
        });
      } finally {
        await old.close();
      }
      // The environments that have a database (the ones deployed to).
      const ids = (await store.query<{ id: string }>('SELECT id FROM environments')).rows.map((r) => r.id);
      const names = new Set((await store.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname));
      envIds = ids.filter((id) => names.has(environmentDatabaseName(STORE_DATABASE, id)));
    } finally {
      await store.end();
    }
    for (const id of envIds) {
      const env = new Client({ connectionString: server.url(environmentDatabaseName(STORE_DATABASE, id)) });
      await env.connect();
      const dir = path.join(dataDir, 'environments', id, 'db');
      fs.mkdirSync(dir, { recursive: true });
      const lite = await PGlite.create({ dataDir: dir });
      try {
        await copyDatabase(
          pgQueryable(env),
          { query: async <T>(sql: string, params: readonly unknown[] = []) => (await lite.query<T>(sql, params as unknown[])).rows },
          { schema: true },
        );
      } finally {
        await lite.close();
        await env.end();
      }
    }
  } finally {
    await server.stop();
  }
  for (const f of ['postgres', 'postgres.secret', 'run']) fs.rmSync(path.join(dataDir, f), { recursive: true, force: true });
  return envIds;
}

describe('upgrade from a PGlite data directory', () => {
  let tmp: string;
  let dataDir: string;
  let token: string;
  let email: string;
  let serviceId: string;
  let key: string;
  let endpointPath: string;
  let envIds: string[];

  before(async () => {
    tmp = testDirectory('codestore-upgrade-');
    dataDir = path.join(tmp, 'data');
    prewarmTypeCheck();
    const platform = await startPlatform({ port: 0, dataDir });
    try {
      const client = new PlatformClient({ url: platform.url });
      email = `upgrade-${process.pid}@example.com`;
      token = (await client.signup(email, PASSWORD)).token;
      const created = await client.createService('Blog');
      serviceId = created.service.id;
      key = created.developerKey;
      endpointPath = created.service.environments[0].path;
      const dir = await blogService(path.join(tmp, 'v1'), serviceId);
      assert.equal(((await client.push(serviceId, await packServiceFolder(dir))) as { deployed: boolean }).deployed, true);
      for (const title of ['First', 'Second']) {
        assert.equal(
          (await call(`${platform.url}${endpointPath}`, key, `mutation { createPost(title: "${title}", body: "b") { id } }`)).status,
          200,
        );
      }
      await api({ url: platform.url, token }, 'mutation { createProject(name: "Shop") { id } }');
      await platform.runtime.close();
    } finally {
      await platform.close();
    }
    envIds = await toPgliteLayout(dataDir);
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a failure halfway says what failed and leaves the old folders as they were', async () => {
    // Something the move does not know how to carry: a view in the environment's database.
    const { PGlite } = await import('@electric-sql/pglite');
    const dir = path.join(dataDir, 'environments', envIds[0], 'db');
    const lite = await PGlite.create({ dataDir: dir });
    await lite.query('CREATE VIEW post_titles AS SELECT title FROM "Post"');
    await lite.close();
    const log: string[] = [];
    await assert.rejects(
      startPlatform({ port: 0, dataDir, log: (l) => log.push(l) }),
      new RegExp(
        `copying the database of environment ${envIds[0]}: it has a view public\\.post_titles; .*Nothing in .*store or .*environments was changed; the next start tries again\\.`,
      ),
    );
    assert.ok(fs.existsSync(path.join(dataDir, 'store', 'PG_VERSION')));
    assert.ok(fs.existsSync(path.join(dir, 'PG_VERSION')));
    const again = await PGlite.create({ dataDir: dir });
    assert.deepEqual(
      (await again.query('SELECT title FROM "Post" ORDER BY id')).rows,
      [{ title: 'First' }, { title: 'Second' }],
      'the old data is as it was',
    );
    await again.query('DROP VIEW post_titles');
    await again.close();
  });

  it('the next start moves everything: old logins and tokens work, the service serves its rows, new rows get new ids', async () => {
    const log: string[] = [];
    const platform = await startPlatform({ port: 0, dataDir, log: (l) => log.push(l) });
    try {
      assert.ok(
        log.some((l) => /^upgrade: done/.test(l)),
        log.join('\n'),
      );
      assert.ok(!fs.existsSync(path.join(dataDir, 'store')) && !fs.existsSync(path.join(dataDir, 'environments')));
      assert.equal(
        fs.readdirSync(dataDir).filter((f) => /^(store|environments)\.pglite-/.test(f)).length,
        2,
        'the old folders are kept, renamed',
      );
      const old = new PlatformClient({ url: platform.url, token });
      assert.equal((await old.whoami()).account.email, email, 'the old token works');
      const relogged = await new PlatformClient({ url: platform.url }).login(email, PASSWORD);
      assert.ok(relogged.token, 'the old password works');
      const info = await old.serviceInfo(serviceId);
      assert.equal(info.environments[0].currentVersion?.version, '0.0.1');
      assert.equal(info.environments[0].latestDeployment?.status, 'DEPLOYED');
      const projects = await api<{ projects: Array<{ name: string }> }>({ url: platform.url, token }, 'query { projects { name } }');
      assert.deepEqual(
        projects.projects.map((p) => p.name),
        ['Shop'],
      );
      const logs = await api<{ logs: { lines: Array<{ message: string }> } }>(
        { url: platform.url, token },
        'query($s: ID!) { logs(serviceId: $s, environment: private, limit: 1000) { lines { message } } }',
        { s: serviceId },
      );
      assert.ok(
        logs.logs.lines.some((l) => /version 0\.0\.1 deployed/.test(l.message)),
        'the logs came along',
      );
      const endpoint = `${platform.url}${endpointPath}`;
      assert.deepEqual((await call(endpoint, key, '{ allPosts { title } }')).body.data, {
        allPosts: [{ title: 'First' }, { title: 'Second' }],
      });
      const created = await call(endpoint, key, 'mutation { createPost(title: "Third", body: "b") { id } }');
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal(created.body.errors, undefined, JSON.stringify(created.body));
      const ids = (await call(endpoint, key, '{ allPosts { id } }')).body.data.allPosts.map((p: { id: string }) => Number(p.id));
      assert.equal(new Set(ids).size, 3, `ids are unique: ${ids.join(', ')}`);
    } finally {
      await platform.close();
    }
  });
});
