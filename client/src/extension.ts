// Entry point VS Code loads: builds the Ctx, registers commands, starts the language server.
import * as vscode from 'vscode';
import { Ctx, errorMessage } from './ctx';
import { GenerateResult, ServerCommands } from '../../server/src/protocol';

type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

/** Every command the extension contributes, by the id declared in package.json. */
const COMMANDS: Record<string, CommandFactory> = {
  'codestore.restartServer': (ctx) => async () => {
    try {
      await ctx.restart();
    } catch (error) {
      reportStartFailure(ctx, error);
    }
  },
  'codestore.commitMigration': (ctx) => () => runServerCommand(ctx, ServerCommands.commitMigration),
  'codestore.generate': (ctx) => () => runServerCommand(ctx, ServerCommands.generate),
};

/** The schema of the service being edited: the active editor's, else the first in the workspace. */
async function currentSchemaUri(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && active.path.endsWith('/src/schema.graphql')) return active;
  const found = await vscode.workspace.findFiles('**/src/schema.graphql', '**/node_modules/**', 2);
  return found.length === 1 ? found[0] : undefined;
}

async function runServerCommand(ctx: Ctx, command: string): Promise<void> {
  const client = ctx.languageClient;
  if (!client) {
    void vscode.window.showErrorMessage('code.store: the language server is not running. Run "code.store: Restart Language Server".');
    return;
  }
  const schema = await currentSchemaUri();
  if (!schema) {
    void vscode.window.showErrorMessage('code.store: open the service\'s src/schema.graphql first.');
    return;
  }
  try {
    const result = await client.sendRequest<GenerateResult>('workspace/executeCommand', { command, arguments: [schema.toString()] });
    if (result.skipped && !result.written.length) void vscode.window.showWarningMessage(`code.store: ${result.skipped}`);
    else if (result.migration) void vscode.window.showInformationMessage(`code.store: committed ${result.migration}.`);
    else void vscode.window.showInformationMessage(`code.store: ${result.written.length} file(s) written, ${result.deleted.length} deleted.`);
  } catch (error) {
    void vscode.window.showErrorMessage(`code.store: ${errorMessage(error)}`);
  }
}

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  try {
    ctx = new Ctx(context);
    // Commands first, so that a server that fails to start can still be restarted.
    for (const [name, factory] of Object.entries(COMMANDS)) {
      ctx.pushExtCleanup(vscode.commands.registerCommand(name, factory(ctx)));
    }
    await ctx.start();
  } catch (error) {
    if (ctx) reportStartFailure(ctx, error);
    else void vscode.window.showErrorMessage(`code.store failed to activate: ${errorMessage(error)}`);
  }
}

export function deactivate(): Promise<void> | undefined {
  return ctx?.stop();
}

function reportStartFailure(ctx: Ctx, error: unknown): void {
  const reason = errorMessage(error);
  ctx.outputChannel.error(`The language server failed to start: ${reason}`);
  void vscode.window
    .showErrorMessage(`code.store: the language server failed to start: ${reason}`, 'Show Log')
    .then((choice) => {
      if (choice === 'Show Log') ctx.outputChannel.show();
    });
}
