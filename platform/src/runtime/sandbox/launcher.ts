// Starts deployment processes: in a bubblewrap sandbox with cgroup limits where the machine allows
// it, else as a plain process with Node's permission model and rlimits (a seat belt, not a
// boundary: Node's documentation says malicious code can get around it). Either way the process
// serves on a listening Unix socket the platform made and handed it as a file descriptor (it never
// opens a port, and the socket's folder is the platform's alone), and reaches its database only
// through a proxy that admits its own user and database.
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { DatabaseProxy, startDatabaseProxy } from '../dbProxy';
import { EgressProxy, startEgressProxy } from '../egressProxy';
import { DatabaseLocation, WORKER_CONFIG_ENV, WorkerConfig } from '../protocol';
import { bwrapArgs, SANDBOX_PATHS, sandboxUid } from './bwrap';
import type { Cgroup } from './cgroups';
import { SandboxSupport } from './detect';
import { PlatformLimits, ServiceLimits, serviceLimits } from './limits';

/** The fd the listening socket has in the deployment process (after stdin, stdout, stderr, ipc). */
export const LISTEN_FD = 4;

export interface LaunchRequest {
  script: string;
  moduleRoot: string;
  config: WorkerConfig;
  /** The process's whole environment (never the platform's). */
  env: NodeJS.ProcessEnv;
  environmentId: string;
  /** A line for the environment's log (refused database connections, egress). */
  say: (line: string) => void;
}

export interface LaunchedProcess {
  proc: ChildProcess;
  /** The gateway connects here. */
  socketPath: string;
  limits: ServiceLimits;
  memoryBytes: number;
  sandboxed: boolean;
  /** Whether the kernel killed it for its memory limit (known only with cgroups). */
  oomKilled(): boolean;
  /** Once it has exited: removes its cgroup, proxies and sockets. */
  dispose(): Promise<void>;
}

export interface LauncherStatus {
  sandbox: 'bubblewrap' | 'none';
  uidPerDeployment: boolean;
  cgroups: string;
  limits: PlatformLimits;
  missing: string[];
}

const MiB = 1024 * 1024;

export class DeploymentLauncher {
  private readonly runRoot: string;

  constructor(
    private readonly support: SandboxSupport,
    readonly limits: PlatformLimits,
    dataDir: string,
  ) {
    this.runRoot = path.join(dataDir, 'run');
    // Unix socket paths are limited to 107 bytes: a deep data directory gets a short folder in /tmp.
    if (this.runRoot.length > 60) this.runRoot = path.join('/tmp', `codestore-run-${process.pid}`);
    fs.rmSync(this.runRoot, { recursive: true, force: true });
    fs.mkdirSync(this.runRoot, { recursive: true, mode: 0o711 });
  }

  get sandboxed(): boolean {
    return this.support.kind === 'bwrap';
  }

  status(): LauncherStatus {
    const cg = this.support.cgroups;
    return {
      sandbox: this.sandboxed ? 'bubblewrap' : 'none',
      uidPerDeployment: this.sandboxed && !!this.support.setpriv,
      cgroups: cg ? `v${cg.version} (${cg.controllers.join(', ')})` : 'none',
      limits: this.limits,
      missing: this.support.missing,
    };
  }

  async launch(req: LaunchRequest): Promise<LaunchedProcess> {
    const limits = serviceLimits(req.config.buildDir, this.limits);
    for (const note of limits.notes) req.say(note);
    const memoryMiB = limits.memoryMiB;
    const sandboxed = this.sandboxed;
    const uid = sandboxed && this.support.setpriv ? sandboxUid(req.environmentId) : undefined;

    // <run>/<id>/gateway.sock is the platform's; <run>/<id>/shared is bound (read-only) into the sandbox.
    const runDir = path.join(this.runRoot, randomBytes(6).toString('hex'));
    const shared = path.join(runDir, 'shared');
    fs.mkdirSync(shared, { recursive: true, mode: 0o755 });
    fs.chmodSync(runDir, 0o711);
    const cleanups: Array<() => Promise<void> | void> = [() => fs.rmSync(runDir, { recursive: true, force: true })];
    const cleanup = async () => {
      for (const c of cleanups.reverse())
        await Promise.resolve()
          .then(c)
          .catch(() => undefined);
    };
    try {
      const inside = (p: string) => (sandboxed ? path.posix.join(SANDBOX_PATHS.run, p) : path.join(shared, p));
      // The process's only way to its database: a proxy on a Unix socket that admits its own role and database.
      const proxy: DatabaseProxy = await startDatabaseProxy({
        socketDir: path.join(shared, 'pg'),
        url: req.config.database.url,
        onRefused: (why) => req.say(`database connection refused: ${why}`),
      });
      cleanups.push(() => proxy.close());
      const database: DatabaseLocation = { kind: 'postgres', url: proxy.urlFor(inside('pg')) };
      let egress: EgressProxy | undefined;
      if (limits.egress) {
        egress = await startEgressProxy({
          socketPath: path.join(shared, 'egress.sock'),
          say: req.say,
          allow: this.limits.egressAllowInternal,
        });
        cleanups.push(() => egress!.close());
      }

      // The listening socket is made here and handed over as an fd: the process cannot replace it
      // with a link to someone else's, and it needs no folder it can write.
      const socketPath = path.join(runDir, 'gateway.sock');
      const listener = net.createServer();
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(`${socketPath}.new`, () => resolve());
      });
      const fd = (listener as unknown as { _handle?: { fd?: number } })._handle?.fd;
      if (typeof fd !== 'number' || fd < 0) throw new Error('Cannot hand a listening socket to a deployment process on this platform.');

