// What the platform API answers, as the client's callers see it (the shapes of schema.graphql's
// types as operations.ts selects them).

/** A service's environments (private, demo), then a service-instance's (development, staging, production). */
export type EnvironmentName = ServiceEnvironmentName | InstanceEnvironmentName;
export type ServiceEnvironmentName = 'private' | 'demo';
export type InstanceEnvironmentName = 'development' | 'staging' | 'production';
export type DeploymentStatus = 'DEPLOYMENT_INITIALIZED' | 'DEPLOYMENT_IN_PROGRESS' | 'DEPLOYED' | 'DEPLOYMENT_FAILED';
export type LogStream = 'stdout' | 'stderr' | 'request' | 'platform';

export interface Account {
  id: string;
  email: string;
  createdAt: string;
}
export interface Organization {
  id: string;
  name: string;
  createdAt: string;
}
export interface Viewer {
  account: Account;
  organization: Organization;
  /** The account's role in this organization (absent from a signup or login answer). */ role?: 'owner' | 'admin' | 'developer';
}

/** A login: the bearer token and who it is for. */
export interface Session extends Viewer {
  token: string;
}

export interface Version {
  id: string;
  version: string;
  releaseNotes: string | null;
  schemaHash: string;
  createdAt: string;
}

/** The source a version was pushed with (`serviceSource`); `downloadSource` fetches the archive. */
export interface ServiceSource {
  service: { id: string; name: string };
  version: Version;
  /** Bytes of the archive (a gzipped tar of the service folder, as the push sent it). */
  sizeBytes: number;
  /** sha256 (hex) of the archive. */
  sha256: string;
  /** Where the platform sends it: GET, with the login's token. */
  downloadPath: string;
}

