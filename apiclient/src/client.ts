// The platform API client the CLI and the VS Code extension share (no `vscode` here): one method
// per operation, every failure a PlatformError.
import { createHash } from 'crypto';
import type { Readable } from 'stream';
import axios, { AxiosError, AxiosInstance } from 'axios';
import { DEFAULT_ARCHIVE_LIMITS } from '../../core/src/service-folder/archive';
import { PlatformError } from './errors';
import { OPERATIONS } from './operations';
import type {
  ActivityEntry,
  ClientKey,
  CreatedClientKey,
  CreatedService,
  Deployment,
  EnvironmentName,
  EnvironmentSchemaCheck,
  EnvironmentUsage,
  InstanceEnvironmentName,
  Invitation,
  Invoice,
  LogPage,
  LogsOptions,
  Member,
  MemberRole,
  Membership,
  Project,
  PushedVersion,
  PushProblem,
  RatePlanInput,
  SchemaChange,
  Secret,
  Service,
  ServiceInstance,
  ServiceSource,
  Session,
  Usage,
  Viewer,
} from './types';

export const DEFAULT_PLATFORM_URL = 'http://127.0.0.1:4000';

/** A push waits this long at least: the platform type-checks, builds and deploys before it answers. */
const PUSH_TIMEOUT_MS = 5 * 60_000;
/**
 * An operation that deploys (promote, adding a service to a project, promoting or rolling an
 * instance, setting or removing a secret: its process restarts) or removes deployments waits this
 * long at least: the platform answers when the deployment has settled.
 */
const DEPLOY_TIMEOUT_MS = 5 * 60_000;
/** A source download may take this long between two chunks. */
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
/** The most of an error answer read from a download. */
const ERROR_BODY_MAX = 64 * 1024;

/** Per-request options of `request`. */
export interface RequestOptions {
  /** This request's timeout, instead of the client's. */
  timeoutMs?: number;
  /** Aborts the request: it fails with a PlatformError CANCELLED. */
  signal?: AbortSignal;
}

/** How the client's messages tell the user to fix things; the extension names its own commands. */
export interface PlatformHints {
  /** Completes "Not logged in to the platform at URL: <login>". */
  login: string;
  /** Completes "... refused the request (your login there expired): <relogin>". */
  relogin: string;
  /** Completes "cannot reach the platform at URL: <start>". */
  start: string;
}

export const CLI_HINTS: PlatformHints = {
  login: 'log in with `codestore auth:login`',
  relogin: 'log in again with `codestore auth:login`',
  start: 'start it with `codestore platform start`',
};

export interface PlatformClientOptions {
  /** The platform, e.g. http://127.0.0.1:4000. */
  url: string;
  /** The bearer token of a login, when there is one. */
  token?: string;
  /** The organization (id) requests act in; default: the account's own. */
  organization?: string;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  hints?: Partial<PlatformHints>;
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; reason?: string; field?: string; changes?: SchemaChange[] } }>;
}

const TOKEN_PROBLEM: Record<string, string> = {
  TOKEN_INVALID: 'your login is not valid there',
  TOKEN_REVOKED: 'your login there was ended by a logout',
  TOKEN_EXPIRED: 'your login there expired',
  TOKEN_MALFORMED: 'the stored token is malformed',
};

/** Names the organization a request acts in (the platform's header). */
export const ORGANIZATION_HEADER = 'x-codestore-organization';

export class PlatformClient {
  readonly url: string;
  /** The bearer token sent with every request; signup and login set it, logout clears it. */
  token: string | undefined;
  /** The organization requests act in (sent as `x-codestore-organization`); undefined: the account's own. */
  organization: string | undefined;
  private readonly http: AxiosInstance;
  private readonly hints: PlatformHints;
  private readonly timeoutMs: number;

