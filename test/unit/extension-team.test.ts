// The current organization as a team in the extension: the Members and Activity trees and the status
// bar built from the team state (client/src/views/teamNodes.ts), and what the team model reads and
// when (client/src/team.ts), against a fake client: the organization and role always, members and
// activity only while wanted, nothing of an organization left after switching away from it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlatformClient } from '../../apiclient/src/client';
import { PlatformError } from '../../apiclient/src/errors';
import type { ActivityEntry, Invitation, Member, MemberRole } from '../../apiclient/src/types';
import {
  ACTIVITY_MAX,
  ACTIVITY_PAGE,
  canChangeRoles,
  canManageMembers,
  nextActivityLimit,
  openInvitations,
  otherRoles,
  TeamModel,
  TeamState,
} from '../../client/src/team';
import {
  activityNodes,
  describeActivity,
  memberNodes,
  organizationDescription,
  organizationStatus,
  TEAM_CONTEXT,
} from '../../client/src/views/teamNodes';

const NOW = new Date('2026-12-04T12:00:00.000Z');
const member = (email: string, role: MemberRole, joinedAt = '2026-11-01T09:30:00.000Z'): Member => ({ email, role, joinedAt });
const invitation = (email: string, expiresAt = '2026-12-11T12:00:00.000Z'): Invitation => ({
  code: `inv_${email}`,
  email,
  role: 'developer',
  expiresAt,
});
const entry = (id: string, action: string, target: string | null, details: string | null = null): ActivityEntry => ({
  id,
  at: '2026-12-04T11:59:00.000Z',
  actor: 'ada@example.com',
  action,
  target,
  details,
});
const ACME = { id: 'org_acme', name: 'Acme', createdAt: '2026-01-01T00:00:00.000Z' };
const OWN = { id: 'org_own', name: 'ada', createdAt: '2026-01-01T00:00:00.000Z' };

describe('extension: Members tree', () => {
  const members = [member('zed@example.com', 'developer'), member('ada@example.com', 'owner'), member('bob@example.com', 'admin')];

  it('lists owners first, each with its role; the caller is marked and has no actions', () => {
    const nodes = memberNodes({ members, invitations: [], email: 'ADA@example.com', role: 'owner' }, NOW);
    assert.deepEqual(
      nodes.map((n) => [n.label, n.description, n.contextValue, n.icon?.id]),
      [
        ['ada@example.com', 'owner · you', TEAM_CONTEXT.self, 'star-full'],
        ['bob@example.com', 'admin · joined 2026-11-01', 'member:admin', 'shield'],
        ['zed@example.com', 'developer · joined 2026-11-01', 'member:developer', 'person'],
      ],
    );
    assert.deepEqual(nodes[1].ref, { kind: 'member', email: 'bob@example.com', role: 'admin' });
    assert.equal(nodes[1].id, 'member/bob@example.com');
    assert.match(nodes[2].tooltip!, /zed@example\.com: developer, member since 2026-11-01 09:30 UTC/);
  });

  it('keeps an invitation made here, with its code for the Copy action, until its email joins or it expires', () => {
    const pending = [
      invitation('new@example.com'),
      invitation('zed@example.com'),
      invitation('old@example.com', '2026-12-01T00:00:00.000Z'),
    ];
    const nodes = memberNodes({ members, invitations: pending, email: 'ada@example.com', role: 'admin' }, NOW);
    const invited = nodes.filter((n) => n.contextValue === TEAM_CONTEXT.invitation);
    assert.deepEqual(
      invited.map((n) => n.label),
      ['new@example.com'],
    );
    assert.equal(invited[0].description, 'invited as developer · until 2026-12-11 12:00');
    assert.deepEqual(invited[0].ref, { kind: 'invitation', email: 'new@example.com', role: 'developer', code: 'inv_new@example.com' });
    assert.doesNotMatch(invited[0].tooltip!, /inv_/, 'the code is copied, not shown in a tooltip');
    assert.deepEqual(
      openInvitations(pending, members, NOW).map((i) => i.email),
      ['new@example.com'],
    );
  });

  it('tells a developer who can change the members', () => {
    const nodes = memberNodes({ members, invitations: [], email: 'zed@example.com', role: 'developer' }, NOW);
    assert.equal(nodes.at(-1)!.label, 'You are a developer: an owner or an admin invites and removes members');
    assert.equal(nodes.at(-1)!.contextValue, 'message');
    const asAdmin = memberNodes({ members, invitations: [], email: 'bob@example.com', role: 'admin' }, NOW);
    assert.equal(
      asAdmin.some((n) => n.contextValue === 'message'),
      false,
    );
  });

  it('says which roles manage members and change roles', () => {
    assert.deepEqual(
      (['owner', 'admin', 'developer', undefined] as const).map((r) => [canManageMembers(r), canChangeRoles(r)]),
      [
        [true, true],
        [true, false],
        [false, false],
        [false, false],
      ],
    );
    assert.deepEqual(otherRoles('admin'), ['owner', 'developer']);
  });
});

