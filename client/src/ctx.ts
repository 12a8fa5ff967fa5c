// The extension's context: owns the language client and what lives exactly as long as it does, and
// the platform side: the session (URL, token), what the platform holds (the model), the workspace's
// service folders, the local platform process, log followers and the push problems.
import * as vscode from 'vscode';
import type { ServerSettings } from '../../server/protocol/protocol';
import type { LanguageClient, LanguageClientOptions, Middleware, ServerOptions } from 'vscode-languageclient/node';
import { errorMessage } from './errors';
import { ServiceFolders } from './folders';
import { LocalPlatform } from './localPlatform';
import { LogFollowers } from './logs';
import { PlatformModel } from './model';
import { PlatformSession } from './session';
import { TeamModel } from './team';

type LanguageClientModule = typeof import('vscode-languageclient/node');
/** vscode-languageclient is most of a bundle's weight: it loads when the server starts, not at activation. */
function loadLanguageClient(): Promise<LanguageClientModule> {
  return import(/* webpackChunkName: "languageclient" */ 'vscode-languageclient/node');
}

/** Also the prefix of the `codestore.trace.server` setting, which the client reads by this id. */
const CLIENT_ID = 'codestore';
const CLIENT_NAME = 'code.store Language Server';
/** Context key for `when` clauses: true while the language server is up. */
const SERVER_RUNNING_KEY = 'codestore.serverRunning';

/** Files whose changes on disk the server must hear about even when no editor has them open. */
const WATCHED_FILES = ['**/codestore.yaml', '**/src/resolvers/**/*.ts', '**/*.{graphql,gql,graphqls}', '**/src/data/**'];

/** The settings the server reads, from the `codestore` configuration section. */
export function serverSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('codestore');
  return {
    debounceMs: config.get<number>('diagnostics.debounceMs'),
    codegen: config.get<ServerSettings['codegen']>('codegen.write'),
    codegenDelayMs: config.get<number>('codegen.delayMs'),
  };
}

export class Ctx {
  readonly outputChannel: vscode.LogOutputChannel;
  readonly session: PlatformSession;
  readonly model: PlatformModel;
  /** The current organization as a team: the caller's role, members, activity. */
  readonly team: TeamModel;
  readonly folders: ServiceFolders;
  readonly localPlatform: LocalPlatform;
  readonly logs: LogFollowers;
  private readonly serverStarted = new vscode.EventEmitter<void>();
  /** Fires each time the language server has started (and after a restart). */
  readonly onDidStartServer = this.serverStarted.event;
  /** The problems the platform's check found in the last push of each service folder. */
  readonly pushProblems: vscode.DiagnosticCollection;
  private client: LanguageClient | undefined;
  /** Disposed with the client, so a restart begins from nothing. */
  private readonly clientSubscriptions: vscode.Disposable[] = [];
  /** start/stop/restart run one after another: the client cannot be stopped while it is starting. */
  private lifecycle: Promise<void> = Promise.resolve();
  /** Set by the first ensureStarted (or start): the server is started at most once on its own. */
  private startRequested: Promise<void> | undefined;

  /** `middleware`: the language client's (how the server's own commands run). */
  constructor(
    private readonly extCtx: vscode.ExtensionContext,
    private readonly middleware: Middleware = {},
  ) {
    // Extension lifetime: the log keeps what happened before a restart.
    this.outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
    this.pushExtCleanup(this.outputChannel);
    this.session = new PlatformSession(extCtx.secrets, extCtx.globalState);
    this.model = new PlatformModel({ client: () => this.session.client() });
    this.team = new TeamModel({ client: () => this.session.client() });
    this.folders = new ServiceFolders();
    this.localPlatform = new LocalPlatform(extCtx.extensionPath);
    this.logs = new LogFollowers(() => this.session.client());
    this.pushProblems = vscode.languages.createDiagnosticCollection('codestore-push');
    for (const d of [this.session, { dispose: () => this.model.dispose() }, this.folders, this.localPlatform, this.logs, this.pushProblems])
      this.pushExtCleanup(d);
  }

  get extensionContext(): vscode.ExtensionContext {
    return this.extCtx;
  }

  /** Disposed when the extension deactivates. */
  pushExtCleanup(disposable: vscode.Disposable): void {
    this.extCtx.subscriptions.push(disposable);
  }

  /** Disposed when the client stops or restarts. */
  pushClientCleanup(disposable: vscode.Disposable): void {
    this.clientSubscriptions.push(disposable);
  }

  start(): Promise<void> {
    const started = this.serialize(() => this.startClient());
    this.startRequested ??= started;
    return started;
  }

  stop(): Promise<void> {
    return this.serialize(() => this.stopClient());
  }

  /** Everything that must end with the extension: the language server and the local platform. */
  async deactivate(): Promise<void> {
    this.logs.stopAll();
    await Promise.all([this.stop(), this.localPlatform.stop()]);
  }

  /**
   * Starts the language server once, when there is a reason to (a GraphQL file or a service
   * folder); a failed start stays failed until "Restart Language Server".
   */
  ensureStarted(): Promise<void> {
    this.startRequested ??= this.start();
    return this.startRequested;
  }

  /** A new client, so that a server rebuilt on disk is the one that runs. */
  restart(): Promise<void> {
    return this.serialize(async () => {
      await this.stopClient();
      await this.startClient();
    });
  }

  private serialize(operation: () => Promise<void>): Promise<void> {
    const result = this.lifecycle.then(operation);
    this.lifecycle = result.catch(() => undefined);
    return result;
  }

  /** The running client, if any (commands that need the server check it). */
  get languageClient(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  private async startClient(): Promise<void> {
    if (this.client?.isRunning()) return;
    // A client whose start failed cannot be started again: replace it.
    await this.stopClient();
    const client = this.createClient(await loadLanguageClient());
    this.client = client;
    await client.start();
    this.serverStarted.fire();
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    try {
      // Only a running client can be stopped; one that failed to start has nothing left to stop.
      if (client?.isRunning()) await client.dispose();
    } catch (error) {
      // A server that does not answer shutdown in time must not block the next start.
      this.outputChannel.error(`Stopping the language server failed: ${errorMessage(error)}`);
    } finally {
      for (const disposable of this.clientSubscriptions.splice(0)) disposable.dispose();
      setServerRunning(false);
    }
  }

  private createClient(lc: LanguageClientModule): LanguageClient {
    const { LanguageClient: Client, State, TransportKind } = lc;
    const serverModule = this.extCtx.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: {
        module: serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: ['--nolazy', '--inspect=6009'] },
      },
    };

    const watchers = WATCHED_FILES.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
    for (const watcher of watchers) this.pushClientCleanup(watcher);

    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'graphql' },
        { scheme: 'untitled', language: 'graphql' },
      ],
      synchronize: { fileEvents: watchers },
      initializationOptions: serverSettings(),
      outputChannel: this.outputChannel,
      middleware: this.middleware,
    };

    const client = new Client(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.pushClientCleanup(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('codestore'))
          void client.sendNotification('workspace/didChangeConfiguration', { settings: { codestore: serverSettings() } });
      }),
    );
    // Follows crashes and automatic restarts too, not only our own start and stop.
    this.pushClientCleanup(client.onDidChangeState(({ newState }) => setServerRunning(newState === State.Running)));
    return client;
  }
}

function setServerRunning(running: boolean): void {
  void vscode.commands.executeCommand('setContext', SERVER_RUNNING_KEY, running);
}

export { errorMessage };
