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
