// A generated service folder is a TypeScript project that works as written: with its dependencies
// present, `tsc --noEmit -p .` passes and names the resolver with a type error, and `npm run
// migration:run` creates the tables in a fresh database. No network: the folder's node_modules
// links the repository's copies of exactly the packages its package.json declares, which are the
// pinned versions (test/unit/serviceProject.test.ts checks them against package-lock.json).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { startEmbeddedServer, type EmbeddedServer } from '../../platform/src/store/postgresServer';
import { scratchDatabase, testDirectory, type ScratchDatabase } from './helpers/platform';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** node_modules of links to the repository's copy of each package `dir`'s package.json declares, with their bins. */
function linkDeclaredPackages(dir: string): string[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const names = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
  const nm = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(nm, '.bin'), { recursive: true });
  for (const name of names) {
    const target = path.join(REPO_ROOT, 'node_modules', name);
    fs.mkdirSync(path.dirname(path.join(nm, name)), { recursive: true });
    fs.symlinkSync(target, path.join(nm, name), 'dir');
    const pkg = JSON.parse(fs.readFileSync(path.join(target, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
    const bins = typeof pkg.bin === 'string' ? { [name.split('/').pop()!]: pkg.bin } : (pkg.bin ?? {});
    for (const [bin, file] of Object.entries(bins)) fs.symlinkSync(path.join('..', name, file), path.join(nm, '.bin', bin));
  }
  return names;
}

describe('a generated service folder as a TypeScript project', () => {
  let tmp: string;
  let folder: string;

  before(() => {
    tmp = testDirectory('codestore-service-project-');
    folder = path.join(tmp, 'blog');
    fs.cpSync(path.join(FIXTURES, 'blog'), folder, { recursive: true });
    fs.cpSync(path.join(FIXTURES, 'push-blog', 'src'), path.join(folder, 'src'), { recursive: true });
    const gen = run(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'cli', 'src', 'cli.ts'), 'generate', folder], REPO_ROOT);
    assert.equal(gen.code, 0, gen.out);
    assert.match(gen.out, /^wrote package\.json\nwrote tsconfig\.json\nwrote \.gitignore\n/m);
    assert.deepEqual(linkDeclaredPackages(folder).sort(), [
      '@types/node',
      'graphql',
      'pg',
      'reflect-metadata',
      'tsx',
      'typeorm',
      'typescript',
    ]);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('type-checks with `tsc --noEmit -p .`, and names the resolver with a type error and its line', () => {
    const tsc = path.join(folder, 'node_modules', '.bin', 'tsc');
    const ok = run(tsc, ['--noEmit', '-p', '.'], folder);
    assert.equal(ok.code, 0, ok.out);

    const resolver = path.join(folder, 'src', 'resolvers', 'queries', 'allPosts.ts');
    const good = fs.readFileSync(resolver, 'utf8');
    fs.writeFileSync(resolver, `${good}\nexport const wrong: number = 'not a number';\n`);
    try {
      const bad = run(tsc, ['--noEmit', '-p', '.'], folder);
      assert.notEqual(bad.code, 0);
      const line = good.split('\n').length + 1;
      assert.match(
        bad.out,
        new RegExp(
          `^src/resolvers/queries/allPosts\\.ts\\(${line},\\d+\\): error TS2322: Type 'string' is not assignable to type 'number'\\.`,
          'm',
        ),
      );
      assert.equal(bad.out.match(/error TS/g)?.length, 1, bad.out);
    } finally {
      fs.writeFileSync(resolver, good);
    }
  });

  describe('`npm run migration:run` with DATABASE_URL', () => {
    let server: EmbeddedServer | undefined;
    let scratch: ScratchDatabase | undefined;
    let url: string;

    before(async () => {
      const adminUrl = process.env.CODESTORE_TEST_PG_URL;
      if (adminUrl) {
        scratch = await scratchDatabase(adminUrl, 'codestore_service_project');
        url = scratch.url;
        return;
      }
      // The embedded PostgreSQL server the platform runs, in a fresh database of its own.
      server = await startEmbeddedServer({ dataDir: path.join(tmp, 'pg'), log: () => undefined });
      const admin = new Client({ connectionString: server.url('postgres') });
      await admin.connect();
      try {
        await admin.query('CREATE DATABASE service_project');
      } finally {
        await admin.end();
      }
      url = server.url('service_project');
    });

    after(async () => {
      await scratch?.drop();
      await server?.stop();
    });

    it('creates the tables of the committed migration, and migration:revert drops them', async () => {
      const tables = async () => {
        const c = new Client({ connectionString: url });
        await c.connect();
        try {
          const r = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
          return r.rows.map((row) => row.t);
        } finally {
          await c.end();
        }
      };
      assert.deepEqual(await tables(), []);
      const up = run('npm', ['run', 'migration:run'], folder, { DATABASE_URL: url });
      assert.equal(up.code, 0, up.out);
      assert.match(up.out, /Migration CreateAuthorAndPost\d+ has been executed successfully/);
      assert.deepEqual(await tables(), ['Author', 'Post', 'migrations']);

      const down = run('npm', ['run', 'migration:revert'], folder, { DATABASE_URL: url });
      assert.equal(down.code, 0, down.out);
      assert.deepEqual(await tables(), ['migrations']);
    });
  });
});
