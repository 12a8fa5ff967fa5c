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
import { guardBodySize, GRAPHQL_BODY_LIMIT, RouteHandler, sendError, sendJson } from '../server';
import type { Meter } from '../billing/meter';
import type { InstanceEnvironment } from '../store/projects';
import { activeClientKeyNames } from '../store/gateway';
import { GatewayPolicy, graphqlParams, Inspection, PolicyOptions } from '../gateway/policy';
import { formatRequestLine } from '../gateway/requestLog';
import { admitCall, CallLimits, isRefusal, QuotaTicket } from '../gateway/limits';
import type { LogSink } from './logs';
import { EXECUTED_HEADER } from './protocol';
import type { DeploymentRuntime } from './deploymentRuntime';
import { DEVELOPER_KEY_CLIENT, type UsageRecorder } from '../usage/recorder';

export const KEY_HEADER = 'x-user-authorization';
/** Headers that belong to one hop, not forwarded (RFC 9110 7.6.1), and the platform key. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  KEY_HEADER,
  EXECUTED_HEADER,
]);

export interface Gateway {
  handle: RouteHandler;
  /** Forgets what it knows of these endpoints (their service was removed). */
  forget(endpointIds: readonly string[]): void;
  /** The project's client keys changed: they are read again on the next call. */
  clientKeysChanged(projectId: string): void;
  /** The browser origins set for an instance environment changed. */
  corsOriginsChanged(environmentId: string): void;
  /** Writes the refused calls it counted to the store; resolves when they are there. */
  flush(): Promise<void>;
}

