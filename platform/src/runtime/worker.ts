// A deployment process (bundled as dist/runtime.js, forked by the platform with an IPC channel):
// serves one build of a service on one environment's database. See ./protocol.ts for the
// conversation with the platform. A crash here never reaches the platform: it sees the exit,
// logs it, and starts the deployment again. `codestore dev` (../dev/worker.ts) loads and opens a
// build with the same exported functions, so a service runs locally as it runs here.
import 'reflect-metadata';
import * as fs from 'fs';
import * as http from 'http';
import Module from 'module';
import * as path from 'path';
import {
  buildASTSchema,
  GraphQLError,
  GraphQLFieldResolver,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  Kind,
  ValueNode,
} from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import type { DataSource as DataSourceType, MigrationInterface } from 'typeorm';
import { SchemaAnalysis } from '../../../core/src/schema/analysis';
import type { BuildManifest } from '../build/manifest';
import { EXECUTED_HEADER, FromWorker, ToWorker, WORKER_CONFIG_ENV, WorkerConfig } from './protocol';
import { installEgress, postgresConnection } from './sandbox/inside';

// Node's own require: the bundler would turn `require(<computed path>)` and `createRequire` into
// lookups in the bundle, and these paths are only known at run time.
declare const __non_webpack_require__: NodeJS.Require | undefined;
const nativeRequire: NodeJS.Require = typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;
const { createRequire } = nativeRequire('module') as typeof Module;

const config = JSON.parse(process.env[WORKER_CONFIG_ENV] ?? 'null') as WorkerConfig | null;

function send(message: FromWorker): void {
  process.send?.(message);
}

function say(line: string): void {
  process.stdout.write(`[codestore] ${line}\n`);
}

/** Every bare `require` in the build resolves to the platform's node_modules: one typeorm, one graphql. */
export function redirectBareRequires(buildDir: string, moduleRoot: string): void {
  const M = Module as unknown as {
    _resolveFilename: (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
  };
  const original = M._resolveFilename;
  const inBuild = buildDir + path.sep;
  const fromRoot = createRequire(path.join(moduleRoot, 'package.json'));
  M._resolveFilename = function (request, parent, ...rest) {
    if (
      parent?.filename?.startsWith(inBuild) &&
      !request.startsWith('.') &&
      !path.isAbsolute(request) &&
      !request.startsWith('node:') &&
      !Module.isBuiltin(request)
    ) {
      return fromRoot.resolve(request);
    }
    return original.call(this, request, parent, ...rest);
  };
}

/** An entity class of the build (TypeORM reads its decorators' metadata). */
type EntityClass = abstract new (...args: never[]) => object;

export interface Loaded {
  manifest: BuildManifest;
  schema: GraphQLSchema;
  entities: EntityClass[];
  migrations: Array<new () => MigrationInterface>;
}

/** The build's schema with its resolvers, entities and migrations; nothing touches a database yet. */
export function load(cfg: WorkerConfig): Loaded {
  const dir = cfg.buildDir;
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BuildManifest;
  const nodeRequire = createRequire(path.join(dir, 'manifest.json'));
  const req = (rel: string) => nodeRequire(path.join(dir, ...rel.split('/'))) as Record<string, unknown>;

  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(fs.readFileSync(path.join(dir, ...manifest.schema.split('/')), 'utf8'));
  const schema = buildASTSchema(analysis.documentWithPrelude(), { assumeValidSDL: true });
  installScalars(schema);

  const authFile = ['src/auth.js'].find((f) => fs.existsSync(path.join(dir, f)));
  const authHandler = authFile ? callable(req(authFile), authFile) : undefined;
  for (const [key, rootName] of [
    ['Query', manifest.rootTypes.query],
    ['Mutation', manifest.rootTypes.mutation],
  ] as const) {
    const type = schema.getType(rootName);
    if (!(type instanceof GraphQLObjectType)) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      const file = manifest.resolvers[key][name];
      if (!file) throw new Error(`${rootName}.${name} has no resolver in the build.`);
      const resolve = callable(req(file), file);
      const guarded = field.astNode?.directives?.some((d) => d.name.value === 'auth');
      if (guarded && !authHandler)
        throw new Error(
          `${rootName}.${name} is marked @auth, but the service has no auth handler: add src/auth.ts exporting a default function (parent, args, context, info) that throws to refuse.`,
        );
      field.resolve = guarded
        ? async (parent, args, context, info) => {
            await authHandler!(parent, args, context, info);
            return resolve(parent, args, context, info);
          }
        : resolve;
    }
  }

  const entities = manifest.entities ? Object.values((req(manifest.entities).entities ?? {}) as Record<string, EntityClass>) : [];
  const migrations = manifest.migrations.map((m) => {
    const cls = req(m.file)[m.className];
    if (typeof cls !== 'function') throw new Error(`${m.file} does not export the migration class ${m.className}.`);
    return cls as new () => MigrationInterface;
  });
  return { manifest, schema, entities, migrations };
}

