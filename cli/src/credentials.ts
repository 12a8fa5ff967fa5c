// Where the CLI keeps its logins: one bearer token per platform URL, in `credentials.json` in the
// user's config directory, readable by the user only.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface StoredLogin {
  token: string;
  email: string;
  savedAt: string;
  /** The organization commands act in (`codestore org:switch`); absent: the account's own. */
  organization?: { id: string; name: string };
}

const FILE = 'credentials.json';

/** `CODESTORE_CONFIG_DIR`, else the platform's config directory + `codestore`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CODESTORE_CONFIG_DIR) return path.resolve(env.CODESTORE_CONFIG_DIR);
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'codestore');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'codestore');
}

export function credentialsFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), FILE);
}

function readAll(file: string): Record<string, StoredLogin> {
  try {
    const value = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, StoredLogin>) : {};
  } catch {
    // Missing or unreadable: no logins. A corrupt file is replaced by the next login.
    return {};
  }
}

/** Written to a temporary file created 0600 and renamed over the old one: never briefly world-readable. */
function writeAll(file: string, logins: Record<string, StoredLogin>): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(logins, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function loadLogin(platformUrl: string, env: NodeJS.ProcessEnv = process.env): StoredLogin | undefined {
  const login = readAll(credentialsFile(env))[platformUrl];
  return login && typeof login.token === 'string' ? login : undefined;
}

export function saveLogin(platformUrl: string, login: { token: string; email: string }, env: NodeJS.ProcessEnv = process.env): void {
  const file = credentialsFile(env);
  const all = readAll(file);
  all[platformUrl] = { token: login.token, email: login.email, savedAt: new Date().toISOString() };
  writeAll(file, all);
}

/** Whether there was a login to forget. */
export function forgetLogin(platformUrl: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = credentialsFile(env);
  const all = readAll(file);
  if (!(platformUrl in all)) return false;
  delete all[platformUrl];
  writeAll(file, all);
  return true;
}

/** Remembers the organization commands act in for this platform's login (undefined: the account's own). */
export function saveOrganization(
  platformUrl: string,
  organization: { id: string; name: string } | undefined,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const file = credentialsFile(env);
  const all = readAll(file);
  const login = all[platformUrl];
  if (!login) return;
  if (organization) login.organization = organization;
  else delete login.organization;
  writeAll(file, all);
}
