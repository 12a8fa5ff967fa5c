// What every resolver of one API request gets: the store, the caller (resolved once, on first
// use, so signup and login need no token) and the request's batch loaders.
import { Auth, Caller } from '../auth/auth';
import type { Gateway } from '../runtime/gateway';
import type { LogSink } from '../runtime/logs';
import type { Runtime } from '../runtime/runtime';
import { Db } from '../store/db';
import { environmentsOf, EnvironmentView, versionsOf, VersionRow } from '../store/services';
import { BatchLoader, groupBy } from './loader';

export class ApiContext {
  private callerPromise: Promise<Caller> | undefined;
  readonly environments: BatchLoader<EnvironmentView[]>;
  readonly versions: BatchLoader<VersionRow[]>;

  readonly db: Db;
  readonly auth: Auth;
  readonly runtime: Runtime;
  readonly gateway: Gateway;
  readonly logs: LogSink;

  constructor(parts: { db: Db; auth: Auth; runtime: Runtime; gateway: Gateway; logs: LogSink }, private readonly authorization: string | undefined) {
    const db = parts.db;
    this.db = db;
    this.auth = parts.auth;
    this.runtime = parts.runtime;
    this.gateway = parts.gateway;
    this.logs = parts.logs;
    this.environments = new BatchLoader(async (ids) => groupBy(await environmentsOf(db, (await this.caller()).organizationId, ids), (e) => e.service_id), () => []);
    this.versions = new BatchLoader(async (ids) => groupBy(await versionsOf(db, (await this.caller()).organizationId, ids), (v) => v.service_id), () => []);
  }

  /** The caller, or an UNAUTHENTICATED error. */
  caller(): Promise<Caller> {
    this.callerPromise ??= this.auth.authenticate(this.authorization);
    return this.callerPromise;
  }
}
