// The platform store's only database access: SQL with parameters, and transactions, on a
// PostgreSQL server through a pg.Pool (the embedded server, or one given by URL). PGlite opens
// only an old data directory's store, to move it to the server (./upgrade.ts).
import * as fs from 'fs';
import * as path from 'path';

/** Runs one SQL statement with `$1`-style parameters; a `Db` and a transaction both are one. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  /** `embedded` (PGlite in this process, only to read an old store) or `server` (a PostgreSQL server). */
  readonly kind: 'embedded' | 'server';
  /** Where the store lives, for messages: a directory or a URL without its password. */
  readonly location: string;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside, use only `tx`: on PGlite every other query waits for the transaction to end.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The SQLSTATE of a unique violation, the one database error the store turns into a message. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  const err = e as { code?: string; constraint?: string } | null;
  return !!err && err.code === UNIQUE_VIOLATION && (!constraint || err.constraint === constraint);
}

let pgliteOpen = false;

/**
 * The embedded store in `dir`. PGlite costs ~700 MB and, on a fresh directory, seconds of initdb,
 * so a process opens one at a time.
 */
export async function openPgliteDb(dir: string): Promise<Db> {
  if (pgliteOpen) throw new Error('An embedded store is already open in this process; close it first.');
  pgliteOpen = true;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = await PGlite.create({ dataDir: path.resolve(dir) });
    let closed = false;
    return {
      kind: 'embedded',
      location: path.resolve(dir),
      async query<T>(sql: string, params: readonly unknown[] = []) {
        return (await pg.query<T>(sql, params as unknown[])).rows;
      },
      transaction<T>(fn: (tx: Queryable) => Promise<T>) {
        return pg.transaction(async (tx) =>
          fn({
            async query<R>(sql: string, params: readonly unknown[] = []) {
              return (await tx.query<R>(sql, params as unknown[])).rows;
            },
          }),
        );
      },
      async close() {
        if (closed) return;
        closed = true;
        try {
          await pg.close();
        } finally {
          pgliteOpen = false;
        }
      },
    };
  } catch (e) {
    pgliteOpen = false;
    throw e;
  }
}

/**
 * The store on the PostgreSQL server at `url` (its database must exist). `ready` is awaited before
 * each query: while the embedded server is started again, queries wait instead of failing.
 */
export async function openServerDb(url: string, options: { ready?: () => Promise<void>; location?: string } = {}): Promise<Db> {
  const { Pool } = await import('pg');
  const pool = new Pool({ connectionString: url, max: 10 });
  const ready = options.ready ?? (() => Promise.resolve());
  // An idle client that loses its connection emits on the pool; without a listener that kills the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(`Cannot connect to the database at ${redactUrl(url)}: ${(e as Error).message}`);
  }
  let closed = false;
  return {
    kind: 'server',
    location: options.location ?? redactUrl(url),
    async query<T>(sql: string, params: readonly unknown[] = []) {
      await ready();
      return (await pool.query(sql, params as unknown[])).rows as T[];
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      await ready();
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <R>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as R[],
        });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw e;
      } finally {
        // A connection whose ROLLBACK failed is in an unknown state: drop it instead of reusing it.
        client.release(broken);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** `url` without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid database URL)';
  }
}
