// Runs pushes' checks and builds in a process of their own (dist/check-worker.js): the compiler,
// the core's code generation and the libraries' types it parses are large, and a platform waiting
// for requests should not hold them. The process is started on the first push (or by `prewarm` at
// platform start), kept for `warmMs` after its last request so that pushes in a row are checked
// warm, and then ended; the next push starts it again.
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import type { CheckAndBuild, CheckAndBuildOutcome, CheckAndBuildRequest } from './pipeline';

/** Platform → check process. */
export interface CheckRequestMessage {
  id: number;
  request: CheckAndBuildRequest;
}

/** Check process → platform: a request's outcome or failure, or that the libraries' types are parsed. */
export type CheckResponseMessage =
  { t: 'done'; id: number; outcome: CheckAndBuildOutcome } | { t: 'error'; id: number; message: string } | { t: 'warm' };

/** How long the check process stays after its last request unless told. */
export const DEFAULT_CHECK_WARM_MS = 5 * 60_000;

export interface CheckProcessOptions {
  /** dist/check-worker.js. */
  script: string;
  /** How long the process stays after its last request (0: it ends at once). */
  warmMs?: number;
  logError: (message: string, error: unknown) => void;
}

interface Pending {
  /** The process the request went to (one that is ending may still be answering its last). */
  proc: ChildProcess;
  resolve: (outcome: CheckAndBuildOutcome) => void;
  reject: (error: Error) => void;
}

export class CheckProcess {
  private proc: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly warmMs: number;

  constructor(private readonly options: CheckProcessOptions) {
    this.warmMs = options.warmMs ?? DEFAULT_CHECK_WARM_MS;
  }

  /** Checks and builds one push in the check process (starting it when none runs). */
  readonly run: CheckAndBuild = (request) => {
    if (this.closed) return Promise.reject(new Error('The platform is shutting down.'));
    let proc: ChildProcess;
    try {
      proc = this.process();
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const id = this.nextId++;
    return new Promise<CheckAndBuildOutcome>((resolve, reject) => {
      this.pending.set(id, { proc, resolve, reject });
      proc.send({ id, request } satisfies CheckRequestMessage);
    }).finally(() => this.scheduleEnd());
  };

  /** Starts the process now, so that the next push is checked warm; it ends after `warmMs` unless used. */
  prewarm(): void {
    if (this.closed || this.proc) return;
    try {
      this.process();
    } catch (e) {
      this.options.logError('starting the check process', e);
      return;
    }
    this.scheduleEnd();
  }

  /** Whether a check process runs now (tests and benchmarks). */
  get running(): boolean {
    return !!this.proc;
  }

  /** The check process's pid, when one runs. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Ends the process; requests in flight fail. */
  async close(): Promise<void> {
    this.closed = true;
    await this.end();
  }

  private process(): ChildProcess {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.proc) return this.proc;
    if (!fs.existsSync(this.options.script))
      throw new Error(`${this.options.script} is missing: build the platform (\`npm run build\`) to check pushes.`);
    // The platform's own options (an inspector, a loader) are not the checker's.
    const proc = fork(this.options.script, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc = proc;
    proc.on('message', (m: CheckResponseMessage) => {
      if (m.t === 'warm') return;
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      if (m.t === 'done') waiting.resolve(m.outcome);
      else waiting.reject(new Error(`The check of the push failed: ${m.message}`));
    });
    proc.on('error', (e) => this.options.logError('the check process', e));
    proc.once('exit', (code, signal) => {
      if (this.proc === proc) this.proc = undefined;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      for (const [id, p] of this.pending) {
        if (p.proc !== proc) continue;
        this.pending.delete(id);
        p.reject(new Error(`The check process ${how} while checking a push; push again.`));
      }
    });
    return proc;
  }

  /** Ends the process `warmMs` after the last request finished. */
  private scheduleEnd(): void {
    if (this.pending.size || !this.proc) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.end(), this.warmMs);
    this.idleTimer.unref();
  }

  private async end(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const proc = this.proc;
    // A request that came meanwhile keeps it (but for shutdown, which fails what is in flight).
    if (!proc || (this.pending.size && !this.closed)) return;
    this.proc = undefined;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    if (proc.connected) proc.disconnect();
    else proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
