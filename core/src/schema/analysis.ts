// Incremental analysis of one GraphQL schema document: chunking (chunk.ts), parsing, the name
// index, and validation (validation.ts). After an edit only the chunks whose text changed are
// parsed again, and only the chunks whose validation inputs changed (their own text, or the shape
// of a type they refer to) are validated again, against a small schema made of what they refer to.
import { ASTNode, DefinitionNode, DocumentNode, Kind, NameNode, Source } from 'graphql';
import { Chunk, ChunkDiagnostic, Declaration, keyOf } from './chunk';
import { chunkStarts } from './chunker';
import type { SchemaDiagnostic } from './diagnostics';
import { preludeDefinitions } from './prelude';
import { ChunkValidator } from './validation';

export { Chunk } from './chunk';
export type { Declaration, DeclKind } from './chunk';

/** What the host knows of an edit: lengths of the text before and after it that did not change. */
export interface EditHint {
  prefix: number;
  suffix: number;
}

export interface AnalysisOptions {
  /** Declare the platform's directives and scalars (service schemas). */
  prelude: boolean;
}

/** Per-version index of what the document declares. */
export interface SchemaIndex {
  /** Type and directive declarations by name; directives are keyed `@name`. */
  declarations: Map<string, Declaration[]>;
  /** The root operation type names. */
  roots: { query: string; mutation: string; subscription: string };
}

export class SchemaAnalysis {
  private chunks: Chunk[] = [];
  private sourceToChunk = new Map<Source, Chunk>();
  private text = '';
  private indexCache?: SchemaIndex;
  private diagnosticsCache?: SchemaDiagnostic[];
  private readonly preludeDefs: Map<string, DefinitionNode>;
  /** Chunks whose validation depends on a name, by name. */
  private readonly dependents = new Map<string, Set<Chunk>>();
  /** Names whose declarations were added or removed since the last diagnostics pass. */
  private readonly pendingKeys = new Set<string>();
  /** Chunks created since the last diagnostics pass. */
  private readonly newChunks = new Set<Chunk>();
  /** Chunks whose messages depend on every name (suggestions): validated on every pass. */
  private readonly volatileChunks = new Set<Chunk>();

  private readonly validator: ChunkValidator;

  constructor(readonly options: AnalysisOptions) {
    this.preludeDefs = new Map();
    if (options.prelude) {
      for (const def of preludeDefinitions()) {
        const name = (def as { name: NameNode }).name.value;
        this.preludeDefs.set(def.kind === Kind.DIRECTIVE_DEFINITION ? '@' + name : name, def);
      }
    }
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const analysis = this;
    this.validator = new ChunkValidator({
      get chunks() {
        return analysis.chunks;
      },
      get sourceToChunk() {
        return analysis.sourceToChunk;
      },
      preludeDefs: this.preludeDefs,
      dependents: this.dependents,
      volatileChunks: this.volatileChunks,
      options,
      rangeOf: (node) => this.rangeOf(node),
    });
  }

  get documentText(): string {
    return this.text;
  }