function callable(mod: Record<string, unknown>, file: string): GraphQLFieldResolver<unknown, unknown> {
  const fn = typeof mod === 'function' ? mod : mod.default;
  if (typeof fn !== 'function') throw new Error(`${file.replace(/\.js$/, '.ts')} must export a default function.`);
  return fn as GraphQLFieldResolver<unknown, unknown>;
}

/** The prelude's scalars, as they travel: dates as ISO strings, big numbers as strings, JSON as is. */
function installScalars(schema: GraphQLSchema): void {
  const set = (name: string, impl: Partial<Pick<GraphQLScalarType, 'serialize' | 'parseValue' | 'parseLiteral'>>) => {
    const type = schema.getType(name);
    // A scalar the service declares itself keeps graphql-js's pass-through behaviour.
    if (type instanceof GraphQLScalarType && (!type.astNode?.loc || type.astNode.loc.source.name.startsWith('codestore:')))
      Object.assign(type, impl);
  };
  const literal = (node: ValueNode): unknown => {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.ENUM:
        return node.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.BOOLEAN:
        return node.value;
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return node.values.map(literal);
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((f) => [f.name.value, literal(f.value)]));
      default:
        return undefined;
    }
  };
  set('DateTime', {
    serialize: (v) => {
      const d = v instanceof Date ? v : new Date(v as string | number);
      if (Number.isNaN(d.getTime())) throw new GraphQLError(`DateTime cannot represent ${JSON.stringify(v)}.`);
      return d.toISOString();
    },
    parseValue: (v) => {
      const d = new Date(v as string);
      if (typeof v !== 'string' || Number.isNaN(d.getTime()))
        throw new GraphQLError(`DateTime takes an ISO 8601 string, not ${JSON.stringify(v)}.`);
      return d;
    },
    parseLiteral: (node) => {
      if (node.kind !== Kind.STRING || Number.isNaN(new Date(node.value).getTime()))
        throw new GraphQLError('DateTime takes an ISO 8601 string.');
      return new Date(node.value);
    },
  });
  set('Date', { serialize: (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)) });
  set('JSON', { serialize: (v) => v, parseValue: (v) => v, parseLiteral: literal });
  set('BigInt', { serialize: (v) => String(v) });
  set('Decimal', { serialize: (v) => String(v) });
}

export async function openDataSource(cfg: WorkerConfig, loaded: Loaded): Promise<{ ds: DataSourceType }> {
  const { DataSource } = await import('typeorm');
  const ds = new DataSource({
    type: 'postgres',
    // Through the environment's database proxy when sandboxed (a Unix socket), else the URL as given.
    ...postgresConnection(cfg.database.url),
    entities: loaded.entities,
    migrations: loaded.migrations,
    migrationsTransactionMode: 'each',
    logging: false,
    poolSize: 10,
  });
  await ds.initialize();
  return { ds };
}

