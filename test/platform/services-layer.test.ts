// The services layer (platform/src/services/) on a real store (the embedded PostgreSQL server, and
// the server at CODESTORE_TEST_PG_URL when set), with the runtime faked at its interface
// (runtime/deploymentRuntime.ts): what each service asks of where deployments run, and what it
// leaves in the store and on disk.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { Meter } from '../../platform/src/billing/meter';
import type { ServiceParts } from '../../platform/src/parts';
import type { DeploymentOutcome, DeploymentRuntime, RevertPlan, Upstream } from '../../platform/src/runtime/deploymentRuntime';
import { createGateway } from '../../platform/src/runtime/gateway';
import { LogSink } from '../../platform/src/runtime/logs';
import { insertOrganization } from '../../platform/src/store/accounts';
import { Db, openServerDb } from '../../platform/src/store/db';
import { environmentByName, insertDeployment, markDeployed } from '../../platform/src/store/deployments';
import { migrate } from '../../platform/src/store/migrations';
import { EmbeddedServer, startEmbeddedServer, STORE_DATABASE } from '../../platform/src/store/postgresServer';
import { instanceEnvironment, instancesOf, ProjectRow, secretsOf } from '../../platform/src/store/projects';
import { sealerFor } from '../../platform/src/store/sealing';
import { serviceById, ServiceRow } from '../../platform/src/store/services';
import { insertVersion } from '../../platform/src/store/versions';
import { promote, revertPlanFor, rollInstance } from '../../platform/src/services/deployments';
import {
  addServiceToProject,
  createProject,
  deleteProject,
  removeInstanceEverywhere,
  setSecret,
} from '../../platform/src/services/projects';
import { createService, removeService, serviceDataDir } from '../../platform/src/services/services';
import { platformTargets, ScratchDatabase, testDirectory } from './helpers/platform';

/** Where deployments run, as a list of what was asked; a deploy is recorded in the store as the real one would. */
class FakeRuntime implements DeploymentRuntime {
  readonly deploys: Array<{ environmentId: string; versionId: string; revert?: RevertPlan }> = [];
  readonly redeploys: Array<{ environmentId: string; versionId: string | null }> = [];
  readonly removed: string[] = [];

  constructor(private readonly db: () => Db) {}

  async deployTo(environmentId: string, versionId: string, options: { revert?: RevertPlan } = {}): Promise<DeploymentOutcome> {
    this.deploys.push({ environmentId, versionId, ...(options.revert ? { revert: options.revert } : {}) });
    const id = await insertDeployment(this.db(), environmentId, versionId);
    await this.db().transaction((tx) => markDeployed(tx, environmentId, id));
    return { id, environment: 'private', status: 'DEPLOYED', error: null };
  }
  async redeploy(environmentId: string, versionId: string | null): Promise<DeploymentOutcome | undefined> {
    this.redeploys.push({ environmentId, versionId });
    return undefined;
  }
  async removeEnvironments(ids: string[]): Promise<void> {
    this.removed.push(...ids);
  }
  isIdle(): boolean {
    return false;
  }
  async restore(): Promise<void> {}
  async admit(): Promise<Upstream | undefined> {
    return undefined;
  }
  done(): void {}
  socketOf(): string | undefined {
    return undefined;
  }
  async close(): Promise<void> {}
}

