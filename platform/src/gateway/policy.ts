// What the gateway decides about a request before the service sees it: which browser origins may
// call an environment (CORS), and whether the operation is within the service's cost limits. The
// gateway (runtime/gateway.ts) asks; this module holds the caches.
import type * as http from 'http';
import type { Db } from '../store/db';
import type { EndpointRoute } from '../store/deployments';
import { corsOriginsOf, servingBuildPath } from '../store/gateway';
import { checkDocumentSize, checkOperation, CostRefusal } from './cost';
import { corsHeaders, environmentOrigins, originAllowed, preflightHeaders, refusedOriginMessage } from './cors';
import { DocumentCache, OperationAnalysis } from './document';
import { BuildSettings, BuildSettingsCache } from './serviceSettings';
import type { RateLimit } from './limits';

/** Read on every request, so a benchmark can switch the checks off and on in one run. */
export interface PolicyOptions {
  /** CORS headers and preflights (default on). Off only to measure what they cost. */
  cors?: boolean;
  /** Cost limits (default on). Off only to measure what they cost. */
  costLimits?: boolean;
  /** Rate limits and quotas (default on). Off only to measure what they cost. */
  rateLimits?: boolean;
  /** Schema usage capture of every call the service ran (default on). Off only to measure what it costs. */
  usageCapture?: boolean;
  /** The rate limits' and quotas' clock (tests inject one). */
  now?: () => number;
  /** Per developer key; null for none. Default DEVELOPER_RATE_LIMIT. */
  developerRateLimit?: RateLimit | null;
}

/** The GraphQL request a body (or a GET's query string) holds, as far as the gateway reads it. */
export interface GraphqlParams {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown>;
}

/** What the gateway learnt of a request: its operation when it could tell, a refusal when over a limit. */
export interface Inspection {
  operation?: OperationAnalysis;
  /** sha256 (hex) of the document's text, when it was read. */
  documentHash?: string;
  refusal?: CostRefusal;
}

export class GatewayPolicy {
  readonly documents = new DocumentCache();
  private readonly builds: BuildSettingsCache;
  /** The build each environment served at its last request: a browser's request needs no store query for its CORS headers. */
  private readonly lastBuild = new Map<string, string>();
  /** Origins set for each service-instance environment, read when first needed. */
  private readonly instanceOrigins = new Map<string, Promise<string[]>>();

  /** Environments told of their build's codestore.yaml problems (once per build). */
  private readonly reported = new Set<string>();

  /** `report` writes a platform line to an environment's log. */
  constructor(
    private readonly db: Db,
    private readonly report: (environmentId: string, message: string) => void,
    private readonly options: PolicyOptions = {},
  ) {
    this.builds = new BuildSettingsCache();
  }

  get cors(): boolean {
    return this.options.cors !== false;
  }

  get costLimits(): boolean {
    return this.options.costLimits !== false;
  }

  get rateLimits(): boolean {
    return this.options.rateLimits !== false;
  }

  /** The origins set for an instance environment changed: read again on the next request. */
  originsChanged(environmentId: string): void {
    this.instanceOrigins.delete(environmentId);
  }

  forgetEnvironment(environmentId: string): void {
    this.instanceOrigins.delete(environmentId);
    this.lastBuild.delete(environmentId);
  }

  /** The build the environment served at its last request, if any. */
  knownBuild(environmentId: string): string | undefined {
    return this.lastBuild.get(environmentId);
  }

  private listedOrigins(route: EndpointRoute, build: BuildSettings | undefined): Promise<readonly string[]> | readonly string[] {
    // Who owns the environment lists its origins: the service's author in codestore.yaml for
    // private and demo, the project for an instance's environments.
    if (!route.instance_id) return build?.origins ?? [];
    let origins = this.instanceOrigins.get(route.environment_id);
    if (!origins) {
      origins = corsOriginsOf(this.db, route.environment_id);
      origins.catch(() => this.instanceOrigins.delete(route.environment_id));
      this.instanceOrigins.set(route.environment_id, origins);
    }
    return origins;
  }

