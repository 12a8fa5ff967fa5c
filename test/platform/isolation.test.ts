// Isolation: for every operation of the API, no token and a bad token are refused, and another
// organization's token reaches nothing of the first organization (an id of its is answered like an
// id nobody has, even where its owner would get another error; ids of its mixed with the caller's
// own are not found either). The cases are keyed by the schema's Query and Mutation fields: a new
// operation without a case fails this file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSchema } from 'graphql';
import { ClientKey, PlatformClient, PlatformError, Project, Service, Session } from '../../apiclient/src';
import { platformSdl } from '../../platform/src/api/schema';
import { PASSWORD, platformError, platformTargets, TestPlatform } from './helpers/platform';

/** The organization under attack: what it owns, and how to check it is untouched. */
interface Victim {
  client: PlatformClient;
  session: Session;
  email: string;
  service: Service;
  /** A failed deployment of the service's private environment (nothing serves there). */
  deploymentId: string;
  /** A project with no service-instance (nothing serves the service's demo environment to add it). */
  project: Project;
  /** A client key of the project. */
  clientKeyId: string;
}

/** Another organization, with a project and a service of its own to mix with the victim's ids. */
interface Attacker {
  client: PlatformClient;
  projectId: string;
  serviceId: string;
}

interface IsolationCase {
  /**
   * `private`: needs a token, and sees only the caller's organization.
   * `public`: needs no token (signup, login); a token does not widen what it can do.
   */
  access: 'private' | 'public';
  /** Calls the operation as `client` aimed at the victim's data (its ids, its email). */
  run(client: PlatformClient, victim: Victim): Promise<unknown>;
  /** Checks what another organization's call got (or the error it got), when it did not fail with NOT_FOUND. */
  otherOrganization(result: { value?: unknown; error?: PlatformError }, victim: Victim, attacker: Session): void;
  /** Runs the operation on an id nobody has, to compare with the answer on the victim's id. */
  unknown?(client: PlatformClient): Promise<unknown>;
  /** Checks what the victim itself gets, so another organization's NOT_FOUND is not just a bad call. */
  owner?(victim: Victim): Promise<void>;
  /** Calls another organization makes with its own ids mixed with the victim's: each is NOT_FOUND. */
  crossed?(attacker: Attacker, victim: Victim): Array<() => Promise<unknown>>;
}

const UNKNOWN_ID = 'nobody-has-this-zzzzzz';
const UNKNOWN_DEPLOYMENT_ID = 'dep_0000000000000000';
const UNKNOWN_PROJECT_ID = 'nobody-has-this-project-zzzzzz';
const UNKNOWN_KEY_ID = 'nobody-has-this-key-zzzzzz';
const CANDIDATE_SDL = 'type Query { hello: String }';

