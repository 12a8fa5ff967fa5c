// /s/<endpointId>/graphql: checks the caller's key (`x-user-authorization`: the service's
// developer key for private, demo, development and staging; one of the project's client keys for
// production), waits while the environment is between processes, and forwards the request to the
// process serving it. A service-instance's calls are metered before their answer goes out. One
// log line per request.
import * as http from 'http';
import { timingSafeEqual } from 'crypto';
import { sha256 } from '../auth/tokens';
import type { Db } from '../store/db';
import { endpointRoute, EndpointRoute } from '../store/deployments';
import { guardBodySize, GRAPHQL_BODY_LIMIT, RouteHandler, sendError } from '../server';
import type { Meter } from '../billing/meter';
import { activeClientKeyHashes, InstanceEnvironment } from '../store/projects';
import type { LogSink } from './logs';
import { EXECUTED_HEADER } from './protocol';
import type { Runtime } from './runtime';

export const KEY_HEADER = 'x-user-authorization';
/** Headers that belong to one hop, not forwarded (RFC 9110 7.6.1), and the platform key. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', KEY_HEADER, EXECUTED_HEADER]);

export interface Gateway {
  handle: RouteHandler;
  /** Forgets what it knows of these endpoints (their service was removed). */
  forget(endpointIds: readonly string[]): void;
  /** The project's client keys changed: they are read again on the next call. */
  clientKeysChanged(projectId: string): void;
}

