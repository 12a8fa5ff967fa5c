// The resolvers of teams: organizations an account belongs to, members and their roles,
// invitations, the activity feed, developer key rotation and the account's own password and
// tokens. Roles are checked before these run (permissions.ts); what a role cannot say (the last
// owner, an admin touching an owner, an invitation's email) is services/teams.ts's.
import { badInput } from '../errors';
import { ownService } from '../services/own';
import { rotateDeveloperKey } from '../services/services';
import { inviteMember, joinOrganization, leaveOrganization, removeMember, setMemberRole } from '../services/teams';
import { activityOf, membersOf, membershipsOf, MembershipRow, pruneActivity, Role } from '../store/teams';
import type { ResolverMap } from './context';

const ACTIVITY_MAX = 500;

const member = (m: MembershipRow) => ({ email: m.email, role: m.role, joinedAt: m.created_at });

const memberEmail = (input: unknown) => String(input).trim().toLowerCase();

function role(input: string, allowOwner: boolean): Role {
  const allowed: Role[] = allowOwner ? ['owner', 'admin', 'developer'] : ['admin', 'developer'];
  if (!allowed.includes(input as Role)) throw badInput(`The role is one of ${allowed.join(', ')}; not ${input}.`, 'role');
  return input as Role;
}

export const teamResolvers: ResolverMap = {
  Query: {
    organizations: async (_p, _a, ctx) => {
      const account = await ctx.account();
      return (await membershipsOf(ctx.db, account.accountId)).map((m) => ({
        organization: { id: m.organization_id, name: m.organization_name, createdAt: m.created_at },
        role: m.role,
        joinedAt: m.created_at,
        own: m.organization_id === account.ownOrganizationId,
      }));
    },
    members: async (_p, _a, ctx) => (await membersOf(ctx.db, (await ctx.caller()).organizationId)).map(member),
    activity: async (_p, args: { limit?: number | null }, ctx) => {
      const limit = args.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > ACTIVITY_MAX) throw badInput(`limit is 1 to ${ACTIVITY_MAX}.`, 'limit');
      const caller = await ctx.caller();
      void pruneActivity(ctx.db).catch(() => undefined);
      return (await activityOf(ctx.db, caller.organizationId, limit)).map((a) => ({
        id: a.id,
        at: a.at,
        actor: a.actor_email,
        action: a.action,
        target: a.target,
        details: a.details,
      }));
    },
  },
  Mutation: {
    inviteMember: async (_p, args: { email: string; role?: string | null }, ctx) => {
      const caller = await ctx.caller();
      const email = (typeof args.email === 'string' ? args.email : '').trim().toLowerCase();
      if (!/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/.test(email) || email.length > 254)
        throw badInput(`"${String(args.email).slice(0, 80)}" is not an email address.`, 'email');
      const invitedRole = role(args.role ?? 'developer', false);
      const { code, invitation } = await inviteMember(ctx.parts, caller, email, invitedRole);
      ctx.noteActivity(`role ${invitedRole}`);
      return { code, email: invitation.email, role: invitation.role, expiresAt: invitation.expires_at };
    },
    joinOrganization: async (_p, args: { code: string }, ctx) => {
      const joined = await joinOrganization(ctx.parts, await ctx.account(), typeof args.code === 'string' ? args.code.trim() : '');
      const org = joined.organization;
      return {
        organization: { id: org.id, name: org.name, createdAt: org.created_at },
        role: joined.role,
        joinedAt: new Date(),
        own: false,
      };
    },
    setMemberRole: async (_p, args: { email: string; role: string }, ctx) => {
      const caller = await ctx.caller();
      const next = role(args.role, true);
      const changed = await setMemberRole(ctx.parts, caller, memberEmail(args.email), next);
      ctx.noteActivity(`${changed.previous} → ${next}`);
      return member(changed.member);
    },
    removeMember: async (_p, args: { email: string }, ctx) => removeMember(ctx.parts, await ctx.caller(), memberEmail(args.email)),
    leaveOrganization: async (_p, _a, ctx) => leaveOrganization(ctx.parts, await ctx.caller()),
    rotateDeveloperKey: async (_p, args: { serviceId: string }, ctx) => {
      const row = await ownService(ctx, args.serviceId);
      const key = await rotateDeveloperKey(ctx.parts, row);
      return { developerKey: key, service: { id: row.id, name: row.name, createdAt: row.created_at } };
    },
    changePassword: async (_p, args: { currentPassword: string; newPassword: string }, ctx) => {
      await ctx.auth.changePassword(await ctx.account(), args.currentPassword, args.newPassword);
      return true;
    },
    logoutEverywhere: async (_p, _a, ctx) => ctx.auth.logoutEverywhere(await ctx.account()),
  },
  Viewer: {
    role: async (_p, _a, ctx) => (await ctx.caller()).role,
  },
};
