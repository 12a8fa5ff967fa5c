// What the platform is made of once its store is open: what the services layer, the API and the
// routes plugged into the server (push, gateway) work with. Its own module, so those parts need not
// import main.ts (which imports them).
import type { Auth } from './auth/auth';
import type { Meter } from './billing/meter';
import type { DeploymentRuntime } from './runtime/deploymentRuntime';
import type { Gateway } from './runtime/gateway';
import type { LogSink } from './runtime/logs';
import type { Db } from './store/db';
import type { Sealer } from './store/sealing';
import type { UsageRecorder } from './usage/recorder';

/** What the services layer (`services/`) works with. */
export interface ServiceParts {
  db: Db;
  /** Holds the services' pushes and builds (`services/<serviceId>/`). */
  dataDir: string;
  /** Where deployments run. */
  runtime: DeploymentRuntime;
  /** The gateway's caches, told when what they hold changes. */
  gateway: Pick<Gateway, 'forget' | 'clientKeysChanged' | 'corsOriginsChanged' | 'flush'>;
  logs: LogSink;
  meter: Meter;
  sealer: Sealer;
  /** Schema usage the gateway records (flushed before a check reads it). */
  usage?: UsageRecorder;
  logError: (message: string, error: unknown) => void;
}

/** What a plugged-in route gets to work with. */
export interface PlatformParts extends ServiceParts {
  auth: Auth;
  gateway: Gateway;
}
