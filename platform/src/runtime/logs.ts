// Deployment logs: lines are queued in memory and written to the store in batches, so a request
// line costs the gateway nothing measurable, and each environment keeps its newest lines only.
import type { Db } from '../store/db';
import { insertLogs, LogLine, LogStream, trimLogs } from '../store/deployments';

/** An environment keeps this many lines. */
export const LOG_LINES_KEPT = 10_000;
/** A single line is cut here (a service printing a huge blob must not fill the store). */
export const LOG_LINE_MAX = 8_192;
const FLUSH_MS = 200;
const BATCH = 500;

export class LogSink {
  private queue: LogLine[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly sinceTrim = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly logError: (message: string, error: unknown) => void,
  ) {}

  write(environmentId: string, deploymentId: string | null, stream: LogStream, message: string): void {
    const text =
      message.length > LOG_LINE_MAX ? `${message.slice(0, LOG_LINE_MAX)} … (${message.length - LOG_LINE_MAX} more characters)` : message;
    this.queue.push({ environment_id: environmentId, deployment_id: deploymentId, at: new Date(), stream, message: text });
    if (this.queue.length >= BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** A writer of a process's stream: splits what it writes into lines (those `admit` lets through). */
  lines(
    environmentId: string,
    deploymentId: string,
    stream: 'stdout' | 'stderr',
    admit: () => boolean = () => true,
  ): { push(chunk: Buffer | string): void; end(): void } {
    let partial = '';
    return {
      push: (chunk) => {
        const text = partial + chunk.toString();
        const parts = text.split(/\r?\n/);
        partial = parts.pop() ?? '';
        if (partial.length > LOG_LINE_MAX) {
          parts.push(partial);
          partial = '';
        }
        for (const line of parts) if (admit()) this.write(environmentId, deploymentId, stream, line);
      },
      end: () => {
        if (partial && admit()) this.write(environmentId, deploymentId, stream, partial);
        partial = '';
      },
    };
  }

  /** Writes what is queued; resolves when it is in the store. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(async () => {
      for (let i = 0; i < batch.length; i += BATCH) {
        const slice = batch.slice(i, i + BATCH);
        try {
          await insertLogs(this.db, slice);
        } catch (e) {
          this.logError(`could not write ${slice.length} log line(s)`, e);
        }
      }
      for (const line of batch) this.sinceTrim.set(line.environment_id, (this.sinceTrim.get(line.environment_id) ?? 0) + 1);
      for (const [env, n] of this.sinceTrim) {
        if (n < LOG_LINES_KEPT / 10) continue;
        this.sinceTrim.set(env, 0);
        await trimLogs(this.db, env, LOG_LINES_KEPT).catch((e) => this.logError('could not trim logs', e));
      }
    });
    return this.flushing;
  }
}