for (const target of platformTargets()) {
  describe(`services layer (${target.label})`, () => {
    let tmp: string;
    let server: EmbeddedServer | undefined;
    let scratch: ScratchDatabase | undefined;
    let db: Db;
    let runtime: FakeRuntime;
    let parts: ServiceParts;
    let organizationId: string;
    const actor = { email: 'dev@example.com' };
    let versionSeq = 0;

    /** A recorded version whose build has these migrations (and a schema). */
    async function version(service: ServiceRow, migrations: string[]): Promise<string> {
      const n = `0.0.${++versionSeq}`;
      const buildPath = path.join(serviceDataDir(tmp, service.id), 'versions', n);
      fs.mkdirSync(buildPath, { recursive: true });
      fs.writeFileSync(path.join(buildPath, 'schema.graphql'), 'type Query { hello: String }\n');
      fs.writeFileSync(
        path.join(buildPath, 'manifest.json'),
        JSON.stringify({
          schema: 'schema.graphql',
          migrations: migrations.map((className, i) => ({ file: `m${i}.js`, className, timestamp: i })),
        }),
      );
      const row = await insertVersion(db, { serviceId: service.id, version: n, releaseNotes: null, schemaHash: 'x', buildPath });
      return row.id;
    }

    async function deployedService(name: string): Promise<ServiceRow> {
      const { service } = await createService(parts, organizationId, name);
      const v = await version(service, ['Posts1']);
      await runtime.deployTo((await environmentByName(db, service.id, 'private'))!.id, v);
      await promote(parts, actor, service);
      return service;
    }

    before(async () => {
      tmp = testDirectory('codestore-services-test-');
      scratch = await target.database?.();
      if (!scratch) server = await startEmbeddedServer({ dataDir: tmp, log: () => undefined });
      db = await openServerDb(scratch?.url ?? server!.url(STORE_DATABASE));
      await migrate(db);
      runtime = new FakeRuntime(() => db);
      const logError = (message: string, e: unknown) => {
        throw new Error(`${message}: ${String(e)}`);
      };
      const logs = new LogSink(db, logError);
      const meter = await Meter.open(db, tmp, logError);
      parts = {
        db,
        dataDir: tmp,
        runtime,
        gateway: createGateway(db, runtime, logs, meter),
        logs,
        meter,
        sealer: sealerFor(tmp),
        logError,
      };
      organizationId = (await insertOrganization(db, 'Acme')).id;
    });
    after(async () => {
      await parts?.meter.close();
      await parts?.logs.flush();
      await db?.close();
      await server?.stop();
      await scratch?.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('promote refuses a service with nothing in private, then deploys what private serves to demo', async () => {
      const { service } = await createService(parts, organizationId, 'Blog');
      await assert.rejects(promote(parts, actor, service), (e: Error & { code?: string }) => e.code === 'BAD_USER_INPUT');
      const v = await version(service, []);
      await runtime.deployTo((await environmentByName(db, service.id, 'private'))!.id, v);
      const before = runtime.deploys.length;
      await promote(parts, actor, service);
      const demo = (await environmentByName(db, service.id, 'demo'))!;
      assert.deepEqual(runtime.deploys.slice(before), [{ environmentId: demo.id, versionId: v }]);
      assert.equal(demo.current_version_id, v);
    });

    it('adding a service to a project needs a demo version, and deploys it to development', async () => {
      const { service } = await createService(parts, organizationId, 'Shop');
      const project = await createProject(parts, organizationId, 'Store front');
      const plan = { billingType: 'NOT_BILLABLE' as const, amount: 0, currency: 'EUR', freeCalls: 0 };
      await assert.rejects(addServiceToProject(parts, project, service, plan), /promote it first/);
      const v = await version(service, []);
      await runtime.deployTo((await environmentByName(db, service.id, 'private'))!.id, v);
      await promote(parts, actor, service);
      const inst = await addServiceToProject(parts, project, service, plan);
      const dev = (await instanceEnvironment(db, inst.id, 'development'))!;
      assert.equal(dev.current_version_id, v);
      assert.deepEqual(runtime.deploys.at(-1), { environmentId: dev.id, versionId: v });
      await assert.rejects(addServiceToProject(parts, project, service, plan), /has the service .* already/);
    });

    it('rolling an instance back reverts the migrations the older version lacks, with the serving build', async () => {
      const service = await deployedService('Journal');
      const project = await createProject(parts, organizationId, 'Rolls');
      const inst = await addServiceToProject(parts, project, service, {
        billingType: 'NOT_BILLABLE',
        amount: 0,
        currency: 'EUR',
        freeCalls: 0,
      });
      const v1 = (await instanceEnvironment(db, inst.id, 'development'))!.current_version_id!;
      const v2 = await version(service, ['Posts1', 'Comments2']);
      const v2Build = path.join(serviceDataDir(tmp, service.id), 'versions', `0.0.${versionSeq}`);
      assert.equal(await revertPlanFor(db, v1, v2), undefined, 'going forward reverts nothing');
      let env = (await instanceEnvironment(db, inst.id, 'development'))!;
      await rollInstance(parts, actor, inst, env, `0.0.${versionSeq}`);
      assert.deepEqual(runtime.deploys.at(-1), { environmentId: env.id, versionId: v2 });
      env = (await instanceEnvironment(db, inst.id, 'development'))!;
      const [{ version: number }] = await db.query<{ version: string }>('SELECT version FROM versions WHERE id = $1', [v1]);
      await rollInstance(parts, actor, inst, env, number);
      assert.deepEqual(runtime.deploys.at(-1), { environmentId: env.id, versionId: v1, revert: { buildPath: v2Build, keep: ['Posts1'] } });
      await assert.rejects(rollInstance(parts, actor, inst, env, '9.9.9'), /has no version 9\.9\.9/);
    });

    it('a secret deploys what its environment serves again', async () => {
      const service = await deployedService('Vault');
      const project = await createProject(parts, organizationId, 'Secrets');
      const inst = await addServiceToProject(parts, project, service, {
        billingType: 'NOT_BILLABLE',
        amount: 0,
        currency: 'EUR',
        freeCalls: 0,
      });
      const dev = (await instanceEnvironment(db, inst.id, 'development'))!;
      const { secret } = await setSecret(parts, dev, 'API_TOKEN', 's3cret-value');
      assert.equal(secret.name, 'API_TOKEN');
      assert.deepEqual(runtime.redeploys.at(-1), { environmentId: dev.id, versionId: dev.current_version_id });
      const [stored] = await secretsOf(db, dev.id);
      assert.equal(parts.sealer.open(stored.sealed), 's3cret-value');
    });

    it('a service in a project is not removed; once out of it, removal stops every environment and deletes its builds', async () => {
      const service = await deployedService('Gone');
      const project: ProjectRow = await createProject(parts, organizationId, 'Holder');
      const inst = await addServiceToProject(parts, project, service, {
        billingType: 'NOT_BILLABLE',
        amount: 0,
        currency: 'EUR',
        freeCalls: 0,
      });
      await assert.rejects(
        removeService(parts, service),
        (e: Error & { code?: string }) => e.code === 'CONFLICT' && e.message.includes(project.id),
      );
      const instanceEnvs = (await db.query<{ id: string }>('SELECT id FROM environments WHERE instance_id = $1', [inst.id])).map(
        (r) => r.id,
      );
      await removeInstanceEverywhere(parts, inst);
      assert.deepEqual(runtime.removed.slice(-3).sort(), instanceEnvs.sort());
      const own = [(await environmentByName(db, service.id, 'private'))!.id, (await environmentByName(db, service.id, 'demo'))!.id];
      assert.ok(fs.existsSync(serviceDataDir(tmp, service.id)));
      assert.equal(await removeService(parts, service), service.id);
      assert.deepEqual(runtime.removed.slice(-2).sort(), own.sort());
      assert.equal(await serviceById(db, organizationId, service.id), undefined);
      assert.equal(fs.existsSync(serviceDataDir(tmp, service.id)), false, 'its builds are deleted');
    });

    it('deleting a project with instances needs force, then removes them', async () => {
      const service = await deployedService('Temporary');
      const project = await createProject(parts, organizationId, 'Short lived');
      const inst = await addServiceToProject(parts, project, service, {
        billingType: 'NOT_BILLABLE',
        amount: 0,
        currency: 'EUR',
        freeCalls: 0,
      });
      await assert.rejects(deleteProject(parts, project), /Pass force: true/);
      const envs = (await db.query<{ id: string }>('SELECT id FROM environments WHERE instance_id = $1', [inst.id])).map((r) => r.id);
      assert.equal(await deleteProject(parts, project, true), project.id);
      assert.deepEqual(runtime.removed.slice(-3).sort(), envs.sort());
      assert.deepEqual(await instancesOf(db, organizationId, [project.id]), []);
    });
  });
}
