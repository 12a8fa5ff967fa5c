// `codestore dev` as a real process over real HTTP, on the blog service (blog + push-blog): a
// mutation writes and a query reads on its own development database (embedded PostgreSQL under
// `.codestore/`); a resolver edited on disk is served changed; a schema change adds a column to
// the development database; errors say their `.ts` file and line and the server keeps serving;
// SIGINT ends it and every process it started. With CODESTORE_TEST_PG_URL, codestore.yaml's
// `localConfiguration.database` is used instead.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { ChildProcess, spawn } from 'child_process';
import { Client } from 'pg';
import { BLOG, PUSH_BLOG } from './helpers/service';
import { BIN, scratchDatabase, ScratchDatabase, testDirectory } from './helpers/platform';
import { freePort } from '../../scripts/e2e/workbench.js';
import { alive, descendants, devDatabaseUrl, DevProcess, eventually, graphql, startDev } from './helpers/dev';

/** The blog fixture with the push-blog resolvers, not generated: `codestore dev` generates it. */
function blogFolder(parent: string, yaml = 'serviceId: blog-service\n'): string {
  const dir = path.join(parent, 'blog');
  fs.cpSync(BLOG, dir, { recursive: true });
  fs.cpSync(path.join(PUSH_BLOG, 'src'), path.join(dir, 'src'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'codestore.yaml'), yaml);
  return dir;
}

async function columns(url: string, table: string): Promise<string[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY column_name', [table]);
    return r.rows.map((row) => row.column_name as string);
  } finally {
    await c.end();
  }
}

/** `least`: the processes it must have started (the service process, and the database server when embedded). */
async function stopWithSigint(dev: DevProcess, least: number): Promise<{ code: number | null; left: number[] }> {
  const started = descendants(dev.proc.pid!);
  assert.ok(started.length >= least, `codestore dev runs ${least} process(es) at least: ${started.join(', ')}`);
  const exited = new Promise<number | null>((resolve) => dev.proc.once('exit', (code) => resolve(code)));
  dev.proc.kill('SIGINT');
  const code = await exited;
  // Its children are gone with it (a moment for the last backends to notice their server's end).
  const left = await eventually(
    'every process gone',
    async () => {
      const still = started.filter(alive);
      return still.length ? undefined : still;
    },
    20_000,
  ).catch(() => started.filter(alive));
  return { code, left };
}

