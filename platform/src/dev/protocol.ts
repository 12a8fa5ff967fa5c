// What `codestore dev` (./devServer.ts) and its service process (./worker.ts, bundled as
// dist/dev-worker.js) say over the IPC channel of `child_process.fork`.
//
// The process starts, listens on 127.0.0.1:<free port> and says `listening`; it answers 503 until
// a build is loaded. Each `load` names a new build folder: the process loads its schema, resolvers
// and entities (the platform runtime's own `load`), opens the database with them, runs the
// pending migrations and swaps the served build, then says `loaded`; on any failure it says
// `failed` and keeps serving the build it had.

export interface DevWorkerConfig {
  /** The development database (a postgres:// URL with credentials). */
  databaseUrl: string;
  /** Where bare `require`s of the service resolve: the platform's node_modules. */
  moduleRoot: string;
  /** The folder holding every build (`<service>/.codestore/dev/builds`). */
  buildsDir: string;
  /** The service folder: its absolute path is cut from stack traces, leaving `src/...ts:line:column`. */
  serviceDir: string;
}

export const DEV_WORKER_CONFIG_ENV = 'CODESTORE_DEV_WORKER_CONFIG';

export type ToDevWorker = { t: 'load'; seq: number; buildDir: string };

export type FromDevWorker =
  | { t: 'listening'; port: number }
  | { t: 'loaded'; seq: number; migrated: string[] }
  | { t: 'failed'; seq: number; phase: 'load' | 'migrate'; error: string };
