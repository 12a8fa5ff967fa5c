// When to validate a document after a change: at once when the user has paused, then at most
// once per debounce window while they keep typing. A newer change cancels a pending run.
export class DiagnosticsScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout | NodeJS.Immediate>();
  private readonly lastRun = new Map<string, number>();

  constructor(
    private readonly debounceMs: () => number,
    private readonly run: (uri: string) => void,
  ) {}

  schedule(uri: string): void {
    this.cancel(uri);
    const wait = (this.lastRun.get(uri) ?? -Infinity) + this.debounceMs() - Date.now();
    // setImmediate lets the changes already queued on the connection arrive first.
    const timer = wait > 0 ? setTimeout(() => this.fire(uri), wait) : setImmediate(() => this.fire(uri));
    this.timers.set(uri, timer);
  }

  now(uri: string): void {
    this.lastRun.delete(uri);
    this.schedule(uri);
  }

  cancel(uri: string): void {
    const t = this.timers.get(uri);
    if (t === undefined) return;
    clearTimeout(t as NodeJS.Timeout);
    clearImmediate(t as NodeJS.Immediate);
    this.timers.delete(uri);
  }

  /** The document closed: nothing pending, nothing remembered. */
  forget(uri: string): void {
    this.cancel(uri);
    this.lastRun.delete(uri);
  }

  private fire(uri: string): void {
    this.timers.delete(uri);
    this.lastRun.set(uri, Date.now());
    this.run(uri);
  }
}
