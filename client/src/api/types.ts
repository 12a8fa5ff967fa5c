// What the platform API answers, as the client's callers see it (the shapes of schema.graphql's
// types as operations.ts selects them).

export type EnvironmentName = 'private' | 'demo';
export type DeploymentStatus = 'DEPLOYMENT_INITIALIZED' | 'DEPLOYMENT_IN_PROGRESS' | 'DEPLOYED' | 'DEPLOYMENT_FAILED';
export type LogStream = 'stdout' | 'stderr' | 'request' | 'platform';

export interface Account { id: string; email: string; createdAt: string }
export interface Organization { id: string; name: string; createdAt: string }
export interface Viewer { account: Account; organization: Organization }

/** A login: the bearer token and who it is for. */
export interface Session extends Viewer { token: string }

export interface Version {
  id: string;
  version: string;
  releaseNotes: string | null;
  schemaHash: string;
  createdAt: string;
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
}
