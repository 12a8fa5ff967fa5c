// Entry point VS Code loads: builds the Ctx, registers commands, the explorer, the CodeLens and the
// status bar, and starts the language server when there is GraphQL to serve. Activation does no
// I/O of its own and loads no heavy module: the language client, the platform client (axios) and
// the archive packer (tar) are separate chunks loaded on first use.
import * as vscode from 'vscode';
import { Ctx, errorMessage } from './ctx';
import { GenerateResult, ServerCommands } from '../../server/protocol/protocol';
import { accountCommands } from './commands/account';
import { environmentCommands } from './commands/environments';
import { projectCommands } from './commands/projects';
import { registerDebugging, runLocallyCommands } from './commands/runLocally';
import { serviceCommands } from './commands/services';
import { teamCommands } from './commands/team';
import type { CommandTable } from './commands/types';
import { codeLensCommands, registerCodeLens } from './codelens/provider';
import { showFailure } from './errors';
import { registerStatusBar } from './statusBar';
import { registerServiceProjects } from './serviceProject';
import { registerTeamViews } from './views/teamTrees';
import { registerTrees } from './views/trees';
import { UsageSync } from './usageSync';

/**
 * Restarting the language server. Its own commands (commitMigration, generate) are registered by
 * the language client from the server's executeCommandProvider while it runs (registering them
 * here too would make the client fail to start); `serverCommand` below gives them their arguments
 * and says what they did.
 */
const SERVER_COMMANDS: CommandTable = {
  'codestore.restartServer': {
    run: (ctx) => async () => {
      try {
        await ctx.restart();
      } catch (error) {
        reportStartFailure(ctx, error);
      }
    },
  },
};

/** Every command the extension contributes, by the id declared in package.json. */
const COMMANDS: CommandTable = {
  ...SERVER_COMMANDS,
  ...accountCommands,
  ...serviceCommands,
  ...environmentCommands,
  ...projectCommands,
  ...teamCommands,
  ...codeLensCommands,
  ...runLocallyCommands,
};

/** The schema of the service being edited: the active editor's, else the first in the workspace. */
async function currentSchemaUri(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.path.endsWith('/src/schema.graphql')) return active;
  const found = await vscode.workspace.findFiles('**/src/schema.graphql', '**/node_modules/**', 2);
  return found.length === 1 ? found[0] : undefined;
}

/**
 * The language client's middleware for the server's commands: from the palette they come without
 * an argument, so the current schema is passed; the result is said in a message.
 */
async function serverCommand(command: string, args: unknown[], next: (command: string, args: unknown[]) => unknown): Promise<unknown> {
  if (!(ServerCommands.all as string[]).includes(command)) return next(command, args);
  const schema = typeof args[0] === 'string' ? args[0] : (await currentSchemaUri())?.toString();
  if (!schema) {
    void vscode.window.showErrorMessage("code.store: open the service's src/schema.graphql first.");
    return undefined;
  }
  try {
    const result = (await next(command, [schema, ...args.slice(1)])) as GenerateResult | undefined;
    if (!result) return result;
    if (result.skipped && !result.written.length) void vscode.window.showWarningMessage(`code.store: ${result.skipped}`);
    else if (result.migration) void vscode.window.showInformationMessage(`code.store: committed ${result.migration}.`);
    else
      void vscode.window.showInformationMessage(`code.store: ${result.written.length} file(s) written, ${result.deleted.length} deleted.`);
    return result;
  } catch (error) {
    void vscode.window.showErrorMessage(`code.store: ${errorMessage(error)}`);
    return undefined;
  }
}

/** A command as VS Code runs it: any failure is shown (never an unhandled rejection), and the views refresh after a change. */
function guarded(ctx: Ctx, id: string, spec: CommandTable[string]): (...args: unknown[]) => Promise<void> {
  const run = spec.run(ctx);
  return async (...args) => {
    try {
      await run(...args);
    } catch (error) {
      try {
        ctx.outputChannel.info(`${id} failed: ${errorMessage(error)}`);
        showFailure(error, ctx.outputChannel);
      } catch {
        // The window is going away (its channels are closed): nobody is left to tell.
      }
    } finally {
      if (spec.refresh) void ctx.model.refresh();
    }
  };
}

/** Starts the language server once there is something for it: an open GraphQL file or a service folder. */
function startServerWhenNeeded(ctx: Ctx): void {
  const start = () => {
    ctx.ensureStarted().catch((error) => reportStartFailure(ctx, error));
  };
  if (vscode.workspace.textDocuments.some((d) => d.languageId === 'graphql')) {
    start();
    return;
  }
  const listener = vscode.workspace.onDidOpenTextDocument((d) => {
    if (d.languageId !== 'graphql') return;
    listener.dispose();
    start();
  });
  ctx.pushExtCleanup(listener);
  void ctx.folders.all().then(
    (folders) => {
      if (folders.length) {
        listener.dispose();
        start();
      }
    },
    () => undefined,
  );
}

let ctx: Ctx | undefined;

export function activate(context: vscode.ExtensionContext): void {
  try {
    ctx = new Ctx(context, { executeCommand: serverCommand });
    // Commands first, so that a server that fails to start can still be restarted.
    for (const [id, spec] of Object.entries(COMMANDS)) {
      ctx.pushExtCleanup(vscode.commands.registerCommand(id, guarded(ctx, id, spec)));
    }
    registerTrees(ctx);
    registerTeamViews(ctx);
    registerCodeLens(ctx);
    registerDebugging(ctx);
    registerStatusBar(ctx);
    registerServiceProjects(ctx);
    ctx.pushExtCleanup(new UsageSync(ctx));
    const current = ctx;
    // Problems of a push go away from a file once it is edited.
    ctx.pushExtCleanup(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length && current.pushProblems.has(e.document.uri)) current.pushProblems.delete(e.document.uri);
      }),
    );
    ctx.pushExtCleanup(
      ctx.localPlatform.onDidExit(({ code, expected }) => {
        void current.model.refresh();
        if (expected) return;
        void vscode.window
          .showWarningMessage(`code.store: the local platform stopped (exit code ${code}).`, 'Show Output', 'Start Again')
          .then((choice) => {
            if (choice === 'Show Output') current.localPlatform.output.show();
            else if (choice === 'Start Again') void vscode.commands.executeCommand('codestore.startPlatform');
          });
      }),
    );
    startServerWhenNeeded(ctx);
  } catch (error) {
    if (ctx) reportStartFailure(ctx, error);
    else void vscode.window.showErrorMessage(`code.store failed to activate: ${errorMessage(error)}`);
  }
}

export function deactivate(): Promise<void> | undefined {
  return ctx?.deactivate();
}

function reportStartFailure(ctx: Ctx, error: unknown): void {
  const reason = errorMessage(error);
  ctx.outputChannel.error(`The language server failed to start: ${reason}`);
  void vscode.window.showErrorMessage(`code.store: the language server failed to start: ${reason}`, 'Show Log').then((choice) => {
    if (choice === 'Show Log') ctx.outputChannel.show();
  });
}
