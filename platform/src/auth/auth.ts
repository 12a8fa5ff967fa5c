// Accounts and sessions: sign up, log in, log out, and who a bearer token belongs to.
import { ApiError, badInput, conflict } from '../errors';
import * as accounts from '../store/accounts';
import { Db } from '../store/db';
import { burnVerification, hashPassword, verifyPassword } from './passwords';
import { newBearerToken, sha256 } from './tokens';
import { LoginThrottle, ThrottleOptions } from './throttle';

/** Who is calling: resolved from the bearer token of a request. */
export interface Caller {
  readonly accountId: string;
  readonly email: string;
  readonly organizationId: string;
  readonly tokenId: string;
}

export interface Session {
  /** The bearer token, in clear this once; the store keeps its sha256. */
  token: string;
  account: accounts.AccountRow;
  organization: accounts.OrganizationRow;
}

/** Why a request is not authenticated, for clients that word their own advice. */
export type UnauthenticatedReason = 'TOKEN_MISSING' | 'TOKEN_MALFORMED' | 'TOKEN_INVALID' | 'TOKEN_REVOKED' | 'TOKEN_EXPIRED' | 'WRONG_CREDENTIALS';

function unauthenticated(reason: UnauthenticatedReason, message: string): ApiError {
  return new ApiError('UNAUTHENTICATED', message, { reason });
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
const EMAIL_MAX = 254;
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*$/;

export interface AuthOptions {
  /** A token expires after this long without use. */
  tokenTtlMs?: number;
  /** How failed logins and sign-ups are slowed down (and its clock). */
  throttle?: ThrottleOptions;
  /** Called before each scrypt a login spends (tests count them). */
  onPasswordCheck?: () => void;
}

/** A login or sign-up that must wait: answered 429 with Retry-After (`retryAfter`, in seconds). */
function tooManyRequests(waitMs: number, message: string): ApiError {
  const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
  return new ApiError('TOO_MANY_REQUESTS', message.replace('{s}', String(retryAfter)), { retryAfter });
}

const DAY = 24 * 3600 * 1000;
/** last_used_at is written at most this often per token. */
const TOUCH_EVERY_MS = 3600 * 1000;

export class Auth {
  private readonly tokenTtlMs: number;
  private readonly throttle: LoginThrottle;
  private readonly onPasswordCheck: () => void;

  constructor(private readonly db: Db, options: AuthOptions = {}) {
    this.tokenTtlMs = options.tokenTtlMs ?? 30 * DAY;
    this.throttle = new LoginThrottle(options.throttle);
    this.onPasswordCheck = options.onPasswordCheck ?? (() => undefined);
  }

  /** `from`: the client's address, for throttling. */
  async signup(emailInput: string, password: string, from?: string): Promise<Session> {
    const email = normalizeEmail(emailInput);
    checkPassword(password);
    const wait = this.throttle.signup(from);
    if (wait) throw tooManyRequests(wait, 'Too many sign-ups from your address: try again in {s} s.');
    // Hash outside the transaction: 100 ms of scrypt must not hold the store.
    const passwordHash = await hashPassword(password);
    const token = newBearerToken();
    const taken = () => conflict(`An account with the email ${email} already exists. Log in instead, or sign up with another email.`);
    if (await accounts.accountByEmail(this.db, email)) throw taken();
    return this.db.transaction(async (tx) => {
      const organization = await accounts.insertOrganization(tx, email.split('@')[0]);
      const account = await accounts.insertAccount(tx, organization.id, email, passwordHash);
      if (!account) throw taken();
      await accounts.insertToken(tx, account.id, sha256(token), this.tokenTtlMs);
      return { token, account, organization };
    });
  }

  /** `from`: the client's address. Failures per account and per address make later attempts wait, before any scrypt. */
  async login(emailInput: string, password: string, from?: string): Promise<Session> {
    const wrong = () => unauthenticated('WRONG_CREDENTIALS', 'Wrong email or password. Check both, or sign up if you have no account.');
    if (typeof emailInput !== 'string' || typeof password !== 'string' || password.length > PASSWORD_MAX) throw wrong();
    const email = emailInput.trim().toLowerCase();
    const wait = this.throttle.loginWait(email, from);
    if (wait) throw tooManyRequests(wait, 'Too many failed logins for this account or from your address: wait {s} s, then try again. Check the email and password first.');
    const account = await accounts.accountByEmail(this.db, email);
    this.onPasswordCheck();
    if (!account) {
      await burnVerification(password);
      this.throttle.failed(email, from);
      throw wrong();
    }
    if (!(await verifyPassword(password, account.password_hash))) {
      this.throttle.failed(email, from);
      throw wrong();
    }
    this.throttle.succeeded(email);
    const organization = await accounts.organizationById(this.db, account.organization_id);
    if (!organization) throw wrong();
    const token = newBearerToken();
    await accounts.insertToken(this.db, account.id, sha256(token), this.tokenTtlMs);
    return { token, account, organization };
  }

  /** Revokes the caller's token: it never authenticates again. */
  async logout(caller: Caller): Promise<void> {
    await accounts.revokeToken(this.db, caller.tokenId);
  }

  /** The caller behind an `Authorization` header value, or an UNAUTHENTICATED error saying what is wrong. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (!authorization) {
      throw unauthenticated('TOKEN_MISSING', 'Not logged in: this operation needs an `Authorization: Bearer <token>` header. Log in or sign up to get a token.');
    }
    const m = /^Bearer +([A-Za-z0-9_\-.~+/]+=*) *$/i.exec(authorization);
    if (!m) throw unauthenticated('TOKEN_MALFORMED', 'The Authorization header must be `Bearer <token>`.');
    const token = await accounts.tokenBySha256(this.db, sha256(m[1]));
    if (!token) throw unauthenticated('TOKEN_INVALID', 'This token is not valid on this platform. Log in again.');
    if (token.revoked_at) throw unauthenticated('TOKEN_REVOKED', 'This token was revoked by a logout. Log in again.');
    if (token.expired) throw unauthenticated('TOKEN_EXPIRED', 'This token expired. Log in again.');
    await accounts.touchToken(this.db, token.id, this.tokenTtlMs, TOUCH_EVERY_MS);
    return { accountId: token.account_id, email: token.email, organizationId: token.organization_id, tokenId: token.id };
  }

  async viewer(caller: Caller): Promise<{ account: accounts.AccountRow; organization: accounts.OrganizationRow }> {
    const account = await accounts.accountById(this.db, caller.accountId);
    const organization = await accounts.organizationById(this.db, caller.organizationId);
    if (!account || !organization) throw unauthenticated('TOKEN_INVALID', 'The account of this token no longer exists. Sign up or log in again.');
    return { account, organization };
  }
}

function normalizeEmail(input: string): string {
  const email = typeof input === 'string' ? input.trim().toLowerCase() : '';
  if (!email) throw badInput('An email is required.', 'email');
  if (email.length > EMAIL_MAX || !EMAIL.test(email)) throw badInput(`"${input.slice(0, 80)}" is not an email address (expected name@example.com).`, 'email');
  return email;
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN) throw badInput(`The password must have at least ${PASSWORD_MIN} characters.`, 'password');
  if (password.length > PASSWORD_MAX) throw badInput(`The password must have at most ${PASSWORD_MAX} characters.`, 'password');
}