describe('extension: Activity tree', () => {
  it('says who did what to what, and when, newest first as given', () => {
    const nodes = activityNodes(
      [
        entry('3', 'push', 'service blog-k3x9q2', '0.0.2 DEPLOYED'),
        entry('2', 'inviteMember', 'email bob@example.com', 'role: admin'),
        entry('1', 'someFutureThing', null),
      ],
      ACTIVITY_PAGE,
    );
    assert.deepEqual(
      nodes.map((n) => [n.label, n.description, n.icon?.id]),
      [
        ['pushed service blog-k3x9q2', 'ada@example.com · 2026-12-04 11:59 · 0.0.2 DEPLOYED', 'cloud-upload'],
        ['invited bob@example.com', 'ada@example.com · 2026-12-04 11:59 · role: admin', 'person-add'],
        ['some future thing', 'ada@example.com · 2026-12-04 11:59', 'circle-small'],
      ],
    );
    assert.equal(nodes[0].id, 'activity/3');
    assert.equal(nodes[0].contextValue, TEAM_CONTEXT.activity);
    assert.equal(
      describeActivity(entry('4', 'addServiceToProject', 'project shop-a1, service blog-b2')).label,
      'added to a project: project shop-a1, service blog-b2',
    );
    assert.match(
      describeActivity(entry('5', 'push', 'service x', 'why')).tooltip,
      /^ada@example\.com pushed service x\nat 2026-12-04 11:59 UTC \(push\)\nwhy$/,
    );
  });

  it("offers more while the page is full, up to the platform's most", () => {
    const full = Array.from({ length: ACTIVITY_PAGE }, (_, n) => entry(String(n), 'push', 'service s'));
    const more = activityNodes(full, ACTIVITY_PAGE).at(-1)!;
    assert.equal(more.label, 'Showing the latest 50: show more');
    assert.equal(more.command?.command, 'codestore.showMoreActivity');
    assert.equal(activityNodes(full.slice(1), ACTIVITY_PAGE).length, ACTIVITY_PAGE - 1, 'a page not full has no "more" row');
    assert.deepEqual([nextActivityLimit(50), nextActivityLimit(200), nextActivityLimit(500)], [200, 500, 500]);
    const all = Array.from({ length: ACTIVITY_MAX }, (_, n) => entry(String(n), 'push', 'service s'));
    assert.equal(activityNodes(all, ACTIVITY_MAX).at(-1)!.command, undefined);
  });
});

describe('extension: the current organization', () => {
  it('is named in the status bar (a click switches it) and the views', () => {
    assert.equal(organizationStatus({}), undefined);
    const status = organizationStatus({ organization: ACME, role: 'admin' })!;
    assert.equal(status.text, '$(organization) Acme');
    assert.match(status.tooltip, /act in Acme \(org_acme\), where you are an admin\.\nClick to switch organization\./);
    assert.match(organizationStatus({ organization: ACME, role: 'developer', error: 'down' })!.tooltip, /Last read failed: down/);
    const gone = organizationStatus({ notAMember: true, error: 'You are not a member of the organization "org_x"' })!;
    assert.equal(gone.text, '$(warning) No organization');
    assert.match(gone.tooltip, /not a member of the organization "org_x"\nClick to switch organization\./);
    assert.equal(organizationDescription({ organization: ACME, role: 'developer' }), 'Acme · developer');
    assert.equal(organizationDescription({}), undefined);
  });
});

/** A fake client whose organization is the one `switchTo` last chose, as the session's header would say. */
function fakeTeamClient() {
  const calls: string[] = [];
  let organization = OWN;
  let fail: PlatformError | undefined;
  let gate: Promise<void> | undefined;
  const members: Record<string, Member[]> = {
    org_own: [member('ada@example.com', 'owner')],
    org_acme: [member('boss@example.com', 'owner'), member('ada@example.com', 'developer')],
  };
  const client = {
    token: 'tok',
    whoami: async () => {
      const org = organization;
      calls.push(`whoami ${org.id}`);
      await gate;
      if (fail) throw fail;
      return {
        account: { id: 'a', email: 'ada@example.com', createdAt: '' },
        organization: org,
        role: org === OWN ? 'owner' : 'developer',
      };
    },
    members: async () => {
      const org = organization;
      calls.push(`members ${org.id}`);
      await gate;
      return members[org.id];
    },
    activity: async (limit: number) => {
      const org = organization;
      calls.push(`activity ${org.id} ${limit}`);
      await gate;
      return [entry(`${org.id}-1`, 'push', `service of ${org.name}`)];
    },
  };
  return {
    client: client as unknown as PlatformClient,
    calls,
    switchTo: (org: typeof OWN) => (organization = org),
    failWith: (e: PlatformError | undefined) => (fail = e),
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = undefined;
        release();
      };
    },
  };
}

