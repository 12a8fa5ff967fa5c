// Runs the language server's generate (or commit) on a service folder, as the palette would: what
// push and service creation use to bring the database layer up to date first.
import * as vscode from 'vscode';
import { GenerateResult, ServerCommands } from '../../../server/protocol/protocol';
import type { Ctx } from '../ctx';
import { SCHEMA_PATH } from '../serviceFolder';

/** Asks the language server to write the generated files (or commit the pending migration); best effort. */
export async function generate(
  ctx: Ctx,
  folder: vscode.Uri,
  command: string = ServerCommands.generate,
): Promise<GenerateResult | undefined> {
  try {
    await ctx.ensureStarted();
    const client = ctx.languageClient;
    if (!client) return undefined;
    const result = await client.sendRequest<GenerateResult>('workspace/executeCommand', {
      command,
      arguments: [vscode.Uri.joinPath(folder, SCHEMA_PATH).toString()],
    });
    if (result.skipped) ctx.outputChannel.warn(`Generating ${folder.fsPath}: ${result.skipped}`);
    return result;
  } catch (e) {
    ctx.outputChannel.warn(`Generating ${folder.fsPath} failed: ${(e as Error).message}`);
    return undefined;
  }
}
