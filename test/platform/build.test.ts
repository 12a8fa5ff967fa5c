// The platform's check and build of a pushed service: a good service (the blog fixture, generated,
// with resolvers that use the database) packs, extracts, checks clean and builds, reproducibly;
// each kind of bad service gives its problem at the right file, line and column.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import { CodegenHost } from '../../servicefs/src/codegen';
import { packServiceFolder } from '../../apiclient/src/pack';
import { extractArchive } from '../../platform/src/build/archive';
import { BuildError, buildService, readBuildManifest } from '../../platform/src/build/build';
import { checkService, CheckResult, Problem } from '../../platform/src/build/check';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';

const REPO = path.resolve(__dirname, '../..');
const BLOG = path.join(REPO, 'test/fixtures/blog');
const PUSH_BLOG = path.join(REPO, 'test/fixtures/push-blog');

let work: string;
let template: string;

/** Writes the generated files as `codestore generate` does (`commit` commits the pending migration). */
async function generate(dir: string, commit = true): Promise<void> {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(fs.readFileSync(path.join(dir, 'src/schema.graphql'), 'utf8'));
  await new CodegenHost().write({ root: dir }, analysis.documentWithPrelude(), commit);
}

let copies = 0;
/** A fresh copy of the good service. */
function goodCopy(): string {
  const dir = path.join(work, `service-${++copies}`);
  fs.cpSync(template, dir, { recursive: true });
  return dir;
}

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
const write = (dir: string, rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};

