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
  /**
   * Serve on the listening Unix socket the platform handed over as this fd (never a port); `path`
   * is where it is, when the process can see it (no sandbox). Without it: 127.0.0.1:<free port>.
   */
  listen?: { fd: number; path?: string };
  /** The egress proxy's socket, when the service may reach the internet. */
  egress?: string;
}

export const WORKER_CONFIG_ENV = 'CODESTORE_WORKER_CONFIG';

/** Set on an answer whose operation was executed (parsed, validated, run): the calls that are metered. */
export const EXECUTED_HEADER = 'x-codestore-executed';

export type ToWorker =
  | { t: 'open' }
  | { t: 'release' }
  /** Liveness: answered with `pong` by the event loop; a loop that does not answer is killed. */
  | { t: 'ping'; n: number };

export type FromWorker =
  | { t: 'loaded' }
  | { t: 'ready'; port: number; migrated: string[] }
  | { t: 'released' }
  | { t: 'reverted'; reverted: string[] }
  | { t: 'failed'; phase: 'load' | 'migrate' | 'start' | 'revert'; error: string }
  | { t: 'pong'; n: number }
  /**
   * Sent from the process's 'exit' handler (an IPC write goes out at once): the platform holds the
   * environment's requests from that moment, not only once the dying process's memory is freed.
   */
  | { t: 'exiting'; code: number };
