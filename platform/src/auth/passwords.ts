// Password hashing with scrypt (Node's crypto): a random salt per password, and the cost
// parameters stored with the hash so they can be raised later without breaking old accounts.
import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'crypto';

/** N = 2^15, r = 8, p = 1: about 100 ms and 32 MB per hash, OWASP's floor for scrypt. */
const DEFAULT = { N: 1 << 15, r: 8, p: 1, keylen: 32, saltlen: 16 };

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$<salt base64>$<hash base64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(DEFAULT.saltlen);
  const { N, r, p, keylen } = DEFAULT;
  const key = await scryptAsync(password, salt, keylen, { N, r, p, maxmem: 256 * N * r });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches `stored`, compared in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || !expected.length) return false;
  const key = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r });
  return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification, for a login with an unknown email: the answer is then as
 * slow as a wrong password's, and the timing does not tell which emails have accounts.
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await dummy);
}
