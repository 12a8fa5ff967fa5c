// A minimal LSP client for the benchmark: spawns a server with piped stdio, speaks JSON-RPC with
// vscode-jsonrpc, timestamps every publishDiagnostics on arrival, and never waits without a
// timeout. Every spawned process is tracked so the run can kill them all on the way out.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import { performance } from 'perf_hooks';
import { createMessageConnection, MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Array<{ range: Range; message: string; severity?: number; code?: string | number; source?: string }>;
}

export interface Published {
  params: PublishDiagnosticsParams;
  at: number;
}

export interface ServerCommand {
  /** Shown in errors. */
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
  }
}

const live = new Set<ChildProcess>();

/** Kills every server process this module started and that is still running. */
export function killAllServers(): void {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
}

export class BenchClient {
  readonly connection: MessageConnection;
  readonly process: ChildProcess;
  readonly published: Published[] = [];
  private stderrTail = '';
  private waiters: Array<{ test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: Published) => void }> = [];
  exited = false;
  exitInfo = '';
  /** Notifications and requests the server sent that we did not expect, by method. */
  readonly unexpected = new Map<string, number>();

  constructor(readonly spec: ServerCommand) {
    this.process = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(this.process);
    this.process.stderr!.on('data', (d) => {
      this.stderrTail = (this.stderrTail + String(d)).slice(-4000);
    });
    this.process.on('exit', (code, signal) => {
      this.exited = true;
      this.exitInfo = `exited (code ${code}, signal ${signal})`;
      live.delete(this.process);
    });
    this.process.on('error', (e) => {
      this.exited = true;
      this.exitInfo = `failed to start: ${e.message}`;
    });
    // A server that dies mid-write must not crash the bench with EPIPE.
    this.process.stdin!.on('error', () => undefined);
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onError(() => undefined);
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const entry = { params: p, at: performance.now() };
      this.published.push(entry);
      for (let i = 0; i < this.waiters.length; i++) {
        const w = this.waiters[i];
        if (w.test(p)) {
          this.waiters.splice(i, 1);
          i--;
          w.resolve(entry);
        }
      }
    });
    this.connection.onNotification((method: string) => {
      if (method !== 'window/logMessage' && method !== 'window/showMessage' && method !== '$/logTrace' && method !== 'telemetry/event') {
        this.unexpected.set(method, (this.unexpected.get(method) ?? 0) + 1);
      }
    });
    // workspace/configuration: one null per item (no settings); registrations etc.: accept.
    this.connection.onRequest('workspace/configuration', (p: { items?: unknown[] }) => (p.items ?? []).map(() => null));
    this.connection.onRequest(() => null);
    this.connection.listen();
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  stderr(): string {
    return this.stderrTail;
  }

  /** A request with a timeout; rejects with TimeoutError (the request is cancelled). */
  async request<T>(method: string, params: unknown, timeoutMs: number): Promise<T> {
    if (this.exited) throw new Error(`${this.spec.label} ${this.exitInfo}`);
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.connection.sendRequest(method, params) as Promise<T>,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TimeoutError(`${this.spec.label} ${method}`, timeoutMs)), timeoutMs);
        }),
        new Promise<never>((_, reject) => {
          poll = setInterval(() => {
            if (this.exited) reject(new Error(`${this.spec.label} ${method}: server ${this.exitInfo}`));
          }, 50);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      clearInterval(poll);
    }
  }

  notify(method: string, params: unknown): void {
    if (this.exited) throw new Error(`${this.spec.label} ${this.exitInfo}`);
    void this.connection.sendNotification(method, params).catch(() => undefined);
  }

  /**
   * Arms a wait for the next publishDiagnostics passing `test` (arm it before sending the change,
   * so an early answer is not missed). Resolves with undefined on timeout or server exit.
   */
  nextDiagnostics(test: (p: PublishDiagnosticsParams) => boolean, timeoutMs: number): Promise<Published | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: Published | undefined) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(v);
      };
      const waiter = { test, resolve: (p: Published) => finish(p) };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const poll = setInterval(() => {
        if (this.exited) finish(undefined);
      }, 50);
      this.waiters.push(waiter);
    });
  }

  /** Resolves when no publishDiagnostics arrived for `quietMs` (or after `maxMs`). */
  async settle(quietMs: number, maxMs: number): Promise<void> {
    const start = performance.now();
    for (;;) {
      const last = this.published.length ? this.published[this.published.length - 1].at : 0;
      const now = performance.now();
      if (now - last >= quietMs || now - start >= maxMs || this.exited) return;
      await sleep(Math.min(quietMs, 25));
    }
  }

  /**
   * Resolves when the server process used no CPU for `quietMs` (it finished background work such
   * as code generation), or after `maxMs`. Returns whether it went quiet.
   */
  async idle(quietMs: number, maxMs: number): Promise<boolean> {
    const start = performance.now();
    let last = this.cpuMs();
    let since = performance.now();
    while (performance.now() - start < maxMs && !this.exited && last !== undefined) {
      await sleep(50);
      const now = this.cpuMs();
      if (now !== last) {
        last = now;
        since = performance.now();
      } else if (performance.now() - since >= quietMs) return true;
    }
    return false;
  }

  /** VmRSS and VmHWM of the server process, in MB (undefined when it is gone). */
  memory(): { rssMb: number; hwmMb: number } | undefined {
    if (!this.pid || this.exited) return undefined;
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
    } catch {
      return undefined;
    }
  }

  /** CPU time (user + system) the server process has used so far, in ms (undefined when gone). */
  cpuMs(): number | undefined {
    if (!this.pid || this.exited) return undefined;
    try {
      const stat = fs.readFileSync(`/proc/${this.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // starts at field 3 (state)
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
    } catch {
      return undefined;
    }
  }

  /** shutdown + exit with short timeouts, then SIGKILL whatever is left. */
  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        await this.request('shutdown', null, 2000);
      } catch {
        /* not answering: killed below */
      }
      try {
        this.notify('exit', null);
      } catch {
        /* gone */
      }
      const deadline = performance.now() + 1500;
      while (!this.exited && performance.now() < deadline) await sleep(25);
    }
    this.connection.dispose();
    if (!this.exited) {
      try {
        this.process.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    live.delete(this.process);
  }
}

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
