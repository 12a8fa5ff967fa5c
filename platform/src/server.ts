// The platform's one HTTP server: routes each request to the API, the push endpoint or the
// gateway of a deployed environment. Push and gateway are hooks the later parts plug in.
import * as http from 'http';
import { ApiError, ApiErrorCode } from './errors';

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, id: string) => Promise<void> | void;

/**
 * What the server routes to, read on every request: the platform fills it in once its store is
 * open, and until then answers 503 (so it can take its port, and fail fast, before the slow start).
 */
export interface PlatformRoutes {
  /** POST /graphql (and GET for queries, as GraphQL over HTTP allows). */
  graphql?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
  /** POST /push/<serviceId>: a gzipped tar of the service folder. */
  push?: RouteHandler;
  /** GET /source/<serviceId>?version=<v>: the archive a version was pushed with. */
  source?: RouteHandler;
  /** /s/<endpointId>/graphql: the gateway to a deployed environment. */
  gateway?: RouteHandler;
  /** Reports a handler that threw (the client gets a 500 without the details). */
  logError: (message: string, error: unknown) => void;
}

/** A GraphQL request body is text: past this, it is refused before it is read. */
export const GRAPHQL_BODY_LIMIT = 1024 * 1024;

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers })
    .end(text);
}

/** The `{ errors: [{ message, extensions: { code } }] }` shape of every non-GraphQL error answer too. */
export function sendError(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: http.OutgoingHttpHeaders = {},
): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
}

const STATUS: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  BREAKS_CLIENTS: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/**
 * Answers a non-GraphQL route's failure (push, gateway) in the API's error shape: an ApiError with
 * its status and code, anything else as a logged, masked 500.
 */
export function sendFailure(res: http.ServerResponse, error: unknown, logError: PlatformRoutes['logError']): void {
  if (error instanceof ApiError) {
    sendJson(res, STATUS[error.code] ?? 400, { errors: [{ message: error.message, extensions: error.extensions }] });
    return;
  }
  logError('request failed', error);
  sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal error on the platform; its log has the details.');
}

export function createPlatformServer(routes: PlatformRoutes): http.Server {
  const server = http.createServer((req, res) => {
    void route(routes, req, res).catch((e) => {
      routes.logError(`${req.method} ${req.url} failed`, e);
      sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal error on the platform; its log has the details.');
    });
  });
  // A slow or stuck client must not hold a socket forever.
  server.requestTimeout = 5 * 60 * 1000;
  server.headersTimeout = 30 * 1000;
  // Clients keep connections open (Node's agents do by default). A client that reuses one just as
  // the server closes it gets a reset; past a minute of idling, clients have let go first.
  server.keepAliveTimeout = 65 * 1000;
  return server;
}

async function route(routes: PlatformRoutes, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const pathname = (req.url ?? '/').split('?')[0];
  if (pathname === '/healthz') {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Use GET /healthz.', { allow: 'GET, HEAD' });
    return routes.graphql ? sendJson(res, 200, { status: 'ok' }) : sendJson(res, 503, { status: 'starting' }, { 'retry-after': '1' });
  }
  if (!routes.graphql) return sendError(res, 503, 'STARTING', 'The platform is starting; try again in a moment.', { 'retry-after': '1' });
  if (pathname === '/graphql') {
    if (!guardBodySize(req, res, GRAPHQL_BODY_LIMIT)) return;
    return routes.graphql(req, res);
  }
  let m = /^\/push\/([^/]+)$/.exec(pathname);
  if (m) {
    if (!routes.push) return sendError(res, 501, 'NOT_IMPLEMENTED', 'This platform does not take pushes yet.');
    return routes.push(req, res, decodeURIComponent(m[1]));
  }
  m = /^\/source\/([^/]+)$/.exec(pathname);
  if (m) {
    if (!routes.source) return sendError(res, 501, 'NOT_IMPLEMENTED', 'This platform does not give sources back.');
    return routes.source(req, res, decodeURIComponent(m[1]));
  }
  m = /^\/s\/([^/]+)\/graphql$/.exec(pathname);
  if (m) {
    if (!routes.gateway) return sendError(res, 501, 'NOT_IMPLEMENTED', 'This platform does not serve deployed services yet.');
    return routes.gateway(req, res, decodeURIComponent(m[1]));
  }
  return sendError(res, 404, 'NOT_FOUND', `No route ${pathname}: the API is POST /graphql.`);
}

/**
 * Refuses a body larger than `limit` before it is read. A POST must declare its length (every
 * HTTP client does for a JSON body); Node's parser then never delivers more than declared.
 * Counting a chunked body here would race graphql-http's own reading of it.
 */
export function guardBodySize(req: http.IncomingMessage, res: http.ServerResponse, limit: number): boolean {
  if (req.method !== 'POST') return true;
  const declared = Number(req.headers['content-length']);
  if (req.headers['content-length'] === undefined || !Number.isFinite(declared)) {
    sendError(res, 411, 'LENGTH_REQUIRED', 'Send the request body with a Content-Length header.', { connection: 'close' });
  } else if (declared > limit) {
    sendError(res, 413, 'PAYLOAD_TOO_LARGE', `The request body has ${declared} bytes; the API takes at most ${limit}.`, {
      connection: 'close',
    });
  } else {
    return true;
  }
  req.resume();
  return false;
}