  constructor(options: PlatformClientOptions) {
    this.url = normalizeUrl(options.url);
    this.token = options.token;
    this.organization = options.organization;
    this.hints = { ...CLI_HINTS, ...options.hints };
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.http = axios.create({
      baseURL: this.url,
      timeout: this.timeoutMs,
      // Every answer is read here: GraphQL errors come with 200 and 400 alike.
      validateStatus: () => true,
      // No proxy from the environment: the platform is usually on this machine.
      proxy: false,
      headers: { accept: 'application/graphql-response+json, application/json', 'content-type': 'application/json' },
      maxRedirects: 0,
    });
  }

  /** The URL of an environment's endpoint (its `path` on this platform). */
  endpointUrl(environment: { path: string }): string {
    return this.url + environment.path;
  }

  async signup(email: string, password: string): Promise<Session> {
    const { signup } = await this.request<{ signup: Session }>(OPERATIONS.signup, { email, password });
    this.token = signup.token;
    return signup;
  }

  async login(email: string, password: string): Promise<Session> {
    const { login } = await this.request<{ login: Session }>(OPERATIONS.login, { email, password });
    this.token = login.token;
    return login;
  }

  /** Revokes this client's token on the platform and forgets it. */
  async logout(): Promise<void> {
    await this.request<{ logout: boolean }>(OPERATIONS.logout);
    this.token = undefined;
  }

  async whoami(): Promise<Viewer> {
    return (await this.request<{ viewer: Viewer }>(OPERATIONS.whoami)).viewer;
  }

  async createService(name: string): Promise<CreatedService> {
    return (await this.request<{ createService: CreatedService }>(OPERATIONS.createService, { name })).createService;
  }

  /** Every service of the organization with its environments and versions: one request. */
  async listServices(): Promise<Service[]> {
    return (await this.request<{ services: Service[] }>(OPERATIONS.listServices)).services;
  }

  async serviceInfo(serviceId: string): Promise<Service> {
    return (await this.request<{ service: Service }>(OPERATIONS.serviceInfo, { id: serviceId })).service;
  }

  /** What the source of `version` (default: the latest) of a service is: its size, sha256 and download path. */
  async serviceSource(serviceId: string, version?: string): Promise<ServiceSource> {
    return (await this.request<{ serviceSource: ServiceSource }>(OPERATIONS.serviceSource, { serviceId, version: version ?? null }))
      .serviceSource;
  }

  /**
   * Downloads the archive of a `serviceSource`, streamed and counted: more than `maxBytes` (default:
   * the largest archive a push may send) or than the source's size is cut off, and bytes whose size
   * or sha256 differ from the source's are refused (BAD_RESPONSE), so what comes back is exactly what
   * was pushed. Unpack it with servicefs's `unpackInto` (it trusts nothing in the archive either).
   */
  async downloadSource(source: ServiceSource, options: { maxBytes?: number; signal?: AbortSignal } = {}): Promise<Buffer> {
    const limit = options.maxBytes ?? DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes;
    const label = `the source of ${source.service.id} ${source.version.version}`;
    if (source.sizeBytes > limit) {
      throw new PlatformError('PAYLOAD_TOO_LARGE', `${label} is ${source.sizeBytes} bytes; this client takes at most ${limit}.`, {
        url: this.url,
      });
    }
    const timeout = Math.max(this.timeoutMs, DOWNLOAD_TIMEOUT_MS);
    let response;
    try {
      response = await this.http.get<Readable>(source.downloadPath, {
        responseType: 'stream',
        headers: {
          accept: 'application/gzip, application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(this.organization ? { [ORGANIZATION_HEADER]: this.organization } : {}),
        },
        timeout,
        signal: options.signal,
        // No transparent gunzip: the archive is gzip, and is kept as it is.
        decompress: false,
      });
    } catch (e) {
      throw this.networkError(e, timeout);
    }
    const stream = response.data;
    if (response.status !== 200) {
      const text = (await readAtMost(stream, ERROR_BODY_MAX).catch(() => Buffer.alloc(0))).toString('utf8');
      let first: NonNullable<GraphQLResponse<unknown>['errors']>[number] | undefined;
      try {
        first = (JSON.parse(text) as GraphQLResponse<unknown>).errors?.[0];
      } catch {
        first = undefined;
      }
      throw first ? this.errorOf(first, response.status) : this.notAPlatform(`the download of ${label}`, response.status);
    }
    let body: Buffer;
    try {
      body = await readAtMost(stream, Math.min(limit, source.sizeBytes));
    } catch (e) {
      if (e instanceof TooLarge)
        throw new PlatformError('BAD_RESPONSE', `The platform sent more than the ${source.sizeBytes} bytes of ${label}; pull again.`, {
          url: this.url,
        });
      throw this.networkError(e, timeout);
    }
    const sha256 = createHash('sha256').update(body).digest('hex');
    if (body.length !== source.sizeBytes || sha256 !== source.sha256) {
      throw new PlatformError(
        'BAD_RESPONSE',
        `The download of ${label} was damaged on the way (${body.length} of ${source.sizeBytes} bytes${body.length === source.sizeBytes ? ', another sha256' : ''}): pull again.`,
        { url: this.url },
      );
    }
    return body;
  }

