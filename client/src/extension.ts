// Entry point VS Code loads: builds the Ctx, registers commands, starts the language server.
import * as vscode from 'vscode';
import { Ctx, errorMessage } from './ctx';

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
};

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
