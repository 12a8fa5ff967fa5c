// The databases the migration proofs run on: one PGlite per test file (it costs ~700 MB and
// seconds to start, so cases share it and reset the `public` schema between them), and the
// PostgreSQL server named by CODESTORE_TEST_PG_URL, where each test file gets a scratch database.
import { randomBytes } from 'crypto';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';

export interface TestDatabase {
  readonly label: 'pglite' | 'postgres';
  /** DataSource options for this database (add entities / migrations). */
  options(): DataSourceOptions;
  /** Runs SQL on a connection of its own (not in any DataSource's transaction). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Drops everything: `public` is dropped and created again. */
  reset(): Promise<void>;
  /** Ends a DataSource made from `options()` (PGlite's is shared: it is left open). */
  release(ds: DataSource): Promise<void>;
  close(): Promise<void>;
}

const RESET_SQL = 'DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;';

let pgliteOpen = false;

/** The PGlite of this test file. */
export async function openPglite(): Promise<TestDatabase> {
  if (pgliteOpen) throw new Error('one PGlite per test file: reuse it');
  pgliteOpen = true;
  const driver = new PGliteDriver().driver;
  const base = new DataSource({ type: 'postgres', driver });
  await base.initialize();
  return {
    label: 'pglite',
    options: () => ({ type: 'postgres', driver }),
    query: (sql) => base.query(sql),
    reset: async () => {
      await base.query(RESET_SQL);
    },
    release: async () => {
      /* shared instance */
    },
    close: async () => {
      await base.destroy();
      pgliteOpen = false;
    },
  };
}

/** A scratch database on the server at `adminUrl`, dropped on close. */
export async function openServer(adminUrl: string): Promise<TestDatabase> {
  const name = `codestore_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return {
    label: 'postgres',
    options: () => ({ type: 'postgres', url: url.toString() }),
    query: async <T>(sql: string) => (await client.query(sql)).rows as T[],
    reset: async () => {
      await client.query(RESET_SQL);
    },
    release: async (ds) => {
      if (ds.isInitialized) await ds.destroy();
    },
    close: async () => {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** The databases to prove on: PGlite always, the server when CODESTORE_TEST_PG_URL is set. */
export function databaseTargets(): { label: 'pglite' | 'postgres'; open: () => Promise<TestDatabase> }[] {
  const out: { label: 'pglite' | 'postgres'; open: () => Promise<TestDatabase> }[] = [{ label: 'pglite', open: openPglite }];
  const url = process.env.CODESTORE_TEST_PG_URL;
  if (url) out.push({ label: 'postgres', open: () => openServer(url) });
  return out;
}