async function executedMigrations(ds: DataSourceType): Promise<string[]> {
  const [{ present }] = await ds.query(`SELECT to_regclass('public.migrations') IS NOT NULL AS present`);
  if (!present) return [];
  return (await ds.query(`SELECT name FROM "migrations" ORDER BY id`)).map((r: { name: string }) => r.name);
}

/** Reverts applied migrations, newest first, until the newest applied one is in `keep`. */
async function revertUntil(ds: DataSourceType, keep: Set<string>): Promise<string[]> {
  const reverted: string[] = [];
  for (;;) {
    const applied = await executedMigrations(ds);
    const last = applied[applied.length - 1];
    if (last === undefined || keep.has(last)) return reverted;
    await ds.undoLastMigration({ transaction: 'each' });
    if ((await executedMigrations(ds)).length !== applied.length - 1) throw new Error(`Could not revert migration ${last}.`);
    reverted.push(last);
    say(`reverted migration ${last}`);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function main(cfg: WorkerConfig): Promise<void> {
  redirectBareRequires(path.resolve(cfg.buildDir), cfg.moduleRoot);
  if (cfg.listen) installEgress(cfg.egress);
  let current: { ds: DataSourceType } | undefined;
  let server: http.Server | undefined;
  let serving = false;

  let loaded: Loaded;
  try {
    loaded = load(cfg);
  } catch (e) {
    send({ t: 'failed', phase: 'load', error: message(e) });
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
    process.disconnect?.();
    return;
  }

  const close = async () => {
    serving = false;
    const c = current;
    current = undefined;
    if (c) {
      await c.ds.destroy();
    }
  };
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    server?.close();
    server?.closeAllConnections();
    await close().catch(() => undefined);
    process.exit(code);
  };
  process.on('exit', (code) => {
    try {
      send({ t: 'exiting', code });
    } catch {
      /* the channel is gone */
    }
  });
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  // The platform is gone (stopped, or killed): close the database cleanly and go too.
  process.on('disconnect', () => void stop(0));

  if (cfg.mode === 'revert') {
    try {
      current = await openDataSource(cfg, loaded);
      const reverted = await revertUntil(current.ds, new Set(cfg.keep ?? []));
      await close();
      send({ t: 'reverted', reverted });
    } catch (e) {
      await close().catch(() => undefined);
      send({ t: 'failed', phase: 'revert', error: message(e) });
    }
    process.disconnect?.();
    return;
  }

  // An answer to an operation that ran (it parsed and validated) says so to the gateway, which
  // meters only those: a malformed request is not a call.
  const responses = new WeakMap<http.IncomingMessage, http.ServerResponse>();
  const handler = createHandler({
    schema: loaded.schema,
    context: (req) => ({ db: { connection: current?.ds }, headers: (req.raw as http.IncomingMessage).headers }) as never,
    onOperation: (req, _args, result) => {
      responses.get(req.raw as http.IncomingMessage)?.setHeader(EXECUTED_HEADER, '1');
      logResolverErrors(result, cfg.buildDir);
    },
  });

  const open = async (): Promise<FromWorker> => {
    let phase: 'migrate' | 'start' = 'migrate';
    let before: string[] = [];
    try {
      current = await openDataSource(cfg, loaded);
      before = await executedMigrations(current.ds);
      const ran = await current.ds.runMigrations({ transaction: 'each' });
      for (const m of ran) say(`ran migration ${m.name}`);
      phase = 'start';
      // A pause between migrating and serving, for tests that stop the platform right there.
      const hold = Number(process.env.CODESTORE_DEPLOY_HOLD_MS ?? 0);
      if (hold > 0 && ran.length) await new Promise((r) => setTimeout(r, hold));
      if (!server) {
        const s = http.createServer((req, res) => {
          if (!serving) {
            res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
            res.end(JSON.stringify({ errors: [{ message: 'The service is starting or handing over its database; try again.' }] }));
            return;
          }
          responses.set(req, res);
          void handler(req, res).catch((e) => {
            process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
            if (!res.headersSent) res.writeHead(500);
            res.end();
          });
        });
        s.keepAliveTimeout = 60_000;
        const where = cfg.listen ? { fd: cfg.listen.fd } : { port: 0, host: '127.0.0.1' };
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(where, () => resolve());
        });
        server = s;
      }
      serving = true;
      const port = cfg.listen ? 0 : (server.address() as { port: number }).port;
      await selfCheck(port, server, cfg.listen?.path);
      return { t: 'ready', port, migrated: ran.map((m) => m.name) };
    } catch (e) {
      serving = false;
      process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
      if (current) {
        try {
          await revertUntil(current.ds, new Set(before));
        } catch (err) {
          say(`could not revert this deployment's migrations: ${message(err)}`);
        }
      }
      await close().catch(() => undefined);
      return { t: 'failed', phase, error: message(e) };
    }
  };

  process.on('message', (msg: ToWorker) => {
    if (msg.t === 'open') {
      void open().then((reply) => {
        send(reply);
        if (reply.t === 'failed') void stop(1);
      });
    } else if (msg.t === 'ping') {
      send({ t: 'pong', n: msg.n });
    } else if (msg.t === 'release') {
      void close().then(
        () => send({ t: 'released' }),
        (e) => send({ t: 'failed', phase: 'start', error: message(e) }),
      );
    }
  });
  send({ t: 'loaded' });
}