const CASES: Record<string, IsolationCase> = {
  'Query.viewer': {
    access: 'private',
    run: (c) => c.whoami(),
    otherOrganization({ value }, victim, attacker) {
      const viewer = value as { account: { id: string }; organization: { id: string } };
      assert.equal(viewer.account.id, attacker.account.id);
      assert.notEqual(viewer.organization.id, victim.session.organization.id);
    },
  },
  'Query.services': {
    access: 'private',
    run: (c) => c.listServices(),
    otherOrganization({ value }, victim) {
      assert.ok(!(value as Service[]).some((s) => s.id === victim.service.id), "another organization sees the victim's service");
    },
  },
  'Query.service': {
    access: 'private',
    run: (c, v) => c.serviceInfo(v.service.id),
    unknown: (c) => c.serviceInfo(UNKNOWN_ID),
    otherOrganization: notFound,
  },
  'Query.deployment': {
    access: 'private',
    run: (c, v) => c.deployment(v.deploymentId),
    unknown: (c) => c.deployment(UNKNOWN_DEPLOYMENT_ID),
    otherOrganization: notFound,
    async owner(v) {
      const d = await v.client.deployment(v.deploymentId);
      assert.deepEqual([d.id, d.environment, d.status, d.error], [v.deploymentId, 'private', 'DEPLOYMENT_FAILED', 'it did not load']);
      await platformError(v.client.deployment(UNKNOWN_DEPLOYMENT_ID), 'NOT_FOUND');
    },
  },
  'Query.serviceSource': {
    access: 'private',
    run: (c, v) => c.serviceSource(v.service.id, '0.0.1'),
    unknown: (c) => c.serviceSource(UNKNOWN_ID, '0.0.1'),
    otherOrganization: notFound,
    async owner(v) {
      // Its one version was recorded without a build: nothing kept to pull, and the answer says so.
      const e = await platformError(v.client.serviceSource(v.service.id), 'NOT_FOUND', 'SOURCE_NOT_KEPT');
      assert.match(e.message, /0\.0\.1 is not on this platform/);
      await platformError(v.client.serviceSource(v.service.id, '0.0.9'), 'NOT_FOUND');
    },
  },
  'Query.logs': {
    access: 'private',
    run: (c, v) => c.logs(v.service.id, 'private'),
    unknown: (c) => c.logs(UNKNOWN_ID, 'private'),
    otherOrganization: notFound,
    async owner(v) {
      for (const env of ['private', 'demo'] as const)
        assert.ok(Array.isArray((await v.client.logs(v.service.id, env, { limit: 5 })).lines));
      // The project has no instance of the service: no log to read.
      await refusedToOwner(v.client.logs(v.service.id, 'development', { projectId: v.project.id }));
    },
    crossed: (a, v) => [
      () => a.client.logs(v.service.id, 'development', { projectId: v.project.id }),
      () => a.client.logs(v.service.id, 'development', { projectId: a.projectId }),
      () => a.client.logs(a.serviceId, 'development', { projectId: v.project.id }),
    ],
  },
  'Query.projects': {
    access: 'private',
    run: (c) => c.listProjects(),
    otherOrganization({ value }, victim) {
      assert.ok(!(value as Project[]).some((p) => p.id === victim.project.id), "another organization sees the victim's project");
    },
  },
  'Query.project': {
    access: 'private',
    run: (c, v) => c.projectInfo(v.project.id),
    unknown: (c) => c.projectInfo(UNKNOWN_PROJECT_ID),
    otherOrganization: notFound,
    async owner(v) {
      assert.deepEqual(await v.client.projectInfo(v.project.id), v.project);
    },
  },
  'Query.secrets': {
    access: 'private',
    run: (c, v) => c.secrets(v.project.id, v.service.id, 'development'),
    unknown: (c) => c.secrets(UNKNOWN_PROJECT_ID, UNKNOWN_ID, 'development'),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.secrets(v.project.id, v.service.id, 'development')),
    crossed: (a, v) => [() => a.client.secrets(a.projectId, v.service.id, 'development')],
  },
  'Query.corsOrigins': {
    access: 'private',
    run: (c, v) => c.corsOrigins(v.project.id, v.service.id, 'production'),
    unknown: (c) => c.corsOrigins(UNKNOWN_PROJECT_ID, UNKNOWN_ID, 'production'),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.corsOrigins(v.project.id, v.service.id, 'production')),
    crossed: (a, v) => [() => a.client.corsOrigins(a.projectId, v.service.id, 'production')],
  },
  'Query.clientKeys': {
    access: 'private',
    run: (c, v) => c.clientKeys(v.project.id),
    unknown: (c) => c.clientKeys(UNKNOWN_PROJECT_ID),
    otherOrganization: notFound,
    async owner(v) {
      assert.deepEqual(
        (await v.client.clientKeys(v.project.id)).map((k) => [k.id, k.revokedAt]),
        [[v.clientKeyId, null]],
      );
    },
  },
  'Query.usage': {
    access: 'private',
    run: (c, v) => c.usage(v.project.id, v.service.id),
    unknown: (c) => c.usage(UNKNOWN_PROJECT_ID, UNKNOWN_ID),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.usage(v.project.id, v.service.id)),
    crossed: (a, v) => [() => a.client.usage(a.projectId, v.service.id)],
  },
  'Query.schemaCheck': {
    access: 'private',
    run: (c, v) => c.schemaCheck(v.service.id, CANDIDATE_SDL),
    unknown: (c) => c.schemaCheck(UNKNOWN_ID, CANDIDATE_SDL),
    otherOrganization: notFound,
    async owner(v) {
      // The victim's service serves nothing (its deployment failed): nothing to break anywhere.
      const checks = await v.client.schemaCheck(v.service.id, CANDIDATE_SDL);
      assert.deepEqual(
        checks.map((e) => [e.environment, e.breaking, e.changes.length]),
        [
          ['private', false, 0],
          ['demo', false, 0],
        ],
      );
    },
    crossed: (a, v) => [
      () => a.client.schemaCheck(v.service.id, CANDIDATE_SDL, { projectId: a.projectId }),
      () => a.client.schemaCheck(a.serviceId, CANDIDATE_SDL, { projectId: v.project.id }),
    ],
  },
  'Query.schemaUsage': {
    access: 'private',
    run: (c, v) => c.schemaUsage(v.service.id),
    unknown: (c) => c.schemaUsage(UNKNOWN_ID),
    otherOrganization: notFound,
    async owner(v) {
      const usage = await v.client.schemaUsage(v.service.id);
      assert.deepEqual(
        usage.map((e) => [e.environment, e.operations.length]),
        [
          ['private', 0],
          ['demo', 0],
        ],
      );
    },
  },
  'Query.invoice': {
    access: 'private',
    run: (c, v) => c.invoice(v.project.id),
    unknown: (c) => c.invoice(UNKNOWN_PROJECT_ID),
    otherOrganization: notFound,
    async owner(v) {
      const invoice = await v.client.invoice(v.project.id, '2024-05');
      assert.deepEqual(invoice, { projectId: v.project.id, month: '2024-05', lines: [], totals: [] });
    },
  },
  'Mutation.signup': {
    access: 'public',
    run: (c, v) => c.signup(v.email, PASSWORD),
    otherOrganization({ error }) {
      // The victim's email is taken whoever asks; the token sent along changes nothing.
      assert.equal(error?.code, 'CONFLICT');
    },
  },
  'Mutation.login': {
    access: 'public',
    run: (c, v) => c.login(v.email, "not the victim's password"),
    otherOrganization({ error }) {
      assert.equal(error?.code, 'UNAUTHENTICATED');
      assert.equal(error?.reason, 'WRONG_CREDENTIALS');
    },
  },
  'Mutation.logout': {
    access: 'private',
    run: (c) => c.logout(),
    otherOrganization({ error }) {
      // The attacker's own token is revoked, nothing else (the victim's is checked after every case).
      assert.equal(error, undefined);
    },
  },
  'Query.organizations': {
    access: 'private',
    run: (c) => c.organizations(),
    otherOrganization({ value }, victim) {
      assert.ok(!(value as Array<{ organization: { id: string } }>).some((m) => m.organization.id === victim.session.organization.id));
    },
  },
  'Query.members': {
    access: 'private',
    run: (c) => c.members(),
    otherOrganization({ value }, victim) {
      assert.ok(!(value as Array<{ email: string }>).some((m) => m.email === victim.email));
    },
  },
  'Query.activity': {
    access: 'private',
    run: (c) => c.activity(500),
    otherOrganization({ value }, victim) {
      assert.ok(!JSON.stringify(value).includes(victim.service.id) && !JSON.stringify(value).includes(victim.email));
    },
  },
  'Mutation.inviteMember': {
    access: 'private',
    run: (c, v) => c.inviteMember(v.email),
    otherOrganization({ value }) {
      // An invitation into the caller's own organization: it gives nobody anything of the victim's.
      assert.match((value as { code: string }).code, /^inv_/);
    },
  },
  'Mutation.joinOrganization': {
    access: 'private',
    run: (c) => c.joinOrganization('inv_not-a-code-anyone-was-given'),
    otherOrganization({ error }) {
      assert.equal(error?.code, 'BAD_USER_INPUT');
    },
  },
  'Mutation.setMemberRole': {
    access: 'private',
    run: (c, v) => c.setMemberRole(v.email, 'developer'),
    otherOrganization: notFound,
  },
  'Mutation.removeMember': {
    access: 'private',
    run: (c, v) => c.removeMember(v.email),
    otherOrganization: notFound,
  },
  'Mutation.leaveOrganization': {
    access: 'private',
    run: (c) => c.leaveOrganization(),
    otherOrganization({ error }) {
      // The caller's own organization: it cannot leave it, and no other is named.
      assert.equal(error?.code, 'CONFLICT');
    },
  },
  'Mutation.rotateDeveloperKey': {
    access: 'private',
    run: (c, v) => c.rotateDeveloperKey(v.service.id),
    unknown: (c) => c.rotateDeveloperKey(UNKNOWN_ID),
    otherOrganization: notFound,
  },
  'Mutation.changePassword': {
    access: 'private',
    run: (c) => c.changePassword('not the password', 'another password'),
    otherOrganization({ error }) {
      assert.equal(error?.code, 'UNAUTHENTICATED');
    },
  },
  'Mutation.logoutEverywhere': {
    access: 'private',
    run: (c) => c.logoutEverywhere(),
    otherOrganization({ error, value }) {
      // The caller's own tokens only (the victim's is checked after every case).
      assert.equal(error, undefined);
      assert.ok((value as number) >= 1);
    },
  },
  'Mutation.createService': {
    access: 'private',
    run: (c, v) => c.createService(v.service.name),
    otherOrganization({ value }, victim) {
      // Created in the caller's organization, under its own id: the victim's name does not collide.
      assert.notEqual((value as { service: Service }).service.id, victim.service.id);
    },
  },
  'Mutation.removeService': {
    access: 'private',
    run: (c, v) => c.removeService(v.service.id),
    unknown: (c) => c.removeService(UNKNOWN_ID),
    otherOrganization: notFound,
  },
  'Mutation.promote': {
    access: 'private',
    run: (c, v) => c.promote(v.service.id),
    unknown: (c) => c.promote(UNKNOWN_ID),
    // Not BAD_USER_INPUT ("private serves nothing"), which would say the service exists.
    otherOrganization: notFound,
    async owner(v) {
      await platformError(v.client.promote(v.service.id), 'BAD_USER_INPUT');
    },
  },
  'Mutation.createProject': {
    access: 'private',
    run: (c, v) => c.createProject(v.project.name),
    otherOrganization({ value }, victim) {
      // Created in the caller's organization, under its own id: the victim's name does not collide.
      assert.notEqual((value as Project).id, victim.project.id);
    },
  },
  'Mutation.deleteProject': {
    access: 'private',
    run: (c, v) => c.deleteProject(v.project.id, true),
    unknown: (c) => c.deleteProject(UNKNOWN_PROJECT_ID, true),
    otherOrganization: notFound,
  },
  'Mutation.addServiceToProject': {
    access: 'private',
    run: (c, v) => c.addServiceToProject(v.project.id, v.service.id, { billingType: 'NOT_BILLABLE' }),
    unknown: (c) => c.addServiceToProject(UNKNOWN_PROJECT_ID, UNKNOWN_ID, { billingType: 'NOT_BILLABLE' }),
    // Not BAD_USER_INPUT ("demo serves nothing"), which would say the service exists.
    otherOrganization: notFound,
    async owner(v) {
      await platformError(v.client.addServiceToProject(v.project.id, v.service.id), 'BAD_USER_INPUT');
    },
    crossed: (a, v) => [
      // Nobody deploys another organization's service into their own project, or their service into another's project.
      () => a.client.addServiceToProject(a.projectId, v.service.id),
      () => a.client.addServiceToProject(v.project.id, a.serviceId),
    ],
  },
  'Mutation.removeServiceFromProject': {
    access: 'private',
    run: (c, v) => c.removeServiceFromProject(v.project.id, v.service.id, true),
    unknown: (c) => c.removeServiceFromProject(UNKNOWN_PROJECT_ID, UNKNOWN_ID, true),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.removeServiceFromProject(v.project.id, v.service.id, true)),
    crossed: (a, v) => [() => a.client.removeServiceFromProject(a.projectId, v.service.id, true)],
  },
  'Mutation.promoteInstance': {
    access: 'private',
    run: (c, v) => c.promoteInstance(v.project.id, v.service.id, 'development', 'staging'),
    unknown: (c) => c.promoteInstance(UNKNOWN_PROJECT_ID, UNKNOWN_ID, 'development', 'staging'),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.promoteInstance(v.project.id, v.service.id, 'development', 'staging')),
    crossed: (a, v) => [() => a.client.promoteInstance(a.projectId, v.service.id, 'development', 'staging')],
  },
  'Mutation.rollInstance': {
    access: 'private',
    run: (c, v) => c.rollInstance(v.project.id, v.service.id, 'development', '0.0.1'),
    unknown: (c) => c.rollInstance(UNKNOWN_PROJECT_ID, UNKNOWN_ID, 'development', '0.0.1'),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.rollInstance(v.project.id, v.service.id, 'development', '0.0.1')),
    crossed: (a, v) => [() => a.client.rollInstance(a.projectId, v.service.id, 'development', '0.0.1')],
  },
  'Mutation.setRatePlan': {
    access: 'private',
    run: (c, v) => c.setRatePlan(v.project.id, v.service.id, { billingType: 'MONTHLY', amount: 100, currency: 'EUR' }),
    unknown: (c) => c.setRatePlan(UNKNOWN_PROJECT_ID, UNKNOWN_ID, { billingType: 'MONTHLY', amount: 100, currency: 'EUR' }),
    otherOrganization: notFound,
    owner: (v) =>
      refusedToOwner(v.client.setRatePlan(v.project.id, v.service.id, { billingType: 'MONTHLY', amount: 100, currency: 'EUR' })),
    crossed: (a, v) => [() => a.client.setRatePlan(a.projectId, v.service.id, { billingType: 'NOT_BILLABLE' })],
  },
  'Mutation.addClientKey': {
    access: 'private',
    run: (c, v) => c.addClientKey(v.project.id, 'not yours'),
    unknown: (c) => c.addClientKey(UNKNOWN_PROJECT_ID, 'not yours'),
    otherOrganization: notFound,
  },
  'Mutation.removeClientKey': {
    access: 'private',
    run: (c, v) => c.removeClientKey(v.project.id, v.clientKeyId),
    unknown: (c) => c.removeClientKey(UNKNOWN_PROJECT_ID, UNKNOWN_KEY_ID),
    otherOrganization: notFound,
    async owner(v) {
      await platformError(v.client.removeClientKey(v.project.id, UNKNOWN_KEY_ID), 'NOT_FOUND');
    },
    // The victim's key id under the attacker's own project.
    crossed: (a, v) => [() => a.client.removeClientKey(a.projectId, v.clientKeyId)],
  },
  'Mutation.addSecret': {
    access: 'private',
    run: (c, v) => c.addSecret(v.project.id, v.service.id, 'development', 'STOLEN', 'value'),
    unknown: (c) => c.addSecret(UNKNOWN_PROJECT_ID, UNKNOWN_ID, 'development', 'STOLEN', 'value'),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.addSecret(v.project.id, v.service.id, 'development', 'MINE', 'value')),
    crossed: (a, v) => [() => a.client.addSecret(a.projectId, v.service.id, 'development', 'STOLEN', 'value')],
  },
  'Mutation.changeCorsOrigins': {
    access: 'private',
    run: (c, v) => c.changeCorsOrigins(v.project.id, v.service.id, 'production', ['https://evil.example.com'], []),
    unknown: (c) => c.changeCorsOrigins(UNKNOWN_PROJECT_ID, UNKNOWN_ID, 'production', ['https://evil.example.com'], []),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.changeCorsOrigins(v.project.id, v.service.id, 'production', ['https://mine.example.com'], [])),
    crossed: (a, v) => [() => a.client.changeCorsOrigins(a.projectId, v.service.id, 'production', ['https://evil.example.com'], [])],
  },
  'Mutation.removeSecret': {
    access: 'private',
    run: (c, v) => c.removeSecret(v.project.id, v.service.id, 'development', 'STOLEN'),
    unknown: (c) => c.removeSecret(UNKNOWN_PROJECT_ID, UNKNOWN_ID, 'development', 'STOLEN'),
    otherOrganization: notFound,
    owner: (v) => refusedToOwner(v.client.removeSecret(v.project.id, v.service.id, 'development', 'MINE')),
    crossed: (a, v) => [() => a.client.removeSecret(a.projectId, v.service.id, 'development', 'STOLEN')],
  },
};