export interface Deployment {
  id: string;
  /** The environment it deploys to. */
  environment: EnvironmentName;
  status: DeploymentStatus;
  version: Version;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export interface Environment {
  name: EnvironmentName;
  endpointId: string;
  /** `/s/<endpointId>/graphql`, relative to the platform URL. */
  path: string;
  /** The latest deployment's status; null when nothing was ever deployed. */
  status: DeploymentStatus | null;
  currentVersion: Version | null;
  latestDeployment: Deployment | null;
  /** Deployed, but without a process until its next request (the platform's --idle-after). */
  idle: boolean;
}

export interface Service {
  /** The serviceId (`codestore.yaml`'s `serviceId`). */
  id: string;
  name: string;
  createdAt: string;
  /** private, then demo. */
  environments: Environment[];
  /** Newest first. */
  versions: Version[];
}

export interface CreatedService {
  service: Service;
  /** The `x-user-authorization` key of the private and demo endpoints; the platform shows it only now. */
  developerKey: string;
}

/** One problem the platform's check found in a pushed service folder. */
export interface PushProblem {
  /** Relative to the service folder, with "/" separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  severity: 'error' | 'warning' | 'information';
  code: string;
  message: string;
}

/** The version a push made. */
export interface PushedVersion {
  id: string;
  version: string;
  schemaHash: string;
  releaseNotes: string | null;
  createdAt: string;
  /** True when the push's deployment to private is DEPLOYED. */
  deployed: boolean;
  /** The deployment of the new version to the service's private environment, settled. */
  deployment: PushedDeployment;
  /** The check's warnings (errors refuse the push). */
  warnings: PushProblem[];
}

/** The deployment a push made: the new version to private, DEPLOYED or DEPLOYMENT_FAILED with its error. */
export interface PushedDeployment {
  id: string;
  environment: 'private';
  status: DeploymentStatus;
  error: string | null;
}

/** One line of an environment's log. */
export interface LogLine {
  id: string;
  /** ISO 8601, UTC. */
  at: string;
  /** The deployment whose process or request wrote it, if any. */
  deploymentId: string | null;
  stream: LogStream;
  message: string;
  /** A request line's fields (`query Feed (allPosts) 200 3.1 ms acme`); null for other lines. */
  request: RequestLine | null;
}

export interface RequestLine {
  /** query, mutation or subscription; the HTTP method when the gateway could not read the operation. */
  operationType: string;
  operationName: string | null;
  rootFields: string[];
  /** The HTTP status, or `aborted`. */
  status: string;
  ms: number;
  /** The client key's name, for production calls. */
  clientKey: string | null;
  /** Why the gateway refused it, when it did. */
  refused: string | null;
}

/** Log lines, oldest first, and the cursor to pass as `after` for the lines written since. */
export interface LogPage {
  lines: LogLine[];
  /** Null when the log has no lines yet. */
  cursor: string | null;
}

export interface LogsOptions {
  /** A previous page's cursor: only the lines written after it. Without it, the newest `limit` lines. */
  after?: string | null;
  /** 1 to 1000; the platform's default is 200. */
  limit?: number;
  /** Aborts the request (a CANCELLED PlatformError). */
  signal?: AbortSignal;
  /** The project whose instance of the service has the log (then `environment` is development, staging or production). */
  projectId?: string;
}

/** A project: service-instances, client keys and an invoice. */
export interface Project {
  /** The name as a slug and a random suffix (shop-k3x9q2). */
  id: string;
  name: string;
  createdAt: string;
  /** Oldest first. */
  instances: ServiceInstance[];
}

/** A service added to a project, with its own environments, databases, logs, secrets and rate plan. */
export interface ServiceInstance {
  id: string;
  projectId: string;
  service: ServiceRef;
  /** The plan in effect now. */
  ratePlan: RatePlan;
  /** Every plan the instance had, newest first. */
  ratePlanHistory: RatePlan[];
  /** development, staging, production. */
  environments: Environment[];
  createdAt: string;
}

export interface ServiceRef {
  id: string;
  name: string;
}

export type BillingType = 'NOT_BILLABLE' | 'MONTHLY' | 'PAY_PER_CALL';

/** A rate plan to set: amounts in minor units of the currency (cents). */
export interface RatePlanInput {
  billingType: BillingType;
  /** The monthly fee, or the price of one call; 0 (the default) for NOT_BILLABLE. */
  amount?: number;
  /** ISO 4217; the platform's default is EUR. */
  currency?: string;
  /** PAY_PER_CALL: production calls a month that are not billed (default 0). */
  freeCallsPerMonth?: number;
  /** Production calls per client key: `10/s`, `600/min`. */
  rateLimit?: string;
  /** Production calls a month; past it refused (429), or with `quotaOverage` (PAY_PER_CALL) billed. */
  quotaPerMonth?: number;
  quotaOverage?: boolean;
}

export interface RatePlan {
  id: string;
  billingType: BillingType;
  /** Minor units of `currency`. */
  amount: number;
  currency: string;
  freeCallsPerMonth: number;
  rateLimit: string | null;
  quotaPerMonth: number | null;
  quotaOverage: boolean;
  /** From when it applies. */
  effectiveFrom: string;
}

/** A key that calls a project's production endpoints send as `x-user-authorization`. */
export interface ClientKey {
  id: string;
  name: string;
  /** The key's first characters, to tell keys apart. */
  prefix: string;
  createdAt: string;
  /** Null while the key is accepted. */
  revokedAt: string | null;
}

export interface CreatedClientKey {
  clientKey: ClientKey;
  /** The key itself; the platform shows it only now. */
  key: string;
}

/** A secret of an instance's environment: never its value. */
export interface Secret {
  name: string;
  /** The value's first two characters and its length. */
  preview: string;
  updatedAt: string;
}

/** Calls to a service-instance in a calendar month (UTC). */
export interface Usage {
  projectId: string;
  serviceId: string;
  /** YYYY-MM. */
  month: string;
  /** Production calls: the billed environment. */
  production: number;
  development: number;
  staging: number;
  /** Production calls under each rate plan in effect during the month. */
  byPlan: PlanUsage[];
  /** Calls the gateway refused (rate limit, quota, too complex): never billed. */
  refused: Array<{ environment: string; reason: string; calls: number }>;
}

export interface PlanUsage {
  plan: RatePlan;
  calls: number;
}

/** A project's invoice for a calendar month (UTC). */
export interface Invoice {
  projectId: string;
  /** YYYY-MM. */
  month: string;
  /** One per instance and rate plan in effect. */
  lines: InvoiceLine[];
  /** One per currency of the lines; none when nothing is billed. */
  totals: Money[];
}

export interface InvoiceLine {
  serviceId: string;
  serviceName: string;
  plan: RatePlan;
  /** Production calls under this plan in the month. */
  calls: number;
  /** After the free calls, for PAY_PER_CALL; 0 otherwise. */
  billedCalls: number;
  /** Minor units of the plan's currency. */
  total: number;
}

/** An amount in minor units of its currency (cents). */
export interface Money {
  amount: number;
  currency: string;
}

export type ChangeLevel = 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';

/** One change between what an environment serves and a candidate schema, judged by recorded usage. */
export interface SchemaChange {
  /** The kind of change: FIELD_REMOVED, FIELD_TYPE_CHANGED, ENUM_VALUE_REMOVED, ... */
  type: string;
  level: ChangeLevel;
  message: string;
  /** Where: `Post.title`, `Query.posts.first`. */
  path: string | null;
  /** The change and what it breaks (or that nothing used it), in one line. */
  description: string;
  /** Breaking, and recorded operations used it. */
  breaksUsage: boolean;
  operations: Array<{ name: string | null; hash: string; calls: number }>;
  clients: string[];
  calls: number;
}

export interface EnvironmentSchemaCheck {
  environment: EnvironmentName;
  projectId: string | null;
  servedVersion: string | null;
  days: number;
  changes: SchemaChange[];
  breaking: boolean;
}

export interface EnvironmentUsage {
  environment: EnvironmentName;
  projectId: string | null;
  servedVersion: string | null;
  /** The SDL it serves. */
  schema: string | null;
  days: number;
  coordinates: Array<{ coordinate: string; calls: number; clients: string[]; operations: string[] }>;
  operations: Array<{ name: string | null; hash: string; client: string; calls: number; coordinates: string[] }>;
}

export type MemberRole = 'owner' | 'admin' | 'developer';

export interface Membership {
  organization: Organization;
  role: MemberRole;
  joinedAt: string;
  /** The account's own organization (the one it signed up with). */
  own: boolean;
}

export interface Member {
  email: string;
  role: MemberRole;
  joinedAt: string;
}

export interface Invitation {
  /** The one-time code, shown this once. */
  code: string;
  email: string;
  role: MemberRole;
  expiresAt: string;
}

export interface ActivityEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: string | null;
}