/** The state as it is now (a function, so an assertion does not narrow it for later reads). */
const now = (team: TeamModel): TeamState => team.state;

describe('extension: the team model', () => {
  it('reads the organization and role always, members and activity only while their views show', async () => {
    const fake = fakeTeamClient();
    const team = new TeamModel({ client: async () => fake.client });
    await team.refresh();
    assert.deepEqual(fake.calls, ['whoami org_own']);
    assert.equal(now(team).organization?.name, 'ada');
    assert.equal(now(team).role, 'owner');
    assert.equal(now(team).members, undefined);
    // Wanting them reads them.
    team.wantMembers = true;
    await team.refresh();
    assert.ok(fake.calls.includes('members org_own'));
    assert.ok(!fake.calls.some((c) => c.startsWith('activity')));
    assert.deepEqual(
      now(team).members?.map((m) => m.email),
      ['ada@example.com'],
    );
    team.wantActivity = true;
    await team.refresh();
    assert.ok(fake.calls.includes(`activity org_own ${ACTIVITY_PAGE}`));
    await team.showMoreActivity();
    assert.ok(fake.calls.includes('activity org_own 200'));
    assert.equal(now(team).activityLimit, 200);
    team.dispose();
  });

  it('after a switch shows nothing of the old organization, even from a load that was under way', async () => {
    const fake = fakeTeamClient();
    const team = new TeamModel({ client: async () => fake.client });
    team.wantMembers = true;
    team.wantActivity = true;
    await team.refresh();
    assert.equal(now(team).activity?.[0].target, 'service of ada');
    const seen: (string | undefined)[] = [];
    team.onDidChange((s) => seen.push(s.organization?.name));
    // A load starts in the old organization, then the user switches.
    const release = fake.hold();
    const stale = team.refresh();
    await new Promise((r) => setTimeout(r, 5));
    fake.switchTo(ACME);
    const switched = team.reset();
    assert.equal(now(team).organization, undefined, 'cleared at once');
    assert.equal(now(team).members, undefined);
    release();
    await Promise.all([stale, switched]);
    assert.equal(now(team).organization?.name, 'Acme');
    assert.equal(now(team).role, 'developer');
    assert.deepEqual(
      now(team).members?.map((m) => m.email),
      ['boss@example.com', 'ada@example.com'],
    );
    assert.equal(now(team).activity?.[0].target, 'service of Acme');
    assert.deepEqual(seen, [undefined, 'Acme'], 'the old organization was never shown again');
    team.dispose();
  });

  it('keeps the invitations made here per organization', async () => {
    const fake = fakeTeamClient();
    const team = new TeamModel({ client: async () => fake.client });
    team.wantMembers = true;
    await team.refresh();
    team.addInvitation(invitation('new@example.com', '2999-01-01T00:00:00.000Z'));
    assert.deepEqual(
      now(team).invitations.map((i) => i.email),
      ['new@example.com'],
    );
    fake.switchTo(ACME);
    await team.reset();
    assert.deepEqual(now(team).invitations, [], 'not shown in another organization');
    fake.switchTo(OWN);
    await team.reset();
    assert.deepEqual(
      now(team).invitations.map((i) => i.email),
      ['new@example.com'],
      'back again',
    );
    team.dispose();
  });

  it('forgets everything when the token is refused, keeps what it showed on other failures', async () => {
    const fake = fakeTeamClient();
    const team = new TeamModel({ client: async () => fake.client });
    await team.refresh();
    fake.failWith(new PlatformError('FORBIDDEN', 'members needs the developer role', { url: 'http://x' }));
    await team.refresh();
    assert.equal(now(team).organization?.name, 'ada');
    assert.equal(now(team).error, 'members needs the developer role');
    fake.failWith(new PlatformError('FORBIDDEN', 'You are not a member', { url: 'http://x', reason: 'NOT_A_MEMBER' }));
    await team.refresh();
    assert.equal(now(team).organization, undefined, 'removed from it: nothing of it stays');
    assert.equal(now(team).notAMember, true);
    fake.failWith(new PlatformError('UNAUTHENTICATED', 'log in again', { url: 'http://x' }));
    await team.refresh();
    assert.equal(now(team).organization, undefined);
    assert.equal(now(team).error, 'log in again');
    team.dispose();
  });

  it('reads nothing without a token', async () => {
    const fake = fakeTeamClient();
    (fake.client as { token?: string }).token = undefined;
    const team = new TeamModel({ client: async () => fake.client });
    team.wantMembers = true;
    await team.refresh();
    assert.deepEqual(fake.calls, []);
    assert.equal(now(team).organization, undefined);
    team.dispose();
  });
});
