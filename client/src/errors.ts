// How a failed command speaks: every platform error becomes an error message with the next step as
// a button (log in, start the platform, show the problems), never an unhandled rejection.
import * as vscode from 'vscode';
import { PlatformError } from '../../apiclient/src/errors';
import { localAddress } from './localPlatform';

/** A failure whose message is for the user as it is, with the commands that fix it. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly actions: NextStep[] = [],
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export interface NextStep {
  title: string;
  command: string;
  args?: unknown[];
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The buttons that fix a platform error. */
export function nextSteps(error: PlatformError): NextStep[] {
  if (error.needsLogin)
    return [
      { title: 'Log In', command: 'codestore.login' },
      { title: 'Sign Up', command: 'codestore.signup' },
    ];
  switch (error.code) {
    case 'UNAUTHENTICATED':
      return [{ title: 'Try Again', command: 'codestore.login' }];
    case 'UNREACHABLE':
    case 'TIMEOUT': {
      const local = !('error' in localAddress(error.url));
      return [
        ...(local ? [{ title: 'Start Local Platform', command: 'codestore.startPlatform' }] : []),
        { title: 'Choose Platform URL', command: 'codestore.choosePlatformUrl' },
      ];
    }
    case 'BAD_RESPONSE':
      return [{ title: 'Choose Platform URL', command: 'codestore.choosePlatformUrl' }];
    case 'NOT_FOUND':
      return [{ title: 'Refresh', command: 'codestore.refresh' }];
    case 'BAD_USER_INPUT':
      // Without an answer from the platform, the input at fault is the platform URL itself.
      return error.status === undefined ? [{ title: 'Choose Platform URL', command: 'codestore.choosePlatformUrl' }] : [];
    case 'CHECK_FAILED':
      return [{ title: 'Show Problems', command: 'workbench.actions.view.problems' }];
    default:
      return [];
  }
}

/**
 * Shows a command's failure (never throws, never waits for the user): the message, and buttons
 * for the next step. Unexpected errors are logged with their stack.
 */
export function showFailure(error: unknown, log: vscode.LogOutputChannel): void {
  let message: string;
  let steps: NextStep[] = [];
  if (error instanceof PlatformError) {
    if (error.code === 'CANCELLED') return;
    message = error.message;
    steps = nextSteps(error);
  } else if (error instanceof UserError) {
    message = error.message;
    steps = error.actions;
  } else if (error instanceof Error && error.name === 'ArchiveError') {
    message = `Cannot pack the service folder: ${error.message}`;
  } else {
    message = `Unexpected error: ${errorMessage(error)}`;
    log.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    steps = [{ title: 'Show Log', command: 'codestore.showLog' }];
  }
  void vscode.window.showErrorMessage(`code.store: ${message}`, ...steps.map((s) => s.title)).then(
    (choice) => {
      const step = steps.find((s) => s.title === choice);
      if (step) void vscode.commands.executeCommand(step.command, ...(step.args ?? []));
    },
    () => undefined,
  );
}
