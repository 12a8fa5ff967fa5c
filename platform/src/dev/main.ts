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
  // The signals are ours from the start: Ctrl-C while the database server starts still stops it.
  let signals = 0;
  let signalled: (signal: NodeJS.Signals) => void = () => undefined;
  const onSignal = (signal: NodeJS.Signals) => {
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
    signalled(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    signalled = resolve;
  });
  try {
    const dev = await startDevServer({ ...options, log, error });
    if (!signals) {
      await Promise.race([dev.started, stopped]);
      if (!signals) log('Watching src/ for changes. Ctrl-C stops.');
    }
    await stopped;
    try {
      await dev.close();
      return 0;
    } catch (e) {
      error(`Stopping failed: ${(e as Error).message}`);
      return 1;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
