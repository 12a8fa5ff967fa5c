// Isolation: for every operation of the API, no token and a bad token are refused, and another
// organization's token reaches nothing of the first organization (an id of its is answered like an
// id nobody has, even where its owner would get another error). The cases are keyed by the
// schema's Query and Mutation fields: a new operation without a case fails this file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildSchema } from 'graphql';
import { PlatformClient, PlatformError, Service, Session } from '../../client/src/api';
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
}

const UNKNOWN_ID = 'nobody-has-this-zzzzzz';
const UNKNOWN_DEPLOYMENT_ID = 'dep_0000000000000000';

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
      assert.ok(!(value as Service[]).some((s) => s.id === victim.service.id), 'another organization sees the victim\'s service');
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
  'Query.logs': {
    access: 'private',
    run: (c, v) => c.logs(v.service.id, 'private'),
    unknown: (c) => c.logs(UNKNOWN_ID, 'private'),
    otherOrganization: notFound,
    async owner(v) {
      for (const env of ['private', 'demo'] as const) assert.ok(Array.isArray((await v.client.logs(v.service.id, env, { limit: 5 })).lines));
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
    run: (c, v) => c.login(v.email, 'not the victim\'s password'),
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
};

function notFound({ error }: { error?: PlatformError }): void {
  assert.equal(error?.code, 'NOT_FOUND');
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
    assert.deepEqual(Object.keys(CASES).filter((k) => !fields.includes(k)), [], 'a case for a field the schema no longer has');
  });
});

for (const target of platformTargets()) {
  describe(`isolation (${target.label})`, () => {
    let platform: TestPlatform;
    let victim: Victim;
    let snapshot: Service[];
    before(async () => {
      platform = await TestPlatform.start(target);
      const v = await platform.signup('victim');
      const { service } = await v.client.createService('Victim Service');
      // A version whose deployment to private failed, written as the platform writes one: the
      // victim has a deployment id to aim at, and private still serves nothing (no process runs).
      const db = platform.platform.db;
      const [env] = await db.query<{ id: string }>("SELECT id FROM environments WHERE service_id = $1 AND name = 'private'", [service.id]);
      const deploymentId = `dep_${'v'.repeat(16)}`;
      await db.query("INSERT INTO versions (id, service_id, version, schema_hash) VALUES ('ver_vvvvvvvvvvvvvvvv', $1, '0.0.1', 'h')", [service.id]);
      await db.query("INSERT INTO deployments (id, environment_id, version_id, status, error, finished_at) VALUES ($1, $2, 'ver_vvvvvvvvvvvvvvvv', 'DEPLOYMENT_FAILED', 'it did not load', now())", [deploymentId, env.id]);
      victim = { ...v, service: await v.client.serviceInfo(service.id), deploymentId };
      snapshot = await victim.client.listServices();
    });
    after(async () => { await platform?.close(); });

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
            const value = await (field === 'Mutation.login' ? platform.client().login(fresh.email, PASSWORD) : c.run(platform.client(), fresh));
            assert.match((value as Session).token, /^cst_/);
          });
        }

        if (c.owner) {
          it('answers the organization that owns the ids', async () => { await c.owner!(victim); });
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
            const asUnknown = (m: string | undefined) => m?.replaceAll(victim.service.id, UNKNOWN_ID).replaceAll(victim.deploymentId, UNKNOWN_DEPLOYMENT_ID);
            assert.equal(asUnknown(result.error?.message), unknown.error?.message);
          }
        });
      });
    }

    it('leaves the victim logged in, owning what it owned', async () => {
      assert.deepEqual(await victim.client.listServices(), snapshot);
      assert.equal((await victim.client.whoami()).account.email, victim.email);
    });
  });
}
