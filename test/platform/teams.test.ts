// Teams end to end: an owner invites, a developer joins and works in the owner's organization,
// is refused what its role does not allow (the refusal names the role needed), every action lands
// in the activity feed with its author, removal shuts the developer out at once, a rotated
// developer key works and the old one does not. Then a table over every Query and Mutation field
// of the API × role (owner, admin, developer, a non-member, a removed member): each is refused
// exactly when api/permissions.ts says so, and a field without a row fails the schema's build.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as path from 'path';
import {
  buildSchema,
  getNamedType,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLObjectType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { PlatformClient } from '../../apiclient/src';
import { platformSdl } from '../../platform/src/api/schema';
import { needOf, PERMISSIONS } from '../../platform/src/api/permissions';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { call } from './helpers/http';
import { PASSWORD, platformError, platformTargets, TestPlatform } from './helpers/platform';
import { blogService } from './helpers/service';

/** Calls `query` as `client` in `organization`, the raw answer's first error code (undefined: none). */
async function errorCode(
  platform: TestPlatform,
  token: string,
  organization: string | undefined,
  query: string,
): Promise<{ code?: string; message?: string }> {
  const res = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(organization ? { 'x-codestore-organization': organization } : {}),
    },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
  return { code: body.errors?.[0]?.extensions?.code, message: body.errors?.[0]?.message };
}

/** A literal for a required argument of `type`: harmless values (ids nobody has). */
function literal(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literal(type.ofType);
  if (isListType(type)) return `[${literal(type.ofType)}]`;
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const fields = Object.values((type as GraphQLInputObjectType).getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(type))
    return type.name === 'Int' || type.name === 'Float' ? '1' : type.name === 'Boolean' ? 'false' : '"nobody-has-this-zzzzzz"';
  throw new Error(`no literal for ${String(type)}`);
}

/** `mutation { field(requiredArgs) { __typename } }` and the arguments it passes. */
function operationOf(root: 'query' | 'mutation', type: GraphQLObjectType, name: string): { text: string; args: Record<string, unknown> } {
  const field = type.getFields()[name];
  const required = field.args.filter((a) => isNonNullType(a.type));
  // What the permission table may look at: enum arguments as their values, the rest as placeholders.
  const args = Object.fromEntries(required.map((a) => [a.name, isEnumType(getNamedType(a.type)) ? literal(a.type) : 'placeholder']));
  const argText = required.length ? `(${required.map((a) => `${a.name}: ${literal(a.type)}`).join(', ')})` : '';
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return { text: `${root} { ${name}${argText}${selection} }`, args };
}

/** Operations the table does not call blindly: they end the caller's own session or membership (tested by name below). */
const SESSION_ENDING = new Set(['Mutation.logout', 'Mutation.logoutEverywhere', 'Mutation.leaveOrganization']);