      const config: WorkerConfig = sandboxed
        ? {
            ...req.config,
            buildDir: SANDBOX_PATHS.build,
            moduleRoot: SANDBOX_PATHS.runtimeRoot,
            database,
            listen: { fd: LISTEN_FD },
            ...(egress ? { egress: inside('egress.sock') } : {}),
          }
        : { ...req.config, database, listen: { fd: LISTEN_FD, path: socketPath }, ...(egress ? { egress: inside('egress.sock') } : {}) };
      const env = { ...req.env, [WORKER_CONFIG_ENV]: JSON.stringify(config) };

      const cgroup: Cgroup | undefined = this.support.cgroups?.create(`d-${path.basename(runDir)}`, {
        memoryBytes: memoryMiB * MiB,
        cpuWeight: this.limits.cpuWeight,
        pids: this.limits.pids,
      });
      if (cgroup) cleanups.push(() => cgroup.remove());
      const nodeArgs = [
        '--enable-source-maps',
        ...permissionFlags(sandboxed, req, config),
        ...(cgroup ? [] : [`--max-old-space-size=${memoryMiB}`]),
      ];
      let command: string;
      let args: string[];
      if (sandboxed) {
        command = this.support.bwrap!;
        args = bwrapArgs({
          bwrap: command,
          node: fs.realpathSync(process.execPath),
          nodeArgs,
          moduleRoot: req.moduleRoot,
          buildDir: req.config.buildDir,
          runDir: shared,
          tmpBytes: this.limits.tmpMiB * MiB,
          uid,
          setpriv: this.support.setpriv,
        });
      } else {
        command = process.execPath;
        args = [...nodeArgs, req.script];
      }
      // A shell enters the cgroups (and sets rlimits) and then becomes the command: nothing runs
      // outside the limits, not even for a moment.
      const script = [
        'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 97; shift; done; shift',
        // No core dumps; files no larger than the tmpfs (in KiB blocks).
        `ulimit -c 0; ulimit -f ${this.limits.tmpMiB * 1024}`,
        'exec "$@"',
      ].join('\n');
      const proc = spawn('/bin/sh', ['-c', script, 'codestore-deployment', ...(cgroup?.procsFiles ?? []), '--', command, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc', fd],
        serialization: 'json',
      });
      // The process holds the socket now. Renamed first, so closing the platform's copy (which
      // unlinks the path it was made at) leaves it in place.
      fs.renameSync(`${socketPath}.new`, socketPath);
      listener.close();
      return {
        proc,
        socketPath,
        limits,
        memoryBytes: memoryMiB * MiB,
        sandboxed,
        oomKilled: () => cgroup?.oomKilled() ?? false,
        dispose: cleanup,
      };
    } catch (e) {
      await cleanup();
      throw e;
    }
  }

  close(): void {
    this.support.cgroups?.close();
    fs.rmSync(this.runRoot, { recursive: true, force: true });
  }
}

/**
 * Node's permission model, as one more layer: no child processes, no worker threads, writes only
 * to the process's tmp (and its embedded database).
 */
function permissionFlags(sandboxed: boolean, req: LaunchRequest, config: WorkerConfig): string[] {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const flag = major >= 22 ? '--permission' : '--experimental-permission';
  // Early Node 20 took one comma-separated list; later ones (20.20 here) a flag per path.
  const repeated = major > 20 || minor >= 20;
  const writes = sandboxed ? [SANDBOX_PATHS.tmp] : [];
  const reads = sandboxed ? ['*'] : [req.moduleRoot, req.config.buildDir, ...writes];
  const list = (name: string, paths: string[]) =>
    paths.length === 0 ? [] : repeated ? paths.map((p) => `--allow-fs-${name}=${p}`) : [`--allow-fs-${name}=${paths.join(',')}`];
  return [flag, '--disable-warning=ExperimentalWarning', ...list('read', reads), ...list('write', writes)];
}
