// What the platform API answers, as the client's callers see it (the shapes of schema.graphql's
// types as operations.ts selects them).

export type EnvironmentName = 'private' | 'demo';
export type DeploymentStatus = 'DEPLOYMENT_INITIALIZED' | 'DEPLOYMENT_IN_PROGRESS' | 'DEPLOYED' | 'DEPLOYMENT_FAILED';

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
  /** Whether the version was deployed by the push (not yet: deployment comes separately). */
  deployed: boolean;
  /** The check's warnings (errors refuse the push). */
  warnings: PushProblem[];
}
