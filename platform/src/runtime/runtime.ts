// Deployments as local processes (`LocalRuntime`, a DeploymentRuntime: ./deploymentRuntime.ts):
// one process per deployed environment (dist/runtime.js), started beside the one it replaces and
// put in front of requests only once it is healthy. The gateway
// (./gateway.ts) asks `admit` before it forwards a request, so requests wait, rather than fail,
// while a roll back reverts migrations, while a crashed process is started again, or while the
// database server itself is started again. Both processes of a deploy use the database at once.
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readBuildManifest } from '../build/manifest';
import { platformModuleRoot } from '../moduleRoot';
import type { Db } from '../store/db';
import {
  currentDeployments,
  insertDeployment,
  markDeployed,
  RunnableDeployment,
  runnableDeployment,
  setDeploymentStatus,
  unfinishedDeployments,
} from '../store/deployments';
import type { DeploymentStatus } from '../store/services';
import { EnvironmentDatabases } from './databases';
import type { DeploymentOutcome, DeploymentRuntime, RevertPlan, Upstream } from './deploymentRuntime';
import { LogSink } from './logs';
import { LogRateLimit } from './logLimit';
import { DatabaseLocation, FromWorker, ToWorker, WorkerConfig } from './protocol';
import type { DeploymentLauncher, LaunchedProcess } from './sandbox/launcher';

/** How long a deployment process may take to load its build, or to migrate and start. */
const LOAD_TIMEOUT_MS = 60_000;
const OPEN_TIMEOUT_MS = 5 * 60_000;
/** How long a request waits for its environment to be served again before it gets a 503. */
export const ADMIT_TIMEOUT_MS = 30_000;
/** How long requests in flight may take to finish before their process hands over or stops. */
const DRAIN_TIMEOUT_MS = 30_000;
/** A crashed process is started again after 1 s, then 2, 4, ... up to this. */
const RESTART_MAX_DELAY_MS = 30_000;
/** A process that served this long resets the crash backoff. */
const STABLE_MS = 60_000;

export type { DeploymentOutcome } from './deploymentRuntime';

export interface RuntimeOptions {
  db: Db;
  databases: EnvironmentDatabases;
  logs: LogSink;
  /** dist/runtime.js. */
  workerScript: string;
  /** An environment's secrets, as the environment variables of its processes. */
  secrets: (environmentId: string) => Promise<Record<string, string>>;
  log: (line: string) => void;
  logError: (message: string, error: unknown) => void;
  /** Resolves while the database server serves (requests wait while it is started again). */
  databaseReady?: () => Promise<void>;
  /**
   * An environment with no request for this long has no process; its next request starts it
   * (and waits for it). 0: never.
   */
  idleAfterMs?: number;
  /** Environments that never go idle and start with the platform (production of paying instances). */
  alwaysOn?: () => Promise<Set<string>>;
  /** Starts deployment processes (sandboxed where the machine allows): ./sandbox/launcher.ts. */
  launcher: DeploymentLauncher;
}

/** How often a serving process is asked to answer a liveness ping. */
const PING_EVERY_MS = 1_000;

class WorkerExited extends Error {}

/** One deployment process and the conversation with it. */
class Worker implements Upstream {
  readonly proc: ChildProcess;
  port: number | undefined;
  readonly startedAt = Date.now();
  /** Set when the platform stops it on purpose (no crash restart). */
  stopping = false;
  /** Requests the gateway sent here that have not finished. */
  inflight = 0;
  private idleWaiters: Array<() => void> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Resolves when its IPC channel closes or it exits, whichever is first: a sandboxed process's
   * channel closes the moment it dies, while bwrap around it takes a little longer to exit.
   */
  readonly ended: Promise<void>;
  private markEnded: () => void = () => undefined;
  private readonly inbox: FromWorker[] = [];
  private waiting: ((m: FromWorker | WorkerExited) => void) | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  /** The last liveness ping answered (sandbox hook: see Runtime.watchLiveness). */
  lastPong = Date.now();
  /** Why the platform killed it, when it did (said in the crash line). */
  killedBecause: string | undefined;