  /** Returns the removed serviceId. */
  async removeService(serviceId: string): Promise<string> {
    return (await this.request<{ removeService: string }>(OPERATIONS.removeService, { id: serviceId })).removeService;
  }

  /** One deployment of the organization's services (push and promote answer with its id). */
  async deployment(id: string): Promise<Deployment> {
    return (await this.request<{ deployment: Deployment }>(OPERATIONS.deployment, { id })).deployment;
  }

  /**
   * Log lines of an environment, oldest first. Without `after`, the newest `limit` lines; with
   * `after` (a previous page's cursor), the lines written since: poll with the cursor to follow.
   */
  async logs(serviceId: string, environment: EnvironmentName, options: LogsOptions = {}): Promise<LogPage> {
    const variables: Record<string, unknown> = { serviceId, environment };
    if (options.after != null) variables.after = options.after;
    if (options.limit !== undefined) variables.limit = options.limit;
    if (options.projectId !== undefined) variables.projectId = options.projectId;
    return (await this.request<{ logs: LogPage }>(OPERATIONS.logs, variables, { signal: options.signal })).logs;
  }

  /**
   * Deploys what the service's private environment serves to its demo environment and answers
   * when the deployment has settled: DEPLOYED, or DEPLOYMENT_FAILED with its `error` (demo keeps
   * serving what it served). BAD_USER_INPUT when private serves nothing yet.
   */
  async promote(serviceId: string, options: { force?: boolean } = {}): Promise<Deployment> {
    return (await this.request<{ promote: Deployment }>(OPERATIONS.promote, { serviceId, force: !!options.force }, this.deploying()))
      .promote;
  }

  /**
   * Checks a candidate schema against the environments of a service and of its instances (or the
   * one given): every change, and what each breaking one breaks in the last `days` days.
   */
  async schemaCheck(
    serviceId: string,
    schema: string,
    options: { projectId?: string; environment?: EnvironmentName; days?: number } = {},
  ): Promise<EnvironmentSchemaCheck[]> {
    return (await this.request<{ schemaCheck: EnvironmentSchemaCheck[] }>(OPERATIONS.schemaCheck, { serviceId, schema, ...options }))
      .schemaCheck;
  }

  /** What clients called in each environment of a service and of its instances over the last `days` days. */
  async schemaUsage(serviceId: string, days?: number): Promise<EnvironmentUsage[]> {
    return (await this.request<{ schemaUsage: EnvironmentUsage[] }>(OPERATIONS.schemaUsage, { serviceId, days })).schemaUsage;
  }

  /** Every organization the account belongs to, its own first, with its role in each. */
  async organizations(): Promise<Membership[]> {
    return (await this.request<{ organizations: Membership[] }>(OPERATIONS.organizations)).organizations;
  }

  async members(): Promise<Member[]> {
    return (await this.request<{ members: Member[] }>(OPERATIONS.members)).members;
  }

