// A promote or roll whose schema breaks operations clients called is refused by the platform
// (BREAKS_CLIENTS) with the list of what breaks: shown in a modal with "Promote anyway", which
// runs the move again forced.
import * as vscode from 'vscode';
import { PlatformError } from '../../apiclient/src/errors';

/** Runs `move`; when it breaks clients, asks, and runs it again with `force` if the user says so. Undefined: cancelled. */
export async function withBreakingCheck<T>(
  move: (force: boolean) => Thenable<T>,
  what: string,
  anyway = 'Promote anyway',
): Promise<T | undefined> {
  try {
    return await move(false);
  } catch (error) {
    if (!(error instanceof PlatformError) || error.code !== 'BREAKS_CLIENTS') throw error;
    const detail = error.changes.map((c) => `• ${c.description}`).join('\n');
    const choice = await vscode.window.showWarningMessage(
      `${what} would break operations that clients called recently.`,
      { modal: true, detail: `${detail}\n\nKeep the old fields (mark them @deprecated) until no client calls them, or go on anyway.` },
      anyway,
    );
    if (choice !== anyway) return undefined;
    return move(true);
  }
}
