// A deployment's output reaches the store at a bounded rate: each environment has a bucket of
// lines refilled every second; lines past it are dropped and counted, and once the flood stops
// (or every few seconds while it lasts) a `platform` line says how many were dropped.
import type { LogSink } from './logs';

const REPORT_EVERY_MS = 5_000;

export class LogRateLimit {
  private tokens: number;
  private last = Date.now();
  private dropped = 0;
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly environmentId: string,
    private readonly logs: LogSink,
  ) {
    this.tokens = perSecond;
  }

  /** Whether a line may be written now. */
  take(): boolean {
    const now = Date.now();
    // Up to one second's worth of burst beyond the steady rate.
    this.tokens = Math.min(this.perSecond * 2, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.dropped++;
    this.reportTimer ??= setTimeout(() => this.report(), REPORT_EVERY_MS);
    this.reportTimer.unref?.();
    return false;
  }

  private report(): void {
    this.reportTimer = undefined;
    if (!this.dropped) return;
    this.logs.write(
      this.environmentId,
      null,
      'platform',
      `${this.dropped} log line(s) dropped: this environment may write ${this.perSecond} lines per second`,
    );
    this.dropped = 0;
  }

  /** Says what was dropped so far (the process is gone). */
  flush(): void {
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.report();
  }
}