/**
 * A resolver that threw: its error with the stack on stderr, at the service's `.ts` lines (the
 * process runs with --enable-source-maps and the build has maps), paths relative to the build.
 */
function logResolverErrors(result: unknown, buildDir: string): void {
  const errors = (result as { errors?: readonly GraphQLError[] } | undefined)?.errors ?? [];
  const prefix = path.resolve(buildDir) + path.sep;
  for (const e of errors) {
    const original = e.originalError;
    if (!original || original instanceof GraphQLError) continue;
    const where = e.path ? ` in ${e.path.join('.')}` : '';
    process.stderr.write(`resolver error${where}: ${(original.stack ?? String(original)).split(prefix).join('')}\n`);
  }
}

/**
 * One `{ __typename }` through the server itself: it parses, executes and answers. On a socket the
 * process cannot see (its sandbox), through a loopback listener of the same server for the check
 * alone: the sandbox's network namespace is its own, nobody else reaches it.
 */
async function selfCheck(port: number, server: http.Server, socketPath: string | undefined): Promise<void> {
  let probe: http.Server | undefined;
  if (port === 0 && !socketPath) {
    probe = http.createServer((req, res) => server.emit('request', req, res));
    await new Promise<void>((resolve, reject) => {
      probe!.once('error', reject);
      probe!.listen(0, '127.0.0.1', () => resolve());
    });
    port = (probe.address() as { port: number }).port;
  }
  try {
    await checkOnce(port, socketPath);
  } finally {
    probe?.close();
    probe?.closeAllConnections();
  }
}

function checkOnce(port: number, socketPath: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const where = port ? { host: '127.0.0.1', port } : { socketPath };
    // Its own plain agent: the global one goes through the egress proxy (or nowhere).
    const req = http.request(
      {
        ...where,
        agent: new http.Agent(),
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          if (res.statusCode === 200 && text.includes('__typename')) resolve();
          else reject(new Error(`The service answered its health check with ${res.statusCode}: ${text.slice(0, 200)}`));
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('The service did not answer its health check in 10 s.')));
    req.on('error', reject);
    req.end(body);
  });
}

if (config) {
  void main(config).catch((e) => {
    send({ t: 'failed', phase: 'load', error: message(e) });
    process.exitCode = 1;
  });
} else if (require.main === module) {
  process.stderr.write('dist/runtime.js is started by the platform, not by hand.\n');
  process.exitCode = 2;
}
