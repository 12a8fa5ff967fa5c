// Batches the per-service lookups of one request into one query: a services list asks for the
// environments of N services, the store answers them with one SELECT, not N.

export class BatchLoader<V> {
  private pending: Map<string, Array<{ resolve: (v: V) => void; reject: (e: unknown) => void }>> | undefined;
  private readonly cache = new Map<string, Promise<V>>();

  /** `fetch` answers for every key it was given; a key it leaves out gets `missing`. */
  constructor(
    private readonly fetch: (keys: string[]) => Promise<Map<string, V>>,
    private readonly missing: () => V,
  ) {}

  load(key: string): Promise<V> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const promise = new Promise<V>((resolve, reject) => {
      if (!this.pending) {
        this.pending = new Map();
        // After every microtask: graphql-js completes a list's items in promise callbacks.
        setImmediate(() => this.flush());
      }
      const waiting = this.pending.get(key) ?? [];
      waiting.push({ resolve, reject });
      this.pending.set(key, waiting);
    });
    this.cache.set(key, promise);
    return promise;
  }

  private flush(): void {
    const batch = this.pending!;
    this.pending = undefined;
    this.fetch([...batch.keys()]).then(
      (values) => {
        for (const [key, waiting] of batch) for (const w of waiting) w.resolve(values.has(key) ? values.get(key)! : this.missing());
      },
      (e) => {
        for (const waiting of batch.values()) for (const w of waiting) w.reject(e);
      },
    );
  }
}

/** Groups rows by a key, keeping their order. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}