for (const target of platformTargets()) {
  describe(`teams (${target.label})`, () => {
    let platform: TestPlatform;
    let owner: PlatformClient;
    let ownerOrg: string;
    let dev: PlatformClient;
    let devEmail: string;
    let serviceId: string;
    let devKey: string;

    before(async () => {
      platform = await TestPlatform.start(target);
      const o = await platform.signup('owner');
      owner = o.client;
      ownerOrg = o.session.organization.id;
      const created = await owner.createService('Blog');
      serviceId = created.service.id;
      devKey = created.developerKey;
      const d = await platform.signup('dev');
      dev = d.client;
      devEmail = d.email;
      prewarmTypeCheck();
    });
    after(async () => {
      await platform?.close();
    });

    it('the owner invites; the developer joins, switches, sees the service, pushes, creates a project and adds the service', async () => {
      await assert.rejects(owner.inviteMember('not-an-email'), /not an email/);
      const invitation = await owner.inviteMember(devEmail, 'developer');
      assert.match(invitation.code, /^inv_/);
      assert.equal(invitation.role, 'developer');
      const other = await platform.signup('other');
      await platformError(other.client.joinOrganization(invitation.code), 'BAD_USER_INPUT');
      const joined = await dev.joinOrganization(invitation.code);
      assert.deepEqual([joined.organization.id, joined.role, joined.own], [ownerOrg, 'developer', false]);
      await platformError(dev.joinOrganization(invitation.code), 'BAD_USER_INPUT');
      assert.deepEqual(
        (await dev.organizations()).map((m) => [m.own, m.role]),
        [
          [true, 'owner'],
          [false, 'developer'],
        ],
      );

      dev.organization = ownerOrg;
      assert.equal((await dev.whoami()).role, 'developer');
      assert.deepEqual(
        (await dev.listServices()).map((s) => s.id),
        [serviceId],
      );
      const folder = await blogService(path.join(platform.tmp, 'blog'), serviceId);
      const archive = await packServiceFolder(folder);
      const pushed = await dev.push(serviceId, archive);
      assert.equal(pushed.deployed, true);
      // A developer pulls what was pushed, byte for byte.
      const source = await dev.serviceSource(serviceId);
      assert.equal(source.version.version, pushed.version);
      assert.ok((await dev.downloadSource(source)).equals(archive), 'the pulled archive is the pushed one');
      await dev.promote(serviceId);
      const project = await dev.createProject('Shop');
      await dev.addServiceToProject(project.id, serviceId);
      assert.deepEqual(
        (await owner.listProjects()).map((p) => p.id),
        [project.id],
        "the owner sees the developer's project",
      );
      const members = await owner.members();
      assert.deepEqual(
        members.map((m) => [m.email, m.role]).sort(),
        [
          [devEmail, 'developer'],
          [(await owner.whoami()).account.email, 'owner'],
        ].sort(),
      );
    });

    it('the developer is refused what its role does not allow, with the role needed', async () => {
      const [project] = await dev.listProjects();
      const refused = await platformError(dev.setRatePlan(project.id, serviceId, { billingType: 'MONTHLY', amount: 10 }), 'FORBIDDEN');
      assert.match(refused.message, /setRatePlan needs the admin role in .*; you are a developer there/);
      await platformError(dev.addClientKey(project.id, 'acme'), 'FORBIDDEN');
      await platformError(dev.addSecret(project.id, serviceId, 'production', 'TOKEN', 'x'), 'FORBIDDEN');
      assert.equal((await dev.addSecret(project.id, serviceId, 'staging', 'TOKEN', 'x')).name, 'TOKEN');
      await platformError(dev.invoice(project.id), 'FORBIDDEN');
      await platformError(dev.inviteMember('someone@example.com'), 'FORBIDDEN');
      await platformError(dev.setMemberRole(devEmail, 'owner'), 'FORBIDDEN');
    });

    it("the activity feed lists each action with its author, never a secret's value", async () => {
      const feed = await owner.activity(100);
      const ownerEmail = (await owner.whoami()).account.email;
      const actions = feed.map((e) => [e.actor, e.action]).reverse();
      for (const expected of [
        [ownerEmail, 'createService'],
        [ownerEmail, 'inviteMember'],
        [devEmail, 'joinOrganization'],
        [devEmail, 'push'],
        [devEmail, 'promote'],
        [devEmail, 'createProject'],
        [devEmail, 'addServiceToProject'],
        [devEmail, 'addSecret'],
      ])
        assert.ok(
          actions.some(([a, b]) => a === expected[0] && b === expected[1]),
          `${expected.join(' ')} in ${JSON.stringify(actions)}`,
        );
      const push = feed.find((e) => e.action === 'push')!;
      assert.equal(push.target, `service ${serviceId}`);
      assert.match(push.details ?? '', /^0\.0\.1 DEPLOYED/);
      const secret = feed.find((e) => e.action === 'addSecret')!;
      assert.match(secret.details ?? '', /name: TOKEN/);
      assert.ok(!JSON.stringify(feed).includes('"x"') && !feed.some((e) => /value/.test(e.details ?? '')), 'no secret value');
      assert.ok(!feed.some((e) => e.action === 'setRatePlan'), 'a refused operation is not recorded');
    });

    it('a rotated developer key works and the old one does not', async () => {
      const info = await owner.serviceInfo(serviceId);
      const url = `${platform.url}${info.environments.find((e) => e.name === 'private')!.path}`;
      assert.equal((await call(url, devKey, '{ allPosts { id } }')).status, 200);
      const rotated = await dev.rotateDeveloperKey(serviceId);
      assert.notEqual(rotated.developerKey, devKey);
      assert.equal((await call(url, devKey, '{ allPosts { id } }')).status, 403);
      assert.equal((await call(url, rotated.developerKey, '{ allPosts { id } }')).status, 200);
      devKey = rotated.developerKey;
    });

    it('the last owner can neither leave nor be removed; removal shuts the developer out at once', async () => {
      const ownerEmail = (await owner.whoami()).account.email;
      await platformError(owner.setMemberRole(ownerEmail, 'developer'), 'CONFLICT');
      await platformError(owner.removeMember(ownerEmail), 'CONFLICT');
      await platformError(owner.leaveOrganization(), 'CONFLICT');
      assert.equal(await owner.removeMember(devEmail), devEmail);
      const shut = await platformError(dev.listServices(), 'FORBIDDEN');
      assert.match(shut.message, /not a member/);
      dev.organization = undefined;
      assert.equal((await dev.whoami()).organization.id !== ownerOrg, true, 'its own organization still works');
      assert.ok((await owner.activity()).some((e) => e.action === 'removeMember' && e.target === `email ${devEmail}`));
    });

    it('changes a password and logs out everywhere', async () => {
      const { client, email } = await platform.signup('pw');
      const second = platform.client();
      await second.login(email, PASSWORD);
      await platformError(client.changePassword('wrong password', 'a new password'), 'UNAUTHENTICATED');
      await platformError(client.changePassword(PASSWORD, 'short'), 'BAD_USER_INPUT');
      await client.changePassword(PASSWORD, 'a new password');
      await platformError(platform.client().login(email, PASSWORD), 'UNAUTHENTICATED');
      assert.equal(await client.logoutEverywhere(), 2);
      await platformError(second.whoami(), 'UNAUTHENTICATED');
      await platform.client().login(email, 'a new password');
    });

    it('every Query and Mutation field × role: refused exactly as the permission table says', async () => {
      const schema = buildSchema(platformSdl());
      const fields: Array<{ key: string; root: 'query' | 'mutation'; type: GraphQLObjectType; name: string }> = [];
      for (const [root, type] of [
        ['query', schema.getQueryType()!],
        ['mutation', schema.getMutationType()!],
      ] as const) {
        for (const name of Object.keys(type.getFields())) fields.push({ key: `${type.name}.${name}`, root, type, name });
      }
      for (const f of fields) assert.ok(PERMISSIONS[f.key], `${f.key} has no row in platform/src/api/permissions.ts`);

      // One member of each role in a fresh organization, a non-member, and a removed member.
      const boss = await platform.signup('boss');
      const org = boss.session.organization.id;
      const people: Record<string, { token: string; role?: 'owner' | 'admin' | 'developer' }> = {
        owner: { token: boss.client.token!, role: 'owner' },
      };
      for (const role of ['admin', 'developer'] as const) {
        const p = await platform.signup(role);
        await p.client.joinOrganization((await boss.client.inviteMember(p.email, role)).code);
        people[role] = { token: p.client.token!, role };
      }
      people.outsider = { token: (await platform.signup('outsider')).client.token! };
      const removed = await platform.signup('removed');
      await removed.client.joinOrganization((await boss.client.inviteMember(removed.email, 'admin')).code);
      await boss.client.removeMember(removed.email);
      people.removed = { token: removed.client.token! };

      const rank = { developer: 1, admin: 2, owner: 3 } as const;
      const checked: string[] = [];
      for (const f of fields) {
        if (SESSION_ENDING.has(f.key)) continue;
        const op = operationOf(f.root, f.type, f.name);
        const need = needOf(PERMISSIONS[f.key], op.args);
        for (const [who, person] of Object.entries(people)) {
          const { code, message } = await errorCode(platform, person.token, org, op.text);
          const label = `${f.key} as ${who} (needs ${need}): ${code ?? 'ok'} ${message ?? ''}`;
          if (need === 'public' || need === 'account') assert.notEqual(code, 'FORBIDDEN', label);
          else if (!person.role) assert.equal(code, 'FORBIDDEN', label);
          else if (rank[person.role] < rank[need]) {
            assert.equal(code, 'FORBIDDEN', label);
            assert.match(message ?? '', new RegExp(`needs the ${need} role`), label);
          } else assert.notEqual(code, 'FORBIDDEN', label);
        }
        checked.push(f.key);
      }
      assert.ok(checked.length >= fields.length - SESSION_ENDING.size);
      // The session-ending ones, by name: a non-member cannot leave; logout needs only a token.
      assert.equal((await errorCode(platform, people.outsider.token, org, 'mutation { leaveOrganization }')).code, 'FORBIDDEN');
      assert.equal((await errorCode(platform, people.developer.token, org, 'mutation { leaveOrganization }')).code, undefined);
      assert.equal((await errorCode(platform, people.removed.token, org, 'mutation { logout }')).code, undefined);
    });
  });
}
