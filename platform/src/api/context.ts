// What every resolver of one API request gets: the platform's parts for the services layer, the
// caller (resolved once, on first use, so signup and login need no token) and the request's batch
// loaders.
import { AccountCaller, Auth, Caller } from '../auth/auth';
import { ApiError } from '../errors';
import type { ServiceParts } from '../parts';
import { Db } from '../store/db';
import { environmentsOf, EnvironmentView, instanceEnvironmentsOf, versionsOf, VersionRow } from '../store/services';
import { InstanceRow, instancesOf, RatePlanRow, ratePlansOf } from '../store/projects';
import { BatchLoader, groupBy } from './loader';

/** What the API is served with: the services layer's parts and the accounts. */
export interface ApiParts extends ServiceParts {
  auth: Auth;
}

/**
 * Field resolvers by type and field; schema.ts checks that every root field has one. Each file of
 * resolvers exports one (`serviceResolvers`, `projectResolvers`, ...), merged in resolvers.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each resolver declares its own parent's and arguments' shape
export type ResolverMap = Record<string, Record<string, (parent: any, args: any, ctx: ApiContext) => unknown>>;

export class ApiContext {
  private callerPromise: Promise<Caller> | undefined;
  private accountPromise: Promise<AccountCaller> | undefined;
  /** What the operation adds to its activity entry (an old and a new rate plan, a version). */
  activityDetails: string | undefined;
  readonly environments: BatchLoader<EnvironmentView[]>;
  readonly versions: BatchLoader<VersionRow[]>;

  readonly db: Db;
  readonly auth: Auth;
  /** What the services layer (services/) is called with. */
  readonly parts: ServiceParts;
  readonly instances: BatchLoader<InstanceRow[]>;
  readonly instanceEnvironments: BatchLoader<EnvironmentView[]>;
  readonly ratePlans: BatchLoader<RatePlanRow[]>;

  /** Set when an operation was refused for going too fast: the answer is a 429 with this Retry-After (seconds). */
  retryAfter: number | undefined;

  /** `clientAddress`: the socket's peer (the local platform is not behind a proxy; a forwarded header could be forged). */
  constructor(
    parts: ApiParts,
    private readonly authorization: string | undefined,
    readonly clientAddress?: string,
    /** The organization the request acts in (`x-codestore-organization`); the account's own when absent. */
    private readonly organization?: string,
  ) {
    const db = parts.db;
    this.db = db;
    this.auth = parts.auth;
    this.parts = parts;
    const org = async () => (await this.caller()).organizationId;
    this.instances = new BatchLoader(
      async (ids) => groupBy(await instancesOf(db, await org(), ids), (i) => i.project_id),
      () => [],
    );
    this.instanceEnvironments = new BatchLoader(
      async (ids) => groupBy(await instanceEnvironmentsOf(db, await org(), ids), (e) => e.instance_id!),
      () => [],
    );
    // Instance ids come from the loaders above, already within the caller's organization.
    this.ratePlans = new BatchLoader(
      async (ids) => groupBy(await ratePlansOf(db, ids), (p) => p.instance_id),
      () => [],
    );
    this.environments = new BatchLoader(
      async (ids) => groupBy(await environmentsOf(db, (await this.caller()).organizationId, ids), (e) => e.service_id),
      () => [],
    );
    this.versions = new BatchLoader(
      async (ids) => groupBy(await versionsOf(db, (await this.caller()).organizationId, ids), (v) => v.service_id),
      () => [],
    );
  }

  /** Runs `fn`; a TOO_MANY_REQUESTS it throws makes the whole answer a 429. */
  async throttled<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOO_MANY_REQUESTS')
        this.retryAfter = Math.max(this.retryAfter ?? 0, Number(e.extensions.retryAfter) || 1);
      throw e;
    }
  }

  /** The caller in the request's organization, or an UNAUTHENTICATED (or FORBIDDEN: not a member) error. */
  caller(): Promise<Caller> {
    this.callerPromise ??= this.auth.authenticate(this.authorization, this.organization);
    return this.callerPromise;
  }

  /** The account of the request's token, whatever organization it names. */
  account(): Promise<AccountCaller> {
    this.accountPromise ??= this.callerPromise ?? this.auth.authenticateToken(this.authorization);
    return this.accountPromise;
  }

  /** Adds a line to the activity entry of this request's operation. */
  noteActivity(details: string): void {
    this.activityDetails = this.activityDetails ? `${this.activityDetails}; ${details}` : details;
  }
}