export function createGateway(
  db: Db,
  runtime: DeploymentRuntime,
  logs: LogSink,
  meter: Meter,
  options: PolicyOptions = {},
  usage?: UsageRecorder,
): Gateway {
  const policy = new GatewayPolicy(db, (environmentId, message) => logs.write(environmentId, null, 'platform', message), options);
  const limits = new CallLimits(db, meter, options);
  // The active client keys of each project (sha256 → name), read when first needed.
  const clientKeys = new Map<string, Promise<Map<string, string>>>();
  const keysOf = (projectId: string) => {
    let keys = clientKeys.get(projectId);
    if (!keys) {
      keys = activeClientKeyNames(db, projectId);
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
    if (req.method !== 'POST' && req.method !== 'GET' && req.method !== 'OPTIONS') {
      req.resume();
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Call a service endpoint with POST (or GET for a query).', {
        allow: 'GET, POST, OPTIONS',
      });
    }
    let route = routes.get(endpointId);
    if (!route) {
      route = endpointId.length <= 64 ? await endpointRoute(db, endpointId) : undefined;
      if (!route) {
        req.resume();
        return sendError(
          res,
          404,
          'NOT_FOUND',
          `No service endpoint ${endpointId.slice(0, 64)} on this platform: \`codestore service:info\` and \`codestore project:service:info\` show your endpoints.`,
        );
      }
      routes.set(endpointId, route);
    }
    const theRoute = route;
    if (req.method === 'OPTIONS')
      return policy.preflight(req, res, route, (status, code, message) => sendError(res, status, code, message));
    // A browser page reads an error answer too when its origin is allowed.
    const corsBuild = policy.knownBuild(route.environment_id);
    if (req.headers.origin !== undefined) setHeaders(res, await policy.corsHeaders(req, route, corsBuild));
    const key = req.headers[KEY_HEADER];
    if (typeof key !== 'string' || !key) {
      req.resume();
      return sendError(res, 401, 'UNAUTHENTICATED', `Send the service's developer key in the ${KEY_HEADER} header.`);
    }
    const keyHash = sha256(key);
    let clientKey: string | null = null;
    if (route.environment === 'production' && route.project_id) {
      // A map lookup by a hash of 256 random bits: its timing tells nothing about any key.
      const name = (await keysOf(route.project_id)).get(keyHash);
      if (name === undefined) {
        req.resume();
        return sendError(
          res,
          403,
          'FORBIDDEN',
          `The ${KEY_HEADER} key is not a client key of this project (or it was revoked). \`codestore project:client:add\` makes one.`,
        );
      }
      clientKey = name;
    } else {
      const given = Buffer.from(keyHash, 'hex');
      const expected = Buffer.from(route.developer_key_sha256, 'hex');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        req.resume();
        return sendError(
          res,
          403,
          'FORBIDDEN',
          `The ${KEY_HEADER} key is not this service's developer key. (It was shown once, by service:create.)`,
        );
      }
    }
    if (!guardBodySize(req, res, GRAPHQL_BODY_LIMIT)) return;
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    if (body === null) return;

    const started = process.hrtime.bigint();
    const worker = await runtime.admit(route.environment_id);
    if (!worker) {
      req.resume();
      return sendError(
        res,
        503,
        'NOT_DEPLOYED',
        `Nothing serves the ${route.environment} environment of this service right now: push it (or promote it to demo), or see \`codestore logs -e ${route.environment}\`.`,
        { 'retry-after': '5' },
      );
    }
    const envId = route.environment_id;
    const deploymentId = worker.deploymentId;
    let inspection: Inspection = {};
    let ticket: QuotaTicket | undefined;
    let finished = false;
    const finish = (status: number | string, refused: string | null = null) => {
      if (finished) return;
      finished = true;
      ticket?.release();
      runtime.done(worker);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const op = inspection.operation;
      logs.write(
        envId,
        deploymentId,
        'request',
        formatRequestLine({
          operationType: op?.type ?? req.method ?? 'POST',
          operationName: op?.name ?? null,
          rootFields: op ? [...op.rootFields] : [],
          status: String(status),
          ms,
          clientKey,
          refused,
        }),
      );
    };
    let params: ReturnType<typeof graphqlParams>;
    try {
      params = graphqlParams(req.method, req.url ?? '', body);
      inspection = await policy.inspect(params, envId, worker.buildPath);
    } catch (e) {
      // Without its build's settings the request still goes to the service, which checks it again.
      logs.write(envId, deploymentId, 'platform', `could not read the build's settings: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (inspection.refusal) {
      const { limit, measured, maximum, message } = inspection.refusal;
      finish(400, `QUERY_TOO_COMPLEX ${limit} ${measured} > ${maximum}`);
      if (route.instance_id) limits.refused(route.instance_id, route.environment, 'QUERY_TOO_COMPLEX');
      return sendJson(res, 400, { errors: [{ message, extensions: { code: 'QUERY_TOO_COMPLEX', limit, measured, maximum } }] });
    }
    if (policy.rateLimits) {
      const verdict = await admitCall(limits, meter, theRoute, keyHash);
      if (isRefusal(verdict)) {
        finish(429, `${verdict.code} ${verdict.limit}`);
        if (theRoute.instance_id) limits.refused(theRoute.instance_id, theRoute.environment, verdict.code);
        return sendJson(
          res,
          429,
          {
            errors: [
              { message: verdict.message, extensions: { code: verdict.code, limit: verdict.limit, retryAfter: verdict.retryAfter } },
            ],
          },
          { 'retry-after': String(verdict.retryAfter) },
        );
      }
      ticket = verdict;
    }
    // Another build serves than the one the CORS headers were decided by (a deploy in between).
    if (req.headers.origin !== undefined && !theRoute.instance_id && corsBuild !== worker.buildPath) {
      setHeaders(res, await policy.corsHeaders(req, theRoute, worker.buildPath));
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_HEADERS.has(name) && value !== undefined) headers[name] = value;
    }
    const query = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    const instanceId = route.instance_id;
    const metered = instanceId ? (route.environment as InstanceEnvironment) : undefined;
    const upstream = http.request({ socketPath: worker.socketPath, method: req.method, path: `/graphql${query}`, headers, agent }, (up) => {
      clearTimeout(deadline);
      // What the call used of the schema, for schema checks: only operations the service ran.
      if (usage && options.usageCapture !== false && params && up.headers[EXECUTED_HEADER] === '1') {
        usage.record({
          environmentId: envId,
          buildPath: worker.buildPath,
          client: clientKey ?? DEVELOPER_KEY_CLIENT,
          documentHash: inspection.documentHash ?? sha256(params.query),
          document: params.query,
          operationName: params.operationName,
        });
      }
      if (metered && up.headers[EXECUTED_HEADER] === '1') {
        const planId = meter.planOf(instanceId!);
        if (planId) {
          forward(up, planId);
        } else {
          up.pause();
          meter.loadPlan(instanceId!).then(
            (id) => forward(up, id),
            (e) => {
              logError(e);
              forward(up, undefined);
            },
          );
        }
      } else {
        forward(up, undefined);
      }
    });
    const logError = (e: unknown) =>
      logs.write(envId, deploymentId, 'platform', `metering failed: ${e instanceof Error ? e.message : String(e)}`);
    /** Counts the call (when it is an instance's) before its answer goes out. */
    const forward = (up: http.IncomingMessage, planId: string | undefined) => {
      if (metered && planId) {
        try {
          meter.record(instanceId!, metered, planId);
          ticket?.commit();
        } catch (e) {
          logError(e);
        }
      }
      const out: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(up.headers)) if (!HOP_HEADERS.has(name) && value !== undefined) out[name] = value;
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
      up.on('end', () => finish(up.statusCode ?? 502));
      up.on('error', () => {
        finish('aborted');
        res.destroy();
      });
      up.resume();
    };
    upstream.on('error', (e) => {
      // Sandbox hook: a process the watchdog killed for a blocked event loop timed its requests out.
      if (worker.killedBecause && !res.headersSent) {
        finish(504);
        return sendError(res, 504, 'TIMEOUT', `The service stopped answering (${worker.killedBecause}); it is being started again.`);
      }
      finish(502);
      if (!res.headersSent)
        sendError(res, 502, 'SERVICE_UNAVAILABLE', `The service's process did not answer (${e.message}); its log may say why.`);
      else res.destroy();
    });
    res.on('close', () => {
      clearTimeout(deadline);
      if (!finished) {
        upstream.destroy();
        finish('aborted');
      }
    });
    // Sandbox hook: a request is bounded (the service's timeout within the platform's maximum).
    // A process that stops answering altogether is the liveness watchdog's (runtime.ts).
    const timeoutMs = worker.requestTimeoutMs;
    const deadline = setTimeout(() => {
      if (finished) return;
      finish(504);
      logs.write(envId, deploymentId, 'platform', `request timeout: no answer in ${timeoutMs / 1000} s`);
      upstream.destroy();
      if (!res.headersSent) sendError(res, 504, 'TIMEOUT', `The service did not answer in ${timeoutMs / 1000} s (its request timeout).`);
      else res.destroy();
    }, timeoutMs);
    upstream.end(body);
  };

  return {
    handle,
    forget(endpointIds) {
      for (const id of endpointIds) routes.delete(id);
    },
    clientKeysChanged(projectId) {
      clientKeys.delete(projectId);
    },
    corsOriginsChanged(environmentId) {
      policy.originsChanged(environmentId);
    },
    flush() {
      return limits.flush();
    },
  };
}

/**
 * The request body (its length was declared and checked), read whole: the gateway looks at the
 * operation before the service sees it. null when the client went away first.
 */
function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(null));
    req.on('close', () => {
      if (!req.complete) resolve(null);
    });
  });
}

/** Sets the CORS headers of an answer, removing those a new decision no longer gives. */
function setHeaders(res: http.ServerResponse, headers: http.OutgoingHttpHeaders): void {
  if (!('access-control-allow-origin' in headers)) {
    res.removeHeader('access-control-allow-origin');
    res.removeHeader('vary');
  }
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
}
