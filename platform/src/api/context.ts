// What every resolver of one API request gets: the store, the caller (resolved once, on first
// use, so signup and login need no token) and the request's batch loaders.
import { Auth, Caller } from '../auth/auth';
import { Db } from '../store/db';
import { environmentsOf, EnvironmentView, versionsOf, VersionRow } from '../store/services';
import { BatchLoader, groupBy } from './loader';

export class ApiContext {
  private callerPromise: Promise<Caller> | undefined;
  readonly environments: BatchLoader<EnvironmentView[]>;
  readonly versions: BatchLoader<VersionRow[]>;

  constructor(readonly db: Db, readonly auth: Auth, private readonly authorization: string | undefined) {
    this.environments = new BatchLoader(async (ids) => groupBy(await environmentsOf(db, (await this.caller()).organizationId, ids), (e) => e.service_id), () => []);
    this.versions = new BatchLoader(async (ids) => groupBy(await versionsOf(db, (await this.caller()).organizationId, ids), (v) => v.service_id), () => []);
  }

  /** The caller, or an UNAUTHENTICATED error. */
  caller(): Promise<Caller> {
    this.callerPromise ??= this.auth.authenticate(this.authorization);
    return this.callerPromise;
  }
}
