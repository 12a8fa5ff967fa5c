// POST /push/<serviceId>: a good service pushes to 0.0.1 then 0.0.2 (both listed on the service);
// a stale one is refused with its problem in place and no version; a malicious archive is refused
// with nothing written; no token and another organization's token are refused; `codestore push`
// end to end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { PlatformClient } from '../../apiclient/src';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import { CodegenHost } from '../../servicefs/src/codegen';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { PASSWORD, platformError, platformTargets, REPO_ROOT, TestPlatform } from './helpers/platform';

const BLOG = path.join(REPO_ROOT, 'test/fixtures/blog');
const PUSH_BLOG = path.join(REPO_ROOT, 'test/fixtures/push-blog');

async function generate(dir: string): Promise<void> {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(fs.readFileSync(path.join(dir, 'src/schema.graphql'), 'utf8'));
  await new CodegenHost().write({ root: dir }, analysis.documentWithPrelude(), true);
}

/** A tar of one file named `name`, gzipped (tar's own writer refuses `..`, so the header is built here). */
function tarWith(name: string, content: string): Buffer {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const body = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(body);
  return zlib.gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)]));
}

/** Every path under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

for (const target of platformTargets()) {
  describe(`push (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    let template: string;

    /** A copy of the good service, its codestore.yaml naming `serviceId`. */
    const serviceCopy = (name: string, serviceId: string) => {
      const dir = platform.dir(name);
      fs.cpSync(template, dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'codestore.yaml'), `serviceId: ${serviceId}\n`);
      return dir;
    };

    before(async () => {
      platform = await TestPlatform.start(target);
      ({ client } = await platform.signup('push'));
      template = platform.dir('template');
      fs.cpSync(BLOG, template, { recursive: true });
      fs.cpSync(path.join(PUSH_BLOG, 'src'), path.join(template, 'src'), { recursive: true });
      await generate(template);
      prewarmTypeCheck();
    });
    after(async () => {
      await platform?.close();
    });

    it('a good service pushes to 0.0.1, then 0.0.2, and the service lists both versions', async () => {
      const { service } = await client.createService('Blog');
      const dir = serviceCopy('good', service.id);
      const archive = await packServiceFolder(dir);

      const first = await client.push(service.id, archive, 'First — with ünïcode');
      assert.equal(first.version, '0.0.1');
      assert.match(first.schemaHash, /^[0-9a-f]{64}$/);
      assert.equal(first.releaseNotes, 'First — with ünïcode');
      assert.equal(first.deployed, true, JSON.stringify(first));
      const second = await client.push(service.id, archive);
      assert.equal(second.version, '0.0.2');
      assert.equal(second.schemaHash, first.schemaHash);
      assert.equal(second.releaseNotes, null);

      const info = await client.serviceInfo(service.id);
      assert.deepEqual(
        info.versions.map((v) => v.version),
        ['0.0.2', '0.0.1'],
      );
      assert.equal(info.versions[1].releaseNotes, 'First — with ünïcode');
      assert.equal(info.versions[1].schemaHash, first.schemaHash);
      const listed = (await client.listServices()).find((s) => s.id === service.id);
      assert.deepEqual(
        listed?.versions.map((v) => v.version),
        ['0.0.2', '0.0.1'],
      );

      const root = path.join(platform.dataDir, 'services', service.id);
      const rows = await platform.platform.db.query<{ version: string; build_path: string }>(
        'SELECT version, build_path FROM versions WHERE service_id = $1 ORDER BY version',
        [service.id],
      );
      assert.deepEqual(
        rows.map((r) => r.build_path),
        [path.join(root, 'versions', '0.0.1'), path.join(root, 'versions', '0.0.2')],
      );
      for (const r of rows) assert.ok(fs.existsSync(path.join(r.build_path, 'manifest.json')), r.build_path);
      assert.deepEqual(fs.readdirSync(root).sort(), ['versions'], 'the extracted pushes are gone');
    });

    it('pushes of one service are serialized: concurrent pushes get distinct versions', async () => {
      const { service } = await client.createService('Concurrent');
      const archive = await packServiceFolder(serviceCopy('concurrent', service.id));
      const results = await Promise.all([client.push(service.id, archive), client.push(service.id, archive)]);
      assert.deepEqual(results.map((r) => r.version).sort(), ['0.0.1', '0.0.2']);
    });

    it('a stale service is refused with 422 and its problem in place; no version is recorded', async () => {
      const { service } = await client.createService('Stale');
      const dir = serviceCopy('stale', service.id);
      const rel = 'src/data/entities/Post.ts';
      const text = fs.readFileSync(path.join(dir, rel), 'utf8');
      fs.writeFileSync(path.join(dir, rel), text.replace('  title!: string;', '  title!: string | null;'));
      const line = text.slice(0, text.indexOf('  title!: string;')).split('\n').length;

      const e = await platformError(client.push(service.id, await packServiceFolder(dir)), 'CHECK_FAILED');
      assert.equal(e.status, 422);
      const errors = e.problems.filter((p) => p.severity === 'error');
      assert.deepEqual(
        errors.map((p) => [p.file, p.line, p.code]),
        [[rel, line, 'generated-stale']],
      );
      assert.equal(typeof errors[0].column, 'number');
      assert.match(errors[0].message, /codestore generate/);

      assert.deepEqual(await platform.platform.db.query('SELECT id FROM versions WHERE service_id = $1', [service.id]), []);
      assert.deepEqual(tree(path.join(platform.dataDir, 'services', service.id)), []);
    });

    it('a malicious archive (../x) is refused with 400 and nothing is written', async () => {
      const { service } = await client.createService('Malicious');
      const before = tree(platform.dataDir).filter((p) => !p.startsWith('store'));
      for (const [name, reason] of [
        ['../x', 'path-traversal'],
        ['/etc/x', 'absolute-path'],
        ['a/../../x', 'path-traversal'],
      ] as const) {
        const e = await platformError(client.push(service.id, tarWith(name, 'pwned')), 'BAD_ARCHIVE', reason);
        assert.equal(e.status, 400);
      }
      const e = await platformError(client.push(service.id, Buffer.from('not a gzip')), 'BAD_ARCHIVE', 'not-gzip');
      assert.equal(e.status, 400);
      assert.ok(!fs.existsSync(path.join(platform.dataDir, 'x')));
      assert.ok(!fs.existsSync(path.join(platform.dataDir, 'services', 'x')));
      assert.deepEqual(tree(path.join(platform.dataDir, 'services', service.id)), []);
      assert.deepEqual(
        tree(platform.dataDir).filter((p) => !p.startsWith('store')),
        before,
      );
      assert.deepEqual(await platform.platform.db.query('SELECT id FROM versions WHERE service_id = $1', [service.id]), []);
    });

    it("refuses no token, another organization's token, an unknown serviceId and a wrong content type", async () => {
      const { service } = await client.createService('Guarded');
      const archive = await packServiceFolder(serviceCopy('guarded', service.id));
      await platformError(platform.client().push(service.id, archive), 'UNAUTHENTICATED', 'TOKEN_MISSING');
      await platformError(platform.client('cst_not-a-real-token').push(service.id, archive), 'UNAUTHENTICATED', 'TOKEN_INVALID');
      const { client: other } = await platform.signup('other-org');
      const foreign = await platformError(other.push(service.id, archive), 'NOT_FOUND');
      const unknown = await platformError(other.push('no-such-service-abcdef', archive), 'NOT_FOUND');
      assert.equal(foreign.status, 404);
      assert.equal(foreign.message.replace(service.id, 'ID'), unknown.message.replace('no-such-service-abcdef', 'ID'));
      const res = await fetch(`${platform.url}/push/${service.id}`, {
        method: 'POST',
        body: archive,
        headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
      });
      assert.equal(res.status, 415);
      assert.deepEqual(await platform.platform.db.query('SELECT id FROM versions WHERE service_id = $1', [service.id]), []);
    });

    it('codestore push: packs the service folder, pushes it, prints the version; regenerates a stale file; what it cannot fix prints its problems and exits 1', async () => {
      const configDir = platform.dir('config');
      const email = `push-cli-${process.pid}@example.com`;
      assert.equal((await platform.cli(['auth:signup', '-e', email, '-p', PASSWORD], { configDir })).code, 0);
      const dir = platform.dir('cli-service');
      fs.cpSync(template, dir, { recursive: true });
      const created = await platform.cli(['service:create', 'CLI Blog'], { configDir, cwd: dir });
      assert.equal(created.code, 0, created.stderr);
      const serviceId = /serviceId: (\S+)/.exec(fs.readFileSync(path.join(dir, 'codestore.yaml'), 'utf8'))![1];

      const pushed = await platform.cli(['push', '-r', 'from the CLI'], { configDir, cwd: path.join(dir, 'src') });
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.match(pushed.stdout, new RegExp(`Pushed ${serviceId}: version 0\\.0\\.1 `));
      const json = await platform.cli(['push', dir, '--json'], { configDir });
      assert.equal(json.code, 0, json.stderr);
      assert.equal(JSON.parse(json.stdout).version, '0.0.2');

      // A generated file edited by hand: push regenerates it (as generate does) and says so.
      const rel = 'src/data/entities/Post.ts';
      const text = fs.readFileSync(path.join(dir, rel), 'utf8');
      fs.writeFileSync(path.join(dir, rel), text.replace('  title!: string;', '  title!: string | null;'));
      const regenerated = await platform.cli(['push'], { configDir, cwd: dir });
      assert.equal(regenerated.code, 0, regenerated.stderr);
      assert.match(regenerated.stdout, /^Regenerated src\/data\/entities\/Post\.ts\.\nPushed \S+: version 0\.0\.3 /);
      assert.equal(fs.readFileSync(path.join(dir, rel), 'utf8'), text);

      // What push cannot fix: the platform's check prints each problem where it is, exit 1.
      const resolver = 'src/resolvers/queries/allPosts.ts';
      const source = fs.readFileSync(path.join(dir, resolver), 'utf8');
      fs.writeFileSync(path.join(dir, resolver), `const count: number = 'none';\n${source}`);
      const refused = await platform.cli(['push'], { configDir, cwd: dir });
      fs.writeFileSync(path.join(dir, resolver), source);
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, new RegExp(`^${resolver.replace(/\./g, '\\.')}:1:\\d+ error .*\\[ts2322\\]$`, 'm'));
      assert.match(refused.stderr, /check found 1 error/);

      const info = await platform.cli(['service:info', '--json'], { configDir, cwd: dir });
      assert.deepEqual(
        JSON.parse(info.stdout).versions.map((v: { version: string }) => v.version),
        ['0.0.3', '0.0.2', '0.0.1'],
      );
    });
  });
}