  /** Whether `origin` may call the environment (the build that serves it, when known, has the service's own list). */
  async allows(route: EndpointRoute, origin: string, buildPath: string | undefined): Promise<boolean> {
    const build = buildPath ? (this.builds.peek(buildPath) ?? (await this.builds.get(buildPath).catch(() => undefined))) : undefined;
    return originAllowed(origin, environmentOrigins(route.environment, await this.listedOrigins(route, build)));
  }

  /**
   * The CORS headers for a request's answer: none without an `Origin`, or from an origin the
   * environment does not allow (the browser then keeps the answer from the page).
   */
  async corsHeaders(req: http.IncomingMessage, route: EndpointRoute, buildPath?: string): Promise<http.OutgoingHttpHeaders> {
    const origin = req.headers.origin;
    if (!this.cors || typeof origin !== 'string') return {};
    const path = route.instance_id
      ? undefined
      : (buildPath ?? this.lastBuild.get(route.environment_id) ?? (await servingBuildPath(this.db, route.environment_id)));
    return (await this.allows(route, origin, path)) ? corsHeaders(origin) : {};
  }

  /** Answers a preflight (`OPTIONS`): 204 with the CORS headers, or 403 saying how to allow the origin. */
  async preflight(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    route: EndpointRoute,
    sendError: (status: number, code: string, message: string) => void,
  ): Promise<void> {
    req.resume();
    const origin = req.headers.origin;
    if (typeof origin !== 'string')
      return sendError(
        405,
        'METHOD_NOT_ALLOWED',
        "OPTIONS is a browser's CORS preflight and needs an Origin header; call the endpoint with POST (or GET for a query).",
      );
    const buildPath = route.instance_id ? undefined : await servingBuildPath(this.db, route.environment_id);
    if (!this.cors || !(await this.allows(route, origin, buildPath))) {
      return sendError(403, 'ORIGIN_NOT_ALLOWED', refusedOriginMessage(origin, route.environment, route.instance_id !== null));
    }
    res.writeHead(204, preflightHeaders(origin)).end();
  }

  /**
   * Reads the operation of a request the serving build will run, checking the cost limits when they
   * are on. A request the gateway cannot read (not JSON, no query) is left to the service, which
   * refuses it without running anything.
   */
  async inspect(params: GraphqlParams | undefined, environmentId: string, buildPath: string): Promise<Inspection> {
    this.lastBuild.set(environmentId, buildPath);
    if (!params) return {};
    const build = this.builds.peek(buildPath) ?? (await this.builds.get(buildPath));
    if (build.problems.length && !this.reported.has(`${environmentId} ${buildPath}`)) {
      this.reported.add(`${environmentId} ${buildPath}`);
      this.report(environmentId, `codestore.yaml: ${build.problems.join(' ')}`);
    }
    if (this.costLimits) {
      // Before parsing: the size is what bounds the parse.
      const tooBig = checkDocumentSize(Buffer.byteLength(params.query), build.limits);
      if (tooBig) return { refusal: tooBig };
    }
    const analysis = this.documents.analysis(build.schemaKey, build.schema, params.query);
    const operation = analysis.operation(params.operationName);
    if (!operation || !this.costLimits) return { operation, documentHash: analysis.hash };
    return { operation, documentHash: analysis.hash, refusal: checkOperation(operation, params.variables, build.limits) };
  }
}

/** The GraphQL parameters of a POST body or a GET's query string; undefined when they are not there to read. */
export function graphqlParams(method: string | undefined, url: string, body: Buffer | undefined): GraphqlParams | undefined {
  let raw: { query?: unknown; operationName?: unknown; variables?: unknown };
  if (method === 'GET') {
    const search = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    let variables: unknown;
    try {
      variables = search.has('variables') ? JSON.parse(search.get('variables')!) : undefined;
    } catch {
      return undefined;
    }
    raw = { query: search.get('query') ?? undefined, operationName: search.get('operationName'), variables };
  } else {
    if (!body?.length) return undefined;
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      return undefined;
    }
    if (!raw || typeof raw !== 'object') return undefined;
  }
  if (typeof raw.query !== 'string') return undefined;
  const variables =
    raw.variables && typeof raw.variables === 'object' && !Array.isArray(raw.variables)
      ? (raw.variables as Record<string, unknown>)
      : undefined;
  return { query: raw.query, operationName: typeof raw.operationName === 'string' ? raw.operationName : null, variables };
}
