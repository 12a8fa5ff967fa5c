// The first start on a data directory of the PGlite platform: its store (`<data>/store`) and every
// environment's database (`<data>/environments/<id>/db`) are copied into the PostgreSQL server,
// each environment's into its own database under its own role. The old folders are renamed only
// once everything is copied; a failure says what failed and leaves them as they were (the next
// start tries again from the beginning).
import * as fs from 'fs';
import * as path from 'path';
import type { EnvironmentDatabases } from '../runtime/databases';
import { copyDatabase } from './copyDatabase';
import { Db, openPgliteDb, Queryable } from './db';
import { migrate } from './migrations';

export interface UpgradeOptions {
  dataDir: string;
  /** The store on the server, migrated, as the platform's (super)user. */
  store: Db;
  databases: EnvironmentDatabases;
  /** The superuser's URL of a database on the server. */
  adminUrl: (database: string) => string;
  log: (line: string) => void;
}

const hasCluster = (dir: string) => fs.existsSync(path.join(dir, 'PG_VERSION'));

/** Whether `dataDir` holds a PGlite platform's data not yet moved. */
export function needsUpgrade(dataDir: string): boolean {
  return hasCluster(path.join(dataDir, 'store'));
}

export async function upgradeFromPglite(options: UpgradeOptions): Promise<void> {
  const { dataDir, store, log } = options;
  const storeDir = path.join(dataDir, 'store');
  const envRoot = path.join(dataDir, 'environments');
  const started = Date.now();
  log(`upgrade: moving the PGlite store in ${storeDir} and the environments' databases in ${envRoot} into the PostgreSQL server`);
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw new Error(
        `Moving this data directory to the PostgreSQL server failed while copying ${what}: ${(e as Error).message}. Nothing in ${storeDir} or ${envRoot} was changed; the next start tries again.`,
      );
    }
  };

  const environmentIds = await step('the store', async () => {
    const old = await openPgliteDb(storeDir);
    try {
      // An older store is brought up to this version's schema first, so both ends match.
      await migrate(old);
      const counts = await store.transaction(async (tx) => {
        const tables = await tx.query<{ name: string }>(
          `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'store_migrations'`,
        );
        if (tables.length) await tx.query(`TRUNCATE ${tables.map((t) => `public."${t.name}"`).join(', ')} CASCADE`);
        // The rows go in table by table: foreign keys are checked by the rows being complete, not by their order.
        await tx.query('SET LOCAL session_replication_role = replica');
        return copyDatabase(old, tx, { schema: false, skip: new Set(['store_migrations']) });
      });
      log(
        `upgrade: store copied (${Object.entries(counts)
          .filter(([, n]) => n)
          .map(([t, n]) => `${t} ${n}`)
          .join(', ')})`,
      );
      return (await old.query<{ id: string }>('SELECT id FROM environments')).map((r) => r.id);
    } finally {
      await old.close();
    }
  });

  const { PGlite } = await import('@electric-sql/pglite');
  const { Client } = await import('pg');
  for (const id of environmentIds) {
    const dir = path.join(envRoot, id, 'db');
    if (!hasCluster(dir)) continue;
    await step(`the database of environment ${id}`, async () => {
      const { url } = await options.databases.ensure(id);
      const target = new URL(url);
      const name = decodeURIComponent(target.pathname.slice(1));
      const source = await PGlite.create({ dataDir: dir });
      const admin = new Client({ connectionString: options.adminUrl(name) });
      admin.on('error', () => undefined);
      await admin.connect();
      try {
        const run: Queryable = {
          query: async <T>(sql: string, params: readonly unknown[] = []) => (await admin.query(sql, params as unknown[])).rows as T[],
        };
        await admin.query('BEGIN');
        // Everything is made as the environment's role, so its process owns what it migrates later.
        const owner = options.databases.ownRoles ? `"${target.username}"` : 'CURRENT_USER';
        await admin.query('DROP SCHEMA IF EXISTS public CASCADE');
        await admin.query(`CREATE SCHEMA public AUTHORIZATION ${owner}`);
        if (options.databases.ownRoles) await admin.query(`SET LOCAL ROLE ${owner}`);
        const pglite: Queryable = {
          query: async <T>(sql: string, params: readonly unknown[] = []) => (await source.query<T>(sql, params as unknown[])).rows,
        };
        const counts = await copyDatabase(pglite, run, { schema: true });
        await admin.query('COMMIT');
        log(
          `upgrade: environment ${id} copied (${
            Object.entries(counts)
              .map(([t, n]) => `${t} ${n}`)
              .join(', ') || 'no tables'
          })`,
        );
      } catch (e) {
        await admin.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        await admin.end().catch(() => undefined);
        await source.close();
      }
    });
  }

  // Everything is on the server: the old folders are kept, renamed, for the user to delete.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const dir of [storeDir, envRoot, path.join(dataDir, 'templates')]) {
    if (fs.existsSync(dir)) fs.renameSync(dir, `${dir}.pglite-${stamp}`);
  }
  log(
    `upgrade: done in ${Date.now() - started} ms; the old folders are kept as ${path.basename(storeDir)}.pglite-${stamp} and ${path.basename(envRoot)}.pglite-${stamp} (delete them when you no longer need them)`,
  );
}
