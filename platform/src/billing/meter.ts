// Metering: every call a service-instance answers through the gateway is counted exactly once.
// The gateway records a call before it sends the answer on: one line appended to a journal file
// (a write to the OS, so it survives the platform being killed; a few microseconds). Every 100 ms
// the counts are added to the store's `usage` in one transaction that also moves
// `metering_state.applied_seq` to the last line it covers, and the journal file of those lines is
// deleted. At start, lines past `applied_seq` in journal files left behind are applied first: a
// call that got an answer is never lost, and never counted twice.
import * as fs from 'fs';
import * as path from 'path';
import type { Db, Queryable } from '../store/db';
import { addUsage, appliedSeq, currentPlanId, setAppliedSeq } from '../store/metering';
import type { InstanceEnvironment } from '../store/projects';

const FLUSH_MS = 100;

interface Entry {
  instanceId: string;
  environment: InstanceEnvironment;
  /** YYYY-MM-01 (UTC). */
  month: string;
  planId: string;
}

/** The first day of the calendar month (UTC) of `at`, as YYYY-MM-01. */
export function monthOf(at: Date): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export class Meter {
  private seq = 0;
  private fd: number | undefined;
  private file: string | undefined;
  /** Files rotated out and the highest sequence number in each, deleted once applied. */
  private rotated: Array<{ file: string; last: number }> = [];
  private pending = new Map<string, { entry: Entry; calls: number }>();
  private lastPending = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  /** The plan in effect for each instance (what the next call is counted under). */
  private readonly plans = new Map<string, string>();
  private closed = false;

  private constructor(
    private readonly db: Db,
    private readonly dir: string,
    private readonly logError: (message: string, error: unknown) => void,
  ) {}

  /** Applies what a previous run left in its journal, then opens a new journal. */
  static async open(db: Db, dataDir: string, logError: (message: string, error: unknown) => void): Promise<Meter> {
    const meter = new Meter(db, path.join(dataDir, 'metering'), logError);
    await meter.recover();
    meter.rotate();
    return meter;
  }

  private async recover(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const applied = await appliedSeq(this.db);
    const files = fs
      .readdirSync(this.dir)
      .filter((f) => f.endsWith('.journal'))
      .sort();
    const counts = new Map<string, { entry: Entry; calls: number }>();
    let last = applied;
    for (const f of files) {
      const text = fs.readFileSync(path.join(this.dir, f), 'utf8');
      for (const line of text.split('\n')) {
        const parts = line.split('\t');
        // A line cut short (only a machine crash can do that) is not a call that was answered.
        if (parts.length !== 5 || !/^\d+$/.test(parts[0])) continue;
        const seq = Number(parts[0]);
        if (seq > last) last = seq;
        if (seq <= applied) continue;
        add(counts, { instanceId: parts[1], environment: parts[2] as InstanceEnvironment, month: parts[3], planId: parts[4] }, 1);
      }
    }
    if (counts.size) {
      await this.db.transaction(async (tx) => {
        await apply(tx, counts);
        await setAppliedSeq(tx, last);
      });
    }
    for (const f of files) fs.rmSync(path.join(this.dir, f), { force: true });
    this.seq = last;
  }

  private rotate(): void {
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.rotated.push({ file: this.file!, last: this.seq });
    }
    this.file = path.join(this.dir, `${Date.now().toString().padStart(15, '0')}-${this.seq + 1}.journal`);
    this.fd = fs.openSync(this.file, 'a', 0o600);
  }

  /** The plan a call to this instance is counted under now, when known here. */
  planOf(instanceId: string): string | undefined {
    return this.plans.get(instanceId);
  }

  /** Looks up the instance's plan in effect (the newest one). */
  async loadPlan(instanceId: string): Promise<string | undefined> {
    const id = await currentPlanId(this.db, instanceId);
    if (id) this.plans.set(instanceId, id);
    return id;
  }

  /** A new plan applies from the next call. */
  setPlan(instanceId: string, planId: string): void {
    this.plans.set(instanceId, planId);
  }

  forget(instanceId: string): void {
    this.plans.delete(instanceId);
  }

  /** Counts one call. Synchronous: when it returns, the call is in the journal. */
  record(instanceId: string, environment: InstanceEnvironment, planId: string, at = new Date()): void {
    if (this.closed || this.fd === undefined) throw new Error('The meter is closed.');
    const entry: Entry = { instanceId, environment, month: monthOf(at), planId };
    const seq = ++this.seq;
    fs.writeSync(this.fd, `${seq}\t${instanceId}\t${environment}\t${entry.month}\t${planId}\n`);
    add(this.pending, entry, 1);
    this.lastPending = seq;
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Moves the counts recorded so far into the store; resolves when they are there. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(async () => {
      if (!this.pending.size) return;
      const batch = this.pending;
      const last = this.lastPending;
      this.pending = new Map();
      if (!this.closed) this.rotate();
      try {
        await this.db.transaction(async (tx) => {
          await apply(tx, batch);
          await setAppliedSeq(tx, last);
        });
      } catch (e) {
        // Counted again with the next flush; the journal keeps them until then.
        for (const { entry, calls } of batch.values()) add(this.pending, entry, calls);
        this.lastPending = Math.max(this.lastPending, last);
        this.logError('could not write metered calls (they stay in the journal and are retried)', e);
        this.timer ??= setTimeout(() => void this.flush(), 1000);
        return;
      }
      this.rotated = this.rotated.filter(({ file, last: fileLast }) => {
        if (fileLast > last) return true;
        fs.rmSync(file, { force: true });
        return false;
      });
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.flushing;
    if (this.fd !== undefined) {
      fs.closeSync(this.fd);
      this.fd = undefined;
      // Everything in it is applied (or, after a failed flush, replayed at the next start).
      if (!this.pending.size && this.file) fs.rmSync(this.file, { force: true });
    }
  }
}

function key(e: Entry): string {
  return `${e.instanceId}\t${e.environment}\t${e.month}\t${e.planId}`;
}

function add(map: Map<string, { entry: Entry; calls: number }>, entry: Entry, calls: number): void {
  const k = key(entry);
  const found = map.get(k);
  if (found) found.calls += calls;
  else map.set(k, { entry, calls });
}

/** Adds counts to `usage`. */
async function apply(tx: Queryable, counts: Map<string, { entry: Entry; calls: number }>): Promise<void> {
  for (const { entry, calls } of counts.values()) await addUsage(tx, entry, calls);
}
