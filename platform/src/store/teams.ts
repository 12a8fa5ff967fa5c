// Organizations as teams: who is a member with which role, invitations by one-time code, and the
// activity feed of who did what. An account belongs to the organization it signed up with (as its
// owner) and to those it joined.
import { Queryable } from './db';
import { newId } from './ids';

export const ROLES = ['owner', 'admin', 'developer'] as const;
export type Role = (typeof ROLES)[number];

export interface MembershipRow {
  organization_id: string;
  organization_name: string;
  account_id: string;
  email: string;
  role: Role;
  created_at: Date;
}
export interface InvitationRow {
  id: string;
  organization_id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
}
export interface ActivityRow {
  id: string;
  organization_id: string;
  at: Date;
  actor_email: string;
  action: string;
  target: string | null;
  details: string | null;
}

const MEMBERSHIP_SELECT = `SELECT m.organization_id, o.name AS organization_name, m.account_id, a.email, m.role, m.created_at
                             FROM memberships m JOIN organizations o ON o.id = m.organization_id JOIN accounts a ON a.id = m.account_id`;

export async function membership(q: Queryable, organizationId: string, accountId: string): Promise<MembershipRow | undefined> {
  return (
    await q.query<MembershipRow>(`${MEMBERSHIP_SELECT} WHERE m.organization_id = $1 AND m.account_id = $2`, [organizationId, accountId])
  )[0];
}

/** The organizations an account belongs to: its own first, then by when it joined. */
export async function membershipsOf(q: Queryable, accountId: string): Promise<MembershipRow[]> {
  return q.query<MembershipRow>(
    `${MEMBERSHIP_SELECT} WHERE m.account_id = $1 ORDER BY (o.id = a.organization_id) DESC, m.created_at, o.id`,
    [accountId],
  );
}

export async function membersOf(q: Queryable, organizationId: string): Promise<MembershipRow[]> {
  return q.query<MembershipRow>(`${MEMBERSHIP_SELECT} WHERE m.organization_id = $1 ORDER BY m.created_at, a.email`, [organizationId]);
}

export async function memberByEmail(q: Queryable, organizationId: string, email: string): Promise<MembershipRow | undefined> {
  return (await q.query<MembershipRow>(`${MEMBERSHIP_SELECT} WHERE m.organization_id = $1 AND a.email = $2`, [organizationId, email]))[0];
}

export async function addMembership(q: Queryable, organizationId: string, accountId: string, role: Role): Promise<boolean> {
  return (
    (
      await q.query(
        'INSERT INTO memberships (organization_id, account_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING account_id',
        [organizationId, accountId, role],
      )
    ).length > 0
  );
}

export async function setRole(q: Queryable, organizationId: string, accountId: string, role: Role): Promise<void> {
  await q.query('UPDATE memberships SET role = $3 WHERE organization_id = $1 AND account_id = $2', [organizationId, accountId, role]);
}

export async function removeMembership(q: Queryable, organizationId: string, accountId: string): Promise<void> {
  await q.query('DELETE FROM memberships WHERE organization_id = $1 AND account_id = $2', [organizationId, accountId]);
}

/** Owners of the organization, locked for the transaction (so two removals cannot take the last two). */
export async function ownerCount(q: Queryable, organizationId: string): Promise<number> {
  const rows = await q.query<{ account_id: string }>(
    `SELECT account_id FROM memberships WHERE organization_id = $1 AND role = 'owner' FOR UPDATE`,
    [organizationId],
  );
  return rows.length;
}

export async function insertInvitation(
  q: Queryable,
  organizationId: string,
  email: string,
  role: Role,
  codeSha256: string,
  invitedBy: string,
  ttlMs: number,
): Promise<InvitationRow> {
  const [row] = await q.query<InvitationRow>(
    `INSERT INTO invitations (id, organization_id, email, role, code_sha256, invited_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 millisecond')
     RETURNING id, organization_id, email, role, invited_by, created_at, expires_at, accepted_at`,
    [newId('inv'), organizationId, email, role, codeSha256, invitedBy, ttlMs],
  );
  return row;
}

/** The invitation of a code, locked, with whether it expired. */
export async function invitationByCode(q: Queryable, codeSha256: string): Promise<(InvitationRow & { expired: boolean }) | undefined> {
  return (
    await q.query<InvitationRow & { expired: boolean }>(
      `SELECT id, organization_id, email, role, invited_by, created_at, expires_at, accepted_at, expires_at <= now() AS expired
       FROM invitations WHERE code_sha256 = $1 FOR UPDATE`,
      [codeSha256],
    )
  )[0];
}

export async function acceptInvitation(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE invitations SET accepted_at = now() WHERE id = $1', [id]);
}

export async function recordActivity(
  q: Queryable,
  entry: { organizationId: string; actorEmail: string; action: string; target?: string | null; details?: string | null },
): Promise<void> {
  await q.query('INSERT INTO activity (organization_id, actor_email, action, target, details) VALUES ($1, $2, $3, $4, $5)', [
    entry.organizationId,
    entry.actorEmail,
    entry.action,
    entry.target ?? null,
    entry.details ?? null,
  ]);
}

/** The newest entries first; older than the retention window are pruned on the way. */
export async function activityOf(q: Queryable, organizationId: string, limit: number): Promise<ActivityRow[]> {
  return q.query<ActivityRow>(
    'SELECT id::text AS id, organization_id, at, actor_email, action, target, details FROM activity WHERE organization_id = $1 ORDER BY id DESC LIMIT $2',
    [organizationId, limit],
  );
}

/** Keeps a year of activity (at least the 90 days promised). */
export async function pruneActivity(q: Queryable): Promise<void> {
  await q.query(`DELETE FROM activity WHERE at < now() - interval '365 days'`);
}

export async function revokeAllTokens(q: Queryable, accountId: string): Promise<number> {
  return (await q.query('UPDATE tokens SET revoked_at = now() WHERE account_id = $1 AND revoked_at IS NULL RETURNING id', [accountId]))
    .length;
}

export async function setPasswordHash(q: Queryable, accountId: string, hash: string): Promise<void> {
  await q.query('UPDATE accounts SET password_hash = $2 WHERE id = $1', [accountId, hash]);
}

export interface TokenMembership {
  id: string;
  account_id: string;
  email: string;
  organization_id: string;
  revoked_at: Date | null;
  expired: boolean;
  /** The membership in the organization asked for (the account's own by default); null when none. */
  member_organization_id: string | null;
  member_organization_name: string | null;
  role: Role | null;
}

/** A token with its account and the account's membership in `organizationId` (its own when null), in one query. */
export async function tokenWithMembership(
  q: Queryable,
  sha256: string,
  organizationId: string | null,
): Promise<TokenMembership | undefined> {
  return (
    await q.query<TokenMembership>(
      `SELECT t.id, t.account_id, a.email, a.organization_id, t.revoked_at, t.expires_at <= now() AS expired,
            m.organization_id AS member_organization_id, o.name AS member_organization_name, m.role
       FROM tokens t JOIN accounts a ON a.id = t.account_id
       LEFT JOIN memberships m ON m.account_id = a.id AND m.organization_id = COALESCE($2, a.organization_id)
       LEFT JOIN organizations o ON o.id = m.organization_id
      WHERE t.token_sha256 = $1`,
      [sha256, organizationId],
    )
  )[0];
}
