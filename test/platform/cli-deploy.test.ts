// The deployment commands end to end, through the real CLI (`node bin/codestore.js`) against a real
// platform: `push` deploys to private and prints the endpoint, which answers with the developer
// key; `logs` prints the environment's lines (and `--json` one object per line); `logs -f` prints
// a request made while it follows and exits 0 on Ctrl-C; `promote` deploys to demo; a version that
// does not load fails its deployment with exit 1 while the previous one keeps serving.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import { CodegenHost } from '../../servicefs/src/codegen';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { BIN, CliResult, PASSWORD, platformTargets, REPO_ROOT, TestPlatform } from './helpers/platform';

const BLOG = path.join(REPO_ROOT, 'test/fixtures/blog');
const PUSH_BLOG = path.join(REPO_ROOT, 'test/fixtures/push-blog');
const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (stdout|stderr|request|platform) /;
const STREAMS = ['stdout', 'stderr', 'request', 'platform'];

async function generate(dir: string): Promise<void> {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(fs.readFileSync(path.join(dir, 'src/schema.graphql'), 'utf8'));
  await new CodegenHost().write({ root: dir }, analysis.documentWithPrelude(), true);
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The JSON objects of `logs --json`: one a line. */
function jsonLines(stdout: string): Array<{ id: string; at: string; deploymentId: string | null; stream: string; message: string }> {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

for (const target of platformTargets()) {
  describe(`codestore push, promote, logs (${target.label})`, () => {
    let platform: TestPlatform;
    let configDir: string;
    /** The service folder, its serviceId and developer key, and its endpoints' URLs. */
    let dir: string;
    let serviceId: string;
    let developerKey: string;
    let urls: { private: string; demo: string };
    const cli = (args: string[], cwd = dir) => platform.cli(args, { configDir, cwd });
    const call = async (url: string, query: string, key: string | null = developerKey) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'x-user-authorization': key } : {}) },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, body: await res.text() };
    };
    const allPosts = async (url: string) => {
      const r = await call(url, '{ allPosts { id title } }');
      assert.equal(r.status, 200, r.body);
      const body = JSON.parse(r.body);
      assert.equal(body.errors, undefined, r.body);
      return body.data.allPosts as Array<{ id: string; title: string }>;
    };

    before(async () => {
      platform = await TestPlatform.start(target);
      configDir = platform.dir('config');
      ok(await platform.cli(['auth:signup', '-e', `deploy-cli-${process.pid}@example.com`, '-p', PASSWORD], { configDir }), 'auth:signup');
      dir = platform.dir('blog');
      fs.cpSync(BLOG, dir, { recursive: true });
      fs.cpSync(path.join(PUSH_BLOG, 'src'), path.join(dir, 'src'), { recursive: true });
      await generate(dir);
      const created = JSON.parse(ok(await cli(['service:create', 'Deployed Blog', '--json']), 'service:create').stdout);
      serviceId = created.service.id;
      developerKey = created.developerKey;
      const url = (name: string) => created.service.environments.find((e: { name: string }) => e.name === name).url as string;
      urls = { private: url('private'), demo: url('demo') };
      prewarmTypeCheck();
    });
    after(async () => {
      await platform?.close();
    });

    it('push deploys the new version to private and prints its endpoint, which answers with the developer key', async () => {
      const r = ok(await cli(['push', '-r', 'first'], path.join(dir, 'src')), 'push');
      const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      assert.match(
        r.stdout,
        new RegExp(
          `^Pushed ${serviceId}: version 0\\.0\\.1 \\(schema [0-9a-f]{12}\\)\\.\\nDeployed 0\\.0\\.1 to private: ${escape(urls.private)}\\n$`,
        ),
      );
      assert.match(urls.private, /^http:\/\/127\.0\.0\.1:\d+\/s\/[0-9a-z]{20}\/graphql$/);

      const created = await call(urls.private, 'mutation { createPost(title: "Hello", body: "World") { id title } }');
      assert.equal(created.status, 200, created.body);
      assert.equal(JSON.parse(created.body).data.createPost.title, 'Hello');
      assert.deepEqual(
        (await allPosts(urls.private)).map((p) => p.title),
        ['Hello'],
      );
      const refused = await call(urls.private, '{ allPosts { id } }', null);
      assert.ok(refused.status >= 400, `no developer key: HTTP ${refused.status} ${refused.body}`);
      const wrong = await call(urls.private, '{ allPosts { id } }', 'csk_not-the-key');
      assert.ok(wrong.status >= 400, `a wrong developer key: HTTP ${wrong.status} ${wrong.body}`);
    });

    let pushedDeploymentId: string;
    it('push --json: the version with its settled deployment; service:info shows what private serves', async () => {
      const pushed = JSON.parse(ok(await cli(['push', dir, '--json'], platform.tmp), 'push --json').stdout);
      assert.equal(pushed.version, '0.0.2');
      assert.equal(pushed.deployed, true);
      const { id, ...deployment } = pushed.deployment;
      assert.match(id, /^dep_/);
      assert.deepEqual(deployment, { environment: 'private', status: 'DEPLOYED', error: null, url: urls.private });
      pushedDeploymentId = id;
      // The data stays: the new deployment opens the same database.
      assert.deepEqual(
        (await allPosts(urls.private)).map((p) => p.title),
        ['Hello'],
      );

      const info = JSON.parse(ok(await cli(['service:info', '--json']), 'service:info --json').stdout);
      const [priv, demo] = info.environments;
      assert.equal(priv.status, 'DEPLOYED');
      assert.equal(priv.currentVersion.version, '0.0.2');
      assert.equal(priv.latestDeployment.id, pushedDeploymentId);
      assert.equal(priv.latestDeployment.environment, 'private');
      assert.equal(priv.url, urls.private);
      assert.equal(demo.status, null);
      const human = ok(await cli(['service:info']), 'service:info').stdout;
      assert.match(
        human,
        new RegExp(`\\n  private  DEPLOYED +serving 0\\.0\\.2 +${urls.private.replace(/[.?]/g, '\\$&')}\\n  demo     not deployed +http`),
      );
    });

    it("logs: the newest lines as `<time> <stream> <message>`; --json, one object per line, with the platform's lines about the deployment", async () => {
      const json = jsonLines(ok(await cli(['logs', '--json']), 'logs --json').stdout);
      assert.ok(json.length >= 3, JSON.stringify(json));
      for (const l of json) {
        assert.deepEqual(Object.keys(l).sort(), ['at', 'deploymentId', 'id', 'message', 'request', 'stream']);
        assert.ok(STREAMS.includes(l.stream), l.stream);
        assert.equal(new Date(l.at).toISOString(), l.at);
      }
      const about = json.filter((l) => l.stream === 'platform' && l.deploymentId === pushedDeploymentId);
      assert.ok(about.length, `no platform line about ${pushedDeploymentId}: ${JSON.stringify(json)}`);
      assert.ok(
        json.some((l) => l.stream === 'request'),
        'the requests of the first test are logged',
      );
      assert.deepEqual(
        json.map((l) => l.at),
        json.map((l) => l.at).sort(),
        `oldest first: ${JSON.stringify(json, null, 1)}`,
      );

      const human = ok(await cli(['logs', '-n', '3', '-e', 'private']), 'logs -n 3')
        .stdout.split('\n')
        .filter(Boolean);
      assert.equal(human.length, 3, human.join('\n'));
      for (const l of human) assert.match(l, LOG_LINE);
      // The same three lines as the tail of the JSON (unless a line came in between).
      const tail = json.slice(-3).map((l) => `${l.at} ${l.stream} ${l.message}`);
      assert.deepEqual(human, tail);

      // Nothing was deployed to demo yet.
      const demo = ok(await cli(['logs', serviceId, '--env', 'demo'], platform.tmp), 'logs demo');
      assert.equal(demo.stdout, '');
      assert.match(demo.stderr, /No log lines/);
      assert.equal(ok(await cli(['logs', '-e', 'demo', '--json']), 'logs demo --json').stdout, '');
    });

    it('logs -f prints a request made while it follows, and exits 0 on Ctrl-C', async () => {
      const child: ChildProcess = spawn(process.execPath, [BIN, 'logs', '-f', '-n', '1'], {
        cwd: dir,
        env: { ...process.env, CODESTORE_PLATFORM_URL: platform.url, CODESTORE_CONFIG_DIR: configDir, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      try {
        // The newest line first: then it polls.
        await waitFor('the first line of logs -f', () => stdout.includes('\n'));
        const lines = () => stdout.split('\n').filter(Boolean);
        assert.equal(lines().length, 1, stdout);
        const startedAt = Date.now();
        await allPosts(urls.private);
        // A request line names the operation and its root fields: `query (allPosts) 200 3.1 ms`.
        await waitFor('a request line after it started', () =>
          lines()
            .slice(1)
            .some((l) => / request query \(allPosts\) 200 /.test(l)),
        );
        const line = lines()
          .slice(1)
          .find((l) => / request /.test(l))!;
        assert.match(line, LOG_LINE);
        assert.ok(
          Date.parse(line.split(' ')[0]) >= startedAt - 1000,
          `${line} was written before the request at ${new Date(startedAt).toISOString()}`,
        );
        child.kill('SIGINT');
        const { code, signal } = await exited;
        assert.deepEqual({ code, signal }, { code: 0, signal: null });
        assert.equal(stderr, '');
        for (const l of lines()) assert.match(l, LOG_LINE);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });

    let promotedDeploymentId: string;
    it("promote deploys what private serves to demo, on demo's own database; --json parses", async () => {
      const r = ok(await cli(['promote']), 'promote');
      assert.equal(r.stdout, `Deployed 0.0.2 to demo: ${urls.demo}\n`);
      assert.deepEqual(await allPosts(urls.demo), [], 'demo has its own database');
      assert.deepEqual(
        (await allPosts(urls.private)).map((p) => p.title),
        ['Hello'],
      );

      const again = JSON.parse(ok(await cli(['promote', serviceId, '--json'], platform.tmp), 'promote --json').stdout);
      assert.equal(again.environment, 'demo');
      assert.equal(again.status, 'DEPLOYED');
      assert.equal(again.error, null);
      assert.equal(again.version.version, '0.0.2');
      assert.equal(again.url, urls.demo);
      assert.match(again.id, /^dep_/);
      promotedDeploymentId = again.id;

      const info = ok(await cli(['service:info']), 'service:info').stdout;
      assert.match(info, /\n  private  DEPLOYED +serving 0\.0\.2 +http\S+\n  demo     DEPLOYED +serving 0\.0\.2 +http\S+\n/);
      const demoLogs = jsonLines(ok(await cli(['logs', '-e', 'demo', '--json', '-n', '1000']), 'logs demo').stdout);
      assert.ok(
        demoLogs.some((l) => l.stream === 'platform' && l.deploymentId === promotedDeploymentId),
        JSON.stringify(demoLogs),
      );
      const list = ok(await cli(['service:list']), 'service:list').stdout;
      assert.match(list, new RegExp(`\\n${serviceId} +Deployed Blog +0\\.0\\.2 DEPLOYED +0\\.0\\.2 DEPLOYED\\n`));
    });

    it('a version that does not load: push prints the version and why its deployment failed, exits 1; 0.0.2 keeps serving', async () => {
      const file = path.join(dir, 'src/resolvers/queries/allPosts.ts');
      const original = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, `if (Date.now() > 0) throw new Error('allPosts refuses to load');\n${original}`);
      try {
        const r = await cli(['push']);
        assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, new RegExp(`^Pushed ${serviceId}: version 0\\.0\\.3 \\(schema [0-9a-f]{12}\\)\\.\\n$`));
        assert.match(
          r.stderr,
          /^codestore: Deploying 0\.0\.3 to private failed: .*allPosts refuses to load.*\. See the log: `codestore logs -e private`\n$/,
        );

        assert.deepEqual(
          (await allPosts(urls.private)).map((p) => p.title),
          ['Hello'],
          'the previous version serves',
        );
        const info = ok(await cli(['service:info']), 'service:info').stdout;
        assert.match(info, /\n  private  DEPLOYMENT_FAILED 0\.0\.3 +serving 0\.0\.2 +http\S+\n {11}error: .*allPosts refuses to load/);
        const json = JSON.parse(ok(await cli(['service:info', '--json']), 'service:info --json').stdout);
        assert.equal(json.environments[0].latestDeployment.status, 'DEPLOYMENT_FAILED');
        assert.match(json.environments[0].latestDeployment.error, /allPosts refuses to load/);

        // --json prints the outcome too, and still exits 1.
        const again = await cli(['push', '--json']);
        assert.equal(again.code, 1);
        const pushed = JSON.parse(again.stdout);
        assert.equal(pushed.version, '0.0.4');
        assert.equal(pushed.deployed, false);
        assert.equal(pushed.deployment.status, 'DEPLOYMENT_FAILED');
        assert.match(pushed.deployment.error, /allPosts refuses to load/);
        assert.equal(pushed.deployment.url, null);
        const logs = jsonLines(ok(await cli(['logs', '--json', '-n', '1000']), 'logs').stdout);
        assert.ok(
          logs.some((l) => l.stream === 'platform' && l.deploymentId === pushed.deployment.id),
          JSON.stringify(logs.slice(-10)),
        );
      } finally {
        fs.writeFileSync(file, original);
      }
    });

    it('usage mistakes: an unknown environment, a bad line count, no service to name', async () => {
      const env = await cli(['logs', '-e', 'staging']);
      assert.equal(env.code, 2);
      assert.equal(env.stderr, 'codestore: -e/--env is private or demo, not "staging".\n');
      for (const n of ['x', '-1', '1001', '2.5']) {
        const r = await cli(['logs', `--lines=${n}`]);
        assert.equal(r.code, 2, n);
        assert.match(r.stderr, /^codestore: -n\/--lines is a whole number from 0 to 1000/);
      }
      for (const command of ['logs', 'promote']) {
        const r = await cli([command], platform.tmp);
        assert.equal(r.code, 2, command);
        assert.match(r.stderr, new RegExp(`Which service\\? Pass its id \\(\`codestore ${command} <serviceId>\`\\)`));
      }
      const unknown = await cli(['logs', 'no-such-service-abcdef'], platform.tmp);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^codestore: No service "no-such-service-abcdef"/);
    });
  });
}