  /** The current organization's activity, newest first (1 to 500 entries). */
  async activity(limit?: number): Promise<ActivityEntry[]> {
    return (await this.request<{ activity: ActivityEntry[] }>(OPERATIONS.activity, { limit })).activity;
  }

  /** A one-time code (valid 7 days) for `email` to join the current organization as `role`. */
  async inviteMember(email: string, role: 'developer' | 'admin' = 'developer'): Promise<Invitation> {
    return (await this.request<{ inviteMember: Invitation }>(OPERATIONS.inviteMember, { email, role })).inviteMember;
  }

  async joinOrganization(code: string): Promise<Membership> {
    return (await this.request<{ joinOrganization: Membership }>(OPERATIONS.joinOrganization, { code })).joinOrganization;
  }

  async setMemberRole(email: string, role: MemberRole): Promise<Member> {
    return (await this.request<{ setMemberRole: Member }>(OPERATIONS.setMemberRole, { email, role })).setMemberRole;
  }

  async removeMember(email: string): Promise<string> {
    return (await this.request<{ removeMember: string }>(OPERATIONS.removeMember, { email })).removeMember;
  }

  /** Leaves the current organization; returns its id. */
  async leaveOrganization(): Promise<string> {
    return (await this.request<{ leaveOrganization: string }>(OPERATIONS.leaveOrganization)).leaveOrganization;
  }

  /** A new developer key for the service; the old one is refused from the next call. */
  async rotateDeveloperKey(serviceId: string): Promise<CreatedService> {
    return (await this.request<{ rotateDeveloperKey: CreatedService }>(OPERATIONS.rotateDeveloperKey, { serviceId })).rotateDeveloperKey;
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.request(OPERATIONS.changePassword, { currentPassword, newPassword });
  }

  /** Revokes every token of the account (this client's too); returns how many. */
  async logoutEverywhere(): Promise<number> {
    const n = (await this.request<{ logoutEverywhere: number }>(OPERATIONS.logoutEverywhere)).logoutEverywhere;
    this.token = undefined;
    return n;
  }

  /** The organization's projects, oldest first, with their instances and environments: one request. */
  async listProjects(): Promise<Project[]> {
    return (await this.request<{ projects: Project[] }>(OPERATIONS.listProjects)).projects;
  }

  async projectInfo(projectId: string): Promise<Project> {
    return (await this.request<{ project: Project }>(OPERATIONS.projectInfo, { id: projectId })).project;
  }

  async createProject(name: string): Promise<Project> {
    return (await this.request<{ createProject: Project }>(OPERATIONS.createProject, { name })).createProject;
  }

  /**
   * Deletes a project; one with service-instances is refused unless `force`, which removes them
   * with their databases. Returns the project's id.
   */
  async deleteProject(projectId: string, force = false): Promise<string> {
    return (await this.request<{ deleteProject: string }>(OPERATIONS.deleteProject, { id: projectId, force }, this.deploying()))
      .deleteProject;
  }

  /**
   * Adds a service to a project (rate plan default NOT_BILLABLE) and deploys what the service's demo
   * environment serves to the instance's development environment; answers when that settled (its
   * outcome is the development environment's `latestDeployment`). BAD_USER_INPUT when demo serves
   * nothing; CONFLICT when the project has the service already.
   */
  async addServiceToProject(projectId: string, serviceId: string, plan?: RatePlanInput): Promise<ServiceInstance> {
    const variables: Record<string, unknown> = { projectId, serviceId };
    if (plan) variables.plan = plan;
    return (await this.request<{ addServiceToProject: ServiceInstance }>(OPERATIONS.addServiceToProject, variables, this.deploying()))
      .addServiceToProject;
  }

  /** Removes a service-instance and drops its three databases, which `dropDatabases` must confirm. Returns the serviceId. */
  async removeServiceFromProject(projectId: string, serviceId: string, dropDatabases: boolean): Promise<string> {
    return (
      await this.request<{ removeServiceFromProject: string }>(
        OPERATIONS.removeServiceFromProject,
        { projectId, serviceId, dropDatabases },
        this.deploying(),
      )
    ).removeServiceFromProject;
  }