function notFound({ error }: { error?: PlatformError }): void {
  assert.equal(error?.code, 'NOT_FOUND');
}

/**
 * An instance operation of the victim's own project and service, which has no instance (nothing
 * serves its demo to add one): refused, NOT_FOUND or BAD_USER_INPUT as the platform words it.
 */
async function refusedToOwner(p: Promise<unknown>): Promise<void> {
  const { value, error } = await outcome(p);
  assert.equal(value, undefined, "the owner's call on an instance it does not have succeeded");
  assert.ok(error && ['NOT_FOUND', 'BAD_USER_INPUT'].includes(error.code), `${error?.code}: ${error?.message}`);
}

/** What the victim owns, as it sees it: compared before and after every case. */
async function ownings(v: Victim): Promise<{ services: Service[]; projects: Project[]; keys: ClientKey[] }> {
  return {
    services: await v.client.listServices(),
    projects: await v.client.listProjects(),
    keys: await v.client.clientKeys(v.project.id),
  };
}

function rootFields(): string[] {
  const schema = buildSchema(platformSdl());
  return [schema.getQueryType()!, schema.getMutationType()!].flatMap((t) => Object.keys(t.getFields()).map((f) => `${t.name}.${f}`));
}

async function outcome(p: Promise<unknown>): Promise<{ value?: unknown; error?: PlatformError }> {
  try {
    return { value: await p };
  } catch (e) {
    if (e instanceof PlatformError) return { error: e };
    throw e;
  }
}