  constructor(
    readonly launched: LaunchedProcess,
    readonly deployment: RunnableDeployment,
    logs: LogSink,
    limit: LogRateLimit,
  ) {
    this.proc = launched.proc;
    const out = logs.lines(deployment.environment_id, deployment.deployment_id, 'stdout', () => limit.take());
    const err = logs.lines(deployment.environment_id, deployment.deployment_id, 'stderr', () => limit.take());
    this.proc.stdout!.on('data', (c: Buffer) => out.push(c)).on('end', () => out.end());
    this.proc.stderr!.on('data', (c: Buffer) => err.push(c)).on('end', () => err.end());
    this.proc.on('message', (m: FromWorker) => this.deliver(m));
    this.proc.on('error', () => undefined);
    this.ended = new Promise((resolve) => {
      this.markEnded = resolve;
      this.proc.once('disconnect', () => resolve());
      this.proc.once('exit', () => resolve());
    });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.deliver(new WorkerExited(describeExit(code, signal)));
        resolve({ code, signal });
      });
    });
  }

  get alive(): boolean {
    return !this.exitInfo;
  }

  get deploymentId(): string {
    return this.deployment.deployment_id;
  }

  get buildPath(): string {
    return this.deployment.build_path;
  }

  get requestTimeoutMs(): number {
    return this.launched.limits.requestTimeoutMs;
  }

  /** The gateway connects here. */
  get socketPath(): string {
    return this.launched.socketPath;
  }

  private deliver(m: FromWorker | WorkerExited): void {
    if (!(m instanceof WorkerExited) && m.t === 'pong') {
      this.lastPong = Date.now();
      return;
    }
    if (!(m instanceof WorkerExited) && m.t === 'exiting') {
      this.markEnded();
      return;
    }
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w(m);
    } else if (!(m instanceof WorkerExited)) {
      this.inbox.push(m);
    }
  }

  /** The next message (one of `types`), or a rejection when the process exits or takes too long. */
  next<T extends FromWorker['t']>(types: T[], timeoutMs: number): Promise<Extract<FromWorker, { t: T | 'failed' }>> {
    return new Promise((resolve, reject) => {
      const take = (m: FromWorker | WorkerExited) => {
        clearTimeout(timer);
        if (m instanceof WorkerExited) return reject(m);
        if (m.t === 'failed' || (types as string[]).includes(m.t)) return resolve(m as Extract<FromWorker, { t: T | 'failed' }>);
        reject(new Error(`The deployment process said "${m.t}" out of turn.`));
      };
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`The deployment process did not answer in ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      const queued = this.inbox.shift();
      if (queued) take(queued);
      else if (this.exitInfo) take(new WorkerExited(describeExit(this.exitInfo.code, this.exitInfo.signal)));
      else this.waiting = take;
    });
  }

  /** A request the gateway sent here has finished. */
  done(): void {
    if (--this.inflight > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const go of waiters) go();
  }

  /** Resolves when no request sent here is in flight, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.inflight <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  send(message: ToWorker): void {
    if (this.proc.connected) this.proc.send(message);
  }

  /**
   * Closes its IPC channel (the process closes its database and exits: a signal would reach only
   * the sandbox's outer bwrap), then SIGKILL if it has not exited after `graceMs`.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    if (!this.alive) return;
    if (this.proc.connected) this.proc.disconnect();
    else this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** What every deployment process's environment starts from. */
function workerBaseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NODE_ENV: process.env.NODE_ENV ?? 'production' };
  for (const name of ['PATH', 'TZ', 'LANG', 'LC_ALL', 'TMPDIR', 'CODESTORE_DEPLOY_HOLD_MS'])
    if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `The deployment process was killed by ${signal}.` : `The deployment process exited with code ${code}.`;
}

/** An environment's requests and the process serving them. */
class EnvironmentRuntime {
  current: Worker | undefined;
  /** While > 0, requests wait (a handover, a restart, a platform start). */
  private holds = 0;
  private waiting: Array<() => void> = [];
  /** Deploys, restarts and removal of this environment run one at a time, in order. */
  private tail: Promise<unknown> = Promise.resolve();
  crashes = 0;
  removed = false;
  /** The deployment to start on the next request, while the environment is idle (no process). */
  sleeping: RunnableDeployment | undefined;
  /** When a request last came (or the process started). */
  lastActive = Date.now();

  constructor(readonly id: string) {}

  get held(): boolean {
    return this.holds > 0;
  }

  serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.catch(() => undefined).then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }

  hold(): void {
    this.holds++;
  }

  release(): void {
    if (--this.holds > 0) return;
    this.holds = 0;
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }

  /**
   * Resolves with the worker to send a request to, or undefined when none serves in time. An
   * idle environment is woken (`wake`) and waited for.
   */
  async admit(timeoutMs: number, wake: () => void): Promise<Worker | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (let round = 0; round < 3; round++) {
      if (!this.current && this.sleeping && this.holds === 0) wake();
      if (this.holds > 0) {
        let timer: NodeJS.Timeout | undefined;
        const admitted = await new Promise<boolean>((resolve) => {
          const go = () => {
            clearTimeout(timer);
            resolve(true);
          };
          this.waiting.push(go);
          timer = setTimeout(
            () => {
              this.waiting = this.waiting.filter((g) => g !== go);
              resolve(false);
            },
            Math.max(0, deadline - Date.now()),
          );
        });
        if (!admitted) return undefined;
      }
      const w = this.current;
      if (w && w.port !== undefined && w.alive) {
        w.inflight++;
        return w;
      }
      // Released, but asleep (the platform started meanwhile): wake it and wait again.
      if (!this.sleeping) return undefined;
    }
    return undefined;
  }
}

/** Deployments as local processes, each in its sandbox where the machine has one. */
export class LocalRuntime implements DeploymentRuntime {
  private readonly environments = new Map<string, EnvironmentRuntime>();
  private readonly moduleRoot = platformModuleRoot();
  private readonly workers = new Set<Worker>();
  private readonly logLimits = new Map<string, LogRateLimit>();
  /** Cleanups of processes that exited (cgroups, proxies): awaited by close. */
  private readonly disposals = new Set<Promise<void>>();
  private closed = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: RuntimeOptions) {
    const idleAfter = options.idleAfterMs ?? 0;
    if (idleAfter > 0) {
      // Checked at a fraction of the idle time: an environment sleeps between 1 and 1.25 times it after its last request.
      this.sweeper = setInterval(
        () => void this.sweep(idleAfter).catch((e) => options.logError('putting idle environments to sleep', e)),
        Math.max(100, Math.min(30_000, idleAfter / 4)),
      );
      this.sweeper.unref();
    }
  }

  /** Whether an environment is deployed but has no process until its next request. */
  isIdle(environmentId: string): boolean {
    const env = this.environments.get(environmentId);
    return !!env && !env.current && !!env.sleeping;
  }

  /** Stops the processes of environments that had no request for `idleAfter` ms. */
  private async sweep(idleAfter: number): Promise<void> {
    if (this.closed) return;
    const now = Date.now();
    const candidates = [...this.environments.values()].filter(
      (e) => e.current?.alive && e.current.inflight <= 0 && !e.held && now - e.lastActive >= idleAfter,
    );
    if (!candidates.length) return;
    const alwaysOn = (await this.options.alwaysOn?.()) ?? new Set<string>();
    for (const env of candidates) {
      if (alwaysOn.has(env.id)) continue;
      void env.serial(async () => {
        const w = env.current;
        // Checked again in turn: a request or a deploy may have come meanwhile.
        if (!w || this.closed || env.removed || env.held || w.inflight > 0 || Date.now() - env.lastActive < idleAfter) return;
        env.sleeping = w.deployment;
        env.current = undefined;
        await w.stop();
        this.platformLine(w.deployment, `idle for ${formatDuration(idleAfter)}: stopped; the next request starts it again`);
      });
    }
  }

  /** An idle environment's request: start its deployment (the request waits, as during a restart). */
  private wake(env: EnvironmentRuntime): void {
    const d = env.sleeping;
    if (!d || env.current || this.closed) return;
    env.sleeping = undefined;
    env.hold();
    void env.serial(async () => {
      try {
        if (!env.current && !env.removed && !this.closed) await this.restart(env, d, `version ${d.version}`);
      } finally {
        env.release();
      }
    });
  }

  environment(id: string): EnvironmentRuntime {
    let env = this.environments.get(id);
    if (!env) {
      env = new EnvironmentRuntime(id);
      this.environments.set(id, env);
    }
    return env;
  }

  private async spawn(config: WorkerConfig, d: RunnableDeployment): Promise<Worker> {
    const secrets = config.mode === 'serve' ? await this.options.secrets(d.environment_id) : {};
    const launched = await this.options.launcher.launch({
      script: this.options.workerScript,
      moduleRoot: this.moduleRoot,
      config,
      environmentId: d.environment_id,
      // Not the platform's environment: the service gets its secrets and what Node needs.
      env: { ...workerBaseEnv(), ...secrets },
      say: (line) => this.platformLine(d, line),
    });
    let limit = this.logLimits.get(d.environment_id);
    if (!limit) {
      limit = new LogRateLimit(this.options.launcher.limits.logLinesPerSecond, d.environment_id, this.options.logs);
      this.logLimits.set(d.environment_id, limit);
    }
    const worker = new Worker(launched, d, this.options.logs, limit);
    this.workers.add(worker);
    const disposal = worker.exited.then(async () => {
      this.workers.delete(worker);
      await launched.dispose().catch((e) => this.options.logError('cleaning up after a deployment process', e));
    });
    this.disposals.add(disposal);
    void disposal.then(() => this.disposals.delete(disposal));
    return worker;
  }

  /**
   * Sandbox hook: a serving process answers a ping over IPC from its event loop every second; one
   * that has not answered for the platform's liveness timeout (a resolver spinning) is killed, and
   * its exit is a crash like any other (restarted, with backoff).
   */
  private watchLiveness(worker: Worker): void {
    const timeoutMs = this.options.launcher.limits.livenessTimeoutMs;
    let n = 0;
    worker.lastPong = Date.now();
    let lastTick = Date.now();
    const timer = setInterval(() => {
      if (!worker.alive) return clearInterval(timer);
      const now = Date.now();
      // When the platform's own event loop was held up, a late pong is its lag, not the process's.
      const platformStalled = now - lastTick > PING_EVERY_MS + 1000;
      lastTick = now;
      if (platformStalled) worker.lastPong = now;
      if (now - worker.lastPong > timeoutMs) {
        clearInterval(timer);
        worker.killedBecause = `unresponsive: its event loop did not answer for ${timeoutMs / 1000} s`;
        worker.proc.kill('SIGKILL');
        return;
      }
      worker.send({ t: 'ping', n: ++n });
    }, PING_EVERY_MS);
    timer.unref();
    void worker.exited.then(() => clearInterval(timer));
  }

  /** Why a process ended, for its crash line: the platform's reason, its memory limit, or its exit. */
  private exitReason(worker: Worker, code: number | null, signal: NodeJS.Signals | null): string {
    if (worker.killedBecause) return `killed, ${worker.killedBecause}`;
    if (worker.launched.oomKilled()) return `killed at its memory limit (${Math.round(worker.launched.memoryBytes / 1024 / 1024)} MiB)`;
    return describeExit(code, signal);
  }

  private platformLine(d: Pick<RunnableDeployment, 'environment_id' | 'deployment_id'>, message: string): void {
    this.options.logs.write(d.environment_id, d.deployment_id, 'platform', message);
  }

  private async config(d: RunnableDeployment, mode: WorkerConfig['mode'], keep?: string[]): Promise<WorkerConfig> {
    const database: DatabaseLocation = await this.options.databases.ensure(d.environment_id);
    return { buildDir: d.build_path, database, moduleRoot: this.moduleRoot, mode, ...(keep ? { keep } : {}) };
  }

  /**
   * Deploys a version to an environment (a service's or an instance's). With `revert`, the
   * migrations the version does not have are reverted first, with the build that has them (the
   * serving version's): how an environment rolls back to an earlier version.
   */
  async deployTo(environmentId: string, versionId: string, options: { revert?: RevertPlan } = {}): Promise<DeploymentOutcome> {
    const deploymentId = await insertDeployment(this.options.db, environmentId, versionId);
    const d = await runnableDeployment(this.options.db, deploymentId);
    if (!d) throw new Error(`Deployment ${deploymentId} vanished.`);
    this.platformLine(d, `deployment ${deploymentId} of version ${d.version} initialized`);
    return this.environment(environmentId).serial(() => this.run(d, options.revert));
  }

  /** Deploys what an environment serves again (new secrets take effect); undefined when nothing serves. */
  async redeploy(environmentId: string, versionId: string | null): Promise<DeploymentOutcome | undefined> {
    if (!versionId) return undefined;
    return this.deployTo(environmentId, versionId);
  }

  private async run(d: RunnableDeployment, revert?: RevertPlan): Promise<DeploymentOutcome> {
    const env = this.environment(d.environment_id);
    const outcome = (status: DeploymentStatus, error: string | null): DeploymentOutcome => ({
      id: d.deployment_id,
      environment: d.environment,
      status,
      error,
    });
    if (env.removed || this.closed) {
      await setDeploymentStatus(
        this.options.db,
        d.deployment_id,
        'DEPLOYMENT_FAILED',
        'The service was removed, or the platform stopped, before the deployment started.',
      ).catch(() => undefined);
      return outcome('DEPLOYMENT_FAILED', 'The service was removed, or the platform stopped, before the deployment started.');
    }
    await setDeploymentStatus(this.options.db, d.deployment_id, 'DEPLOYMENT_IN_PROGRESS');
    this.platformLine(d, `deploying version ${d.version}`);
    let worker: Worker | undefined;
    const fail = async (error: string): Promise<DeploymentOutcome> => {
      this.platformLine(d, `deployment failed: ${error}`);
      await worker?.stop();
      await setDeploymentStatus(this.options.db, d.deployment_id, 'DEPLOYMENT_FAILED', error);
      return outcome('DEPLOYMENT_FAILED', error);
    };
    try {
      worker = await this.spawn(await this.config(d, 'serve'), d);
      const loaded = await worker.next(['loaded'], LOAD_TIMEOUT_MS);
      if (loaded.t === 'failed') return await fail(`It does not load: ${loaded.error}`);
    } catch (e) {
      return fail((e as Error).message);
    }

    const old = env.current;
    // The database is one process's while its schema is rolled back; otherwise both serve at once.
    const handover = !!revert && old?.alive;
    if (handover) {
      // Hold requests, let those in flight finish, have the old process close the database.
      env.hold();
      await old!.idle(DRAIN_TIMEOUT_MS);
      old!.send({ t: 'release' });
      try {
        const released = await old!.next(['released'], LOAD_TIMEOUT_MS);
        if (released.t === 'failed') throw new Error(released.error);
      } catch (e) {
        this.platformLine(d, `the serving process did not hand over the database (${(e as Error).message}); stopping it`);
        await old!.stop();
      }
    }
    if (revert) {
      try {
        await this.revertMigrations(d, revert.buildPath, revert.keep);
      } catch (e) {
        const result = await fail(`Reverting the migrations it does not have failed: ${(e as Error).message}`);
        if (handover) {
          await this.reopen(env, old!, d);
          env.release();
        }
        return result;
      }
    }
    let ready: Extract<FromWorker, { t: 'ready' | 'failed' }>;
    try {
      worker.send({ t: 'open' });
      ready = await worker.next(['ready'], OPEN_TIMEOUT_MS);
    } catch (e) {
      ready = { t: 'failed', phase: 'start', error: (e as Error).message };
    }
    if (ready.t === 'failed') {
      const phase = ready.phase === 'migrate' ? 'Its migration failed and was rolled back' : 'It did not start';
      const result = await fail(`${phase}: ${ready.error}`);
      if (handover) {
        await this.reopen(env, old!, d);
        env.release();
      }
      return result;
    }
    worker.port = ready.port;
    for (const m of ready.migrated) this.platformLine(d, `migration ${m} applied`);
    try {
      await this.options.db.transaction((tx) => markDeployed(tx, d.environment_id, d.deployment_id));
    } catch (e) {
      if (handover) env.release();
      await worker.stop();
      throw e;
    }
    env.current = worker;
    env.sleeping = undefined;
    env.lastActive = Date.now();
    env.crashes = 0;
    this.watch(env, worker);
    if (handover) env.release();
    this.platformLine(d, `version ${d.version} deployed`);
    if (old) {
      // Requests already sent to the old process finish there before it stops.
      await old.idle(DRAIN_TIMEOUT_MS);
      await old.stop();
    }
    return outcome('DEPLOYED', null);
  }

  /**
   * Reverts the applied migrations of `d`'s environment that are not in `keep`, newest first, with
   * a revert process of the build at `buildPath` (which has their classes); logs each one. Throws
   * when the process fails.
   */
  private async revertMigrations(d: RunnableDeployment, buildPath: string, keep: string[]): Promise<void> {
    const reverter = await this.spawn(await this.config({ ...d, build_path: buildPath }, 'revert', keep), d);
    let done: Extract<FromWorker, { t: 'reverted' | 'failed' }>;
    try {
      // A revert process loads its build and reverts at once: no `loaded`, no `open`.
      done = await reverter.next(['reverted'], OPEN_TIMEOUT_MS);
    } finally {
      await reverter.stop();
    }
    if (done.t === 'failed') throw new Error(done.error);
    for (const m of done.reverted) this.platformLine(d, `migration ${m} reverted`);
  }

  /** After a failed handover, the old process opens the database again and serves. */
  private async reopen(env: EnvironmentRuntime, old: Worker, d: RunnableDeployment): Promise<void> {
    if (!old.alive) {
      env.current = undefined;
      await this.restart(env, old.deployment, 'the previous version');
      return;
    }
    old.send({ t: 'open' });
    try {
      const again = await old.next(['ready'], OPEN_TIMEOUT_MS);
      if (again.t === 'failed') throw new Error(again.error);
      old.port = again.port;
      this.platformLine(d, `version ${old.deployment.version} serves again`);
    } catch (e) {
      this.platformLine(d, `the previous version could not take its database back (${(e as Error).message}); restarting it`);
      await old.stop();
      env.current = undefined;
      await this.restart(env, old.deployment, 'the previous version');
    }
  }

  /** A process that exits on its own is logged as a crash and started again (with backoff). */
  private watch(env: EnvironmentRuntime, worker: Worker): void {
    this.watchLiveness(worker);
    void worker.ended.then(async () => {
      if (worker.stopping || this.closed || env.current !== worker) return;
      env.current = undefined;
      // Requests wait from now on; the exit code comes a moment later (killed if it lingers).
      env.hold();
      const linger = setTimeout(() => worker.proc.kill('SIGKILL'), 2000);
      const { code, signal } = await worker.exited;
      clearTimeout(linger);
      const d = worker.deployment;
      if (Date.now() - worker.startedAt > STABLE_MS) env.crashes = 0;
      this.platformLine(d, `crashed: ${this.exitReason(worker, code, signal)}`);
      this.scheduleRestart(env, d, `version ${d.version}`);
      env.release();
    });
  }

  /** Starts the deployment again after a delay that doubles with each crash (requests wait meanwhile). */
  private scheduleRestart(env: EnvironmentRuntime, d: RunnableDeployment, what: string): void {
    if (this.closed || env.removed) return;
    const delay = Math.min(RESTART_MAX_DELAY_MS, 1000 * 2 ** env.crashes);
    env.crashes++;
    this.platformLine(d, `restarting in ${delay / 1000} s`);
    env.hold();
    setTimeout(() => {
      void env.serial(async () => {
        try {
          if (!env.current && !env.removed && !this.closed) await this.restart(env, d, what);
        } finally {
          env.release();
        }
      });
    }, delay).unref();
  }

  /** Starts an environment's current deployment again (its migrations are applied already). */
  private async restart(env: EnvironmentRuntime, d: RunnableDeployment, what: string): Promise<boolean> {
    const worker = await this.spawn(await this.config(d, 'serve'), d);
    try {
      const loaded = await worker.next(['loaded'], LOAD_TIMEOUT_MS);
      if (loaded.t === 'failed') throw new Error(loaded.error);
      worker.send({ t: 'open' });
      const ready = await worker.next(['ready'], OPEN_TIMEOUT_MS);
      if (ready.t === 'failed') throw new Error(ready.error);
      worker.port = ready.port;
      env.current = worker;
      env.sleeping = undefined;
      env.lastActive = Date.now();
      this.watch(env, worker);
      this.platformLine(d, `${what} started`);
      return true;
    } catch (e) {
      await worker.stop();
      this.platformLine(d, `${what} could not start: ${(e as Error).message}`);
      // Counted as a crash: try again later, with backoff.
      this.scheduleRestart(env, d, what);
      return false;
    }
  }

  /**
   * At platform start: deployments a stopped platform left unfinished are rolled back and marked
   * failed; every environment's current deployment starts again. Requests wait meanwhile.
   */
  async restore(): Promise<void> {
    const db = this.options.db;
    const unfinished = await unfinishedDeployments(db);
    const current = await currentDeployments(db);
    const envs = new Set([...unfinished.map((u) => u.environment_id), ...current.map((c) => c.environment_id)]);
    for (const id of envs) this.environment(id).hold();
    const byEnv = new Map<string, Array<() => Promise<void>>>();
    const add = (envId: string, job: () => Promise<void>) => byEnv.set(envId, [...(byEnv.get(envId) ?? []), job]);
    for (const u of unfinished) {
      add(u.environment_id, async () => {
        const error = 'The platform stopped during this deployment; its migrations were rolled back.';
        try {
          const keep = u.current_build_path ? readBuildManifest(u.current_build_path).migrations.map((m) => m.className) : [];
          if (fs.existsSync(path.join(u.build_path, 'manifest.json'))) await this.revertMigrations(u, u.build_path, keep);
          await setDeploymentStatus(db, u.deployment_id, 'DEPLOYMENT_FAILED', error);
          this.platformLine(u, error);
        } catch (e) {
          const message = `The platform stopped during this deployment, and rolling back its migrations failed: ${(e as Error).message}`;
          await setDeploymentStatus(db, u.deployment_id, 'DEPLOYMENT_FAILED', message).catch(() => undefined);
          this.platformLine(u, message);
        }
      });
    }
    // Environments start on their first request (a platform with many serves at once), but for
    // those that never go idle.
    const alwaysOn = current.length ? ((await this.options.alwaysOn?.()) ?? new Set<string>()) : new Set<string>();
    for (const c of current) {
      add(c.environment_id, async () => {
        const env = this.environment(c.environment_id);
        if (alwaysOn.has(c.environment_id)) await this.restart(env, c, `version ${c.version}`);
        else env.sleeping = c;
      });
    }
    await Promise.all(
      [...byEnv].map(([envId, jobs]) => {
        const env = this.environment(envId);
        return env.serial(async () => {
          try {
            for (const job of jobs) await job();
          } finally {
            env.release();
          }
        });
      }),
    );
  }

  /** Stops the environments' processes and deletes their databases. */
  async removeEnvironments(environmentIds: string[]): Promise<void> {
    await Promise.all(
      environmentIds.map((id) => {
        const env = this.environment(id);
        env.removed = true;
        return env.serial(async () => {
          await env.current?.stop();
          env.current = undefined;
          env.sleeping = undefined;
          env.release();
          await this.options.databases.drop(id).catch((e) => this.options.logError(`could not drop the database of environment ${id}`, e));
          this.environments.delete(id);
        });
      }),
    );
  }

  /** The Unix socket of an environment's serving process (for benchmarks and tests). */
  socketOf(environmentId: string): string | undefined {
    return this.environments.get(environmentId)?.current?.socketPath;
  }

  async admit(environmentId: string, timeoutMs = ADMIT_TIMEOUT_MS): Promise<Worker | undefined> {
    await this.options.databaseReady?.();
    const env = this.environment(environmentId);
    env.lastActive = Date.now();
    return env.admit(timeoutMs, () => this.wake(env));
  }

  /** A request `admit` let through has finished. */
  done(upstream: Upstream): void {
    if (!(upstream instanceof Worker)) return;
    const worker = upstream;
    worker.done();
    // Idle counts from the last answer: a request that waited for a cold start is not idle time.
    const env = this.environments.get(worker.deployment.environment_id);
    if (env) env.lastActive = Date.now();
  }

  /** Stops every process (each closes its database); deployments in progress are left for the next start to roll back. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.workers].map((w) => w.stop()));
    await Promise.all([...this.disposals]);
    for (const limit of this.logLimits.values()) limit.flush();
    await this.options.logs.flush();
  }
}
