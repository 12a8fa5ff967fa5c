// Organizations, accounts and bearer tokens in the store.
import { Queryable } from './db';
import { newId } from './ids';

export interface OrganizationRow {
  id: string;
  name: string;
  created_at: Date;
}
export interface AccountRow {
  id: string;
  organization_id: string;
  email: string;
  password_hash: string;
  created_at: Date;
}
export interface TokenRow {
  id: string;
  account_id: string;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

export async function insertOrganization(q: Queryable, name: string): Promise<OrganizationRow> {
  const [row] = await q.query<OrganizationRow>('INSERT INTO organizations (id, name) VALUES ($1, $2) RETURNING *', [newId('org'), name]);
  return row;
}

/** The new account, or undefined when the email is taken. */
export async function insertAccount(
  q: Queryable,
  organizationId: string,
  email: string,
  passwordHash: string,
): Promise<AccountRow | undefined> {
  const rows = await q.query<AccountRow>(
    'INSERT INTO accounts (id, organization_id, email, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING RETURNING *',
    [newId('acc'), organizationId, email, passwordHash],
  );
  return rows[0];
}

export async function accountByEmail(q: Queryable, email: string): Promise<AccountRow | undefined> {
  return (await q.query<AccountRow>('SELECT * FROM accounts WHERE email = $1', [email]))[0];
}

export async function accountById(q: Queryable, id: string): Promise<AccountRow | undefined> {
  return (await q.query<AccountRow>('SELECT * FROM accounts WHERE id = $1', [id]))[0];
}

export async function organizationById(q: Queryable, id: string): Promise<OrganizationRow | undefined> {
  return (await q.query<OrganizationRow>('SELECT * FROM organizations WHERE id = $1', [id]))[0];
}

export async function insertToken(q: Queryable, accountId: string, sha256: string, ttlMs: number): Promise<TokenRow> {
  const [row] = await q.query<TokenRow>(
    "INSERT INTO tokens (id, account_id, token_sha256, expires_at) VALUES ($1, $2, $3, now() + $4 * interval '1 millisecond') RETURNING *",
    [newId('tok'), accountId, sha256, ttlMs],
  );
  return row;
}

export interface TokenWithAccount extends TokenRow {
  email: string;
  organization_id: string;
  expired: boolean;
}

export async function tokenBySha256(q: Queryable, sha256: string): Promise<TokenWithAccount | undefined> {
  const rows = await q.query<TokenWithAccount>(
    `SELECT t.*, a.email, a.organization_id, t.expires_at <= now() AS expired
       FROM tokens t JOIN accounts a ON a.id = t.account_id
      WHERE t.token_sha256 = $1`,
    [sha256],
  );
  return rows[0];
}

/** Marks a token used and slides its expiry, at most once per `everyMs` (a write per request is waste). */
export async function touchToken(q: Queryable, id: string, ttlMs: number, everyMs: number): Promise<void> {
  await q.query(
    `UPDATE tokens SET last_used_at = now(), expires_at = now() + $2 * interval '1 millisecond'
      WHERE id = $1 AND last_used_at < now() - $3 * interval '1 millisecond'`,
    [id, ttlMs, everyMs],
  );
}

export async function revokeToken(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [id]);
}

/** How many organizations the platform has. */
export async function organizationCount(q: Queryable): Promise<number> {
  const [{ n }] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM organizations');
  return n;
}
