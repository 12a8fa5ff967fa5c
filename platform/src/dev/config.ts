// What `codestore dev` reads from codestore.yaml: the original code.store CLI's
// `localConfiguration` (the database a service ran against on the developer's machine and the
// port it served on), and where the development database of its own lives otherwise.
import * as fs from 'fs';
import * as path from 'path';
import { parseManifest } from '../../../core/src/service-folder/serviceFolder';

export const DEFAULT_DEV_PORT = 3000;
/** `<service>/.codestore/`: what `codestore dev` keeps (builds, the development database); never pushed, never committed. */
export const DEV_FOLDER = '.codestore';

export interface LocalDatabase {
  /** A postgres:// URL with the credentials. */
  url: string;
  /** host:port/database, for messages (no password). */
  label: string;
}

export interface DevConfig {
  port: number;
  /** `localConfiguration.database`, when codestore.yaml has one. */
  database?: LocalDatabase;
}

/** Reads `localConfiguration` from codestore.yaml's text; throws saying what to fix. */
export function devConfigOf(manifestText: string): DevConfig {
  const { manifest, error } = parseManifest(manifestText);
  if (error) throw new Error(error);
  const local = manifest.localConfiguration;
  if (local === undefined || local === null) return { port: DEFAULT_DEV_PORT };
  if (typeof local !== 'object' || Array.isArray(local))
    throw new Error('`localConfiguration` in codestore.yaml must be a mapping (with `database:` and `application: { port: 3000 }`).');
  const l = local as Record<string, unknown>;
  const app = l.application as Record<string, unknown> | undefined;
  // `application.port`, as the original wrote it; a `port` right under localConfiguration is read too.
  const rawPort = (app && typeof app === 'object' ? app.port : undefined) ?? l.port;
  let port = DEFAULT_DEV_PORT;
  if (rawPort !== undefined) {
    port = Number(rawPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`localConfiguration.application.port in codestore.yaml must be a port number, not ${JSON.stringify(rawPort)}.`);
  }
  return { port, database: l.database === undefined || l.database === null ? undefined : localDatabase(l.database) };
}

function localDatabase(value: unknown): LocalDatabase {
  if (typeof value === 'string') {
    if (!/^postgres(ql)?:\/\//.test(value))
      throw new Error(
        'localConfiguration.database in codestore.yaml must be a postgres:// URL or a mapping (host, port, database, username, password).',
      );
    const u = new URL(value);
    return { url: value, label: `${u.hostname}:${u.port || 5432}${u.pathname}` };
  }
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error('localConfiguration.database in codestore.yaml must be a mapping: host, port, database, username, password.');
  const d = value as Record<string, unknown>;
  const type = d.type ?? 'postgres';
  if (type !== 'postgres' && type !== 'postgresql')
    throw new Error(`localConfiguration.database.type "${String(type)}" is not supported: code.store services run on PostgreSQL.`);
  const text = (key: string, fallback?: string): string => {
    const v = d[key] ?? fallback;
    if (v === undefined || v === null || (typeof v !== 'string' && typeof v !== 'number'))
      throw new Error(`localConfiguration.database.${key} in codestore.yaml is missing.`);
    return String(v);
  };
  const host = text('host', 'localhost');
  const port = Number(text('port', '5432'));
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new Error(`localConfiguration.database.port in codestore.yaml must be a port number, not ${JSON.stringify(d.port)}.`);
  const database = text('database');
  const username = text('username', 'postgres');
  const password = d.password === undefined || d.password === null ? '' : String(d.password);
  const auth = `${encodeURIComponent(username)}${password ? `:${encodeURIComponent(password)}` : ''}`;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { url: `postgres://${auth}@${hostPart}:${port}/${encodeURIComponent(database)}`, label: `${host}:${port}/${database}` };
}

/**
 * `<service>/.codestore/`, made with a `.gitignore` of `*` in it: whatever the service's own
 * .gitignore says, nothing in it is committed (`codestore push` leaves it out too).
 */
export function devFolder(serviceDir: string): string {
  const dir = path.join(serviceDir, DEV_FOLDER);
  // Passable (not listable) by others: as root, the embedded server's user must reach its cluster inside.
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  const ignore = path.join(dir, '.gitignore');
  if (!fs.existsSync(ignore))
    fs.writeFileSync(ignore, '# Written by `codestore dev`: its builds and development database, never committed.\n*\n');
  return dir;
}
