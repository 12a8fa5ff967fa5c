// How a CLI command fails: one line on stderr and an exit code (2 for a usage mistake, 1 otherwise).
// The error module alone: the api client (axios) loads only with a command that talks to the platform.
import { PlatformError } from '../../apiclient/src/errors';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, 2);

/** Runs an async command and sets the exit code; any failure becomes `codestore: <message>`. */
export function runCommand(command: () => Promise<number | void>): void {
  command().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (e: unknown) => {
      const known = e instanceof CliError || e instanceof PlatformError;
      const message = known ? (e as Error).message : `unexpected error: ${(e as Error)?.stack ?? String(e)}`;
      process.stderr.write(`codestore: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
      process.exitCode = e instanceof CliError ? e.exitCode : 1;
    },
  );
}
