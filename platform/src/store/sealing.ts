// Secrets at rest: sealed with AES-256-GCM under a key kept in the platform's data directory
// (`secrets.key`, owner-only), so a copy of the store alone does not give them away.
import { createCipheriv, createDecipheriv, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export interface Sealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

const KEY_FILE = 'secrets.key';

/** The data directory's key (32 bytes), made on first use: it seals secrets and derives environment passwords. */
export function dataDirKey(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  let key: Buffer;
  try {
    key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    key = randomBytes(32);
    try {
      fs.writeFileSync(file, key.toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    }
  }
  if (key.length !== 32)
    throw new Error(
      `${file} is not a sealing key (32 bytes, base64). Restore it from a backup: the secrets in the store cannot be read without it.`,
    );
  return key;
}

/** The data directory's sealing key, made on first use. */
export function sealerFor(dataDir: string): Sealer {
  const key = dataDirKey(dataDir);
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      const raw = Buffer.from(sealed.replace(/^v1\./, ''), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** What a secret's listing shows: its first two characters and its length. */
export function secretPreview(value: string): string {
  const chars = [...value];
  return chars.length <= 4
    ? `${'*'.repeat(chars.length)} (${chars.length} characters)`
    : `${chars.slice(0, 2).join('')}… (${chars.length} characters)`;
  // (An empty value is refused before it gets here.)
}
