// What the platform and a deployment process (dist/runtime.js, ./worker.ts) say to each other over
// the IPC channel of `child_process.fork`, and how the process is configured (environment variables).
//
// A deployment process starts, loads its build (schema, resolvers, entities) and says `loaded`
// without touching its database. The platform then sends `open`: the process opens its database,
// runs the build's pending migrations, starts serving and says `ready` with its port, or, when a
// migration or the start fails, reverts the migrations it ran, closes the database and says
// `failed`. Before a roll back reverts migrations under it, the serving process `release`s the
// database (closes it, says `released`), and `open`s it again when the roll back fails.

/**
 * Where the environment's database is: a PostgreSQL URL with the environment's own role and
 * password (or the platform's, on a server where it may not create roles).
 */
export type DatabaseLocation = { kind: 'postgres'; url: string };

export interface WorkerConfig {
  /** The build folder (with manifest.json). */
  buildDir: string;
  database: DatabaseLocation;
  /** Where bare `require`s of the service resolve: the platform's own node_modules. */
  moduleRoot: string;
  /**
   * `serve`: migrate and serve. `revert`: revert every applied migration not in `keep` (newest
   * first), then exit: how a deployment the platform was stopped in the middle of is undone.
   */
  mode: 'serve' | 'revert';
  keep?: string[];
}

export const WORKER_CONFIG_ENV = 'CODESTORE_WORKER_CONFIG';

/** Set on an answer whose operation was executed (parsed, validated, run): the calls that are metered. */
export const EXECUTED_HEADER = 'x-codestore-executed';

export type ToWorker =
  | { t: 'open' }
  | { t: 'release' };

export type FromWorker =
  | { t: 'loaded' }
  | { t: 'ready'; port: number; migrated: string[] }
  | { t: 'released' }
  | { t: 'reverted'; reverted: string[] }
  | { t: 'failed'; phase: 'load' | 'migrate' | 'start' | 'revert'; error: string };
