// Where each environment's database lives. Embedded: a PGlite data directory per environment
// under the platform's data directory (made from a template, see worker.ts). With a PostgreSQL
// server: one database per environment on the server that holds the store, named after the
// store's database so that everything of one platform is found (and dropped) together.
import * as fs from 'fs';
import * as path from 'path';
import type { DatabaseLocation } from './protocol';

export interface EnvironmentDatabases {
  readonly kind: 'pglite' | 'postgres';
  /** Where the environment's database is; created on the server when it does not exist yet. */
  ensure(environmentId: string): Promise<DatabaseLocation>;
  /** Deletes the environment's database (its processes must be stopped). */
  drop(environmentId: string): Promise<void>;
}

export function embeddedDatabases(dataDir: string): EnvironmentDatabases {
  const dirOf = (id: string) => path.join(dataDir, 'environments', id, 'db');
  return {
    kind: 'pglite',
    async ensure(id) {
      fs.mkdirSync(path.dirname(dirOf(id)), { recursive: true });
      return { kind: 'pglite', dir: dirOf(id), template: path.join(dataDir, 'templates', 'pglite') };
    },
    async drop(id) {
      await fs.promises.rm(path.dirname(dirOf(id)), { recursive: true, force: true });
    },
  };
}

/** PostgreSQL's limit on an identifier, in bytes. */
const NAME_MAX = 63;

export function environmentDatabaseName(storeDatabase: string, environmentId: string): string {
  const suffix = `_e_${environmentId.replace(/^env_/, '')}`;
  return `${storeDatabase.slice(0, NAME_MAX - suffix.length)}${suffix}`.toLowerCase();
}

export function serverDatabases(storeUrl: string): EnvironmentDatabases {
  const store = new URL(storeUrl);
  const storeDatabase = decodeURIComponent(store.pathname.replace(/^\//, '')) || 'postgres';
  const urlOf = (name: string) => {
    const u = new URL(storeUrl);
    u.pathname = `/${encodeURIComponent(name)}`;
    return u.toString();
  };
  const admin = async <T>(fn: (c: import('pg').Client) => Promise<T>): Promise<T> => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: storeUrl });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  return {
    kind: 'postgres',
    async ensure(id) {
      const name = environmentDatabaseName(storeDatabase, id);
      await admin(async (c) => {
        const found = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount) return;
        try {
          await c.query(`CREATE DATABASE "${name}"`);
        } catch (e) {
          // Two deployments of one environment never run at once; another platform might.
          if ((e as { code?: string }).code !== '42P04') throw new Error(`Cannot create the environment's database "${name}": ${(e as Error).message}. The platform's database user needs the CREATEDB privilege.`);
        }
      });
      return { kind: 'postgres', url: urlOf(name) };
    },
    async drop(id) {
      const name = environmentDatabaseName(storeDatabase, id);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
