// The local platform: `startPlatform` opens the store, runs its migrations and serves the API;
// run as `node dist/platform.js start ...` (what `codestore platform start` runs) it is a process
// that shuts down cleanly on SIGINT/SIGTERM.
import type { AddressInfo } from 'net';
import * as path from 'path';
import { parseArgs } from 'util';
import { createApiHandler } from './api/handler';
import { Auth, AuthOptions } from './auth/auth';
import { defaultDataDir, lockDataDir } from './dataDir';
import { CheckProcess, DEFAULT_CHECK_WARM_MS } from './build/checkProcess';
import { platformModuleRoot } from './moduleRoot';
import { createPushHandler } from './push/push';
import { createSourceHandler } from './push/sourceRoute';
import { mayCreateRoles, serverDatabases } from './runtime/databases';
import { createGateway } from './runtime/gateway';
import type { PolicyOptions } from './gateway/policy';
import { LogSink } from './runtime/logs';
import { LocalRuntime } from './runtime/runtime';
import type { DeploymentLauncher } from './runtime/sandbox/launcher';
import { createLauncher, guardSignups, SandboxOptions } from './runtime/sandbox/setup';
import { Meter } from './billing/meter';
import { billedProductionEnvironments, secretsOf } from './store/projects';
import { dataDirKey, sealerFor } from './store/sealing';
import type { PlatformParts } from './parts';
import { createPlatformServer, PlatformRoutes } from './server';
import { Db, openServerDb } from './store/db';
import { migrate } from './store/migrations';
import { EmbeddedServer, startEmbeddedServer, STORE_DATABASE } from './store/postgresServer';
import { needsUpgrade, upgradeFromPglite } from './store/upgrade';
import { printStatus, removeStatus, writeStatus } from './status';
import * as fs from 'fs';
import { UsageRecorder } from './usage/recorder';
import { versionSchemasOf } from './usage/versions';

export interface PlatformOptions extends SandboxOptions {
  /** 0 picks a free port. Default 4000. */
  port?: number;
  /** Default 127.0.0.1: the local platform is not for the network unless asked. */
  host?: string;
  /** Holds the embedded PostgreSQL server (`<dataDir>/postgres`), builds, keys. */
  dataDir: string;
  /** A PostgreSQL database for the store (and the environments' databases beside it) instead of the embedded server. */
  databaseUrl?: string;
  /**
   * An environment with no request for this long has no process until its next request (0:
   * never). Default 15 minutes. Production environments of instances on a billing plan never idle.
   */
  idleAfterMs?: number;
  /** Lines about what the platform does; default: nothing. */
  log?: (line: string) => void;
  /**
   * The routes later parts plug in (POST /push/<serviceId>, /s/<endpointId>/graphql), made once
   * the store is open. They authenticate with `auth.authenticate(req.headers.authorization)`,
   * scope every lookup by the caller's organization, and fail with `sendFailure`.
   */
  routes?: (platform: PlatformParts) => Pick<PlatformRoutes, 'push' | 'gateway'>;
  /** Token lifetime, login throttling and its clock. */
  auth?: AuthOptions;
  /** The gateway's checks (CORS, cost limits, rate limits) and its schema usage capture; all on unless switched off to measure them (benchmarks only). */
  gateway?: PolicyOptions;
  /**
   * How long the push check process stays after a push (default 5 minutes, or
   * `CODESTORE_CHECK_WARM_MS`); then it ends, and the next push starts it again.
   */
  checkWarmMs?: number;
}

export interface RunningPlatform {
  /** http://host:port, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly db: Db;
  /** The store's URL with the platform's credentials (the embedded server's superuser). */
  readonly databaseUrl: string;
  readonly runtime: LocalRuntime;
  /** How deployments are isolated (sandbox, limits): `codestore platform status`. */
  readonly launcher: DeploymentLauncher;
  /**
   * Resolves when start-up work is done: interrupted deployments rolled back, every current
   * deployment ready to start on its first request (production of billed instances started).
   */
  readonly restored: Promise<void>;
  /** Stops taking requests, lets those in flight finish (up to a few seconds), closes the store. */
  close(): Promise<void>;
}

export type { PlatformParts } from './parts';

