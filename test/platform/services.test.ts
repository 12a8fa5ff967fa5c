// Services: create, list, info, remove through the PlatformClient and the CLI, and service:create
// writing the serviceId into a service folder's codestore.yaml.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformClient, Service } from '../../apiclient/src';
import { sha256 } from '../../platform/src/auth/tokens';
import { PASSWORD, platformError, platformTargets, TestPlatform } from './helpers/platform';

const SERVICE_ID = /^[a-z0-9]+(-[a-z0-9]+)*-[0-9a-z]{6}$/;

for (const target of platformTargets()) {
  describe(`services (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    before(async () => {
      platform = await TestPlatform.start(target);
      ({ client } = await platform.signup('services'));
    });
    after(async () => {
      await platform?.close();
    });

    it('creates a service: a readable serviceId, private and demo environments, a developer key kept hashed', async () => {
      const { service, developerKey } = await client.createService('Blog Service');
      assert.match(service.id, SERVICE_ID);
      assert.ok(service.id.startsWith('blog-service-'));
      assert.equal(service.name, 'Blog Service');
      assert.deepEqual(
        service.environments.map((e) => e.name),
        ['private', 'demo'],
      );
      const [priv, demo] = service.environments;
      assert.notEqual(priv.endpointId, demo.endpointId);
      for (const env of service.environments) {
        assert.match(env.endpointId, /^[0-9a-z]{20}$/);
        assert.equal(env.path, `/s/${env.endpointId}/graphql`);
        assert.equal(client.endpointUrl(env), `${platform.url}/s/${env.endpointId}/graphql`);
        assert.equal(env.status, null);
        assert.equal(env.currentVersion, null);
        assert.equal(env.latestDeployment, null);
      }
      assert.deepEqual(service.versions, []);
      assert.match(developerKey, /^csk_[A-Za-z0-9_-]{43}$/);
      const [row] = await platform.platform.db.query<{ developer_key_sha256: string }>(
        'SELECT developer_key_sha256 FROM services WHERE id = $1',
        [service.id],
      );
      assert.equal(row.developer_key_sha256, sha256(developerKey));
      assert.deepEqual(await client.serviceInfo(service.id), service);
    });

    it('slugs any name; refuses an empty, too long or odd one, and a duplicate in the organization', async () => {
      const { service } = await client.createService('  Café Ünïcode  ');
      assert.equal(service.name, 'Café Ünïcode');
      assert.ok(service.id.startsWith('cafe-unicode-'), service.id);
      for (const name of ['', '   ', 'x'.repeat(65), '-leading', 'semi;colon', 'new\nline']) {
        const e = await platformError(client.createService(name), 'BAD_USER_INPUT');
        assert.equal(e.field, 'name');
      }
      // Names are compared in NFC: "i" + a combining diaeresis is "ï".
      assert.equal((await client.createService('Nai\u0308ve')).service.name, 'Na\u00efve');
      await platformError(client.createService('Na\u00efve'), 'CONFLICT');
      const dup = await platformError(client.createService('CAFÉ ünïcode'), 'CONFLICT');
      assert.match(dup.message, /already have a service named/);
      // Another organization may use the same name.
      const { client: other } = await platform.signup('other');
      assert.equal((await other.createService('Café Ünïcode')).service.name, 'Café Ünïcode');
    });

    it('lists the services oldest first, each with its environments and versions', async () => {
      const { client: fresh } = await platform.signup('list');
      assert.deepEqual(await fresh.listServices(), []);
      const a = (await fresh.createService('alpha')).service;
      const b = (await fresh.createService('beta')).service;
      const list = await fresh.listServices();
      assert.deepEqual(
        list.map((s) => s.id),
        [a.id, b.id],
      );
      assert.deepEqual(list, [a, b]);
    });

    it('shows what each environment serves and its latest deployment (one query for the whole tree)', async () => {
      const { client: fresh } = await platform.signup('tree');
      const services: Service[] = [];
      for (const name of ['one', 'two', 'three']) services.push((await fresh.createService(name)).service);
      const db = platform.platform.db;
      const envId = async (serviceId: string, name: string) =>
        (await db.query<{ id: string }>('SELECT id FROM environments WHERE service_id = $1 AND name = $2', [serviceId, name]))[0].id;
      // What a push and a failed promote leave behind, written as the build will write it.
      const [one] = services;
      await db.query(
        "INSERT INTO versions (id, service_id, version, release_notes, schema_hash) VALUES ('ver_a', $1, '0.0.1', 'first', 'h1'), ('ver_b', $1, '0.0.2', NULL, 'h2')",
        [one.id],
      );
      await db.query("UPDATE versions SET created_at = created_at + interval '1 second' WHERE id = 'ver_b'");
      const priv = await envId(one.id, 'private');
      const demo = await envId(one.id, 'demo');
      await db.query(
        "INSERT INTO deployments (id, environment_id, version_id, status, finished_at) VALUES ('dep_1', $1, 'ver_a', 'DEPLOYED', now())",
        [priv],
      );
      await db.query(
        "INSERT INTO deployments (id, environment_id, version_id, status, error, finished_at) VALUES ('dep_2', $1, 'ver_b', 'DEPLOYMENT_FAILED', 'migration failed', now())",
        [priv],
      );
      await db.query("UPDATE environments SET current_deployment_id = 'dep_1' WHERE id = $1", [priv]);
      await db.query(
        "INSERT INTO deployments (id, environment_id, version_id, status) VALUES ('dep_3', $1, 'ver_a', 'DEPLOYMENT_IN_PROGRESS')",
        [demo],
      );

      const list = await fresh.listServices();
      const got = list.find((s) => s.id === one.id)!;
      assert.deepEqual(
        got.versions.map((v) => [v.version, v.releaseNotes, v.schemaHash]),
        [
          ['0.0.2', null, 'h2'],
          ['0.0.1', 'first', 'h1'],
        ],
      );
      const [p, d] = got.environments;
      assert.equal(p.status, 'DEPLOYMENT_FAILED');
      assert.equal(p.currentVersion?.version, '0.0.1');
      assert.equal(p.latestDeployment?.id, 'dep_2');
      assert.equal(p.latestDeployment?.error, 'migration failed');
      assert.equal(p.latestDeployment?.version.version, '0.0.2');
      assert.equal(d.status, 'DEPLOYMENT_IN_PROGRESS');
      assert.equal(d.currentVersion, null);
      assert.equal(d.latestDeployment?.version.version, '0.0.1');
      for (const s of list.filter((x) => x.id !== one.id)) {
        assert.deepEqual(s.versions, []);
        assert.ok(s.environments.every((e) => e.status === null));
      }
    });

    it('removes a service with its environments, versions and deployments; then it is not found', async () => {
      const { client: fresh } = await platform.signup('remove');
      const { service } = await fresh.createService('doomed');
      const keep = (await fresh.createService('kept')).service;
      const db = platform.platform.db;
      await db.query("INSERT INTO versions (id, service_id, version, schema_hash) VALUES ('ver_doomed', $1, '0.0.1', 'h')", [service.id]);
      assert.equal(await fresh.removeService(service.id), service.id);
      await platformError(fresh.serviceInfo(service.id), 'NOT_FOUND');
      await platformError(fresh.removeService(service.id), 'NOT_FOUND');
      assert.deepEqual(
        (await fresh.listServices()).map((s) => s.id),
        [keep.id],
      );
      const left = await db.query<{ n: number }>(
        'SELECT (SELECT count(*) FROM environments WHERE service_id = $1)::int + (SELECT count(*) FROM versions WHERE service_id = $1)::int AS n',
        [service.id],
      );
      assert.equal(left[0].n, 0);
    });

    it('answers an unknown serviceId with NOT_FOUND and a hint', async () => {
      const e = await platformError(client.serviceInfo('no-such-service-abcdef'), 'NOT_FOUND');
      assert.equal(e.message, 'No service "no-such-service-abcdef" in your organization. List your services to see their ids.');
      await platformError(client.serviceInfo('x'.repeat(10_000)), 'NOT_FOUND');
    });

    describe('CLI', () => {
      let configDir: string;
      before(async () => {
        configDir = platform.dir('config');
        const r = await platform.cli(['auth:signup', '-e', `svc-cli-${process.pid}@example.com`, '-p', PASSWORD], { configDir });
        assert.equal(r.code, 0, r.stderr);
      });

      it('service:create in a service folder writes its serviceId into codestore.yaml, keeping the rest', async () => {
        const folder = path.join(platform.dir('folders'), 'my-shop');
        fs.mkdirSync(path.join(folder, 'src', 'resolvers'), { recursive: true });
        const original = '# The shop service.\nserviceId: shop-from-code-store # the original platform\nregion: eu # kept\n';
        fs.writeFileSync(path.join(folder, 'codestore.yaml'), original);
        // Run from a subfolder: the service folder is found above it.
        const r = await platform.cli(['service:create', '--json'], { configDir, cwd: path.join(folder, 'src', 'resolvers') });
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.equal(out.service.name, 'my-shop');
        assert.match(out.service.id, /^my-shop-[0-9a-z]{6}$/);
        assert.match(out.developerKey, /^csk_/);
        assert.equal(out.manifest, path.join(folder, 'codestore.yaml'));
        assert.equal(out.service.environments[0].url, `${platform.url}${out.service.environments[0].path}`);
        assert.equal(
          fs.readFileSync(path.join(folder, 'codestore.yaml'), 'utf8'),
          original.replace('shop-from-code-store', out.service.id),
        );
        // The folder becomes a TypeScript project: the files it lacked, named after the service.
        assert.deepEqual(out.projectFiles, { written: ['package.json', 'tsconfig.json', '.gitignore'], lacks: [] });
        assert.equal(JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')).name, 'my-shop');

        // In the folder, the commands default to its service.
        const info = await platform.cli(['service:info', '--json'], { configDir, cwd: folder });
        assert.equal(info.code, 0, info.stderr);
        assert.equal(JSON.parse(info.stdout).id, out.service.id);
        const human = await platform.cli(['service:info'], { configDir, cwd: folder });
        assert.match(
          human.stdout,
          new RegExp(
            `^my-shop \\(${out.service.id}\\), created .*\\n  private  not deployed +http://.*/s/[0-9a-z]{20}/graphql\\n  demo {5}not deployed`,
          ),
        );

        // A second create there refuses: the folder already is that service.
        const again = await platform.cli(['service:create', 'another'], { configDir, cwd: folder });
        assert.equal(again.code, 1);
        assert.match(again.stderr, /is already the service "my-shop" \(my-shop-[0-9a-z]{6}\)\. To make it a new service, remove serviceId/);

        const remove = await platform.cli(['service:remove'], { configDir, cwd: folder });
        assert.equal(remove.code, 2);
        assert.match(remove.stderr, /pass --yes to confirm/);
        const removed = await platform.cli(['service:remove', '-y', '--json'], { configDir, cwd: folder });
        assert.equal(removed.code, 0, removed.stderr);
        assert.deepEqual(JSON.parse(removed.stdout), { removed: out.service.id });
        const gone = await platform.cli(['service:info'], { configDir, cwd: folder });
        assert.equal(gone.code, 1);
        assert.match(gone.stderr, /^codestore: No service ".*" in your organization/);
      });

      it('service:create in a folder whose codestore.yaml is empty or broken', async () => {
        const empty = platform.dir('empty');
        fs.writeFileSync(path.join(empty, 'codestore.yaml'), '');
        const r = await platform.cli(['service:create', 'empty one'], { configDir, cwd: empty });
        assert.equal(r.code, 0, r.stderr);
        assert.match(fs.readFileSync(path.join(empty, 'codestore.yaml'), 'utf8'), /^serviceId: empty-one-[0-9a-z]{6}\n$/);

        const broken = platform.dir('broken');
        fs.writeFileSync(path.join(broken, 'codestore.yaml'), 'serviceId: [unclosed\n');
        const before = (await platform.cli(['service:list', '--json'], { configDir })).stdout;
        const bad = await platform.cli(['service:create', 'broken one'], { configDir, cwd: broken });
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /codestore\.yaml is not valid YAML .*Fix it first\.\n$/);
        assert.equal((await platform.cli(['service:list', '--json'], { configDir })).stdout, before, 'no service was created');
      });

      it('service:create outside a service folder needs a name; service:list shows the table', async () => {
        const outside = platform.dir('outside');
        const noName = await platform.cli(['service:create'], { configDir, cwd: outside });
        assert.equal(noName.code, 2);
        assert.match(noName.stderr, /Name the service/);
        const r = await platform.cli(['service:create', 'Orders'], { configDir, cwd: outside });
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          /^Created service "Orders": orders-[0-9a-z]{6}\n  private  http:.*\n  demo     http:.*\nDeveloper key .*\n  csk_\S+\n$/,
        );
        const list = await platform.cli(['service:list'], { configDir, cwd: outside });
        assert.equal(list.code, 0, list.stderr);
        assert.match(list.stdout, /^ID +NAME +PRIVATE +DEMO\n/);
        assert.match(list.stdout, /\norders-[0-9a-z]{6} +Orders +not deployed +not deployed\n/);
        const info = await platform.cli(['service:info'], { configDir, cwd: outside });
        assert.equal(info.code, 2);
        assert.match(info.stderr, /Which service\?/);
      });
    });
  });
}