describe('isolation cases', () => {
  it('cover every Query and Mutation field of the schema, and nothing else', () => {
    const fields = rootFields();
    const missing = fields.filter((f) => !CASES[f]);
    assert.deepEqual(missing, [], `add an isolation case for ${missing.join(', ')}`);
    assert.deepEqual(
      Object.keys(CASES).filter((k) => !fields.includes(k)),
      [],
      'a case for a field the schema no longer has',
    );
  });
});

for (const target of platformTargets()) {
  describe(`isolation (${target.label})`, () => {
    let platform: TestPlatform;
    let victim: Victim;
    let snapshot: { services: Service[]; projects: Project[]; keys: ClientKey[] };
    before(async () => {
      platform = await TestPlatform.start(target);
      const v = await platform.signup('victim');
      const { service } = await v.client.createService('Victim Service');
      // A version whose deployment to private failed, written as the platform writes one: the
      // victim has a deployment id to aim at, and private still serves nothing (no process runs).
      const db = platform.platform.db;
      const [env] = await db.query<{ id: string }>("SELECT id FROM environments WHERE service_id = $1 AND name = 'private'", [service.id]);
      const deploymentId = `dep_${'v'.repeat(16)}`;
      await db.query("INSERT INTO versions (id, service_id, version, schema_hash) VALUES ('ver_vvvvvvvvvvvvvvvv', $1, '0.0.1', 'h')", [
        service.id,
      ]);
      await db.query(
        "INSERT INTO deployments (id, environment_id, version_id, status, error, finished_at) VALUES ($1, $2, 'ver_vvvvvvvvvvvvvvvv', 'DEPLOYMENT_FAILED', 'it did not load', now())",
        [deploymentId, env.id],
      );
      // A project (no deployment needed) with a client key; the service cannot be added to it, as nothing serves demo.
      const project = await v.client.createProject('Victim Project');
      const { clientKey } = await v.client.addClientKey(project.id, 'victim key');
      victim = { ...v, service: await v.client.serviceInfo(service.id), deploymentId, project, clientKeyId: clientKey.id };
      snapshot = await ownings(victim);
    });
    after(async () => {
      await platform?.close();
    });

    for (const field of rootFields()) {
      const c = CASES[field];
      if (!c) continue;
      describe(field, () => {
        if (c.access === 'private') {
          it('refuses a call without a token', async () => {
            await platformError(c.run(platform.client(), victim), 'UNAUTHENTICATED', 'TOKEN_MISSING');
          });
          it('refuses an unknown token and a revoked one', async () => {
            await platformError(c.run(platform.client(`cst_${'A'.repeat(43)}`), victim), 'UNAUTHENTICATED', 'TOKEN_INVALID');
            const { client } = await platform.signup('revoked');
            const token = client.token!;
            await client.logout();
            await platformError(c.run(platform.client(token), victim), 'UNAUTHENTICATED', 'TOKEN_REVOKED');
          });
        } else {
          it('needs no token', async () => {
            const fresh = { ...victim, email: `public-${field.replace(/\W/g, '')}-${process.pid}@example.com` };
            if (field === 'Mutation.login') await platform.client().signup(fresh.email, PASSWORD);
            const value = await (field === 'Mutation.login'
              ? platform.client().login(fresh.email, PASSWORD)
              : c.run(platform.client(), fresh));
            assert.match((value as Session).token, /^cst_/);
          });
        }

        if (c.owner) {
          it('answers the organization that owns the ids', async () => {
            await c.owner!(victim);
          });
        }

        it('gives another organization nothing of this one', async () => {
          const attacker = await platform.signup('attacker');
          const result = await outcome(c.run(attacker.client, victim));
          c.otherOrganization(result, victim, attacker.session);
          if (c.unknown) {
            // Another organization's id is answered exactly like an id nobody has.
            const unknown = await outcome(c.unknown(attacker.client));
            assert.equal(result.error?.code, unknown.error?.code);
            assert.equal(result.error?.status, unknown.error?.status);
            const asUnknown = (m: string | undefined) =>
              m
                ?.replaceAll(victim.project.id, UNKNOWN_PROJECT_ID)
                .replaceAll(victim.clientKeyId, UNKNOWN_KEY_ID)
                .replaceAll(victim.service.id, UNKNOWN_ID)
                .replaceAll(victim.deploymentId, UNKNOWN_DEPLOYMENT_ID);
            assert.equal(asUnknown(result.error?.message), unknown.error?.message);
          }
          if (c.crossed) {
            const own: Attacker = {
              client: attacker.client,
              projectId: (await attacker.client.createProject('Attacker Project')).id,
              serviceId: (await attacker.client.createService('Attacker Service')).service.id,
            };
            for (const call of c.crossed(own, victim)) await platformError(call(), 'NOT_FOUND');
          }
        });
      });
    }

    it('leaves the victim logged in, owning what it owned', async () => {
      assert.deepEqual(await ownings(victim), snapshot);
      assert.equal((await victim.client.whoami()).account.email, victim.email);
    });
  });
}