  /**
   * Brings the analysis to a new version of the text. Only the region around the edit is
   * scanned again, and every chunk whose text is unchanged keeps its parse and validation.
   */
  update(text: string, hint?: EditHint): void {
    if (text === this.text && this.chunks.length) return;
    const old = this.text;
    const oldChunks = this.chunks;
    let chunks: Chunk[];
    if (!oldChunks.length) {
      chunks = this.buildChunks(text, chunkStarts(text), new Map());
    } else {
      // The edited region: common prefix and suffix of the two versions.
      // The edited region: what the host says changed, else the common prefix and suffix.
      const max = Math.min(old.length, text.length);
      let prefix = hint ? Math.min(hint.prefix, max) : 0;
      let suffix = hint ? Math.min(hint.suffix, max - prefix) : 0;
      if (!hint) {
        while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
        while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
      }
      const delta = text.length - old.length;
      const newEditEnd = text.length - suffix;
      // Rescan from the chunk before the one holding the edit: a chunk's start depends on its predecessor.
      const first = Math.max(0, this.chunkIndexAt(Math.max(0, prefix - 1)) - 1);
      const oldStartIndex = new Map<number, number>();
      for (let k = first + 1; k < oldChunks.length; k++) if (oldChunks[k].start >= prefix) oldStartIndex.set(oldChunks[k].start + delta, k);
      let resumeAt = oldChunks.length;
      const starts = chunkStarts(text, oldChunks[first].start, (s) => {
        if (s < newEditEnd) return false;
        const k = oldStartIndex.get(s);
        if (k === undefined) return false;
        resumeAt = k;
        return true;
      });
      if (resumeAt < oldChunks.length) starts.pop();
      const reusable = new Map<string, Chunk>();
      for (let k = first; k < resumeAt; k++) reusable.set(oldChunks[k].text, oldChunks[k]);
      const end = resumeAt < oldChunks.length ? oldChunks[resumeAt].start + delta : text.length;
      const middle = this.buildChunks(text.slice(0, end), starts, reusable);
      for (const c of reusable.values()) this.dropChunk(c); // not reused: gone
      const tail = oldChunks.slice(resumeAt);
      for (const c of tail) c.start += delta;
      chunks = oldChunks.slice(0, first).concat(middle, tail);
    }
    this.chunks = chunks;
    this.sourceToChunk = new Map(chunks.map((c) => [c.source, c]));
    this.recoverBrokenChunks();
    this.text = text;
    this.indexCache = undefined;
    this.diagnosticsCache = undefined;
    this.memos.clear();
  }

  private readonly memos = new Map<string, unknown>();

  /** A value derived from this version of the text, computed once per version. */
  memo<T>(key: string, compute: () => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = compute();
    this.memos.set(key, value);
    return value;
  }

