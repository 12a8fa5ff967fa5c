// The platform killed (SIGKILL) in the middle of a deployment, after the new version's migration
// ran and before it took over: started again, the platform rolls that migration back, marks the
// deployment failed, and the previous version serves its data as before. The platform runs as its
// own process here (`codestore platform start`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { environmentDatabaseName } from '../../platform/src/runtime/databases';
import { startEmbeddedServer, STORE_DATABASE } from '../../platform/src/store/postgresServer';
import { api, call } from './helpers/http';
import { PASSWORD, platformTargets, ScratchDatabase, testDirectory } from './helpers/platform';
import { blogService, variant } from './helpers/service';
import { PlatformProcess, startPlatformProcess, stopLeftovers, stopPlatformProcess } from './helpers/process';

/** Waits until `check` holds (polling), or fails after `ms`. */
async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const target of platformTargets()) {
  describe(`a platform killed during a deployment (${target.label})`, () => {
    let tmp: string;
    let database: ScratchDatabase | undefined;
    let running: PlatformProcess | undefined;

    before(async () => {
      tmp = testDirectory('codestore-deploy-faults-');
      database = await target.database?.();
      prewarmTypeCheck();
    });
    after(async () => {
      if (running) await stopPlatformProcess(running, 'SIGKILL');
      await stopLeftovers(path.join(tmp, 'data'));
      await database?.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('rolls the interrupted migration back on the next start, and the previous version serves as before', async () => {
      const dataDir = path.join(tmp, 'data');
      running = await startPlatformProcess(dataDir, database?.url);
      const client = new PlatformClient({ url: running.url });
      await client.signup(`faults-${process.pid}@example.com`, PASSWORD);
      const created = await client.createService('Blog');
      const serviceId = created.service.id;
      const key = created.developerKey;
      const v1 = await blogService(path.join(tmp, 'v1'), serviceId);
      const v2 = await variant(v1, path.join(tmp, 'v2'), { schema: (s) => s.replace('body: String!', 'body: String!\n  summary: String') });
      const first = (await client.push(serviceId, await packServiceFolder(v1))) as { deployed: boolean };
      assert.equal(first.deployed, true);
      const endpoint = `${running.url}${created.service.environments[0].path}`;
      await call(endpoint, key, 'mutation { createPost(title: "Kept", body: "x") { id } }');
      await stopPlatformProcess(running, 'SIGTERM');

      // Deployment processes of this platform pause between migrating and serving.
      running = await startPlatformProcess(dataDir, database?.url, { CODESTORE_DEPLOY_HOLD_MS: '60000' });
      const url2 = running.url;
      const token = client.token!;
      const second = new PlatformClient({ url: url2, token });
      void second.push(serviceId, await packServiceFolder(v2)).catch(() => undefined);
      await until("the second version's migration to run", async () => {
        const data = await api<{ logs: { lines: Array<{ message: string }> } }>(
          { url: url2, token },
          'query($s: ID!) { logs(serviceId: $s, environment: private, limit: 1000) { lines { message } } }',
          { s: serviceId },
        );
        return data.logs.lines.some((l) => /ran migration \w+/.test(l.message) && !/CreateAuthorAndPost/.test(l.message));
      });
      await stopPlatformProcess(running, 'SIGKILL');

      running = await startPlatformProcess(dataDir, database?.url);
      const third = new PlatformClient({ url: running.url, token });
      const endpoint3 = `${running.url}${created.service.environments[0].path}`;
      // Requests wait while the platform brings the deployment back.
      const answer = await call(endpoint3, key, '{ allPosts { title } }');
      assert.deepEqual(answer.body.data, { allPosts: [{ title: 'Kept' }] }, JSON.stringify(answer.body));
      assert.match(
        (await call(endpoint3, key, '{ allPosts { summary } }')).body.errors?.[0]?.message ?? '',
        /summary/,
        '0.0.2 does not serve',
      );

      await until('the interrupted deployment to be marked failed', async () => {
        const info = await third.serviceInfo(serviceId);
        const priv = info.environments.find((e) => e.name === 'private')!;
        return priv.latestDeployment?.status === 'DEPLOYMENT_FAILED';
      });
      const priv = (await third.serviceInfo(serviceId)).environments.find((e) => e.name === 'private')!;
      assert.equal(priv.currentVersion?.version, '0.0.1');
      assert.match(priv.latestDeployment?.error ?? '', /platform stopped during this deployment; its migrations were rolled back/);
      await stopPlatformProcess(running, 'SIGTERM');
      running = undefined;

      // The database has 0.0.1's schema and migrations only.
      const manifest = JSON.parse(
        fs.readFileSync(path.join(dataDir, 'services', serviceId, 'versions', '0.0.1', 'manifest.json'), 'utf8'),
      ) as { migrations: Array<{ className: string }> };
      const expected = manifest.migrations.map((m) => m.className);
      let applied: string[];
      let columns: string[];
      {
        // The platform is stopped: its embedded server is started alone to look.
        const server = database ? undefined : await startEmbeddedServer({ dataDir, log: () => undefined });
        const storeUrl = server ? server.url(STORE_DATABASE) : database!.url;
        try {
          const store = new Client({ connectionString: storeUrl });
          await store.connect();
          const [{ id: envId }] = (
            await store.query<{ id: string }>(`SELECT e.id FROM environments e WHERE e.service_id = $1 AND e.name = 'private'`, [serviceId])
          ).rows;
          await store.end();
          const url = new URL(storeUrl);
          url.pathname = `/${environmentDatabaseName(decodeURIComponent(url.pathname.slice(1)), envId)}`;
          const env = new Client({ connectionString: url.toString() });
          await env.connect();
          applied = (await env.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name);
          columns = (
            await env.query<{ column_name: string }>(
              `SELECT column_name FROM information_schema.columns WHERE table_name = 'Post' ORDER BY column_name`,
            )
          ).rows.map((r) => r.column_name);
          await env.end();
        } finally {
          await server?.stop();
        }
      }
      assert.deepEqual(applied, expected);
      assert.ok(!columns.includes('summary'), `the interrupted migration's column is still there: ${columns.join(', ')}`);
      assert.ok(columns.includes('title'));
    });
  });
}
