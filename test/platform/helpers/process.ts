// The platform as its own process (`codestore platform start`), for tests that kill it.
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'path';
import { stopLeftoverServer } from '../../../platform/src/store/postgresServer';
import { REPO_ROOT } from './platform';

export interface PlatformProcess {
  url: string;
  proc: ChildProcess;
  output(): string;
}

/** `codestore platform start` on a free port; resolves once it listens. */
export function startPlatformProcess(
  dataDir: string,
  databaseUrl: string | undefined,
  env: NodeJS.ProcessEnv = {},
): Promise<PlatformProcess> {
  return startPlatformProcessWith(dataDir, databaseUrl ? ['--database-url', databaseUrl] : [], env);
}

/**
 * `codestore platform start --data <dataDir> ...args` on a free port; `root` is the checkout whose
 * bin/codestore.js runs (another build's, for a benchmark's baseline).
 */
export function startPlatformProcessWith(
  dataDir: string,
  extra: string[],
  env: NodeJS.ProcessEnv = {},
  root = REPO_ROOT,
): Promise<PlatformProcess> {
  const args = [path.join(root, 'bin/codestore.js'), 'platform', 'start', '--port', '0', '--data', dataDir, ...extra];
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/\S+?) /.exec(out);
      if (m) resolve({ url: m[1], proc, output: () => out });
    });
    proc.on('exit', (code) => reject(new Error(`the platform exited with ${code}:\n${out}`)));
  });
}

export async function stopPlatformProcess(p: PlatformProcess, signal: NodeJS.Signals): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  const exited = new Promise((resolve) => p.proc.once('exit', resolve));
  p.proc.kill(signal);
  await exited;
}

/** After a test: a platform killed with SIGKILL leaves its embedded server running; stop it. */
export async function stopLeftovers(dataDir: string): Promise<void> {
  await stopLeftoverServer(dataDir);
}
