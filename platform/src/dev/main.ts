// The `codestore dev` bundle (dist/dev.js): the CLI requires it and calls `runDevCommand`, the way
// `codestore platform start` reaches dist/platform.js. It runs in the CLI's own process, so Ctrl-C
// and SIGTERM reach it directly; it stops the service process and the database server before it
// resolves.
import { DevOptions, startDevServer } from './devServer';

export interface DevCommandOptions {
  dir: string;
  port?: number;
  host?: string;
  inspect?: string;
  regenerate: DevOptions['regenerate'];
}

/** Serves the service until SIGINT or SIGTERM; resolves with the exit code. */
export async function runDevCommand(options: DevCommandOptions): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const error = (line: string) => process.stderr.write(`${line}\n`);
  const dev = await startDevServer({ ...options, log, error });
  await dev.started;
  log('Watching src/ for changes. Ctrl-C stops.');
  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      // A terminal's Ctrl-C may come twice (a wrapper forwards it): a third one stops without waiting.
      if (++signals === 3) {
        error('Stopping at once: the database server may still be shutting down.');
        process.exit(130);
      }
      if (signals > 1) {
        error('Still stopping (the database server shuts down); Ctrl-C once more to exit at once.');
        return;
      }
      log(`Stopping (${signal})…`);
      void dev.close().then(
        () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(0);
        },
        (e) => {
          error(`Stopping failed: ${(e as Error).message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