export const DEFAULT_IDLE_AFTER_MS = 15 * 60_000;

/** `15m`, `30s`, `2h`, `500ms`, `0`: a duration in milliseconds, or undefined when it is none. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n !== 0 && !m[2]) return undefined;
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] as 'ms' | 's' | 'm' | 'h') ?? 'ms']);
}

export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const lock = lockDataDir(dataDir);
  const logError = (message: string, error: unknown) =>
    log(`error: ${message}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  const routes: PlatformRoutes = { logError };
  const server = createPlatformServer(routes);
  let db: Db | undefined;
  let meter: Meter | undefined;
  let embedded: EmbeddedServer | undefined;
  let launcher: DeploymentLauncher | undefined;
  let checks: CheckProcess | undefined;
  try {
    // The port first: a port in use fails in milliseconds, not after the store's seconds of start.
    const host = options.host ?? '127.0.0.1';
    const requestedPort = options.port ?? 4000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          e.code === 'EADDRINUSE'
            ? new Error(`Port ${requestedPort} on ${host} is in use: stop what runs there, or pass another --port.`)
            : e,
        ),
      );
      server.listen(requestedPort, host, () => resolve());
    });
    launcher = createLauncher(options, dataDir, log);
    let storeUrl = options.databaseUrl;
    if (!storeUrl) {
      embedded = await startEmbeddedServer({ dataDir, log });
      storeUrl = embedded.url(STORE_DATABASE);
    }
    const databaseReady = embedded?.ready;
    db = await openServerDb(storeUrl, {
      ready: databaseReady,
      location: embedded ? `the embedded PostgreSQL server in ${path.join(dataDir, 'postgres')}` : undefined,
    });
    const applied = await migrate(db);
    if (applied.length) log(`store: applied migration(s) ${applied.join(', ')}`);
    const auth = new Auth(db, options.auth);
    const logs = new LogSink(db, logError);
    const sealer = sealerFor(dataDir);
    const store = db;
    meter = await Meter.open(db, dataDir, logError);
    const workerScript = path.join(platformModuleRoot(), 'dist', 'runtime.js');
    const roleOptions = { storeUrl, key: dataDirKey(dataDir), ready: databaseReady };
    const ownRoles = !!embedded || (await mayCreateRoles(roleOptions));
    if (!ownRoles)
      log(
        `warning: the database user of ${db.location} may not create roles, so every environment's process connects with the platform's own credentials (and could open the store); give it CREATEROLE to isolate them`,
      );
    const databases = await serverDatabases({ ...roleOptions, ownRoles });
    if (needsUpgrade(dataDir)) {
      if (embedded) await upgradeFromPglite({ dataDir, store: db, databases, adminUrl: embedded.url, log });
      else
        log(
          `note: ${path.join(dataDir, 'store')} holds the store of an earlier, PGlite-based platform; start once without --database-url to move it to the embedded server`,
        );
    }
    const runtime = new LocalRuntime({
      db,
      logs,
      workerScript,
      log,
      logError,
      databaseReady,
      launcher,
      idleAfterMs: options.idleAfterMs ?? DEFAULT_IDLE_AFTER_MS,
      alwaysOn: () => billedProductionEnvironments(store),
      databases,
      secrets: async (environmentId) =>
        Object.fromEntries((await secretsOf(store, environmentId)).map((r) => [r.name, sealer.open(r.sealed)])),
    });
    const usage = new UsageRecorder(db, versionSchemasOf(db), logError);
    const gateway = createGateway(db, runtime, logs, meter, options.gateway, usage);
    guardSignups(auth, db, launcher, options);
    const parts: PlatformParts = { db, auth, dataDir, runtime, gateway, logs, meter, sealer, usage, logError };
    checks = new CheckProcess({
      script: path.join(platformModuleRoot(), 'dist', 'check-worker.js'),
      warmMs: options.checkWarmMs ?? warmFromEnvironment() ?? DEFAULT_CHECK_WARM_MS,
      logError,
    });
    const theChecks = checks;
    Object.assign(
      routes,
      { push: createPushHandler(parts, { checkAndBuild: checks.run }), source: createSourceHandler(parts), gateway: gateway.handle },
      options.routes?.(parts),
    );
    routes.graphql = createApiHandler(parts);
    // Requests to an environment wait for it while it comes back.
    const restored = runtime.restore().catch((e) => logError('restoring deployments failed', e));
    // The first push's type check would load TypeScript and the libraries' types (~1.5 s): the
    // check process does it now, off the start, and ends unless a push comes within its warm time.
    setTimeout(() => theChecks.prewarm(), 0).unref();
    const port = (server.address() as AddressInfo).port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const theMeter = meter;
    const postgres = embedded;
    const theLauncher = launcher;
    writeStatus(dataDir, {
      version: platformVersion(),
      pid: process.pid,
      url,
      startedAt: new Date().toISOString(),
      database: postgres ? `embedded PostgreSQL server in ${path.join(dataDir, 'postgres')}` : `PostgreSQL server: ${store.location}`,
      deployments: launcher.status(),
    });
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      dataDir,
      db: store,
      databaseUrl: storeUrl,
      runtime,
      restored,
      launcher: theLauncher,
      close() {
        closing ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          const timer = setTimeout(() => server.closeAllConnections(), 5000);
          await closed;
          clearTimeout(timer);
          await restored;
          await theChecks.close();
          await runtime.close();
          theLauncher.close();
          await gateway.flush().catch((e) => logError('closing the gateway', e));
          await theMeter.close().catch((e) => logError('closing the meter', e));
          await usage.close().catch((e) => logError('writing schema usage', e));
          removeStatus(dataDir);
          try {
            await store.close();
            await postgres?.stop();
          } finally {
            lock.release();
          }
        })();
        return closing;
      },
    };
  } catch (e) {
    if (server.listening) await new Promise((resolve) => server.close(resolve));
    await db?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    launcher?.close();
    await checks?.close();
    lock.release();
    throw e;
  }
}

const USAGE = `Usage: codestore platform start [options]

Runs the code.store platform on this machine until Ctrl-C.

Options:
  --port <n>            Port to listen on (default 4000).
  --host <address>      Address to listen on (default 127.0.0.1).
  --data <dir>          Data directory (default $CODESTORE_PLATFORM_DATA, else ~/.codestore/platform;
                        as root /var/lib/codestore/platform).
  --idle-after <time>   Stop an environment's process after this long without a request (15m,
                        30s, 2h; 0: never; default 15m); its next request starts it again.
                        Production environments of instances on a billing plan never idle.
  --database-url <url>  Keep the store in this PostgreSQL database (and the environments'
                        databases on its server) instead of the embedded PostgreSQL server.
  --sandbox <mode>      auto (default): run deployments in the bubblewrap sandbox when this machine
                        can; required: refuse to start without it; off.
  --allow-unsandboxed-tenants
                        Without a sandbox, let organizations beyond the first sign up.
  --memory <MiB>        A deployment's memory unless its codestore.yaml asks (default 512).
  --max-memory <MiB>    The most a service may ask for (default 2048).
  --request-timeout <s> A request's timeout unless the service asks (default 30).
  --max-request-timeout <s>
                        The longest a service may ask for (default 120).

       codestore platform status [--data <dir>] [--json]

Says what the platform using the data directory runs with: version, database, sandbox, limits.
`;

/** `start [--port] [--host] [--data] [--database-url]`: runs until a signal; resolves to the exit code. */
export async function runPlatformCommand(argv: string[]): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
        'idle-after': { type: 'string' },
        sandbox: { type: 'string' },
        'allow-unsandboxed-tenants': { type: 'boolean' },
        memory: { type: 'string' },
        'max-memory': { type: 'string' },
        'request-timeout': { type: 'string' },
        'max-request-timeout': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`codestore platform: ${(e as Error).message}. Run \`codestore platform --help\`.\n`);
    return 2;
  }
  if (!values.help && positionals[0] === 'status' && positionals.length === 1) {
    return printStatus(values.data ?? defaultDataDir(), process.stdout, !!values.json);
  }
  if (values.help || positionals[0] !== 'start' || positionals.length > 1) {
    (values.help ? process.stdout : process.stderr).write(USAGE);
    return values.help ? 0 : 2;
  }
  const port = values.port === undefined ? 4000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`codestore platform: --port must be a port number, not "${values.port}".\n`);
    return 2;
  }
  const idleAfterMs = values['idle-after'] === undefined ? DEFAULT_IDLE_AFTER_MS : parseDuration(values['idle-after']);
  if (idleAfterMs === undefined) {
    process.stderr.write(
      `codestore platform: --idle-after takes a duration such as 15m, 30s or 2h (0: never), not "${values['idle-after']}".\n`,
    );
    return 2;
  }
  const dataDir = values.data ?? defaultDataDir();
  const sandboxOptions = sandboxFlags(values);
  if (typeof sandboxOptions === 'string') {
    process.stderr.write(`codestore platform: ${sandboxOptions}\n`);
    return 2;
  }
  const log = (line: string) => process.stderr.write(`[platform] ${line}\n`);
  // Signals are caught from the start: one during the store's first start (an initdb) waits for
  // it to finish instead of leaving a half-made data directory.
  let signalled: NodeJS.Signals | undefined;
  let onSignal = () => undefined as void;
  const stop = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write(`codestore platform: ${signal} again, exiting without waiting.\n`);
      process.exit(1);
    }
    signalled = signal;
    log(`${signal}: shutting down`);
    onSignal();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    let platform: RunningPlatform;
    try {
      platform = await startPlatform({
        port,
        host: values.host,
        dataDir,
        databaseUrl: values['database-url'],
        idleAfterMs,
        log,
        ...sandboxOptions,
      });
    } catch (e) {
      process.stderr.write(`codestore platform: ${(e as Error).message}\n`);
      return 1;
    }
    if (!signalled) {
      process.stdout.write(
        `code.store platform listening on ${platform.url} (store on ${platform.db.location}; data in ${platform.dataDir}). Ctrl-C stops it.\n`,
      );
      await new Promise<void>((resolve) => {
        onSignal = resolve;
      });
    }
    try {
      await platform.close();
      return 0;
    } catch (e) {
      process.stderr.write(`codestore platform: shutdown failed: ${(e as Error).message}\n`);
      return 1;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** The sandbox and limit options of `start`, or what is wrong with them. */
function sandboxFlags(values: Record<string, string | boolean | undefined>): SandboxOptions | string {
  const sandbox = values.sandbox ?? 'auto';
  if (sandbox !== 'auto' && sandbox !== 'required' && sandbox !== 'off')
    return `--sandbox is auto, required or off, not "${String(sandbox)}".`;
  const limits: NonNullable<SandboxOptions['limits']> = {};
  const numbers: Array<[string, (n: number) => void]> = [
    [
      'memory',
      (n) => {
        limits.memoryMiB = n;
      },
    ],
    [
      'max-memory',
      (n) => {
        limits.maxMemoryMiB = n;
      },
    ],
    [
      'request-timeout',
      (n) => {
        limits.requestTimeoutMs = n * 1000;
      },
    ],
    [
      'max-request-timeout',
      (n) => {
        limits.maxRequestTimeoutMs = n * 1000;
      },
    ],
  ];
  for (const [name, set] of numbers) {
    const v = values[name];
    if (v === undefined) continue;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) return `--${name} takes a positive number, not "${String(v)}".`;
    set(n);
  }
  if (limits.memoryMiB !== undefined && limits.maxMemoryMiB === undefined && limits.memoryMiB > 2048)
    limits.maxMemoryMiB = limits.memoryMiB;
  if (limits.requestTimeoutMs !== undefined && limits.maxRequestTimeoutMs === undefined && limits.requestTimeoutMs > 120_000)
    limits.maxRequestTimeoutMs = limits.requestTimeoutMs;
  return { sandbox, limits, allowUnsandboxedTenants: !!values['allow-unsandboxed-tenants'] };
}

/** `CODESTORE_CHECK_WARM_MS`: the check process's warm time in milliseconds (benchmarks set it). */
function warmFromEnvironment(): number | undefined {
  const v = process.env.CODESTORE_CHECK_WARM_MS;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function platformVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(platformModuleRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

// Run as a script: `node dist/platform.js start` (a bundle's `require.main === module` is never true).
if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  void runPlatformCommand(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
