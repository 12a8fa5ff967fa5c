// A service as the original code.store left it (test/fixtures/original-blog: a `<timestamp>.ts`
// migration with class generatedAt<timestamp>, no snapshot, no data source) pushed with
// `codestore push` and no other step, through the real CLI against a real platform: its original
// migration builds the database, a row written there is still served after a schema change,
// whose migration is exactly the change; a migration that drops data needs --yes; a resolver
// that throws logs its stack at the service's .ts line; on a terminal push shows its steps;
// names stand for ids.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { BIN, CliResult, PASSWORD, platformTargets, REPO_ROOT, TestPlatform } from './helpers/platform';

const ORIGINAL = path.join(REPO_ROOT, 'test/fixtures/original-blog');
const MIGRATIONS = 'src/data/migrations';

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

for (const target of platformTargets()) {
  describe(`codestore push of a service made for the original code.store (${target.label})`, () => {
    let platform: TestPlatform;
    let configDir: string;
    let dir: string;
    let serviceId: string;
    let developerKey: string;
    let privateUrl: string;
    const cli = (args: string[], cwd = dir) => platform.cli(args, { configDir, cwd });
    const call = async (query: string) => {
      const res = await fetch(privateUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-authorization': developerKey },
        body: JSON.stringify({ query }),
      });
      return JSON.parse(await res.text());
    };
    const migrationFiles = () =>
      fs
        .readdirSync(path.join(dir, MIGRATIONS))
        .filter((f) => f.endsWith('.ts'))
        .sort();
    const editSchema = (edit: (sdl: string) => string) => {
      const file = path.join(dir, 'src/schema.graphql');
      fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    };

    /** Runs the CLI with a terminal (script(1)); what it printed, stdout and stderr both, comes back as stdout. */
    const underTerminal = (args: string[], input = '') => {
      const env = { ...process.env, CODESTORE_PLATFORM_URL: platform.url, CODESTORE_CONFIG_DIR: configDir, NO_COLOR: '1' };
      const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      return new Promise<CliResult>((resolve, reject) => {
        const child = spawn('script', ['-qec', quoted, '/dev/null'], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          stdout += d;
          // Answer the question once it is asked.
          if (input && stdout.includes('[y/N]')) {
            child.stdin.write(input);
            input = '';
          }
        });
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          stderr += d;
        });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? -1, stdout: stdout.replace(/\r/g, ''), stderr }));
      });
    };

    before(async () => {
      platform = await TestPlatform.start(target);
      configDir = platform.dir('config');
      ok(await platform.cli(['auth:signup', '-e', `original-${process.pid}@example.com`, '-p', PASSWORD], { configDir }), 'auth:signup');
      dir = platform.dir('original-blog');
      fs.cpSync(ORIGINAL, dir, { recursive: true });
      // The original platform's serviceId means nothing here: service:create replaces it.
      const created = JSON.parse(ok(await cli(['service:create', 'Original Blog', '--json']), 'service:create').stdout);
      serviceId = created.service.id;
      developerKey = created.developerKey;
      privateUrl = created.service.environments.find((e: { name: string }) => e.name === 'private').url;
      prewarmTypeCheck();
    });
    after(async () => {
      await platform?.close();
    });

    it('pushes as it is: no new migration, the original one builds the database; a row written there is served', async () => {
      const r = ok(await cli(['push']), 'push');
      assert.doesNotMatch(r.stdout, /Committed migration/, 'the schema did not change: no migration');
      assert.equal(r.stderr, '', 'piped: no steps');
      assert.match(
        r.stdout,
        /^Regenerated .*src\/data\/migrations\/snapshot\.json.*\.\nPushed \S+: version 0\.0\.1 .*\nDeployed 0\.0\.1 to private: http\S+\n$/,
      );
      assert.deepEqual(migrationFiles(), ['1597910226250.ts']);
      const logs = ok(await cli(['logs', '-n', '1000']), 'logs').stdout;
      assert.match(logs, / platform migration generatedAt1597910226250 applied\n/);

      const created = await call('mutation { createPost(title: "Kept", body: "since 2020") { id title } }');
      assert.equal(created.errors, undefined, JSON.stringify(created));
      assert.deepEqual((await call('{ allPosts { id title } }')).data.allPosts, [{ id: created.data.createPost.id, title: 'Kept' }]);
    });

    it('a schema change: push commits exactly that migration, and the row is still served', async () => {
      editSchema((s) => s.replace('body: String!', 'body: String!\n  summary: String'));
      const r = ok(await cli(['push', '-r', 'summaries']), 'push');
      const added = migrationFiles().filter((f) => f !== '1597910226250.ts');
      assert.equal(added.length, 1, added.join(', '));
      assert.match(added[0], /^\d{13}-AddPostSummary\.ts$/);
      assert.match(r.stdout, new RegExp(`^Committed migration ${MIGRATIONS}/${added[0]}\\.\\n`));
      const source = fs.readFileSync(path.join(dir, MIGRATIONS, added[0]), 'utf8');
      assert.match(source, /ALTER TABLE "Post" ADD "summary" character varying/);
      assert.doesNotMatch(source, /CREATE TABLE/);
      assert.deepEqual((await call('{ allPosts { title summary } }')).data.allPosts, [{ title: 'Kept', summary: null }]);
      // Pushed again unchanged: nothing to regenerate, no migration.
      const again = ok(await cli(['push', '--json']), 'push --json');
      assert.deepEqual(JSON.parse(again.stdout).regenerated, { written: [], deleted: [], migration: null });
    });

    it('a migration that drops data: without a terminal push stops naming the steps and --yes; with --yes it goes', async () => {
      editSchema((s) => s.replace('\n  summary: String', ''));
      const before = migrationFiles();
      const refused = await cli(['push']);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(
        refused.stderr,
        /^codestore: The pending migration drops data when it runs: ALTER TABLE "Post" DROP COLUMN "summary"\. Push it with --yes/,
      );
      assert.deepEqual(migrationFiles(), before, 'nothing was committed');
      const r = ok(await cli(['push', '--yes']), 'push --yes');
      assert.match(r.stdout, /^Committed migration src\/data\/migrations\/\d{13}-RemovePostSummary\.ts\./);
      assert.deepEqual((await call('{ allPosts { title } }')).data.allPosts, [{ title: 'Kept' }]);
    });

    it("a resolver that throws: its error and stack, at the resolver's .ts line, in the stderr stream", async () => {
      editSchema((s) => s.replace('type Query {', 'type Query {\n  failing: String'));
      fs.writeFileSync(
        path.join(dir, 'src/resolvers/queries/failing.ts'),
        [
          'export default async () => {',
          '  const reason = "the archive is closed";',
          '  throw new Error(`failing refuses: ${reason}`);',
          '};',
          '',
        ].join('\n'),
      );
      ok(await cli(['push']), 'push');
      const answer = await call('{ failing }');
      assert.match(answer.errors?.[0]?.message ?? '', /failing refuses/);
      let lines: Array<{ stream: string; message: string }> = [];
      for (let i = 0; i < 50; i++) {
        lines = ok(await cli(['logs', '--json', '-n', '1000']), 'logs')
          .stdout.split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l));
        if (lines.some((l) => l.stream === 'stderr' && /failing refuses/.test(l.message))) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const text = lines
        .filter((l) => l.stream === 'stderr')
        .map((l) => l.message)
        .join('\n');
      assert.match(text, /resolver error in failing: Error: failing refuses: the archive is closed/);
      assert.match(text, /\bat .*\(src\/resolvers\/queries\/failing\.ts:3:9\)/, text);
    });

    it('on a terminal push shows its steps, with the migration the deployment runs', async () => {
      editSchema((s) => s.replace('body: String!', 'body: String!\n  views: Int'));
      const r = await underTerminal(['push']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const screen = r.stdout;
      for (const step of [
        /✓ Generating the database layer \(Committed src\/data\/migrations\/\d{13}-AddPostViews\.ts\)/,
        /✓ Packing \(\d+\.\d KB\)/,
        /✓ Uploading/,
        /✓ Checking and building/,
        /ran migration AddPostViews\d{13}/,
        /✓ Deploying 0\.0\.\d+ to private/,
      ]) {
        assert.match(screen, step, screen);
      }
      assert.match(screen, /Deployed 0\.0\.\d+ to private: http/);
    });

    it('on a terminal a migration that drops data is asked about: no commits nothing, yes pushes', async () => {
      editSchema((s) => s.replace('\n  views: Int', ''));
      const before = migrationFiles();
      const no = await underTerminal(['push'], 'n\r');
      assert.equal(no.code, 1, no.stdout);
      assert.match(no.stdout, /The pending migration drops data when it runs:\n {2}ALTER TABLE "Post" DROP COLUMN "views"\n/);
      assert.match(no.stdout, /Nothing was committed or pushed\./);
      assert.deepEqual(migrationFiles(), before);
      const yes = await underTerminal(['push'], 'y\r');
      assert.equal(yes.code, 0, yes.stdout);
      assert.match(yes.stdout, /Committed migration src\/data\/migrations\/\d{13}-RemovePostViews\.ts\./);
    });

    it('names where ids are asked: a service and a project by their names', async () => {
      const info = JSON.parse(ok(await cli(['service:info', 'Original Blog', '--json'], platform.tmp), 'service:info <name>').stdout);
      assert.equal(info.id, serviceId);
      const shop = JSON.parse(ok(await cli(['project:create', 'shop', '--json']), 'project:create').stdout);
      ok(await cli(['promote']), 'promote');
      const added = JSON.parse(
        ok(await cli(['project:service:add', '-p', 'shop', '-s', 'Original Blog', '--json'], platform.tmp), 'project:service:add by names')
          .stdout,
      );
      assert.equal(added.projectId, shop.id);
      assert.equal(added.service.id, serviceId);
      // This platform keeps names unique in an organization, whatever their case, so a name
      // stands for one project (a name shared by several is refused: test/unit/cli-program.test.ts).
      assert.equal(JSON.parse(ok(await cli(['project:info', '-p', 'SHOP', '--json']), 'project:info -p SHOP').stdout).id, shop.id);
      const unknown = await cli(['project:info', '-p', 'no-such-shop']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /^codestore: No project "no-such-shop"/);
      assert.equal(JSON.parse(ok(await cli(['project:info', '-p', shop.id, '--json']), 'project:info <id>').stdout).id, shop.id);
    });
  });
}