  /** Deploys what serves an instance's `from` environment to `to` (development to staging, staging to production); answers when it settled. */
  async promoteInstance(
    projectId: string,
    serviceId: string,
    from: InstanceEnvironmentName,
    to: InstanceEnvironmentName,
    options: { force?: boolean } = {},
  ): Promise<Deployment> {
    return (
      await this.request<{ promoteInstance: Deployment }>(
        OPERATIONS.promoteInstance,
        { projectId, serviceId, from, to, force: !!options.force },
        this.deploying(),
      )
    ).promoteInstance;
  }

  /** Deploys a version of the service (`0.0.3`), earlier or later than the one serving, to an instance's environment; answers when it settled. */
  async rollInstance(
    projectId: string,
    serviceId: string,
    environment: InstanceEnvironmentName,
    version: string,
    options: { force?: boolean } = {},
  ): Promise<Deployment> {
    return (
      await this.request<{ rollInstance: Deployment }>(
        OPERATIONS.rollInstance,
        { projectId, serviceId, environment, version, force: !!options.force },
        this.deploying(),
      )
    ).rollInstance;
  }

  /** Changes an instance's rate plan from the next call on. */
  async setRatePlan(projectId: string, serviceId: string, plan: RatePlanInput): Promise<ServiceInstance> {
    return (await this.request<{ setRatePlan: ServiceInstance }>(OPERATIONS.setRatePlan, { projectId, serviceId, plan })).setRatePlan;
  }

  /** The project's client keys, revoked ones too, oldest first (never the keys themselves). */
  async clientKeys(projectId: string): Promise<ClientKey[]> {
    return (await this.request<{ clientKeys: ClientKey[] }>(OPERATIONS.clientKeys, { projectId })).clientKeys;
  }

  /** A new client key for the project's production endpoints; `key` is in this answer only. */
  async addClientKey(projectId: string, name: string): Promise<CreatedClientKey> {
    return (await this.request<{ addClientKey: CreatedClientKey }>(OPERATIONS.addClientKey, { projectId, name })).addClientKey;
  }

  /** Revokes a client key (refused from the next call on). Returns its id. */
  async removeClientKey(projectId: string, keyId: string): Promise<string> {
    return (await this.request<{ removeClientKey: string }>(OPERATIONS.removeClientKey, { projectId, id: keyId })).removeClientKey;
  }

  /** The secrets of an instance's environment: names and previews, never the values. */
  async secrets(projectId: string, serviceId: string, environment: InstanceEnvironmentName): Promise<Secret[]> {
    return (await this.request<{ secrets: Secret[] }>(OPERATIONS.secrets, { projectId, serviceId, environment })).secrets;
  }

  /** Sets a secret (added or replaced); the environment's process restarts with it before this answers. */
  async addSecret(
    projectId: string,
    serviceId: string,
    environment: InstanceEnvironmentName,
    name: string,
    value: string,
  ): Promise<Secret> {
    return (
      await this.request<{ addSecret: Secret }>(OPERATIONS.addSecret, { projectId, serviceId, environment, name, value }, this.deploying())
    ).addSecret;
  }

  /** The browser origins set for an instance environment (CORS). */
  async corsOrigins(projectId: string, serviceId: string, environment: InstanceEnvironmentName): Promise<string[]> {
    return (await this.request<{ corsOrigins: string[] }>(OPERATIONS.corsOrigins, { projectId, serviceId, environment })).corsOrigins;
  }

  /** Adds and removes browser origins of an instance environment; returns those now set. */
  async changeCorsOrigins(
    projectId: string,
    serviceId: string,
    environment: InstanceEnvironmentName,
    add: string[],
    remove: string[],
  ): Promise<string[]> {
    return (
      await this.request<{ changeCorsOrigins: string[] }>(OPERATIONS.changeCorsOrigins, { projectId, serviceId, environment, add, remove })
    ).changeCorsOrigins;
  }

