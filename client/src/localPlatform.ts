// The local platform as a child process of the extension: the bundle `codestore platform start`
// runs (dist/platform.js, beside dist/extension.js in the extension's folder), started the way the
// CLI starts it: required, then `runPlatformCommand(['start', '--port', ...])` (the bundle does not
// run by itself as `node dist/platform.js`). Its output goes to an output channel; it stops with
// the extension.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

/** Context key: true while the extension's own platform process runs. */
const STARTED_KEY = 'codestore.localPlatformStarted';
/** Runs the bundle given as the first argument with the rest as its command line. */
const RUNNER =
  'const [bundle, ...argv] = process.argv.slice(1); require(bundle).runPlatformCommand(argv).then((code) => { process.exitCode = code; }, (e) => { console.error(e); process.exitCode = 1; });';
/** The line the platform prints on stdout once it serves. */
const LISTENING = /code\.store platform listening on (\S+)/;
/** A first start creates the embedded database (an initdb): give it time. */
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 8_000;

/** Where the platform listens, from the platform URL: loopback only (this machine). */
export function localAddress(url: string): { host: string; port: number } | { error: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: `"${url}" is not a URL.` };
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host) && !host.startsWith('127.')) {
    return { error: `The platform URL ${url} is not on this machine: only a platform on 127.0.0.1 or localhost can be started from here.` };
  }
  if (parsed.protocol !== 'http:') return { error: `The local platform serves http, not ${parsed.protocol.replace(/:$/, '')} (${url}).` };
  const port = parsed.port ? Number(parsed.port) : 80;
  return { host: host === 'localhost' ? '127.0.0.1' : host, port };
}

export class LocalPlatform implements vscode.Disposable {
  readonly output: vscode.LogOutputChannel;
  private child: ChildProcess | undefined;
  private stopping = false;
  private readonly exited = new vscode.EventEmitter<{ code: number | null; expected: boolean }>();
  /** The process ended (on its own, or stopped). */
  readonly onDidExit = this.exited.event;

  constructor(private readonly extensionPath: string) {
    this.output = vscode.window.createOutputChannel('code.store Platform', { log: true });
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The platform bundle: dist/platform.js beside dist/extension.js. */
  bundlePath(): string {
    return path.join(this.extensionPath, 'dist', 'platform.js');
  }

  /**
   * Starts `dist/platform.js start` for the platform URL and resolves once it listens. Rejects
   * with the reason (its last output lines) when it exits first or does not listen in time.
   */
  async start(url: string, token?: vscode.CancellationToken): Promise<string> {
    if (this.running) throw new Error('The local platform started from VS Code is running already.');
    const address = localAddress(url);
    if ('error' in address) throw new Error(address.error);
    const bundle = this.bundlePath();
    if (!fs.existsSync(bundle))
      throw new Error(`The platform is not built: ${bundle} is missing. Run \`npm run build\` in the extension's folder.`);
    const config = vscode.workspace.getConfiguration('codestore.platform');
    const node = config.get<string>('nodePath')?.trim() || process.execPath;
    const dataDir = config.get<string>('dataDir')?.trim();
    const command = ['start', '--port', String(address.port), '--host', address.host, ...(dataDir ? ['--data', dataDir] : [])];
    const args = ['-e', RUNNER, bundle, ...command];
    this.output.info(`Starting: ${node} ${bundle} ${command.join(' ')}`);
    // VS Code's own executable is Electron: ELECTRON_RUN_AS_NODE makes it a plain Node.js.
    const child = spawn(node, args, {
      cwd: path.dirname(bundle),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.stopping = false;
    void vscode.commands.executeCommand('setContext', STARTED_KEY, true);
    const recent: string[] = [];
    const remember = (line: string) => {
      recent.push(line);
      if (recent.length > 12) recent.shift();
    };

    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | undefined, listening?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        cancel?.dispose();
        if (error) reject(error);
        else resolve(listening ?? url);
      };
      const timer = setTimeout(() => {
        settle(new Error(`The local platform did not listen within ${START_TIMEOUT_MS / 1000} s; see the "code.store Platform" output.`));
        void this.stop();
      }, START_TIMEOUT_MS);
      const cancel = token?.onCancellationRequested(() => {
        settle(new Error('Starting the local platform was cancelled.'));
        void this.stop();
      });
      lines(child.stdout!, (line) => {
        this.output.info(line);
        remember(line);
        const m = LISTENING.exec(line);
        if (m) settle(undefined, m[1]);
      });
      lines(child.stderr!, (line) => {
        // The platform's own log lines are `[platform] ...` on stderr; the rest is trouble.
        if (line.startsWith('[platform]')) this.output.info(line);
        else this.output.warn(line);
        remember(line);
      });
      child.on('error', (e) => {
        this.output.error(`Cannot run ${node}: ${e.message}`);
        settle(
          new Error(
            `Cannot run the local platform with ${node}: ${e.message}. Set "codestore.platform.nodePath" to a Node.js 20 executable.`,
          ),
        );
      });
      child.on('exit', (code, signal) => {
        const expected = this.stopping;
        this.output.info(`The local platform exited (${signal ?? `code ${code}`}).`);
        if (this.child === child) this.child = undefined;
        void vscode.commands.executeCommand('setContext', STARTED_KEY, false);
        const why =
          recent
            .filter((l) => !l.startsWith('[platform]'))
            .slice(-3)
            .join(' ') || recent.slice(-2).join(' ');
        settle(new Error(`The local platform exited before it listened${why ? `: ${why}` : ''}.`));
        this.exited.fire({ code, expected });
      });
    });
  }

  /** Stops the process (SIGTERM, then SIGKILL after a few seconds); resolves when it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    this.output.info('Stopping the local platform...');
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) {
        this.output.warn(`It did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing it.`);
        child.kill('SIGKILL');
      }
    }, STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  }

  dispose(): void {
    void this.stop();
    this.exited.dispose();
    this.output.dispose();
  }
}

/** Calls `onLine` for each line of a stream. */
function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split(/\r?\n/);
    rest = parts.pop() ?? '';
    for (const line of parts) if (line) onLine(line);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
  });
}
