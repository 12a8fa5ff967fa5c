// Members of an organization: invitations (one-time codes, only their sha256 kept), joining, roles
// and removal, with what a role alone cannot say: the last owner stays, only an owner touches an
// owner, nobody leaves the organization it signed up with. Roles are checked before these run
// (api/permissions.ts); the caller's organization is the one the request acts in.
import { randomBytes } from 'crypto';
import type { AccountCaller, Caller } from '../auth/auth';
import { sha256 } from '../auth/tokens';
import { ApiError, badInput, conflict } from '../errors';
import type { ServiceParts } from '../parts';
import { accountById, organizationById, OrganizationRow } from '../store/accounts';
import {
  acceptInvitation,
  addMembership,
  insertInvitation,
  InvitationRow,
  invitationByCode,
  memberByEmail,
  MembershipRow,
  ownerCount,
  recordActivity,
  removeMembership,
  Role,
  setRole,
} from '../store/teams';

const INVITATION_TTL_MS = 7 * 24 * 3600_000;

function memberNotFound(email: string, organizationName: string): ApiError {
  return new ApiError('NOT_FOUND', `${email.slice(0, 254)} is not a member of ${organizationName}. \`codestore org:members\` lists them.`, {
    email: email.slice(0, 254),
  });
}

/** An invitation for `email` (normalized) with `role`; its code is shown this once. */
export async function inviteMember(
  parts: Pick<ServiceParts, 'db'>,
  caller: Caller,
  email: string,
  role: Role,
): Promise<{ code: string; invitation: InvitationRow }> {
  if (await memberByEmail(parts.db, caller.organizationId, email))
    throw conflict(`${email} is a member of ${caller.organizationName} already.`);
  const code = `inv_${randomBytes(24).toString('base64url')}`;
  const invitation = await insertInvitation(
    parts.db,
    caller.organizationId,
    email,
    role,
    sha256(code),
    caller.accountId,
    INVITATION_TTL_MS,
  );
  return { code, invitation };
}

/** The account joins the organization of an invitation for its email (recorded in that organization's feed). */
export async function joinOrganization(
  parts: Pick<ServiceParts, 'db'>,
  account: AccountCaller,
  code: string,
): Promise<{ organization: OrganizationRow; role: Role }> {
  const invalid = () => badInput('This invitation code is not valid: ask for a new one (`codestore org:invite`).', 'code');
  if (!code || code.length > 128) throw invalid();
  return parts.db.transaction(async (tx) => {
    const inv = await invitationByCode(tx, sha256(code));
    if (!inv) throw invalid();
    if (inv.accepted_at) throw badInput('This invitation code was used already: ask for a new one.', 'code');
    if (inv.expired) throw badInput('This invitation code expired (they are valid 7 days): ask for a new one.', 'code');
    if (inv.email !== account.email)
      throw badInput(`This invitation is for ${inv.email}; you are logged in as ${account.email}. Log in as ${inv.email} to join.`, 'code');
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
    return { organization: org, role: inv.role };
  });
}

/** Gives a member another role; the last owner keeps it. Answers the member as it is now and the role it had. */
export async function setMemberRole(
  parts: Pick<ServiceParts, 'db'>,
  caller: Caller,
  email: string,
  next: Role,
): Promise<{ member: MembershipRow; previous: Role }> {
  return parts.db.transaction(async (tx) => {
    const target = await memberByEmail(tx, caller.organizationId, email);
    if (!target) throw memberNotFound(email, caller.organizationName);
    if (target.role === 'owner' && next !== 'owner' && (await ownerCount(tx, caller.organizationId)) <= 1) {
      throw conflict(`${target.email} is the last owner of ${caller.organizationName}: make another member an owner first.`);
    }
    await setRole(tx, caller.organizationId, target.account_id, next);
    return { member: { ...target, role: next }, previous: target.role };
  });
}

/** Removes a member (its tokens are shut out of the organization at once). */
export async function removeMember(parts: Pick<ServiceParts, 'db'>, caller: Caller, email: string): Promise<string> {
  return parts.db.transaction(async (tx) => {
    const target = await memberByEmail(tx, caller.organizationId, email);
    if (!target) throw memberNotFound(email, caller.organizationName);
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
}

/** The caller leaves the organization the request acts in. */
export async function leaveOrganization(parts: Pick<ServiceParts, 'db'>, caller: Caller): Promise<string> {
  if (caller.organizationId === caller.ownOrganizationId)
    throw conflict(`${caller.organizationName} is your own organization (the one you signed up with): you cannot leave it.`);
  return parts.db.transaction(async (tx) => {
    if (caller.role === 'owner' && (await ownerCount(tx, caller.organizationId)) <= 1)
      throw conflict(`You are the last owner of ${caller.organizationName}: make another member an owner first.`);
    await removeMembership(tx, caller.organizationId, caller.accountId);
    return caller.organizationId;
  });
}
