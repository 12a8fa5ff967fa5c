// Secrets the platform hands out once and keeps only as sha256: bearer tokens and developer keys.
import { createHash, randomBytes } from 'crypto';

/** A bearer token: `cst_` and 32 random bytes in base64url. */
export function newBearerToken(): string {
  return `cst_${randomBytes(32).toString('base64url')}`;
}

/** A service's developer key (the `x-user-authorization` of its private and demo endpoints). */
export function newDeveloperKey(): string {
  return `csk_${randomBytes(32).toString('base64url')}`;
}

/** What the store keeps of a token or key. 256 random bits need no salt or slow hash. */
export function sha256(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
