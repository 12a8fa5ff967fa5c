// The resolvers of teams: organizations an account belongs to, members and their roles,
// invitations, the activity feed, developer key rotation and the account's own password and
// tokens. Roles are checked before these run (permissions.ts); what is checked here is what a
// role cannot say: the last owner, an admin touching an owner, an invitation's email.
import { randomBytes } from 'crypto';
import { sha256 } from '../auth/tokens';
import { ApiError, badInput, conflict } from '../errors';
import { accountById, organizationById } from '../store/accounts';
import { ownService } from '../services/own';
import { rotateDeveloperKey } from '../services/services';
import {
  acceptInvitation,
  activityOf,
  addMembership,
  insertInvitation,
  invitationByCode,
  memberByEmail,
  membersOf,
  membershipsOf,
  MembershipRow,
  ownerCount,
  pruneActivity,
  recordActivity,
  removeMembership,
  Role,
  setRole,
} from '../store/teams';
import type { ResolverMap } from './context';

const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const ACTIVITY_MAX = 500;

const member = (m: MembershipRow) => ({ email: m.email, role: m.role, joinedAt: m.created_at });

function memberNotFound(email: string, organizationName: string): ApiError {
  return new ApiError('NOT_FOUND', `${email.slice(0, 254)} is not a member of ${organizationName}. \`codestore org:members\` lists them.`, {
    email: email.slice(0, 254),
  });
}

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
      if (await memberByEmail(ctx.db, caller.organizationId, email))
        throw conflict(`${email} is a member of ${caller.organizationName} already.`);
      const code = `inv_${randomBytes(24).toString('base64url')}`;
      const row = await insertInvitation(
        ctx.db,
        caller.organizationId,
        email,
        invitedRole,
        sha256(code),
        caller.accountId,
        INVITATION_TTL_MS,
      );
      ctx.noteActivity(`role ${invitedRole}`);
      return { code, email: row.email, role: row.role, expiresAt: row.expires_at };
    },
    joinOrganization: async (_p, args: { code: string }, ctx) => {
      const account = await ctx.account();
      const code = typeof args.code === 'string' ? args.code.trim() : '';
      const invalid = () => badInput('This invitation code is not valid: ask for a new one (`codestore org:invite`).', 'code');
      if (!code || code.length > 128) throw invalid();
      return ctx.db.transaction(async (tx) => {
        const inv = await invitationByCode(tx, sha256(code));
        if (!inv) throw invalid();
        if (inv.accepted_at) throw badInput('This invitation code was used already: ask for a new one.', 'code');
        if (inv.expired) throw badInput('This invitation code expired (they are valid 7 days): ask for a new one.', 'code');
        if (inv.email !== account.email)
          throw badInput(
            `This invitation is for ${inv.email}; you are logged in as ${account.email}. Log in as ${inv.email} to join.`,
            'code',
          );
        const org = await organizationById(tx, inv.organization_id);
        if (!org) throw invalid();
        if (!(await addMembership(tx, org.id, account.accountId, inv.role))) throw conflict(`You are a member of ${org.name} already.`);
        await acceptInvitation(tx, inv.id);
        await recordActivity(tx, {
          organizationId: org.id,
          actorEmail: account.email,
          action: 'joinOrganization',
          target: `email ${account.email}`,
          details: `role ${inv.role}`,
        });
        return {
          organization: { id: org.id, name: org.name, createdAt: org.created_at },
          role: inv.role,
          joinedAt: new Date(),
          own: false,
        };
      });
    },
    setMemberRole: async (_p, args: { email: string; role: string }, ctx) => {
      const caller = await ctx.caller();
      const next = role(args.role, true);
      return ctx.db.transaction(async (tx) => {
        const target = await memberByEmail(tx, caller.organizationId, String(args.email).trim().toLowerCase());
        if (!target) throw memberNotFound(String(args.email), caller.organizationName);
        if (target.role === 'owner' && next !== 'owner' && (await ownerCount(tx, caller.organizationId)) <= 1) {
          throw conflict(`${target.email} is the last owner of ${caller.organizationName}: make another member an owner first.`);
        }
        ctx.noteActivity(`${target.role} → ${next}`);
        await setRole(tx, caller.organizationId, target.account_id, next);
        return member({ ...target, role: next });
      });
    },
    removeMember: async (_p, args: { email: string }, ctx) => {
      const caller = await ctx.caller();
      return ctx.db.transaction(async (tx) => {
        const target = await memberByEmail(tx, caller.organizationId, String(args.email).trim().toLowerCase());
        if (!target) throw memberNotFound(String(args.email), caller.organizationName);
        if (target.role === 'owner' && caller.role !== 'owner') {
          throw new ApiError('FORBIDDEN', `${target.email} is an owner of ${caller.organizationName}: only an owner can remove an owner.`, {
            need: 'owner',
            role: caller.role,
          });
        }
        if (target.role === 'owner' && (await ownerCount(tx, caller.organizationId)) <= 1)
          throw conflict(`${target.email} is the last owner of ${caller.organizationName}: it cannot be removed.`);
        const account = await accountById(tx, target.account_id);
        if (account?.organization_id === caller.organizationId)
          throw conflict(
            `${caller.organizationName} is ${target.email}'s own organization (the one it signed up with): it cannot be removed from it.`,
          );
        await removeMembership(tx, caller.organizationId, target.account_id);
        return target.email;
      });
    },
    leaveOrganization: async (_p, _a, ctx) => {
      const caller = await ctx.caller();
      if (caller.organizationId === caller.ownOrganizationId)
        throw conflict(`${caller.organizationName} is your own organization (the one you signed up with): you cannot leave it.`);
      return ctx.db.transaction(async (tx) => {
        if (caller.role === 'owner' && (await ownerCount(tx, caller.organizationId)) <= 1)
          throw conflict(`You are the last owner of ${caller.organizationName}: make another member an owner first.`);
        await removeMembership(tx, caller.organizationId, caller.accountId);
        return caller.organizationId;
      });
    },
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
