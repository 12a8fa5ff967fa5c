// Usage capture: for every call the gateway forwards, which schema coordinates it used, added up
// per environment, day, client and operation in memory and written to the store once a second.
// The extraction runs once per (build, document, operation name): the gateway hands over the
// document's text with its hash, and a repeated call costs one map lookup and a few additions.
// Usage is statistics for schema checks, not billing: a platform killed between two flushes loses
// at most the last second of it.
import { createHash } from 'crypto';
import { parse, type GraphQLSchema } from 'graphql';
import { extractUsage } from '../../../core/src/usage/coordinates';
import type { Db } from '../store/db';
import { addSchemaUsage, dayOf, pruneSchemaUsage, SchemaUsageIncrement } from '../store/schemaUsage';
import type { VersionSchemas } from './versions';

const FLUSH_MS = 1000;
const MAX_EXTRACTIONS = 5000;
const PRUNE_EVERY_MS = 6 * 3600_000;

/** The client name of calls made with a service's developer key (private, demo, development, staging). */
export const DEVELOPER_KEY_CLIENT = 'developer key';

export interface RecordedCall {
  environmentId: string;
  /** The build serving the call: its schema is what the call is read against. */
  buildPath: string;
  /** Who called: the client key's name in production, the developer key elsewhere. */
  client: string;
  /** A hash of the document's text: the cache key of its extraction. */
  documentHash: string;
  /** The document's text: parsed only when this document was not seen with this version. */
  document: string;
  operationName?: string | null;
}

interface Extraction {
  /** undefined: nothing to record (introspection, or no operation to pick). */
  operationHash?: string;
  operationName?: string;
  coordinates: string[];
}

export class UsageRecorder {
  private readonly extractions = new Map<string, Extraction>();
  /**
   * Per environment, day, client, build and operation: one increment per coordinate it used, so a
   * repeated call builds one key, not one per coordinate. Summed per store row when written.
   */
  private pending = new Map<string, SchemaUsageIncrement[]>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastPrune = 0;
  /** Calls waiting for their build's schema: a flush waits for them too. */
  private readonly loading = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly schemas: VersionSchemas,
    private readonly logError: (message: string, error: unknown) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records one call. Never throws and never waits: a failure is logged and the call goes on. */
  record(call: RecordedCall): void {
    if (this.closed) return;
    const key = `${call.buildPath}\u0000${call.documentHash}\u0000${call.operationName ?? ''}`;
    const known = this.extractions.get(key);
    if (known) return this.add(call, known);
    const loading: Promise<void> = this.schemas
      .ofBuild(call.buildPath)
      .then((schema) => {
        if (!schema) return;
        const extraction = this.extract(key, schema, call);
        this.add(call, extraction);
      })
      .catch((e) => this.logError('recording schema usage', e))
      .finally(() => this.loading.delete(loading));
    this.loading.add(loading);
  }

  private extract(key: string, schema: GraphQLSchema, call: RecordedCall): Extraction {
    let extraction: Extraction = { coordinates: [] };
    let usage;
    try {
      usage = extractUsage(schema, parse(call.document, { noLocation: true }), call.operationName);
    } catch {
      usage = undefined; // a document that does not parse ran nothing
    }
    if (usage && !usage.introspection) {
      const operationHash = createHash('sha256')
        .update(call.documentHash)
        .update('\u0000')
        .update(usage.operationName ?? '')
        .digest('hex')
        .slice(0, 32);
      extraction = { operationHash, operationName: usage.operationName, coordinates: usage.coordinates };
    }
    this.extractions.set(key, extraction);
    if (this.extractions.size > MAX_EXTRACTIONS) this.extractions.delete(this.extractions.keys().next().value!);
    return extraction;
  }

  private add(call: RecordedCall, extraction: Extraction): void {
    if (!extraction.operationHash) return;
    const day = dayOf(this.now());
    const k = `${call.environmentId}\u0000${day}\u0000${call.client}\u0000${call.buildPath}\u0000${extraction.operationHash}`;
    const incs = this.pending.get(k);
    if (incs) for (const inc of incs) inc.calls++;
    else {
      const operationHash = extraction.operationHash;
      this.pending.set(
        k,
        extraction.coordinates.map((coordinate) => ({
          environmentId: call.environmentId,
          day,
          client: call.client,
          operationHash,
          operationName: extraction.operationName,
          coordinate,
          calls: 1,
        })),
      );
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS);
    this.timer.unref?.();
  }

  /** Writes what was recorded so far (waits for a flush under way). */
  async flush(): Promise<void> {
    await Promise.all([...this.loading]);
    this.flushing = this.flushing.then(async () => {
      if (!this.pending.size) return;
      // One row per store key: the same operation served by two builds is counted together.
      const rows = new Map<string, SchemaUsageIncrement>();
      for (const incs of this.pending.values())
        for (const inc of incs) {
          const key = `${inc.environmentId}\u0000${inc.day}\u0000${inc.client}\u0000${inc.operationHash}\u0000${inc.coordinate}`;
          const row = rows.get(key);
          if (row) row.calls += inc.calls;
          else rows.set(key, { ...inc });
        }
      this.pending = new Map();
      const batch = [...rows.values()];
      if (!batch.length) return;
      try {
        await addSchemaUsage(this.db, batch);
        const now = this.now().getTime();
        if (now - this.lastPrune > PRUNE_EVERY_MS) {
          this.lastPrune = now;
          await pruneSchemaUsage(this.db, this.now());
        }
      } catch (e) {
        this.logError('writing schema usage', e);
      }
    });
    await this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
