// The process `codestore dev` runs a service in (bundled as dist/dev-worker.js, forked with
// --enable-source-maps and an IPC channel; ./protocol.ts is the conversation). It loads each build
// with the platform runtime's own functions (../runtime/worker.ts: the prelude's scalars, `@auth`,
// the context `{ db: { connection }, headers }`), so a service behaves here as it does deployed.
// A build replaces the one served without a restart: a resolver edit is served in well under a
// second, and a debugger attached to this process keeps its breakpoints across reloads (the
// builds' source maps name the service's own `.ts` files).
import 'reflect-metadata';
import * as http from 'http';
import * as path from 'path';
import { GraphQLError } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import type { DataSource } from 'typeorm';
import { load, openDataSource, redirectBareRequires } from '../runtime/worker';
import type { WorkerConfig } from '../runtime/protocol';
import { relativeStack, sourceLocation } from './stack';
import { DEV_WORKER_CONFIG_ENV, DevWorkerConfig, FromDevWorker, ToDevWorker } from './protocol';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

interface Served {
  ds: DataSource;
  handler: Handler;
}

function send(message: FromDevWorker): void {
  process.send?.(message);
}

async function main(cfg: DevWorkerConfig): Promise<void> {
  redirectBareRequires(path.resolve(cfg.buildsDir), cfg.moduleRoot);
  let served: Served | undefined;
  const server = http.createServer((req, res) => {
    if (!served) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ errors: [{ message: 'The service is not loaded yet: see the output of `codestore dev`.' }] }));
      return;
    }
    void served.handler(req, res).catch((e) => {
      process.stderr.write(`${relativeStack(e instanceof Error ? (e.stack ?? e.message) : String(e), cfg.serviceDir)}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  /** A resolver's error says where it was thrown, on stderr and in the answer's `extensions.location`. */
  const withLocations = (result: unknown): unknown => {
    const r = result as { errors?: readonly GraphQLError[] } | undefined;
    if (!r?.errors?.length) return undefined;
    let changed = false;
    const errors = r.errors.map((e) => {
      const original = e.originalError;
      if (!original || original instanceof GraphQLError) return e;
      const stack = serviceFrames(relativeStack(original.stack ?? String(original), cfg.serviceDir));
      const where = e.path ? ` in ${e.path.join('.')}` : '';
      process.stderr.write(`resolver error${where}: ${stack}\n`);
      const location = sourceLocation(stack);
      if (!location) return e;
      changed = true;
      return new GraphQLError(e.message, {
        nodes: e.nodes,
        source: e.source,
        positions: e.positions,
        path: e.path,
        originalError: original,
        extensions: { ...e.extensions, location },
      });
    });
    return changed ? { ...r, errors } : undefined;
  };

  const loadBuild = async (msg: ToDevWorker): Promise<FromDevWorker> => {
    const workerConfig: WorkerConfig = {
      buildDir: msg.buildDir,
      database: { kind: 'postgres', url: cfg.databaseUrl },
      moduleRoot: cfg.moduleRoot,
      mode: 'serve',
    };
    let loaded;
    try {
      loaded = load(workerConfig);
    } catch (e) {
      return { t: 'failed', seq: msg.seq, phase: 'load', error: describe(e, cfg.serviceDir) };
    }
    let ds: DataSource | undefined;
    try {
      // Each build has its own entity classes: a data source made for them, the old one closed after.
      ds = (await openDataSource(workerConfig, loaded)).ds;
      const ran = await ds.runMigrations({ transaction: 'each' });
      const db = { connection: ds };
      const handler = createHandler({
        schema: loaded.schema,
        context: (req) => ({ db, headers: (req.raw as http.IncomingMessage).headers }) as never,
        onOperation: (_req, _args, result) => withLocations(result) as never,
      }) as Handler;
      const previous = served;
      served = { ds, handler };
      // Requests still running on the previous build finish on its data source.
      if (previous) setTimeout(() => void previous.ds.destroy().catch(() => undefined), 5_000).unref();
      return { t: 'loaded', seq: msg.seq, migrated: ran.map((m) => m.name) };
    } catch (e) {
      await ds?.destroy().catch(() => undefined);
      return { t: 'failed', seq: msg.seq, phase: 'migrate', error: describe(e, cfg.serviceDir) };
    }
  };

  // One load at a time, in order.
  let queue = Promise.resolve();
  process.on('message', (msg: ToDevWorker) => {
    if (msg.t !== 'load') return;
    queue = queue.then(() => loadBuild(msg).then(send));
  });
  // Ctrl-C on the terminal reaches the whole process group: `codestore dev` decides when this process ends.
  process.on('SIGINT', () => undefined);
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void (served?.ds.destroy() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  send({ t: 'listening', port: (server.address() as { port: number }).port });
}

/** The message and the frames in the service's own code (not graphql's, typeorm's or Node's). */
function serviceFrames(stack: string): string {
  const lines = stack.split('\n');
  const kept = lines.filter((l, i) => i === 0 || !/^\s+at /.test(l) || !/node_modules|node:internal|\(node:/.test(l));
  return kept.join('\n');
}

function describe(e: unknown, serviceDir: string): string {
  return relativeStack(e instanceof Error ? (e.stack ?? e.message) : String(e), serviceDir);
}

const config = JSON.parse(process.env[DEV_WORKER_CONFIG_ENV] ?? 'null') as DevWorkerConfig | null;
if (config) {
  void main(config).catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
