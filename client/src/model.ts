// What the platform holds for the logged-in organization, as the explorer, the CodeLens and the
// status bar show it: fetched with as few requests as possible (one `services` and one `projects`
// query fill the Services and Projects trees; billing only while the Rate plans view is visible),
// refreshed after every action, and polled every couple of seconds while a deployment has not
// settled. No `vscode` here: the extension passes a way to get a client and listens to changes.
import type { PlatformClient } from '../../apiclient/src/client';
import { PlatformError } from '../../apiclient/src/errors';
import type { Project, Service } from '../../apiclient/src/types';
import { anySettling, ProjectBilling } from './views/nodes';

export type Connection = 'unknown' | 'reachable' | 'unreachable';

export interface ModelState {
  /** Whether the platform at the configured URL answers; unknown until the first load. */
  connection: Connection;
  /** The platform took our token. */
  loggedIn: boolean;
  /** Undefined until loaded (or when not logged in). */
  services?: Service[];
  projects?: Project[];
  /** By projectId, for the projects with instances (loaded while billing is wanted). */
  billing: Map<string, ProjectBilling>;
  /** The last failure that is neither "not logged in" nor "unreachable", to show in the trees. */
  error?: string;
  /** Why the connection or the login failed, in the client's words. */
  problem?: string;
}

export interface ModelOptions {
  /** A client for the platform at the configured URL, with the stored token if there is one. */
  client(): Promise<PlatformClient>;
  /** Poll interval while a deployment settles or an action runs. Default 2000 ms. */
  pollMs?: number;
}

interface LoadOptions {
  billing: boolean;
}

export class PlatformModel {
  private current: ModelState = { connection: 'unknown', loggedIn: false, billing: new Map() };
  private readonly listeners = new Set<(state: ModelState) => void>();
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private queuedBilling = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Actions in flight (push, promote, ...): the model polls while there are any. */
  private tracking = 0;
  private loaded = false;
  private disposed = false;
  /** True while the Rate plans view is visible: only then is billing read. */
  private billingWanted = false;
  readonly pollMs: number;

  constructor(private readonly options: ModelOptions) {
    this.pollMs = options.pollMs ?? 2000;
  }

  get state(): ModelState {
    return this.current;
  }

  /** Whether `state` has been loaded at least once. */
  get isLoaded(): boolean {
    return this.loaded;
  }

  onDidChange(listener: (state: ModelState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Billing is read while wanted (the Rate plans view is visible); wanting it reads it if it is missing. */
  set wantBilling(wanted: boolean) {
    const was = this.billingWanted;
    this.billingWanted = wanted;
    if (wanted && !was && this.loaded && this.current.loggedIn) void this.refresh();
  }

  get wantBilling(): boolean {
    return this.billingWanted;
  }

  /**
   * Reads everything again. Calls while a load runs share one more load after it (so what an
   * action changed is always seen), never more.
   */
  refresh(options: Partial<LoadOptions> = {}): Promise<void> {
    const billing = options.billing ?? this.billingWanted;
    if (!this.running) {
      this.running = this.load({ billing }).finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queuedBilling ||= billing;
    if (!this.queued) {
      this.queued = this.running.then(() => {
        this.queued = undefined;
        const queuedBilling = this.queuedBilling;
        this.queuedBilling = false;
        return this.refresh({ billing: queuedBilling });
      });
    }
    return this.queued;
  }

  /** Loads once; later calls wait for the first load. */
  ensureLoaded(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    return this.running ?? this.refresh();
  }

  /** Polls while `action` runs (so a push shows its deployment in progress), then refreshes. */
  track<T>(action: Promise<T>): Promise<T> {
    this.tracking++;
    this.schedulePoll();
    const done = () => {
      this.tracking--;
      void this.refresh();
    };
    action.then(done, done);
    return action;
  }

  /** The service with this id, if loaded. */
  service(serviceId: string): Service | undefined {
    return this.current.services?.find((s) => s.id === serviceId);
  }

  /** Forgets everything (a logout, another platform URL) and reads again. */
  reset(): Promise<void> {
    this.current = { connection: 'unknown', loggedIn: false, billing: new Map() };
    this.loaded = false;
    this.emit();
    return this.refresh();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private async load(options: LoadOptions): Promise<void> {
    let client: PlatformClient;
    try {
      client = await this.options.client();
    } catch (e) {
      this.set({ connection: 'unreachable', loggedIn: false, billing: new Map(), problem: (e as Error).message });
      return;
    }
    if (!client.token) {
      // Not logged in: one request tells whether the platform is there at all.
      try {
        await client.whoami();
        this.set({ connection: 'reachable', loggedIn: false, billing: new Map() });
      } catch (e) {
        this.set({
          connection: isUnreachable(e) ? 'unreachable' : 'reachable',
          loggedIn: false,
          billing: new Map(),
          problem: (e as Error).message,
        });
      }
      return;
    }
    try {
      const [services, projects] = await Promise.all([client.listServices(), client.listProjects()]);
      const billing = options.billing ? await readBilling(client, projects) : this.current.billing;
      this.set({ connection: 'reachable', loggedIn: true, services, projects, billing });
    } catch (e) {
      if (isUnreachable(e)) this.set({ connection: 'unreachable', loggedIn: false, billing: new Map(), problem: (e as Error).message });
      else if (e instanceof PlatformError && e.code === 'UNAUTHENTICATED')
        this.set({ connection: 'reachable', loggedIn: false, billing: new Map(), problem: e.message });
      // Anything else: keep what was shown, and say what went wrong.
      else this.set({ ...this.current, connection: 'reachable', loggedIn: true, error: (e as Error).message });
    }
  }

  private set(state: ModelState): void {
    if (this.disposed) return;
    this.current = state;
    this.loaded = true;
    this.emit();
    this.schedulePoll();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.current);
      } catch {
        // A listener's failure is its own; the others still hear.
      }
    }
  }

  private schedulePoll(): void {
    if (this.disposed || this.timer) return;
    const settling = anySettling(this.current.services ?? [], this.current.projects ?? []);
    if (!settling && this.tracking === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Polls leave billing as it was: calls and amounts are not what a deployment changes.
      void this.refresh({ billing: false });
    }, this.pollMs);
  }
}

/** This month's invoice of every project with instances, and each instance's usage, in parallel. */
async function readBilling(client: PlatformClient, projects: Project[]): Promise<Map<string, ProjectBilling>> {
  const entries = await Promise.all(
    projects
      .filter((p) => p.instances.length)
      .map(async (project): Promise<[string, ProjectBilling]> => {
        const [invoice, ...usages] = await Promise.allSettled([
          client.invoice(project.id),
          ...project.instances.map((i) => client.usage(project.id, i.service.id)),
        ]);
        const billing: ProjectBilling = { usage: {} };
        if (invoice.status === 'fulfilled') billing.invoice = invoice.value as ProjectBilling['invoice'];
        else billing.error = (invoice.reason as Error).message;
        usages.forEach((u, n) => {
          if (u.status === 'fulfilled') billing.usage[project.instances[n].service.id] = u.value as ProjectBilling['usage'][string];
          else billing.error ??= (u.reason as Error).message;
        });
        return [project.id, billing];
      }),
  );
  return new Map(entries);
}

/** The platform is not there (or is not a platform): the trees say how to start or choose one. */
export function isUnreachable(e: unknown): boolean {
  return e instanceof PlatformError && (e.code === 'UNREACHABLE' || e.code === 'TIMEOUT' || e.code === 'BAD_RESPONSE');
}
