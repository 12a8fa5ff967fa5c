// Hands the language server what clients called in each service's environments, so that the
// editor warns where an edit would break them: fetched from the platform when a schema opens,
// after a push or promote (the versions the model shows change), and every few minutes.
import * as vscode from 'vscode';
import { EnvironmentUsage, SchemaUsageNotification } from '../../server/protocol/protocol';
import type { Ctx } from './ctx';
import { toServerUsage } from './usage';

const EVERY_MS = 5 * 60_000;
const DAYS = 30;

/** What the model shows of a service's environments: when it changes, usage is fetched again. */
function versionsKey(ctx: Ctx, serviceId: string): string {
  const service = ctx.model.service(serviceId);
  const own = service?.environments.map((e) => `${e.name}:${e.currentVersion?.id ?? ''}`) ?? [];
  const instances = (ctx.model.state.projects ?? []).flatMap((p) =>
    p.instances
      .filter((i) => i.service.id === serviceId)
      .flatMap((i) => i.environments.map((e) => `${p.id}/${e.name}:${e.currentVersion?.id ?? ''}`)),
  );
  return [...own, ...instances].join(',');
}

export class UsageSync implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  /** What was last sent per schema URI, so that an unchanged answer is not sent again. */
  private readonly sent = new Map<string, string>();
  private readonly versions = new Map<string, string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly ctx: Ctx) {
    this.subscriptions.push(
      { dispose: ctx.model.onDidChange(() => this.onModelChange()).dispose },
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.uri.path.endsWith('/src/schema.graphql')) void this.sync();
      }),
      // A (re)started server knows nothing yet.
      ctx.onDidStartServer(() => {
        this.sent.clear();
        void this.sync();
      }),
    );
    this.timer = setInterval(() => void this.sync(true), EVERY_MS);
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }

  private onModelChange(): void {
    if (!this.ctx.model.state.loggedIn) return;
    let changed = false;
    for (const folder of this.ctx.folders.known) {
      if (!folder.serviceId) continue;
      const key = versionsKey(this.ctx, folder.serviceId);
      if (this.versions.get(folder.serviceId) !== key) {
        this.versions.set(folder.serviceId, key);
        changed = true;
      }
    }
    if (changed) void this.sync();
  }

  /** Fetches and sends usage for every service folder with a serviceId; one sync at a time. */
  sync(force = false): Promise<void> {
    this.running ??= this.run(force).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(force: boolean): Promise<void> {
    const server = this.ctx.languageClient;
    if (!server || !this.ctx.model.state.loggedIn) return;
    const client = await this.ctx.session.client();
    for (const folder of await this.ctx.folders.all()) {
      if (!folder.serviceId) continue;
      const schemaUri = vscode.Uri.joinPath(folder.uri, 'src', 'schema.graphql').toString();
      let environments: EnvironmentUsage[];
      try {
        environments = toServerUsage(await client.schemaUsage(folder.serviceId, DAYS), this.ctx.model.state.projects ?? []);
      } catch (error) {
        // Usage is a hint: a service not (yet) on this platform, or a platform without it, says nothing.
        this.ctx.outputChannel.debug(`schema usage of ${folder.serviceId}: ${(error as Error).message}`);
        environments = [];
      }
      const text = JSON.stringify(environments);
      if (!force && this.sent.get(schemaUri) === text) continue;
      this.sent.set(schemaUri, text);
      await server.sendNotification(SchemaUsageNotification.method, { schemaUri, environments } satisfies SchemaUsageNotification.Params);
    }
  }
}
