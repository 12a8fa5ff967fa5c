// Where deployments run, as the rest of the platform sees it: the services layer deploys versions
// to environments and removes them, the gateway asks for the process to send a request to. Local
// sandboxed processes (./runtime.ts, `LocalRuntime`) are one implementation; a cluster would be
// another module implementing the same interface.
import type { DeploymentStatus, EnvironmentName } from '../store/services';

export interface DeploymentOutcome {
  id: string;
  environment: EnvironmentName;
  status: DeploymentStatus;
  error: string | null;
}

/** Migrations to revert before a version starts (a roll back): with the build that has them. */
export interface RevertPlan {
  /** The serving build, which has the migrations' classes. */
  buildPath: string;
  /** The migrations the new version has: every applied one not in this list is reverted. */
  keep: string[];
}

/** What serves one of an environment's requests, as `admit` hands it to the gateway. */
export interface Upstream {
  readonly deploymentId: string;
  /** The build it runs (the gateway reads the schema and settings of the build it forwards to). */
  readonly buildPath: string;
  /** The Unix socket the gateway connects to. */
  readonly socketPath: string;
  /** How long a request may take before the gateway answers 504. */
  readonly requestTimeoutMs: number;
  /** Why the platform stopped it, when it did (a request in flight is answered with it). */
  readonly killedBecause: string | undefined;
}

export interface DeploymentRuntime {
  /**
   * Deploys a version to an environment (a service's or an instance's): records the deployment,
   * starts it beside the serving one and switches once it is healthy. Resolves when it is settled.
   */
  deployTo(environmentId: string, versionId: string, options?: { revert?: RevertPlan }): Promise<DeploymentOutcome>;
  /** Deploys what an environment serves again (new secrets take effect); undefined when nothing serves. */
  redeploy(environmentId: string, versionId: string | null): Promise<DeploymentOutcome | undefined>;
  /** Stops the environments' deployments and drops their databases. */
  removeEnvironments(environmentIds: string[]): Promise<void>;
  /** Whether an environment is deployed but runs nothing until its next request. */
  isIdle(environmentId: string): boolean;
  /** At platform start: unfinished deployments rolled back, current ones ready to serve. */
  restore(): Promise<void>;
  /** What to send a request to (waiting while the environment starts or hands over), or undefined. */
  admit(environmentId: string, timeoutMs?: number): Promise<Upstream | undefined>;
  /** A request `admit` let through has finished. */
  done(upstream: Upstream): void;
  /** The Unix socket of an environment's serving process (benchmarks and tests). */
  socketOf(environmentId: string): string | undefined;
  /** Stops every deployment; those in progress are left for the next start to roll back. */
  close(): Promise<void>;
}