describe('codestore dev (embedded development database)', () => {
  let tmp: string;
  let dir: string;
  let dev: DevProcess;

  before(async () => {
    tmp = testDirectory('codestore-dev-test-');
    dir = blogFolder(tmp);
    dev = await startDev(dir);
  });

  after(async () => {
    if (dev?.proc.exitCode === null && dev.proc.signalCode === null) dev.proc.kill('SIGKILL');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('generates the database layer, keeps its data under a gitignored .codestore/ and serves the playground', async () => {
    assert.ok(fs.existsSync(path.join(dir, 'src/data/entities/Post.ts')), 'the entities were generated');
    assert.match(fs.readFileSync(path.join(dir, '.codestore/.gitignore'), 'utf8'), /^\*$/m);
    assert.ok(fs.existsSync(path.join(dir, '.codestore/dev/postgres/PG_VERSION')), 'the embedded cluster is under .codestore/dev');
    const page = await fetch(`${dev.url}/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<title>blog · code\.store dev<\/title>/);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=["']?https?:/, 'nothing is loaded from elsewhere');
  });

  it('a mutation writes and a query reads', async () => {
    const created = await graphql(dev.url, 'mutation { createPost(title: "Hello", body: "World") { id title } }');
    assert.deepEqual(created.errors, undefined);
    assert.equal(created.data.createPost.title, 'Hello');
    const read = await graphql(dev.url, '{ allPosts { id title body } }');
    assert.deepEqual(read.data.allPosts, [{ id: created.data.createPost.id, title: 'Hello', body: 'World' }]);
  });

  it('serves a resolver edited on disk', async () => {
    const file = path.join(dir, 'src/resolvers/queries/allPosts.ts');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .replace(
          /context\.db\.connection\.getRepository\(Post\)\.find\(([^;]*)\);/s,
          '(await context.db.connection.getRepository(Post).find($1)).map((p) => ({ ...p, title: p.title.toUpperCase() }));',
        ),
    );
    assert.match(fs.readFileSync(file, 'utf8'), /toUpperCase/);
    await eventually('the edited resolver served', async () => {
      const r = await graphql(dev.url, '{ allPosts { title } }');
      return r.data?.allPosts?.[0]?.title === 'HELLO' ? true : undefined;
    });
    assert.match(dev.stdout(), /Reloaded in \d+ ms/);
  });

  it('a schema change adds the column to the development database and serves the field', async () => {
    const schema = path.join(dir, 'src/schema.graphql');
    fs.writeFileSync(schema, fs.readFileSync(schema, 'utf8').replace('  body: String!\n', '  body: String!\n  subtitle: String\n'));
    await eventually('the new field served', async () => {
      const r = await graphql(dev.url, '{ allPosts { title subtitle } }');
      return r.data?.allPosts ? true : undefined;
    });
    assert.ok((await columns(devDatabaseUrl(dir), 'Post')).includes('subtitle'));
    assert.match(dev.stdout(), /Committed migration src\/data\/migrations\/\d{13}-\w+\.ts/);
    assert.match(dev.stdout(), /Ran migration \w+ on the development database/);
  });

  it('a resolver that throws says its .ts file and line, and the server keeps serving', async () => {
    const file = path.join(dir, 'src/resolvers/queries/post.ts');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('export default async function post'));
    lines.splice(at + 1, 0, "  if (args.id === '404') throw new Error('no post 404');");
    fs.writeFileSync(file, lines.join('\n'));
    const line = at + 2;
    const answer = await eventually('the throwing resolver served', async () => {
      const r = await graphql(dev.url, '{ post(id: "404") { id } }');
      return r.errors ? r : undefined;
    });
    assert.equal(answer.errors[0].message, 'no post 404');
    assert.match(answer.errors[0].extensions.location, new RegExp(`^src/resolvers/queries/post\\.ts:${line}:\\d+$`));
    await eventually('the stack on stderr', async () =>
      new RegExp(`no post 404\\n\\s+at post \\(src/resolvers/queries/post\\.ts:${line}:\\d+\\)`).test(dev.stderr()) ? true : undefined,
    );
    assert.equal((await graphql(dev.url, '{ allPosts { title } }')).data.allPosts[0].title, 'HELLO');
  });

  it('a resolver that does not compile is shown at its line, and the previous build keeps serving', async () => {
    const file = path.join(dir, 'src/resolvers/queries/allPosts.ts');
    const before = dev.stderr().length;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8') + '\nexport const broken = (;\n');
    const lineCount = fs.readFileSync(file, 'utf8').split('\n').length - 1;
    await eventually('the compile error shown', async () =>
      new RegExp(`src/resolvers/queries/allPosts\\.ts:${lineCount}:\\d+ error`).test(dev.stderr().slice(before)) ? true : undefined,
    );
    assert.match(dev.stderr().slice(before), /Not reloaded: the service does not compile \(still serving the previous build\)/);
    assert.equal((await graphql(dev.url, '{ allPosts { title } }')).data.allPosts[0].title, 'HELLO');
  });

  it('a schema error is shown at its line, and the previous build keeps serving', async () => {
    const schema = path.join(dir, 'src/schema.graphql');
    const before = dev.stderr().length;
    const text = fs.readFileSync(schema, 'utf8');
    fs.writeFileSync(schema, text.replace('  subtitle: String\n', '  subtitle: Strin\n'));
    const line = text.split('\n').findIndex((l) => l.includes('subtitle')) + 1;
    await eventually('the schema error shown', async () =>
      new RegExp(`src/schema\\.graphql:${line}:\\d+ error .*Strin`).test(dev.stderr().slice(before)) ? true : undefined,
    );
    assert.ok((await graphql(dev.url, '{ allPosts { subtitle } }')).data.allPosts);
  });

  it('SIGINT stops it cleanly: exit 0, no process left, the lock released', async () => {
    const { code, left } = await stopWithSigint(dev, 2);
    assert.equal(code, 0, dev.stderr());
    assert.deepEqual(left, []);
    assert.ok(!fs.existsSync(path.join(dir, '.codestore/dev/platform.pid')));
    assert.match(dev.stdout(), /Stopping \(SIGINT\)/);
  });
});

describe('codestore dev while it starts', () => {
  let tmp: string;
  let proc: ChildProcess | undefined;

  after(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc!.once('exit', r));
      proc.kill('SIGINT');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('answers 503 until the first build serves, then 200, and never falls over', async () => {
    tmp = testDirectory('codestore-dev-test-');
    const dir = blogFolder(tmp);
    const port = await freePort();
    proc = spawn(process.execPath, [BIN, 'dev', dir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    const statuses = new Set<number>();
    await eventually(
      'a 200 from the first build',
      async () => {
        assert.equal(proc!.exitCode, null, `codestore dev exited while starting:\n${output}`);
        const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ allPosts { id } }' }),
        }).catch(() => undefined);
        if (res) statuses.add(res.status);
        return res?.status === 200 ? true : undefined;
      },
      120_000,
    );
    assert.ok(statuses.has(503), `a request while it started was answered 503: ${[...statuses].join(', ')}`);
    assert.equal(proc.exitCode, null);
  });
});

describe(
  'codestore dev on localConfiguration.database',
  { skip: !process.env.CODESTORE_TEST_PG_URL && 'CODESTORE_TEST_PG_URL is not set' },
  () => {
    let tmp: string;
    let scratch: ScratchDatabase;
    let dev: DevProcess | undefined;

    before(async () => {
      tmp = testDirectory('codestore-dev-test-');
      scratch = await scratchDatabase(process.env.CODESTORE_TEST_PG_URL!, 'codestore_dev_test');
    });

    after(async () => {
      if (dev && dev.proc.exitCode === null) dev.proc.kill('SIGKILL');
      await scratch?.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('migrates and serves on the database codestore.yaml names, with no embedded server', async () => {
      const u = new URL(scratch.url);
      const yaml = [
        'serviceId: blog-service',
        'localConfiguration:',
        '  database:',
        `    host: ${u.hostname}`,
        `    port: ${u.port || 5432}`,
        `    database: ${decodeURIComponent(u.pathname.slice(1))}`,
        `    username: ${decodeURIComponent(u.username)}`,
        `    password: "${decodeURIComponent(u.password)}"`,
        '  application:',
        '    port: 0',
        '',
      ].join('\n');
      const dir = blogFolder(tmp, yaml);
      dev = await startDev(dir);
      assert.match(dev.stdout(), /Database: .*\(localConfiguration\.database\)/);
      const created = await graphql(dev.url, 'mutation { createPost(title: "Local", body: "DB") { id } }');
      assert.deepEqual(created.errors, undefined);
      assert.ok((await columns(scratch.url, 'Post')).includes('title'));
      assert.ok(!fs.existsSync(path.join(dir, '.codestore/dev/postgres')), 'no embedded cluster');
      // Only the service process runs here (no database server of its own).
      const { code, left } = await stopWithSigint(dev, 1);
      assert.equal(code, 0);
      assert.deepEqual(left, []);
    });
  },
);
