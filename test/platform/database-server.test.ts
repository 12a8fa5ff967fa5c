// The platform on its PostgreSQL server: each environment's process holds only its own
// environment's credentials, which open neither another environment's database nor the store;
// environments with no requests go idle (no process) and their next request is answered with
// their data; the embedded server killed with SIGKILL is started again and everything serves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { WORKER_CONFIG_ENV, WorkerConfig } from '../../platform/src/runtime/protocol';
import { call } from './helpers/http';
import { PASSWORD, platformTargets, TestPlatform } from './helpers/platform';
import { blogService } from './helpers/service';

/** The deployment processes of this test process's platform, with the config each was given. */
function deploymentProcesses(): Array<{ pid: number; config: WorkerConfig }> {
  let pids: number[];
  try {
    pids = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('runtime.js'))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
  } catch {
    return [];
  }
  return pids.map((pid) => {
    const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const line = env.find((e) => e.startsWith(`${WORKER_CONFIG_ENV}=`))!;
    return { pid, config: JSON.parse(line.slice(WORKER_CONFIG_ENV.length + 1)) as WorkerConfig };
  });
}

/** Connects with `url`; resolves to the error's message, or 'connected'. */
async function tryConnect(url: string): Promise<string> {
  const c = new Client({ connectionString: url });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('SELECT 1');
    return 'connected';
  } catch (e) {
    return (e as Error).message;
  } finally {
    await c.end().catch(() => undefined);
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

for (const target of platformTargets()) {
  describe(`the platform's database server (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    let serviceId: string;
    let key: string;
    let privateUrl: string;
    let demoUrl: string;
    let email: string;

    before(async () => {
      // Idle after 3 s: the idle case waits for it, the others keep their environments busy.
      platform = await TestPlatform.start(target, { idleAfterMs: 3000 });
      ({ client, email } = await platform.signup('dbserver'));
      const created = await client.createService('Blog');
      serviceId = created.service.id;
      key = created.developerKey;
      privateUrl = client.endpointUrl(created.service.environments[0]);
      demoUrl = client.endpointUrl(created.service.environments[1]);
      prewarmTypeCheck();
      const dir = await blogService(path.join(platform.tmp, 'v1'), serviceId);
      const pushed = (await client.push(serviceId, await packServiceFolder(dir))) as { deployed: boolean };
      assert.equal(pushed.deployed, true);
      await client.promote(serviceId);
      assert.equal((await call(privateUrl, key, 'mutation { createPost(title: "Private", body: "p") { id } }')).status, 200);
      assert.equal((await call(demoUrl, key, 'mutation { createPost(title: "Demo", body: "d") { id } }')).status, 200);
    });
    after(async () => {
      await platform?.close();
    });

    it("an environment's process gets its own credentials, which open neither another environment's database nor the store", async () => {
      // Both serve at once: a request to each wakes them (again, on a slow machine, if one went idle meanwhile).
      let processes: ReturnType<typeof deploymentProcesses> = [];
      for (let attempt = 0; attempt < 20 && processes.length !== 2; attempt++) {
        await Promise.all([call(privateUrl, key, '{ allPosts { title } }'), call(demoUrl, key, '{ allPosts { title } }')]);
        processes = deploymentProcesses();
      }
      assert.equal(processes.length, 2, 'private and demo');
      const store = new URL(platform.databaseUrl);
      // A sandboxed process reaches its database through a proxy socket inside its sandbox; its
      // credentials are tried here on the server itself.
      const onServer = (url: string) => {
        const given = new URL(url);
        const u = new URL(store.toString());
        u.username = given.username;
        u.password = given.password;
        u.pathname = given.pathname;
        return u;
      };
      const [a, b] = processes.map((p) => onServer(p.config.database.url));
      for (const u of [a, b]) {
        assert.equal(Object.keys(processes[0].config.database).sort().join(), 'kind,url');
        assert.notEqual(u.username, store.username, "not the platform's own role");
        assert.equal(u.username, decodeURIComponent(u.pathname.slice(1)), 'the role owns the database of the same name');
      }
      assert.equal(await tryConnect(a.toString()), 'connected');
      assert.match(
        await tryConnect(withDatabase(a.toString(), b.pathname.slice(1))),
        /permission denied for database|password authentication failed/,
      );
      assert.match(
        await tryConnect(withDatabase(a.toString(), store.pathname.slice(1))),
        /permission denied for database|password authentication failed/,
      );
      if (target.label === 'embedded') {
        // The server asks every connection for its password: a role's name alone opens nothing.
        const nameOnly = new URL(a.toString());
        nameOnly.password = '';
        assert.match(await tryConnect(nameOnly.toString()), /password/);
        const wrong = new URL(a.toString());
        wrong.password = 'not-the-password';
        assert.match(await tryConnect(wrong.toString()), /password authentication failed/);
      }
    });

    it('an environment with no request goes idle (no process, shown idle), and its next request is answered with its data', async () => {
      const pids = deploymentProcesses().map((p) => p.pid);
      assert.ok(pids.length > 0);
      for (;;) {
        const info = await client.serviceInfo(serviceId);
        if (info.environments.every((e) => e.idle)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.deepEqual(deploymentProcesses(), [], 'no process while idle');
      const info = await client.serviceInfo(serviceId);
      assert.deepEqual(
        info.environments.map((e) => [e.name, e.latestDeployment?.status, e.currentVersion?.version]),
        [
          ['private', 'DEPLOYED', '0.0.1'],
          ['demo', 'DEPLOYED', '0.0.1'],
        ],
      );
      const answers = await Promise.all(Array.from({ length: 5 }, () => call(privateUrl, key, '{ allPosts { title } }')));
      for (const a of answers) assert.deepEqual(a.body.data, { allPosts: [{ title: 'Private' }] }, JSON.stringify(a.body));
      assert.equal(deploymentProcesses().length, 1, 'one process started for the five requests, for private only');
      assert.ok(!(await client.serviceInfo(serviceId)).environments.find((e) => e.name === 'private')!.idle);
      const configDir = platform.dir('cli');
      assert.equal((await platform.cli(['auth:login', '-e', email, '-p', PASSWORD], { configDir })).code, 0);
      const cli = await platform.cli(['service:info', serviceId], { configDir });
      assert.match(cli.stdout + cli.stderr, /demo\s+DEPLOYED \(idle\)/);
    });

    it('with 50 deployed environments, a started platform starts none until asked, then answers each', async () => {
      // 48 projects with the service's demo version in development, beside private and demo: 50.
      const environmentUrls = [privateUrl, demoUrl];
      for (let i = 0; i < 48; i++) {
        const project = await client.createProject(`Project ${i}`);
        const instance = await client.addServiceToProject(project.id, serviceId);
        const dev = instance.environments.find((e) => e.name === 'development')!;
        assert.equal(dev.latestDeployment?.status, 'DEPLOYED', dev.latestDeployment?.error ?? '');
        environmentUrls.push(client.endpointUrl(dev));
      }
      await platform.restart();
      await platform.platform.restored;
      assert.deepEqual(deploymentProcesses(), [], 'nothing started before a request');
      const c = new PlatformClient({ url: platform.url, token: client.token });
      const info = await c.serviceInfo(serviceId);
      assert.ok(info.environments.every((e) => e.idle));
      // The same endpoints on the restarted platform (same port): each answers with its own rows.
      // One after another: fifty processes starting at once would be a test of the machine.
      const answers = [];
      for (const u of environmentUrls) answers.push(await call(u, key, '{ allPosts { title } }'));
      assert.deepEqual(
        answers.map((a) => a.status),
        environmentUrls.map(() => 200),
      );
      assert.deepEqual(answers[0].body.data, { allPosts: [{ title: 'Private' }] });
      assert.deepEqual(answers[1].body.data, { allPosts: [{ title: 'Demo' }] });
      for (const a of answers.slice(2)) assert.deepEqual(a.body.data, { allPosts: [] });
    });

    if (target.label === 'embedded') {
      it('the embedded server killed with SIGKILL is started again, and the platform and its environments serve again', async () => {
        const pidFile = path.join(platform.dataDir, 'postgres', 'postmaster.pid');
        const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
        assert.equal((await call(privateUrl, key, '{ allPosts { title } }')).status, 200);
        process.kill(pid, 'SIGKILL');
        for (;;) {
          const now = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
          if (now !== pid && platform.log.some((l) => /the server serves again/.test(l))) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(
          platform.log.some((l) => /postgres: the server killed by SIGKILL; starting it again/.test(l)),
          platform.log.join('\n'),
        );
        // A process's pool may hold a connection the kill cut: the first query on it can fail, then it reconnects.
        let answer = await call(privateUrl, key, '{ allPosts { title } }');
        if (answer.body.errors) answer = await call(privateUrl, key, '{ allPosts { title } }');
        assert.deepEqual(answer.body.data, { allPosts: [{ title: 'Private' }] }, JSON.stringify(answer.body));
        assert.deepEqual((await call(demoUrl, key, '{ allPosts { title } }')).body.data, { allPosts: [{ title: 'Demo' }] });
        assert.equal((await client.serviceInfo(serviceId)).environments.length, 2, 'the store answers');
      });
    }
  });
}