export function createGateway(db: Db, runtime: Runtime, logs: LogSink, meter: Meter): Gateway {
  // The active client keys of each project (sha256), read when first needed.
  const clientKeys = new Map<string, Promise<Set<string>>>();
  const keysOf = (projectId: string) => {
    let keys = clientKeys.get(projectId);
    if (!keys) {
      keys = activeClientKeyHashes(db, projectId).then((hashes) => new Set(hashes));
      keys.catch(() => clientKeys.delete(projectId));
      clientKeys.set(projectId, keys);
    }
    return keys;
  };
  // Endpoints are immutable but for removal; an unknown one is looked up each time (it may be new).
  const routes = new Map<string, EndpointRoute>();
  // Idle connections to a deployment process are closed here after 10 s, well before the process
  // would close them (60 s): a request never goes out on a connection the other end is closing.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 10_000 });

  const handle: RouteHandler = async (req, res, endpointId) => {
    if (req.method !== 'POST' && req.method !== 'GET') {
      req.resume();
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Call a service endpoint with POST (or GET for a query).', { allow: 'GET, POST' });
    }
    let route = routes.get(endpointId);
    if (!route) {
      route = endpointId.length <= 64 ? await endpointRoute(db, endpointId) : undefined;
      if (!route) {
        req.resume();
        return sendError(res, 404, 'NOT_FOUND', `No service endpoint ${endpointId.slice(0, 64)} on this platform: \`codestore service:info\` and \`codestore project:service:info\` show your endpoints.`);
      }
      routes.set(endpointId, route);
    }
    const key = req.headers[KEY_HEADER];
    if (typeof key !== 'string' || !key) {
      req.resume();
      return sendError(res, 401, 'UNAUTHENTICATED', `Send the service's developer key in the ${KEY_HEADER} header.`);
    }
    const keyHash = sha256(key);
    if (route.environment === 'production' && route.project_id) {
      // A set lookup by a hash of 256 random bits: its timing tells nothing about any key.
      if (!(await keysOf(route.project_id)).has(keyHash)) {
        req.resume();
        return sendError(res, 403, 'FORBIDDEN', `The ${KEY_HEADER} key is not a client key of this project (or it was revoked). \`codestore project:client:add\` makes one.`);
      }
    } else {
      const given = Buffer.from(keyHash, 'hex');
      const expected = Buffer.from(route.developer_key_sha256, 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        req.resume();
        return sendError(res, 403, 'FORBIDDEN', `The ${KEY_HEADER} key is not this service's developer key. (It was shown once, by service:create.)`);
      }
    }
    if (!guardBodySize(req, res, GRAPHQL_BODY_LIMIT)) return;

    const started = process.hrtime.bigint();
    const worker = await runtime.admit(route.environment_id);
    if (!worker) {
      req.resume();
      return sendError(res, 503, 'NOT_DEPLOYED', `Nothing serves the ${route.environment} environment of this service right now: push it (or promote it to demo), or see \`codestore logs -e ${route.environment}\`.`, { 'retry-after': '5' });
    }
    const envId = route.environment_id;
    const deploymentId = worker.deployment.deployment_id;
    let finished = false;
    const finish = (status: number | string) => {
      if (finished) return;
      finished = true;
      runtime.done(worker);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logs.write(envId, deploymentId, 'request', `${req.method} ${status} ${ms.toFixed(1)} ms`);
    };
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_HEADERS.has(name) && value !== undefined) headers[name] = value;
    }
    const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    const instanceId = route.instance_id;
    const metered = instanceId ? route.environment as InstanceEnvironment : undefined;
    const upstream = http.request({ socketPath: worker.socketPath, method: req.method, path: `/graphql${query}`, headers, agent }, (up) => {
      clearTimeout(deadline);
      if (metered && up.headers[EXECUTED_HEADER] === '1') {
        const planId = meter.planOf(instanceId!);
        if (planId) {
          forward(up, planId);
        } else {
          up.pause();
          meter.loadPlan(instanceId!).then((id) => forward(up, id), (e) => { logError(e); forward(up, undefined); });
        }
      } else {
        forward(up, undefined);
      }
    });
    const logError = (e: unknown) => logs.write(envId, deploymentId, 'platform', `metering failed: ${e instanceof Error ? e.message : String(e)}`);
    /** Counts the call (when it is an instance's) before its answer goes out. */
    const forward = (up: http.IncomingMessage, planId: string | undefined) => {
      if (metered && planId) {
        try {
          meter.record(instanceId!, metered, planId);
        } catch (e) {
          logError(e);
        }
      }
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers)) if (!HOP_HEADERS.has(name) && value !== undefined) out[name] = value;
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
      up.on('end', () => finish(up.statusCode ?? 502));
      up.on('error', () => { finish('aborted'); res.destroy(); });
      up.resume();
    };
    upstream.on('error', (e) => {
      // Sandbox hook: a process the watchdog killed for a blocked event loop timed its requests out.
      if (worker.killedBecause && !res.headersSent) {
        finish(504);
        return sendError(res, 504, 'TIMEOUT', `The service stopped answering (${worker.killedBecause}); it is being started again.`);
      }
      finish(502);
      if (!res.headersSent) sendError(res, 502, 'SERVICE_UNAVAILABLE', `The service's process did not answer (${e.message}); its log may say why.`);
      else res.destroy();
    });
    res.on('close', () => { clearTimeout(deadline); if (!finished) { upstream.destroy(); finish('aborted'); } });
    // Sandbox hook: a request is bounded (the service's timeout within the platform's maximum).
    // A process that stops answering altogether is the liveness watchdog's (runtime.ts).
    const timeoutMs = worker.launched.limits.requestTimeoutMs;
    const deadline = setTimeout(() => {
      if (finished) return;
      finish(504);
      logs.write(envId, deploymentId, 'platform', `request timeout: no answer in ${timeoutMs / 1000} s`);
      upstream.destroy();
      if (!res.headersSent) sendError(res, 504, 'TIMEOUT', `The service did not answer in ${timeoutMs / 1000} s (its request timeout).`);
      else res.destroy();
    }, timeoutMs);
    req.pipe(upstream);
  };

  return {
    handle,
    forget(endpointIds) {
      for (const id of endpointIds) routes.delete(id);
    },
    clientKeysChanged(projectId) {
      clientKeys.delete(projectId);
    },
  };
}
