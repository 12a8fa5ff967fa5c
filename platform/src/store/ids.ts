// Identifiers the store hands out: random, URL-safe, and for services readable.
import { randomBytes } from 'crypto';

// Crockford-like base32 without easily confused letters (no i, l, o, u): ids are read and typed.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** `n` random characters of the id alphabet (5 bits each). */
export function randomChars(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[bytes[i] & 31];
  return out;
}

/** A row id: a type prefix and 16 random characters (80 bits), e.g. `org_k3x9q2...`. */
export function newId(prefix: 'inv' | 'org' | 'acc' | 'tok' | 'env' | 'ver' | 'dep' | 'ins' | 'key' | 'pln'): string {
  return `${prefix}_${randomChars(16)}`;
}

/** An endpoint id, the path segment of `/s/<endpointId>/graphql`: 20 random characters (100 bits). */
export function newEndpointId(): string {
  return randomChars(20);
}

export const SERVICE_SLUG_MAX = 40;

/** The readable part of a serviceId: the name in lower case, runs of anything else as one `-`. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SERVICE_SLUG_MAX)
    .replace(/-+$/, '');
  return slug || 'service';
}

/** A serviceId: `blog-service-k3x9q2` (the slug of the name and 6 random characters). */
export function newServiceId(name: string): string {
  return `${slugify(name)}-${randomChars(6)}`;
}