/** 1-based line and column of `needle` in the file. */
function positionOf(dir: string, rel: string, needle: string): { line: number; column: number } {
  const text = read(dir, rel);
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${rel}`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function only(result: CheckResult, code: string): Problem {
  const found = result.problems.filter((p) => p.code === code);
  assert.equal(found.length, 1, `one ${code} problem in ${JSON.stringify(result.problems, null, 2)}`);
  return found[0];
}

const errors = (r: CheckResult) => r.problems.filter((p) => p.severity === 'error');

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-build-'));
  // Built JavaScript resolves typeorm from here, as a deployment resolves it from the platform's.
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  template = path.join(work, 'template');
  fs.cpSync(BLOG, template, { recursive: true });
  fs.cpSync(path.join(PUSH_BLOG, 'src'), path.join(template, 'src'), { recursive: true });
  await generate(template);
  prewarmTypeCheck();
});
after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('a good service', () => {
  it('packs, extracts, checks clean and builds', async () => {
    const pushed = path.join(work, 'pushed');
    await extractArchive(await packServiceFolder(template), pushed);

    const result = await checkService(pushed, { serviceId: 'blog-service' });
    assert.deepEqual(result.problems, []);
    assert.equal(result.ok, true);
    assert.equal(result.serviceId, 'blog-service');
    assert.equal(result.schemaHash, createHash('sha256').update(read(pushed, 'src/schema.graphql')).digest('hex'));
    assert.equal(result.migrations.length, 1);
    assert.match(result.migrations[0].className, /^CreateAuthorAndPost\d{13}$/);

    const out = path.join(work, 'build-1');
    const built = await buildService(pushed, out);
    const m = built.manifest;
    assert.deepEqual(readBuildManifest(out), m);
    assert.equal(m.serviceId, 'blog-service');
    assert.equal(m.schemaHash, result.schemaHash);
    assert.deepEqual(m.resolvers, {
      Query: { allPosts: 'src/resolvers/queries/allPosts.js', post: 'src/resolvers/queries/post.js' },
      Mutation: { createPost: 'src/resolvers/mutations/createPost.js' },
    });
    assert.deepEqual(
      m.migrations.map((x) => x.className),
      result.migrations.map((x) => x.className),
    );
    assert.equal(m.migrations[0].file, result.migrations[0].file.replace(/\.ts$/, '.js'));
    assert.equal(m.entities, 'src/data/entities/index.js');
    assert.equal(m.dataSource, 'src/data/data-source.js');
    for (const f of [
      'codestore.yaml',
      'src/schema.graphql',
      'manifest.json',
      'src/data/entities/Post.js',
      'src/data/entities/Post.js.map',
      m.migrations[0].file,
    ]) {
      assert.ok(fs.existsSync(path.join(out, f)), f);
    }
    assert.equal(read(out, 'src/schema.graphql'), read(pushed, 'src/schema.graphql'));
    assert.ok(!built.files.some((f) => f.endsWith('.ts')), 'no TypeScript in the build');
    for (const [rel, hash] of Object.entries(m.files)) {
      assert.equal(
        createHash('sha256')
          .update(fs.readFileSync(path.join(out, rel)))
          .digest('hex'),
        hash,
        rel,
      );
    }

    // Source maps point at the TypeScript and carry it.
    const map = JSON.parse(read(out, 'src/resolvers/queries/post.js.map')) as { sources: string[]; sourcesContent: string[] };
    assert.deepEqual(map.sources, ['post.ts']);
    assert.equal(map.sourcesContent[0], read(pushed, 'src/resolvers/queries/post.ts'));
    assert.match(read(out, 'src/resolvers/queries/post.js'), /\/\/# sourceMappingURL=post\.js\.map\s*$/);

    // The build runs: CommonJS, decorators applied, resolvers calling context.db.connection.
    require('reflect-metadata');
    const entities = require(path.join(out, 'src/data/entities/index.js')) as { entities: Function[]; Post: Function };
    assert.deepEqual(
      entities.entities.map((e) => e.name),
      ['Author', 'Post'],
    );
    const allPosts = (require(path.join(out, m.resolvers.Query.allPosts)) as { default: Function }).default;
    const calls: unknown[] = [];
    const connection = {
      getRepository: (entity: Function) => ({
        find: async (options: unknown) => {
          calls.push([entity, options]);
          return [];
        },
      }),
    };
    assert.deepEqual(await allPosts(null, {}, { db: { connection } }, {}), []);
    assert.equal((calls[0] as [Function])[0], entities.Post);
    const Post = entities.Post as new () => Record<string, unknown>;
    assert.deepEqual(Object.keys(new Post()), [], 'columns stay declarations (no class fields set to undefined)');
  });

  it('checks clean when the platform node_modules is a link (as in a work tree sharing one)', async () => {
    assert.ok(fs.lstatSync(path.join(work, 'node_modules')).isSymbolicLink());
    const result = await checkService(goodCopy(), { moduleRoot: work });
    assert.deepEqual(result.problems, []);
  });

  it('builds deterministically', async () => {
    const a = await buildService(template, path.join(work, 'det-a'));
    const b = await buildService(template, path.join(work, 'det-b'));
    assert.equal(a.manifest.buildHash, b.manifest.buildHash);
    assert.deepEqual(a.files, b.files);
    for (const f of a.files) assert.ok(fs.readFileSync(path.join(a.outDir, f)).equals(fs.readFileSync(path.join(b.outDir, f))), f);
  });

  it('refuses to build into an existing folder, and leaves nothing after a failed build', async () => {
    const existing = path.join(work, 'existing');
    fs.mkdirSync(existing);
    await assert.rejects(buildService(template, existing), (e: BuildError) => e.code === 'destination-exists');

    const dir = goodCopy();
    write(dir, 'src/resolvers/queries/post.ts', 'export default function post( {\n');
    const parent = path.join(work, 'failed-build');
    fs.mkdirSync(parent);
    await assert.rejects(buildService(dir, path.join(parent, 'out')), (e: BuildError) => {
      assert.equal(e.code, 'transpile-failed');
      assert.equal(e.problems[0].file, 'src/resolvers/queries/post.ts');
      return true;
    });
    assert.deepEqual(fs.readdirSync(parent), []);
  });
});

describe('problems', () => {
  it('a stale (hand-edited) entity file', async () => {
    const dir = goodCopy();
    const rel = 'src/data/entities/Post.ts';
    write(dir, rel, read(dir, rel).replace('  title!: string;', '  title!: string | null;'));
    const result = await checkService(dir);
    assert.equal(result.ok, false);
    const p = only(result, 'generated-stale');
    assert.equal(p.file, rel);
    assert.equal(p.severity, 'error');
    assert.equal(p.line, positionOf(dir, rel, 'title!: string | null').line);
    assert.match(p.message, /regenerate with `codestore generate`/);
    assert.deepEqual(
      errors(result).map((e) => e.code),
      ['generated-stale'],
    );
  });

  it('a generated file that is missing, and one that should be gone', async () => {
    const dir = goodCopy();
    fs.rmSync(path.join(dir, 'src/data/resolverTypes.ts'));
    write(
      dir,
      'src/data/entities/Comment.ts',
      '// Generated by code.store from src/schema.graphql. Do not edit.\nexport default class Comment {}\n',
    );
    const result = await checkService(dir, { typeCheck: false });
    assert.equal(only(result, 'generated-missing').file, 'src/data/resolverTypes.ts');
    assert.equal(only(result, 'generated-obsolete').file, 'src/data/entities/Comment.ts');
  });

  it('a missing resolver', async () => {
    const dir = goodCopy();
    fs.rmSync(path.join(dir, 'src/resolvers/queries/post.ts'));
    const result = await checkService(dir);
    assert.equal(result.ok, false);
    const p = only(result, 'missing-resolver');
    assert.deepEqual(
      { file: p.file, line: p.line, column: p.column, severity: p.severity },
      {
        file: 'src/schema.graphql',
        ...positionOf(dir, 'src/schema.graphql', 'post(id: ID!)'),
        severity: 'error',
      },
    );
    assert.match(p.message, /src\/resolvers\/queries\/post\.ts/);
    assert.deepEqual(
      errors(result).map((e) => e.code),
      ['missing-resolver'],
      'the generated files are still checked, and clean',
    );
  });

  it('resolvers with type errors, against the generated entities', async () => {
    const dir = goodCopy();
    write(
      dir,
      'src/resolvers/queries/allPosts.ts',
      [
        "import type { QueryResolvers } from '../../data/resolverTypes';",
        "import { Post } from '../../data/entities';",
        '',
        "const allPosts: QueryResolvers['allPosts'] = async (_parent, _args, context) => {",
        '  const count: number = await context.db.connection.getRepository(Post).find();',
        '  return [];',
        '};',
        '',
        'export default allPosts;',
        '',
      ].join('\n'),
    );
    write(
      dir,
      'src/resolvers/queries/post.ts',
      [
        "import type { Context, QueryArgs } from '../../data/resolverTypes';",
        "import Post from '../../data/entities/Post';",
        '',
        "export default async function post(_parent: unknown, args: QueryArgs['post'], context: Context) {",
        '  const found = await context.db.connection.getRepository(Post).findOneBy({ id: args.id });',
        '  return found?.titel ?? null;',
        '}',
        '',
      ].join('\n'),
    );
    const result = await checkService(dir);
    assert.equal(result.ok, false);
    const assign = only(result, 'ts2322');
    assert.deepEqual(
      { file: assign.file, line: assign.line, column: assign.column, severity: assign.severity },
      { file: 'src/resolvers/queries/allPosts.ts', line: 5, column: 9, severity: 'error' },
    );
    assert.match(assign.message, /Post\[\].*not assignable to type 'number'/);
    assert.equal(assign.endLine, 5);
    assert.equal(assign.endColumn, 14);
    const misspelt = only(result, 'ts2551');
    assert.deepEqual(
      { file: misspelt.file, line: misspelt.line, column: misspelt.column },
      { file: 'src/resolvers/queries/post.ts', line: 6, column: 17 },
    );
    assert.match(misspelt.message, /titel.*Did you mean 'title'/s);
    assert.ok(
      result.problems.every((p) => !p.message.includes(work)),
      'messages hold no platform paths',
    );
  });

  it('a resolver without a default function, and an import the platform does not provide', async () => {
    const dir = goodCopy();
    write(dir, 'src/resolvers/queries/post.ts', 'export const post = () => null;\n');
    write(dir, 'src/resolvers/mutations/createPost.ts', "import axios from 'axios';\n\nexport default { axios };\n");
    const result = await checkService(dir);
    assert.equal(only(result, 'resolver-no-default-export').file, 'src/resolvers/queries/post.ts');
    const notFn = only(result, 'resolver-not-a-function');
    assert.deepEqual([notFn.file, notFn.line, notFn.column], ['src/resolvers/mutations/createPost.ts', 3, 1]);
    const mod = only(result, 'module-not-available');
    assert.deepEqual([mod.file, mod.line, mod.column], ['src/resolvers/mutations/createPost.ts', 1, 19]);
    assert.match(mod.message, /"axios" is not available on the platform/);
  });

  it('an invalid schema (GraphQL and platform rules)', async () => {
    const dir = goodCopy();
    const schema = read(dir, 'src/schema.graphql') + '\ntype Comment {\n  id: ID!\n  post: Postt\n}\n\ntype Tag {\n  name: String!\n}\n';
    write(dir, 'src/schema.graphql', schema);
    const result = await checkService(dir, { typeCheck: false });
    assert.equal(result.ok, false);
    const unknown = only(result, 'unknown-type');
    assert.deepEqual(
      [unknown.file, unknown.line, unknown.column],
      ['src/schema.graphql', positionOf(dir, 'src/schema.graphql', 'Postt').line, 9],
    );
    assert.match(unknown.message, /Postt/);
    const noId = only(result, 'entity-missing-id');
    assert.deepEqual([noId.line, noId.column], [positionOf(dir, 'src/schema.graphql', 'Tag {').line, 6]);
    assert.ok(
      !result.problems.some((p) => p.code.startsWith('generated-') || p.code === 'migration-missing'),
      'an invalid schema is not compared with the generated files',
    );
  });

  it('a schema change without its migration', async () => {
    const dir = goodCopy();
    write(dir, 'src/schema.graphql', read(dir, 'src/schema.graphql').replace('  body: String!\n', '  body: String!\n  views: Int\n'));
    // Regenerated, but the migration not committed: entities are current, the database is not.
    await generate(dir, false);
    const result = await checkService(dir);
    const p = only(result, 'migration-missing');
    assert.equal(p.file, 'src/schema.graphql');
    assert.match(p.message, /AddPostViews/);
    assert.match(p.message, /regenerate with `codestore generate`/);
    assert.deepEqual(
      errors(result).map((e) => e.code),
      ['migration-missing'],
    );

    // Not regenerated at all: the entities are stale too.
    const stale = goodCopy();
    write(stale, 'src/schema.graphql', read(dir, 'src/schema.graphql'));
    const r2 = await checkService(stale, { typeCheck: false });
    assert.deepEqual([...new Set(errors(r2).map((e) => e.code))].sort(), ['generated-stale', 'migration-missing']);
    assert.ok(errors(r2).some((e) => e.file === 'src/data/entities/Post.ts'));

    // Committed: clean again.
    await generate(dir, true);
    assert.deepEqual((await checkService(dir)).problems, []);
  });

  it('a committed migration edited by hand', async () => {
    const dir = goodCopy();
    const [migration] = fs.readdirSync(path.join(dir, 'src/data/migrations')).filter((f) => f.endsWith('.ts'));
    const rel = `src/data/migrations/${migration}`;
    write(dir, rel, read(dir, rel).replace('"name" character varying NOT NULL', '"name" text NOT NULL'));
    const result = await checkService(dir, { typeCheck: false });
    const p = only(result, 'migration-mismatch');
    assert.equal(p.file, rel);
    assert.match(p.message, /Author\.name/);
  });

  it('codestore.yaml missing, invalid, or naming another service', async () => {
    const dir = goodCopy();
    assert.equal((await checkService(dir, { serviceId: 'blog-service', typeCheck: false })).ok, true);
    const other = only(await checkService(dir, { serviceId: 'another', typeCheck: false }), 'service-id-mismatch');
    assert.deepEqual([other.file, other.line, other.column], ['codestore.yaml', 1, 1]);

    write(dir, 'codestore.yaml', 'serviceId: blog-service\nextra: [1, 2\n');
    const invalid = only(await checkService(dir, { typeCheck: false }), 'manifest-invalid');
    assert.equal(invalid.file, 'codestore.yaml');
    assert.ok(invalid.line >= 2, `line ${invalid.line}`);

    fs.rmSync(path.join(dir, 'codestore.yaml'));
    assert.equal(only(await checkService(dir, { typeCheck: false }), 'manifest-missing').file, 'codestore.yaml');
  });

  it("codestore.yaml's gateway settings: limits within the platform maximum, origins that are origins", async () => {
    const dir = goodCopy();
    write(
      dir,
      'codestore.yaml',
      'serviceId: blog-service\nlimits:\n  depth: 20\n  fields: 50000\ncors:\n  origins: [https://app.example.com]\n',
    );
    assert.equal((await checkService(dir, { typeCheck: false })).ok, true);
    write(dir, 'codestore.yaml', 'serviceId: blog-service\nlimits:\n  depth: 900\ncors:\n  origins: [https://app.example.com/login]\n');
    const result = await checkService(dir, { typeCheck: false });
    assert.equal(result.ok, false);
    const found = result.problems.filter((p) => p.code === 'manifest-invalid').map((p) => [p.line, p.message]);
    assert.equal(found.length, 2, JSON.stringify(found));
    assert.equal(found[0][0], 2);
    assert.match(String(found[0][1]), /limits\.depth` in codestore\.yaml is 900, more than the platform allows \(50\)/);
    assert.equal(found[1][0], 4);
    assert.match(String(found[1][1]), /"https:\/\/app\.example\.com\/login" is not an origin/);
  });

  it('a resolver without a field is a warning only', async () => {
    const dir = goodCopy();
    write(dir, 'src/resolvers/queries/drafts.ts', 'export default async function drafts() {\n  return [];\n}\n');
    const result = await checkService(dir);
    assert.equal(result.ok, true);
    const p = only(result, 'orphan-resolver');
    assert.deepEqual([p.file, p.severity], ['src/resolvers/queries/drafts.ts', 'warning']);
  });

  it('the fixture as it is in the repository (never generated)', async () => {
    const result = await checkService(BLOG, { typeCheck: false });
    assert.equal(result.ok, false);
    assert.ok(result.problems.some((p) => p.code === 'generated-missing' && p.file === 'src/data/entities/Post.ts'));
    assert.ok(result.problems.some((p) => p.code === 'migration-missing'));
  });
});
