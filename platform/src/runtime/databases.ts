// Where each environment's database lives: one database per environment on the server that holds
// the store (the embedded one, or the one given by --database-url), named after the store's
// database so that everything of one platform is found (and dropped) together. When the
// platform may create roles, each environment's database is owned by a role of its own whose
// password is derived from the data directory's key, and nobody else may connect to it: a
// deployment process gets only its own environment's credentials.
import { createHmac } from 'crypto';
import type { DatabaseLocation } from './protocol';

export interface EnvironmentDatabases {
  /** Whether each environment has a role of its own (else they share the platform's credentials). */
  readonly ownRoles: boolean;
  /** Where the environment's database is; created (with its role) when it does not exist yet. */
  ensure(environmentId: string): Promise<DatabaseLocation>;
  /** Deletes the environment's database and its role (its processes must be stopped). */
  drop(environmentId: string): Promise<void>;
}

/** PostgreSQL's limit on an identifier, in bytes. */
const NAME_MAX = 63;

export function environmentDatabaseName(storeDatabase: string, environmentId: string): string {
  const suffix = `_e_${environmentId.replace(/^env_/, '')}`;
  return `${storeDatabase.slice(0, NAME_MAX - suffix.length)}${suffix}`.toLowerCase();
}

/**
 * An environment role's password: derived (HMAC-SHA256 under the data directory's key) rather
 * than stored, so the store holds nothing that opens a database, an upgrade or a restore needs
 * no extra column, and the password is the same on every start without a lookup.
 */
export function environmentPassword(key: Buffer, role: string): string {
  return createHmac('sha256', key).update(`codestore environment role ${role}`).digest('hex');
}

export interface ServerDatabasesOptions {
  /** The store's URL: its user creates the databases (and roles). */
  storeUrl: string;
  /** The key environment passwords are derived from. */
  key: Buffer;
  /** Waits while the server is started again (the embedded one). */
  ready?: () => Promise<void>;
}

type Admin = <T>(fn: (c: import('pg').Client) => Promise<T>) => Promise<T>;

function adminOf(options: ServerDatabasesOptions): Admin {
  return async (fn) => {
    await options.ready?.();
    const { Client } = await import('pg');
    const c = new Client({ connectionString: options.storeUrl });
    c.on('error', () => undefined);
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end().catch(() => undefined);
    }
  };
}

/** Whether the store's user may create roles (a superuser, or CREATEROLE). */
export async function mayCreateRoles(options: ServerDatabasesOptions): Promise<boolean> {
  return adminOf(options)(async (c) => {
    const r = await c.query<{ may: boolean }>('SELECT rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user');
    return !!r.rows[0]?.may;
  });
}

export async function serverDatabases(options: ServerDatabasesOptions & { ownRoles: boolean }): Promise<EnvironmentDatabases> {
  const storeUrl = options.storeUrl;
  const store = new URL(storeUrl);
  const storeDatabase = decodeURIComponent(store.pathname.replace(/^\//, '')) || 'postgres';
  const admin = adminOf(options);
  const ownRoles = options.ownRoles;
  if (ownRoles) {
    // The store is the platform's alone: an environment's role may not even connect to it.
    await admin((c) => c.query(`REVOKE CONNECT ON DATABASE "${storeDatabase.replace(/"/g, '""')}" FROM PUBLIC`));
  }
  const urlOf = (name: string) => {
    const u = new URL(storeUrl);
    u.pathname = `/${encodeURIComponent(name)}`;
    if (ownRoles) {
      u.username = name;
      u.password = environmentPassword(options.key, name);
    }
    return u.toString();
  };
  // Set up once per platform start: a deploy does not pay for admin connections.
  const ensured = new Set<string>();
  return {
    ownRoles,
    async ensure(id) {
      const name = environmentDatabaseName(storeDatabase, id);
      if (ensured.has(name)) return { kind: 'postgres', url: urlOf(name) };
      await admin(async (c) => {
        if (ownRoles) {
          const password = environmentPassword(options.key, name);
          const role = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
          // The password is hex: nothing in it needs quoting.
          if (!role.rowCount) {
            try {
              await c.query(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
            } catch (e) {
              if ((e as { code?: string }).code !== '42710')
                throw new Error(`Cannot create the environment's role "${name}": ${(e as Error).message}.`);
            }
          } else {
            await c.query(`ALTER ROLE "${name}" LOGIN PASSWORD '${password}'`);
          }
        }
        const found = await c.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [
          name,
        ]);
        if (!found.rowCount) {
          try {
            await c.query(`CREATE DATABASE "${name}"${ownRoles ? ` OWNER "${name}"` : ''}`);
          } catch (e) {
            // Two deployments of one environment never run at once; another platform might.
            if ((e as { code?: string }).code !== '42P04')
              throw new Error(
                `Cannot create the environment's database "${name}": ${(e as Error).message}. The platform's database user needs the CREATEDB privilege.`,
              );
          }
        } else if (ownRoles && found.rows[0].owner !== name) {
          await adoptDatabase(storeUrl, name);
        }
        if (ownRoles) await c.query(`REVOKE CONNECT ON DATABASE "${name}" FROM PUBLIC`);
      });
      ensured.add(name);
      return { kind: 'postgres', url: urlOf(name) };
    },
    async drop(id) {
      const name = environmentDatabaseName(storeDatabase, id);
      ensured.delete(name);
      await admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        if (ownRoles) await c.query(`DROP ROLE IF EXISTS "${name}"`);
      });
    },
  };
}

/**
 * A database made before environments had roles of their own (owned by the platform's user):
 * the database and everything in its schemas are handed to the environment's role.
 */
async function adoptDatabase(storeUrl: string, name: string): Promise<void> {
  const { Client } = await import('pg');
  const u = new URL(storeUrl);
  u.pathname = `/${encodeURIComponent(name)}`;
  const c = new Client({ connectionString: u.toString() });
  c.on('error', () => undefined);
  await c.connect();
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  try {
    await c.query('BEGIN');
    await c.query(`ALTER DATABASE ${q(name)} OWNER TO ${q(name)}`);
    const objects = await c.query<{ kind: string; schema: string; name: string }>(`
      SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' END AS kind,
             n.nspname AS schema, c.relname AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'S', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
         AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
      UNION ALL
      SELECT 'TYPE', n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE t.typtype IN ('e', 'c', 'd') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
         AND NOT (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind <> 'c'))
      UNION ALL
      SELECT 'SCHEMA', '', n.nspname FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'`);
    for (const o of objects.rows) {
      await c.query(
        o.kind === 'SCHEMA'
          ? `ALTER SCHEMA ${q(o.name)} OWNER TO ${q(name)}`
          : `ALTER ${o.kind} ${q(o.schema)}.${q(o.name)} OWNER TO ${q(name)}`,
      );
    }
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw new Error(`Cannot hand the environment's database "${name}" to its own role: ${(e as Error).message}`);
  } finally {
    await c.end().catch(() => undefined);
  }
}
