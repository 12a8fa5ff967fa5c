// A deployment cannot harm the platform, another organization or the machine. A second
// organization pushes the adversarial service (test/fixtures/adversary), which tries each thing
// the threat model forbids and reports what worked: nothing may have, and both services still
// serve. Then its resolvers spin, allocate without end and exit: each time its environment is
// answered quickly (504 or 502), comes back, and the other service answers throughout. Needs
// bubblewrap (skipped, saying why, where there is none).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { detectSandbox } from '../../platform/src/runtime/sandbox/detect';
import { environmentDatabaseName } from '../../platform/src/runtime/databases';
import { environmentByName } from '../../platform/src/store/deployments';
import { Answer, api, call } from './helpers/http';
import { platformTargets, REPO_ROOT, TestPlatform } from './helpers/platform';
import { addFields, blogService, variant } from './helpers/service';

const ADVERSARY = path.join(REPO_ROOT, 'test/fixtures/adversary');
const support = detectSandbox('auto');
const skip = support.kind === 'bwrap' ? false : `no OS sandbox on this machine: ${support.missing.join('; ')}`;
if (skip) process.stdout.write(`# sandbox tests skipped: ${skip}\n`);

/** The adversary's memory and request timeout (its codestore.yaml), and the platform's liveness bound. */
const MEMORY_MIB = 128;
const REQUEST_TIMEOUT_S = 3;
const LIVENESS_MS = 2500;

async function logLines(client: PlatformClient, serviceId: string): Promise<Array<{ stream: string; message: string }>> {
  const all: Array<{ stream: string; message: string }> = [];
  let after: string | null = null;
  for (;;) {
    const data: { logs: { lines: Array<{ stream: string; message: string }>; cursor: string | null } } = await api(
      client,
      'query($s: ID!, $a: ID) { logs(serviceId: $s, environment: private, after: $a, limit: 1000) { lines { stream message } cursor } }',
      { s: serviceId, a: after },
    );
    all.push(...data.logs.lines);
    if (data.logs.lines.length < 1000) return all;
    after = data.logs.cursor;
  }
}

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}