  /** Removes a secret (the process restarts without it). Returns its name. */
  async removeSecret(projectId: string, serviceId: string, environment: InstanceEnvironmentName, name: string): Promise<string> {
    return (
      await this.request<{ removeSecret: string }>(OPERATIONS.removeSecret, { projectId, serviceId, environment, name }, this.deploying())
    ).removeSecret;
  }

  /** Calls to an instance in a calendar month (`YYYY-MM`, UTC; default the current one). */
  async usage(projectId: string, serviceId: string, month?: string): Promise<Usage> {
    const variables: Record<string, unknown> = { projectId, serviceId };
    if (month !== undefined) variables.month = month;
    return (await this.request<{ usage: Usage }>(OPERATIONS.usage, variables)).usage;
  }

  /** The project's invoice for a calendar month (`YYYY-MM`, UTC; default the current one); amounts in minor units. */
  async invoice(projectId: string, month?: string): Promise<Invoice> {
    const variables: Record<string, unknown> = { projectId };
    if (month !== undefined) variables.month = month;
    return (await this.request<{ invoice: Invoice }>(OPERATIONS.invoice, variables)).invoice;
  }

  /** Options of a request that answers when a deployment has settled. */
  private deploying(): RequestOptions {
    return { timeoutMs: Math.max(this.timeoutMs, DEPLOY_TIMEOUT_MS) };
  }

  /**
   * Pushes a service folder packed as a gzipped tar (packServiceFolder): the platform checks it,
   * builds it, records the next version and deploys it to the service's private environment
   * before it answers; `deployment` says how that went (a failed deployment is no error here).
   * A check with errors throws a PlatformError CHECK_FAILED with the problems attached; a refused
   * archive, BAD_ARCHIVE with its reason.
   */
  async push(serviceId: string, archive: Buffer, releaseNotes?: string, options: { onUploaded?: () => void } = {}): Promise<PushedVersion> {
    const headers: Record<string, string> = { 'content-type': 'application/gzip' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.organization) headers[ORGANIZATION_HEADER] = this.organization;
    if (releaseNotes) headers['x-release-notes'] = encodeURIComponent(releaseNotes);
    let response;
    // Checking, building and deploying take longer than an API call.
    const timeout = Math.max(this.timeoutMs, PUSH_TIMEOUT_MS);
    try {
      response = await this.http.post<unknown>(`/push/${encodeURIComponent(serviceId)}`, archive, {
        headers,
        timeout,
        maxBodyLength: Infinity,
        transformRequest: [(data) => data],
        // The archive sent: the platform checks, builds and deploys it before it answers.
        onUploadProgress:
          options.onUploaded &&
          ((e) => {
            if (e.total !== undefined && e.loaded >= e.total) options.onUploaded?.();
          }),
      });
    } catch (e) {
      throw this.networkError(e, timeout);
    }
    const body = response.data as { problems?: PushProblem[]; errors?: GraphQLResponse<unknown>['errors'] } & Partial<PushedVersion>;
    if (response.status === 201 && body && typeof body.version === 'string') return body as PushedVersion;
    if (response.status === 422 && body && Array.isArray(body.problems)) {
      const errors = body.problems.filter((p) => p.severity === 'error').length;
      throw new PlatformError('CHECK_FAILED', `The platform refused the push of ${serviceId}: its check found ${errors} error(s).`, {
        url: this.url,
        status: response.status,
        problems: body.problems,
      });
    }
    const first = body && typeof body === 'object' ? body.errors?.[0] : undefined;
    throw first ? this.errorOf(first, response.status) : this.notAPlatform('the push', response.status);
  }

