// What the platform is made of once its store is open: what the services layer, the API and the
// routes plugged into the server (push, gateway) work with. Its own module, so those parts need not
// import main.ts (which imports them).
import type { Auth } from './auth/auth';
import type { Meter } from './billing/meter';
import type { Gateway } from './runtime/gateway';
import type { LogSink } from './runtime/logs';
import type { Runtime } from './runtime/runtime';
import type { Db } from './store/db';
import type { Sealer } from './store/sealing';

/** What a plugged-in route gets to work with. */
export interface PlatformParts {
  db: Db;
  auth: Auth;
  dataDir: string;
  runtime: Runtime;
  gateway: Gateway;
  logs: LogSink;
  meter: Meter;
  sealer: Sealer;
  logError: (message: string, error: unknown) => void;
}
