// The extension's context: owns the language client and what lives exactly as long as it does.
import * as vscode from 'vscode';
import type { ServerSettings } from '../../server/src/protocol';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';

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
  private client: LanguageClient | undefined;
  /** Disposed with the client, so a restart begins from nothing. */
  private readonly clientSubscriptions: vscode.Disposable[] = [];
  /** start/stop/restart run one after another: the client cannot be stopped while it is starting. */
  private lifecycle: Promise<void> = Promise.resolve();

  constructor(private readonly extCtx: vscode.ExtensionContext) {
    // Extension lifetime: the log keeps what happened before a restart.
    this.outputChannel = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
    this.pushExtCleanup(this.outputChannel);
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
    return this.serialize(() => this.startClient());
  }

  stop(): Promise<void> {
    return this.serialize(() => this.stopClient());
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
    const client = this.createClient();
    this.client = client;
    await client.start();
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

  private createClient(): LanguageClient {
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
    };

    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.pushClientCleanup(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('codestore')) void client.sendNotification('workspace/didChangeConfiguration', { settings: { codestore: serverSettings() } });
    }));
    // Follows crashes and automatic restarts too, not only our own start and stop.
    this.pushClientCleanup(
      client.onDidChangeState(({ newState }) => setServerRunning(newState === State.Running)),
    );
    return client;
  }
}

function setServerRunning(running: boolean): void {
  void vscode.commands.executeCommand('setContext', SERVER_RUNNING_KEY, running);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