  /** Sends one operation; its data, or a PlatformError for the first error. */
  async request<T>(query: string, variables: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
    let response;
    const timeout = options.timeoutMs ?? this.timeoutMs;
    try {
      response = await this.http.post<GraphQLResponse<T> | string>(
        '/graphql',
        { query, variables },
        {
          headers: {
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
            ...(this.organization ? { [ORGANIZATION_HEADER]: this.organization } : {}),
          },
          timeout,
          signal: options.signal,
        },
      );
    } catch (e) {
      throw this.networkError(e, timeout);
    }
    const body = response.data;
    const first = typeof body === 'object' && body ? body.errors?.[0] : undefined;
    // GraphQL over HTTP answers 200 or 400 (the platform 429 for a throttled login); any other
    // status is the server, not the API, speaking.
    if (first && (response.status === 200 || response.status === 400 || response.status === 429))
      throw this.errorOf(first, response.status);
    if (response.status !== 200 || typeof body !== 'object' || !body || !body.data) {
      const said = first ? ` (${first.message.replace(/\.$/, '')})` : '';
      throw new PlatformError(
        'BAD_RESPONSE',
        `The platform at ${this.url} answered HTTP ${response.status}${said} without a GraphQL result. Is ${this.url} a code.store platform?`,
        { url: this.url, status: response.status },
      );
    }
    return body.data;
  }

  /** The platform's own error (the first of an answer's `errors`) as a PlatformError. */
  private errorOf(first: NonNullable<GraphQLResponse<unknown>['errors']>[number], status: number): PlatformError {
    const ext = first.extensions ?? {};
    const code = ext.code ?? 'BAD_RESPONSE';
    return new PlatformError(code, this.describe(code, ext.reason, first.message), {
      url: this.url,
      status,
      reason: ext.reason,
      field: ext.field,
      changes: ext.changes,
    });
  }

  /** A route (push, download) answered neither its result nor a platform error. */
  private notAPlatform(what: string, status: number): PlatformError {
    return new PlatformError(
      'BAD_RESPONSE',
      `The platform at ${this.url} answered ${what} with HTTP ${status}. Is ${this.url} a code.store platform?`,
      { url: this.url, status },
    );
  }

  private describe(code: string, reason: string | undefined, message: string): string {
    if (code !== 'UNAUTHENTICATED' || reason === 'WRONG_CREDENTIALS') return message;
    if (reason === 'TOKEN_MISSING') return `Not logged in to the platform at ${this.url}: ${this.hints.login}.`;
    return `The platform at ${this.url} refused the request (${TOKEN_PROBLEM[reason ?? ''] ?? message.replace(/\.$/, '').toLowerCase()}): ${this.hints.relogin}.`;
  }

  private networkError(e: unknown, timeoutMs: number): PlatformError {
    const err = e as AxiosError;
    const code = err.code ?? '';
    if (axios.isCancel(e) || code === 'ERR_CANCELED') {
      return new PlatformError('CANCELLED', `The request to the platform at ${this.url} was cancelled.`, { url: this.url, cause: e });
    }
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
      return new PlatformError(
        'TIMEOUT',
        `The platform at ${this.url} did not answer within ${timeoutMs / 1000} s. If it is stuck, stop it and ${this.hints.start}.`,
        { url: this.url, cause: e },
      );
    }
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].includes(code)) {
      return new PlatformError('UNREACHABLE', `Cannot reach the platform at ${this.url}: ${this.hints.start}.`, {
        url: this.url,
        cause: e,
      });
    }
    return new PlatformError('UNREACHABLE', `Cannot reach the platform at ${this.url} (${err.message || code}): ${this.hints.start}.`, {
      url: this.url,
      cause: e,
    });
  }
}

class TooLarge extends Error {}

/** The stream's bytes; throws TooLarge (and stops reading) past `max`. */
async function readAtMost(stream: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      stream.destroy();
      throw new TooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** `url` as the client uses it: http(s), no trailing slash. Throws a PlatformError for anything else. */
export function normalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PlatformError('BAD_USER_INPUT', `"${url}" is not a platform URL (expected something like ${DEFAULT_PLATFORM_URL}).`, { url });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new PlatformError('BAD_USER_INPUT', `The platform URL must start with http:// or https://, not ${parsed.protocol}//.`, { url });
  }
  return parsed.toString().replace(/\/+$/, '');
}