  private buildChunks(text: string, starts: number[], reusable: Map<string, Chunk>): Chunk[] {
    const chunks: Chunk[] = new Array(starts.length);
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i];
      const body = text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length);
      let chunk = reusable.get(body);
      if (chunk) {
        reusable.delete(body);
      } else {
        chunk = new Chunk(body);
        this.newChunks.add(chunk);
        for (const d of chunk.declarations) this.pendingKeys.add(keyOf(d));
      }
      chunk.start = start;
      chunks[i] = chunk;
    }
    return chunks;
  }

  /** New chunks that do not parse stand in with what their header declares. */
  private recoverBrokenChunks(): void {
    for (const chunk of this.newChunks) {
      if (!chunk.syntaxError || chunk.declarations.length) continue;
      chunk.recover();
      for (const d of chunk.declarations) this.pendingKeys.add(keyOf(d));
    }
  }

  private dropChunk(chunk: Chunk): void {
    for (const d of chunk.declarations) this.pendingKeys.add(keyOf(d));
    if (chunk.validated) for (const key of chunk.validated.deps.keys()) this.dependents.get(key)?.delete(chunk);
    this.newChunks.delete(chunk);
    this.volatileChunks.delete(chunk);
  }

  private chunkIndexAt(offset: number): number {
    const cs = this.chunks;
    let lo = 0,
      hi = cs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cs[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  allChunks(): readonly Chunk[] {
    return this.chunks;
  }

  /** The chunk holding document offset `offset`. */
  chunkAt(offset: number): Chunk | undefined {
    return this.chunks[this.chunkIndexAt(offset)];
  }

  /** Every definition of the document, in order, without the chunks that failed to parse. */
  document(): DocumentNode {
    const definitions: DefinitionNode[] = [];
    for (const c of this.chunks) for (const d of c.definitions) definitions.push(d);
    return { kind: Kind.DOCUMENT, definitions };
  }

  /** The document's definitions plus the prelude entries the user did not declare. */
  documentWithPrelude(): DocumentNode {
    return this.memo('documentWithPrelude', () => this.buildDocumentWithPrelude());
  }

  private buildDocumentWithPrelude(): DocumentNode {
    const doc = this.document();
    const index = this.index();
    const extra: DefinitionNode[] = [];
    for (const [key, def] of this.preludeDefs) if (!index.declarations.has(key)) extra.push(def);
    return { kind: Kind.DOCUMENT, definitions: [...doc.definitions, ...extra] };
  }

  preludeDefinition(key: string): DefinitionNode | undefined {
    return this.index().declarations.has(key) ? undefined : this.preludeDefs.get(key);
  }

  index(): SchemaIndex {
    if (this.indexCache) return this.indexCache;
    const declarations = new Map<string, Declaration[]>();
    const roots = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };
    for (const c of this.chunks) {
      for (const d of c.declarations) {
        const key = d.kind === 'D' ? '@' + d.name : d.name;
        const list = declarations.get(key);
        if (list) list.push(d);
        else declarations.set(key, [d]);
        if (d.kind === 'R') {
          for (const op of (d.node as { operationTypes?: readonly { operation: string; type: { name: NameNode } }[] }).operationTypes ??
            []) {
            roots[op.operation as keyof typeof roots] = op.type.name.value;
          }
        }
      }
    }
    this.indexCache = { declarations, roots };
    return this.indexCache;
  }

  /** Absolute offsets of a node that belongs to one of this document's chunks, or undefined. */
  rangeOf(node: ASTNode): { start: number; end: number } | undefined {
    const loc = node.loc;
    if (!loc) return undefined;
    const chunk = this.chunkOfSource(loc.source);
    if (!chunk) return undefined;
    return { start: chunk.start + loc.start, end: chunk.start + loc.end };
  }

  /** The current chunk parsed from `source`, or undefined for the prelude and stale chunks. */
  chunkOfSource(source: Source): Chunk | undefined {
    return this.sourceToChunk.get(source);
  }

  /** Syntax and GraphQL validation diagnostics of the whole document, sorted by offset. */
  diagnostics(): SchemaDiagnostic[] {
    if (this.diagnosticsCache) return this.diagnosticsCache;
    const index = this.index();
    const signatures = new Map<string, string>();
    const signature = (key: string) => {
      let s = signatures.get(key);
      if (s === undefined) {
        s = this.validator.signatureOf(key, index);
        signatures.set(key, s);
      }
      return s;
    };

    // Chunks whose cached result no longer holds: new ones, volatile ones, and the dependents
    // of names whose signature changed.
    const dirtySet = new Set<Chunk>();
    const isCurrent = (c: Chunk) => this.sourceToChunk.get(c.source) === c && c.definitions.length > 0;
    for (const c of this.newChunks) if (isCurrent(c)) dirtySet.add(c);
    for (const c of this.volatileChunks) if (isCurrent(c)) dirtySet.add(c);
    for (const pending of this.pendingKeys) {
      for (const key of [pending, '~' + pending]) {
        const sig = signature(key);
        for (const c of this.dependents.get(key) ?? []) {
          if (c.validated?.deps.get(key) !== sig && isCurrent(c)) dirtySet.add(c);
        }
      }
    }
    this.newChunks.clear();
    this.pendingKeys.clear();
    const dirty = [...dirtySet];
    // Extensions are validated with every other declaration of their type.
    if (dirty.length && this.validator.hasExtensions(index)) this.validator.addExtensionGroups(dirty, index);
    if (dirty.length) this.validator.validateChunks(dirty, index, signature);

    const out: SchemaDiagnostic[] = [];
    const push = (c: Chunk, d: ChunkDiagnostic) => out.push({ ...d, start: c.start + d.start, end: c.start + d.end });
    for (const c of this.chunks) {
      if (c.syntaxError) push(c, c.syntaxError);
      if (c.validated) for (const d of c.validated.diagnostics) push(c, d);
    }
    for (const d of this.validator.globalDiagnostics(index)) out.push(d);
    out.sort((a, b) => a.start - b.start || a.end - b.end);
    this.diagnosticsCache = out;
    return out;
  }
}