for (const target of platformTargets()) {
  describe(`sandboxed deployments (${target.label})`, { skip }, () => {
    let platform: TestPlatform;
    const canary = `canary-${randomBytes(8).toString('hex')}`;
    let victim: { client: PlatformClient; serviceId: string; url: string; key: string; envId: string };
    let adversary: { client: PlatformClient; serviceId: string; url: string; key: string };
    let caller: { url: string; key: string };
    let localServer: http.Server;
    let localPort: number;
    let otherServer: http.Server;
    let otherPort: number;

    before(async () => {
      // A variable of the platform's process that no deployment may see.
      process.env.CODESTORE_SANDBOX_TEST_CANARY = canary;
      localServer = http.createServer((_req, res) => res.end('local answer'));
      await new Promise<void>((resolve) => localServer.listen(0, '127.0.0.1', () => resolve()));
      localPort = (localServer.address() as { port: number }).port;
      // Another loopback address, which the egress proxy is not told to allow.
      otherServer = http.createServer((_req, res) => res.end('other answer'));
      await new Promise<void>((resolve) => otherServer.listen(0, '127.0.0.2', () => resolve()));
      otherPort = (otherServer.address() as { port: number }).port;
      platform = await TestPlatform.start(target, {
        sandbox: 'required',
        limits: { livenessTimeoutMs: LIVENESS_MS, egressAllowInternal: ['127.0.0.1'] },
      });

      const v = await platform.signup('victim');
      const vs = await v.client.createService('Blog');
      const vdir = await blogService(path.join(platform.dir('victim'), 'svc'), vs.service.id);
      assert.equal(((await v.client.push(vs.service.id, await packServiceFolder(vdir))) as { deployed: boolean }).deployed, true);
      victim = {
        client: v.client,
        serviceId: vs.service.id,
        url: `${platform.url}${vs.service.environments[0].path}`,
        key: vs.developerKey,
        envId: (await environmentByName(platform.platform.db, vs.service.id, 'private'))!.id,
      };
      assert.equal((await call(victim.url, victim.key, 'mutation { createPost(title: "Mine", body: "private") { id } }')).status, 200);

      const a = await platform.signup('adversary');
      const as = await a.client.createService('Probe');
      const base = await blogService(path.join(platform.dir('adversary'), 'base'), as.service.id);
      const files: Record<string, string> = {};
      for (const f of fs.readdirSync(path.join(ADVERSARY, 'src/resolvers/queries')))
        files[`src/resolvers/queries/${f}`] = fs.readFileSync(path.join(ADVERSARY, 'src/resolvers/queries', f), 'utf8');
      files['codestore.yaml'] =
        `serviceId: ${as.service.id}\nruntime:\n  memoryMiB: ${MEMORY_MIB}\n  requestTimeoutSeconds: ${REQUEST_TIMEOUT_S}\n`;
      const adir = await variant(base, path.join(platform.dir('adversary'), 'svc'), {
        schema: addFields(
          'Query',
          'probe(targets: String!): String!\n  spin: Boolean\n  hang: Boolean\n  hog: Boolean\n  quit: Boolean\n  flood(lines: Int!): Int\n  fetchUrl(url: String!): String!',
        ),
        files,
      });
      const pushed = (await a.client.push(as.service.id, await packServiceFolder(adir))) as { deployed: boolean; deployment: unknown };
      assert.equal(pushed.deployed, true, JSON.stringify(pushed.deployment));
      adversary = {
        client: a.client,
        serviceId: as.service.id,
        url: `${platform.url}${as.service.environments[0].path}`,
        key: as.developerKey,
      };

      // A service of the same organization that opts in to outbound network.
      const cs = await a.client.createService('Caller');
      const cdir = await variant(adir, path.join(platform.dir('caller'), 'svc'), {
        files: { 'codestore.yaml': `serviceId: ${cs.service.id}\nruntime:\n  egress: true\n` },
      });
      const cpushed = (await a.client.push(cs.service.id, await packServiceFolder(cdir))) as { deployed: boolean; deployment: unknown };
      assert.equal(cpushed.deployed, true, JSON.stringify(cpushed.deployment));
      caller = { url: `${platform.url}${cs.service.environments[0].path}`, key: cs.developerKey };
    });
    after(async () => {
      delete process.env.CODESTORE_SANDBOX_TEST_CANARY;
      await platform?.close();
      localServer?.close();
      otherServer?.close();
    });

    it('nothing the threat model forbids works, and both services still serve', async () => {
      const storeDb = platform.databaseUrl ? decodeURIComponent(new URL(platform.databaseUrl).pathname.slice(1)) : 'postgres';
      const pg = new URL(process.env.CODESTORE_TEST_PG_URL ?? 'postgres://127.0.0.1:5432/postgres');
      const targets = {
        dataDir: platform.dataDir,
        secretsKey: path.join(platform.dataDir, 'secrets.key'),
        victimBuild: path.join(platform.dataDir, 'services', victim.serviceId, 'versions', '0.0.1'),
        victimServiceId: victim.serviceId,
        victimDatabaseDir: path.join(platform.dataDir, 'environments', victim.envId, 'db'),
        victimSocket: platform.platform.runtime.socketOf(victim.envId),
        platformPid: process.pid,
        platformPort: platform.platform.port,
        pgHost: pg.hostname,
        pgPort: Number(pg.port || 5432),
        otherDatabases: [storeDb, environmentDatabaseName(storeDb, victim.envId), 'template1'],
        canary,
      };
      assert.ok(fs.existsSync(targets.victimBuild), "the victim's build is where the probe is told to look");
      assert.ok(
        targets.victimSocket && fs.existsSync(targets.victimSocket),
        `the victim serves on the socket the probe is told of (${targets.victimSocket}); the victim's log:\n${(await logLines(victim.client, victim.serviceId)).map((l) => `${l.stream} ${l.message}`).join('\n')}`,
      );
      const answer = await call(
        adversary.url,
        adversary.key,
        `query($t: String!) { probe(targets: $t) }`.replace('$t: String!', '$t: String! = ' + JSON.stringify(JSON.stringify(targets))),
      );
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      const report = JSON.parse(answer.body.data.probe) as Record<string, { worked: boolean; detail: string }>;
      process.stdout.write(
        `# probe report (${target.label}):\n${Object.entries(report)
          .map(([k, v]) => `#   ${k}: ${v.worked ? 'WORKED' : 'blocked'} — ${v.detail}`)
          .join('\n')}\n`,
      );
      assert.ok(Object.keys(report).length >= 20, 'the probe tried everything');
      const worked = Object.entries(report)
        .filter(([, v]) => v.worked)
        .map(([k, v]) => `${k}: ${v.detail}`);
      assert.deepEqual(worked, [], 'these attempts worked');
      assert.deepEqual((await call(victim.url, victim.key, '{ allPosts { title } }')).body.data, { allPosts: [{ title: 'Mine' }] });
      assert.equal((await call(adversary.url, adversary.key, '{ allPosts { title } }')).status, 200);
      const lines = await logLines(adversary.client, adversary.serviceId);
      // Only a server has a database proxy to refuse them (an embedded database is a folder).
      if (target.label === 'postgres')
        assert.ok(
          lines.some((l) => l.stream === 'platform' && l.message.startsWith('database connection refused')),
          'refused database connections are logged',
        );
    });

    it('outbound network: none without opting in, with the reason in the error', async () => {
      const got = await call(adversary.url, adversary.key, `{ fetchUrl(url: "http://127.0.0.1:${localPort}/") }`);
      assert.match(got.body.data.fetchUrl, /^error: This deployment has no outbound network/);
    });

    it('outbound network, opted in: through the egress proxy, internal addresses refused', async () => {
      // 127.0.0.1 is allowed by this platform's options (a stand-in for a public address); 127.0.0.2 is not.
      const allowed = await call(caller.url, caller.key, `{ fetchUrl(url: "http://127.0.0.1:${localPort}/") }`);
      assert.equal(allowed.body.data?.fetchUrl, '200 local answer', JSON.stringify(allowed.body));
      const refused = await call(caller.url, caller.key, `{ fetchUrl(url: "http://127.0.0.2:${otherPort}/") }`);
      assert.match(refused.body.data.fetchUrl, /^error: The egress proxy refused 127\.0\.0\.2:\d+: .*internal address/);
    });

    it('a log flood is cut to the rate and what was dropped is said', async () => {
      const answer = await call(adversary.url, adversary.key, '{ flood(lines: 20000) }');
      assert.equal(answer.status, 200);
      await until(
        'the dropped-lines line',
        async () =>
          (await logLines(adversary.client, adversary.serviceId)).some(
            (l) => l.stream === 'platform' && /log line\(s\) dropped/.test(l.message),
          ),
        15_000,
      );
      const flooded = (await logLines(adversary.client, adversary.serviceId)).filter((l) => l.message.startsWith('flood line')).length;
      assert.ok(flooded < 2000, `${flooded} of 20000 flood lines were stored`);
    });

    describe("faults of the adversary's own environment", () => {
      const victimFailures: string[] = [];
      let polling = true;
      let poller: Promise<void>;
      before(() => {
        poller = (async () => {
          while (polling) {
            const r = await call(victim.url, victim.key, '{ allPosts { title } }').catch((e: Error): Answer => ({
              status: 0,
              body: { errors: [{ message: e.message }] },
            }));
            if (r.status !== 200) victimFailures.push(`${r.status} ${JSON.stringify(r.body)}`);
            await new Promise((res) => setTimeout(res, 200));
          }
        })();
      });
      after(async () => {
        polling = false;
        await poller;
      });
      const backAfter = (what: string, ms: number) =>
        until(
          `${what}: the environment answering again`,
          async () => (await call(adversary.url, adversary.key, '{ __typename }')).status === 200,
          ms,
        );

      it('a spinning resolver: 504 TIMEOUT within its timeout + 2 s, back within 10 s', async () => {
        const started = Date.now();
        const answer = await call(adversary.url, adversary.key, '{ spin }');
        const took = Date.now() - started;
        assert.equal(answer.status, 504, JSON.stringify(answer.body));
        assert.equal(answer.body.errors?.[0].extensions?.code, 'TIMEOUT');
        assert.ok(took <= REQUEST_TIMEOUT_S * 1000 + 2000, `answered after ${took} ms`);
        await backAfter('spin', 10_000);
        const lines = (await logLines(adversary.client, adversary.serviceId)).filter((l) => l.stream === 'platform').map((l) => l.message);
        assert.ok(
          lines.some((l) => /crashed: killed, unresponsive/.test(l)),
          lines.join('\n'),
        );
      });

      it('a resolver that never answers (its event loop free): 504 TIMEOUT after its timeout, the process serves on', async () => {
        const started = Date.now();
        const answer = await call(adversary.url, adversary.key, '{ hang }');
        const took = Date.now() - started;
        assert.equal(answer.status, 504, JSON.stringify(answer.body));
        assert.equal(answer.body.errors?.[0].extensions?.code, 'TIMEOUT');
        assert.ok(took >= REQUEST_TIMEOUT_S * 1000 - 100 && took <= REQUEST_TIMEOUT_S * 1000 + 2000, `answered after ${took} ms`);
        assert.equal((await call(adversary.url, adversary.key, '{ __typename }')).status, 200);
        const lines = (await logLines(adversary.client, adversary.serviceId)).filter((l) => l.stream === 'platform').map((l) => l.message);
        assert.ok(
          lines.some((l) => l.startsWith('request timeout')),
          lines.join('\n'),
        );
      });

      it('a resolver allocating without end is killed at its memory limit, back within 15 s', async () => {
        const answer = await call(adversary.url, adversary.key, '{ hog }');
        assert.ok([502, 504].includes(answer.status), JSON.stringify(answer.body));
        await backAfter('hog', 15_000);
        const lines = (await logLines(adversary.client, adversary.serviceId)).filter((l) => l.stream === 'platform').map((l) => l.message);
        assert.ok(
          lines.some((l) => /crashed: killed at its memory limit \(\d+ MiB\)/.test(l)),
          lines.join('\n'),
        );
      });

      it('process.exit: back within 15 s', async () => {
        const answer = await call(adversary.url, adversary.key, '{ quit }');
        assert.equal(answer.status, 502, JSON.stringify(answer.body));
        await backAfter('exit', 15_000);
        const lines = (await logLines(adversary.client, adversary.serviceId)).filter((l) => l.stream === 'platform').map((l) => l.message);
        assert.ok(
          lines.some((l) => /crashed: The deployment process exited with code 3/.test(l)),
          lines.join('\n'),
        );
      });

      it("the other organization's service answered throughout", () => {
        assert.deepEqual(victimFailures, []);
      });
    });
  });
}
