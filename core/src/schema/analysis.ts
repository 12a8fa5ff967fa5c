// Incremental analysis of one GraphQL schema document: chunking, parsing, the name index and
// validation. After an edit only the chunks whose text changed are parsed again, and only the
// chunks whose validation inputs changed (their own text, or the shape of a type they refer to)
// are validated again, against a small schema made of what they refer to.
import * as graphqlExports from 'graphql';
import * as knownArgumentRules from 'graphql/validation/rules/KnownArgumentNamesRule';
import * as requiredArgumentRules from 'graphql/validation/rules/ProvidedRequiredArgumentsRule';
import {
  ASTNode, buildASTSchema, DefinitionNode, DocumentNode, GraphQLError, InputValueDefinitionNode,
  Kind, NameNode, parse, Source, TypeDefinitionNode, validateSchema, visit,
} from 'graphql';
import { specifiedSDLRules } from 'graphql/validation/specifiedRules';
import { validateSDL } from 'graphql/validation/validate';
import type { SDLValidationContext } from 'graphql/validation/ValidationContext';
import { chunkStarts } from './chunker';
import { RULE_CODES, SCHEMA_MESSAGE_CODES, SchemaDiagnostic } from './diagnostics';
import { preludeDefinitions } from './prelude';
import { suggestionList } from './suggest';

type SDLRule = (context: SDLValidationContext) => unknown;

/** What a definition declares, for the index. */
export interface Declaration {
  name: string;
  /** O object, I interface, U union, E enum, S scalar, N input, D directive, R schema. */
  kind: DeclKind;
  extension: boolean;
  /** Kind, interfaces and union members: what referrers to a non-interface, non-input type depend on. */
  shape: string;
  node: DefinitionNode;
  chunk: Chunk;
  /** Layout-free text of the declaring definition: what referrers to interfaces and inputs depend on. */
  contentKey: string;
  /** Stands in for a definition that does not parse right now (its last good version, or its header). */
  recovered?: boolean;
}
export type DeclKind = 'O' | 'I' | 'U' | 'E' | 'S' | 'N' | 'D' | 'R';

/** A diagnostic whose offsets are relative to its chunk, so it survives edits above the chunk. */
type ChunkDiagnostic = SchemaDiagnostic;

let nextChunkId = 1;

export class Chunk {
  readonly id = nextChunkId++;
  /** Offset of the chunk in the current version of the document. */
  start = 0;
  readonly source: Source;
  readonly definitions: readonly DefinitionNode[];
  readonly syntaxError?: ChunkDiagnostic;
  readonly declarations: Declaration[] = [];
  /** Type names referenced anywhere in the chunk. */
  readonly typeRefs = new Set<string>();
  /** Directive names used anywhere in the chunk. */
  readonly directiveRefs = new Set<string>();
  /** Cached validation result and the signatures of what it depended on. */
  validated?: { deps: Map<string, string>; diagnostics: ChunkDiagnostic[] };
  private nameNodes?: Map<string, NameNode[]>;
  private content?: string;

  /**
   * A chunk that does not parse keeps standing for what its header declares (name, kind,
   * interfaces, union members), so its referrers are not re-validated against a missing type on
   * every keystroke inside its body. Only the header counts, so the result never depends on the
   * edits that led here.
   */
  recover(): void {
    if (!this.syntaxError || this.declarations.length) return;
    const header = headerOf(this.text);
    if (!header) return;
    const named = (value: string) => ({ kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value } });
    const node = {
      kind: header.extension ? KIND_OF_LETTER_EXT[header.kind] ?? KIND_OF_LETTER[header.kind] : KIND_OF_LETTER[header.kind],
      name: { kind: Kind.NAME, value: header.name },
      interfaces: header.interfaces.map(named),
      types: header.kind === 'U' ? header.members.map(named) : undefined,
      // A directive's rules read these lists; the header tells none of them.
      ...(header.kind === 'D' ? { arguments: [], locations: [], repeatable: false } : {}),
    } as unknown as DefinitionNode;
    let shape: string = header.kind;
    if (header.interfaces.length) shape += '|' + header.interfaces.join(',');
    if (header.kind === 'U') shape += '|=' + header.members.join(',');
    this.declarations.push({ name: header.name, kind: header.kind, extension: header.extension, shape, node, chunk: this, contentKey: 'header:' + shape + ':' + header.name, recovered: true });
  }

  /** The chunk's text without layout: whitespace-only edits keep it. */
  contentKey(): string {
    if (this.content === undefined) this.content = this.text.replace(/\s+/g, ' ').trim();
    return this.content;
  }

  readonly text: string;

  constructor(text: string) {
    this.text = text = detach(text);
    this.source = new Source(text);
    let definitions: readonly DefinitionNode[] = [];
    if (/[^\s,#]/.test(stripComments(text))) {
      try {
        definitions = parse(this.source).definitions;
        for (const d of definitions) lightenLocations(d, this.source);
      } catch (e) {
        this.syntaxError = syntaxDiagnostic(e, text);
      }
    }
    this.definitions = definitions;
    for (const def of definitions) {
      const decl = declarationOf(def, this, definitions.length === 1 ? undefined : def);
      if (decl) this.declarations.push(decl);
    }
    if (definitions.length) {
      visit({ kind: Kind.DOCUMENT, definitions } as DocumentNode, {
        NamedType: (node) => { this.typeRefs.add(node.name.value); },
        Directive: (node) => { this.directiveRefs.add(node.name.value); },
      });
    }
  }

  /** Every name node in the chunk that refers to a type (NamedType) or declares one, by name. */
  typeNameNodes(): Map<string, NameNode[]> {
    if (!this.nameNodes) {
      const map = new Map<string, NameNode[]>();
      const add = (n: NameNode) => {
        const list = map.get(n.value);
        if (list) list.push(n); else map.set(n.value, [n]);
      };
      visit({ kind: Kind.DOCUMENT, definitions: this.definitions } as DocumentNode, {
        NamedType: (node) => { add(node.name); },
        enter: (node) => {
          if (isTypeDeclaration(node)) add((node as TypeDefinitionNode).name);
        },
      });
      this.nameNodes = map;
    }
    return this.nameNodes;
  }
}

/**
 * Replaces graphql-js's Location objects (which hold the token list of the whole chunk) with
 * plain offsets: a large schema then keeps its AST, not its tokens, in memory.
 */
function lightenLocations(node: unknown, source: Source): void {
  if (Array.isArray(node)) { for (const n of node) lightenLocations(n, source); return; }
  if (!node || typeof node !== 'object') return;
  const n = node as { loc?: { start: number; end: number }; [key: string]: unknown };
  for (const key in n) {
    if (key === 'loc') continue;
    const value = n[key];
    if (value && typeof value === 'object') lightenLocations(value, source);
  }
  if (n.loc) n.loc = { start: n.loc.start, end: n.loc.end, source } as never;
}

/** A copy of `text` that does not keep the document it was sliced from alive. */
function detach(text: string): string {
  return (text + ' ').slice(0, -1);
}

function stripComments(text: string): string {
  return text.includes('#') ? text.replace(/#[^\n]*/g, '') : text;
}

function isTypeDeclaration(node: ASTNode): boolean {
  switch (node.kind) {
    case Kind.OBJECT_TYPE_DEFINITION: case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION: case Kind.INTERFACE_TYPE_EXTENSION:
    case Kind.UNION_TYPE_DEFINITION: case Kind.UNION_TYPE_EXTENSION:
    case Kind.ENUM_TYPE_DEFINITION: case Kind.ENUM_TYPE_EXTENSION:
    case Kind.SCALAR_TYPE_DEFINITION: case Kind.SCALAR_TYPE_EXTENSION:
    case Kind.INPUT_OBJECT_TYPE_DEFINITION: case Kind.INPUT_OBJECT_TYPE_EXTENSION:
      return true;
    default:
      return false;
  }
}

const KIND_LETTER: Partial<Record<string, [DeclKind, boolean]>> = {
  [Kind.OBJECT_TYPE_DEFINITION]: ['O', false], [Kind.OBJECT_TYPE_EXTENSION]: ['O', true],
  [Kind.INTERFACE_TYPE_DEFINITION]: ['I', false], [Kind.INTERFACE_TYPE_EXTENSION]: ['I', true],
  [Kind.UNION_TYPE_DEFINITION]: ['U', false], [Kind.UNION_TYPE_EXTENSION]: ['U', true],
  [Kind.ENUM_TYPE_DEFINITION]: ['E', false], [Kind.ENUM_TYPE_EXTENSION]: ['E', true],
  [Kind.SCALAR_TYPE_DEFINITION]: ['S', false], [Kind.SCALAR_TYPE_EXTENSION]: ['S', true],
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: ['N', false], [Kind.INPUT_OBJECT_TYPE_EXTENSION]: ['N', true],
  [Kind.DIRECTIVE_DEFINITION]: ['D', false],
  [Kind.SCHEMA_DEFINITION]: ['R', false], [Kind.SCHEMA_EXTENSION]: ['R', true],
};

function declarationOf(def: DefinitionNode, chunk: Chunk, own?: DefinitionNode): Declaration | undefined {
  const entry = KIND_LETTER[def.kind];
  if (!entry) return undefined;
  const [kind, extension] = entry;
  const name = kind === 'R' ? 'schema' : (def as { name: NameNode }).name.value;
  let shape: string = kind;
  if ('interfaces' in def && def.interfaces?.length) shape += '|' + def.interfaces.map((i) => i.name.value).join(',');
  if (def.kind === Kind.UNION_TYPE_DEFINITION || def.kind === Kind.UNION_TYPE_EXTENSION) {
    shape += '|=' + (def.types ?? []).map((t) => t.name.value).join(',');
  }
  // A chunk with several definitions keys each by its position too.
  const contentKey = own ? chunk.contentKey() + '#' + chunk.definitions.indexOf(own) : chunk.contentKey();
  return { name, kind, extension, shape, node: def, chunk, contentKey };
}

const HEADER = /^(?:\s|#[^\n]*)*(?:(?:"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*")\s*)?(extend\s+)?(type|interface|input|enum|union|scalar|directive)\s+(@?)([_A-Za-z][_0-9A-Za-z]*)([^{(=]*)(=[^{}()#@]*)?/;
const HEADER_KIND: Record<string, DeclKind> = { type: 'O', interface: 'I', input: 'N', enum: 'E', union: 'U', scalar: 'S', directive: 'D' };
const KIND_OF_LETTER: Record<DeclKind, Kind> = {
  O: Kind.OBJECT_TYPE_DEFINITION, I: Kind.INTERFACE_TYPE_DEFINITION, N: Kind.INPUT_OBJECT_TYPE_DEFINITION, E: Kind.ENUM_TYPE_DEFINITION,
  U: Kind.UNION_TYPE_DEFINITION, S: Kind.SCALAR_TYPE_DEFINITION, D: Kind.DIRECTIVE_DEFINITION, R: Kind.SCHEMA_DEFINITION,
};
const KIND_OF_LETTER_EXT: Partial<Record<DeclKind, Kind>> = {
  O: Kind.OBJECT_TYPE_EXTENSION, I: Kind.INTERFACE_TYPE_EXTENSION, N: Kind.INPUT_OBJECT_TYPE_EXTENSION,
  E: Kind.ENUM_TYPE_EXTENSION, U: Kind.UNION_TYPE_EXTENSION, S: Kind.SCALAR_TYPE_EXTENSION,
};

/** What a chunk that does not parse appears to declare, from its first line. */
function headerOf(text: string): { name: string; kind: DeclKind; extension: boolean; interfaces: string[]; members: string[] } | undefined {
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const kind = HEADER_KIND[m[2]];
  if ((kind === 'D') !== (m[3] === '@')) return undefined;
  const interfaces = kind === 'O' || kind === 'I' ? (/implements\s+([^@]*)/.exec(m[5])?.[1] ?? '').split(/[\s&,]+/).filter((x) => /^[_A-Za-z]/.test(x)) : [];
  // Union members up to the first line that does not continue the list.
  const members: string[] = [];
  if (kind === 'U' && m[6]) {
    for (const line of m[6].slice(1).split('\n')) {
      const names = line.split(/[\s|]+/).filter((x) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(x));
      if (members.length && !/^\s*\|/.test(line)) break;
      members.push(...names);
    }
  }
  return { name: m[4], kind, extension: !!m[1], interfaces, members };
}

function syntaxDiagnostic(e: unknown, text: string): ChunkDiagnostic {
  const err = e as GraphQLError;
  let pos = Math.min(err.positions?.[0] ?? 0, text.length);
  let open = -1;
  if (/<EOF>/.test(err.message)) {
    // The end of a chunk is the start of the next definition: point at what is left open instead.
    open = firstUnclosed(text);
    pos = open >= 0 ? open : text.trimEnd().length - 1;
    if (pos < 0) pos = 0;
  }
  let end = pos;
  while (end < text.length && /[_A-Za-z0-9]/.test(text[end])) end++;
  if (end === pos) end = Math.min(pos + 1, text.length);
  const message = err.message.replace(/^Syntax Error: /, '');
  return {
    start: pos, end, severity: 'error', code: 'syntax',
    message: `Syntax error: ${message}${syntaxHint(message, open >= 0 ? text[open] : undefined)}`,
  };
}

/** Offset of the first `{`, `(` or `[` never closed, outside strings and comments; -1 if none. */
function firstUnclosed(text: string): number {
  const stack: number[] = [];
  const re = /"""[\s\S]*?(?:"""|$)|"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[{}()[\]]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const t = m[0];
    if (t === '{' || t === '(' || t === '[') stack.push(m.index);
    else if (t === '}' || t === ')' || t === ']') stack.pop();
  }
  return stack.length ? stack[0] : -1;
}

function syntaxHint(message: string, open: string | undefined): string {
  if (open && /<EOF>/.test(message)) return ` Close the open "${open}" of this definition.`;
  if (/<EOF>/.test(message)) return ' The definition is not finished.';
  if (/Unterminated string/.test(message)) return ' Close the string with a matching quote.';
  if (/Expected ":"/.test(message)) return ' A field is written `name: Type`.';
  return '';
}

/** What the host knows of an edit: lengths of the text before and after it that did not change. */
export interface EditHint {
  prefix: number;
  suffix: number;
}

function keyOf(d: Declaration): string {
  return d.kind === 'D' ? '@' + d.name : d.name;
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

  constructor(readonly options: AnalysisOptions) {
    this.preludeDefs = new Map();
    if (options.prelude) {
      for (const def of preludeDefinitions()) {
        const name = (def as { name: NameNode }).name.value;
        this.preludeDefs.set(def.kind === Kind.DIRECTIVE_DEFINITION ? '@' + name : name, def);
      }
    }
  }

  get documentText(): string { return this.text; }

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
    let lo = 0, hi = cs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cs[mid].start <= offset) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  allChunks(): readonly Chunk[] { return this.chunks; }

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
        if (list) list.push(d); else declarations.set(key, [d]);
        if (d.kind === 'R') {
          for (const op of (d.node as { operationTypes?: readonly { operation: string; type: { name: NameNode } }[] }).operationTypes ?? []) {
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
      if (s === undefined) { s = this.signatureOf(key, index); signatures.set(key, s); }
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
    if (dirty.length && this.hasExtensions(index)) this.addExtensionGroups(dirty, index);
    if (dirty.length) this.validateChunks(dirty, index, signature);

    const out: SchemaDiagnostic[] = [];
    const push = (c: Chunk, d: ChunkDiagnostic) => out.push({ ...d, start: c.start + d.start, end: c.start + d.end });
    for (const c of this.chunks) {
      if (c.syntaxError) push(c, c.syntaxError);
      if (c.validated) for (const d of c.validated.diagnostics) push(c, d);
    }
    for (const d of this.globalDiagnostics(index)) out.push(d);
    out.sort((a, b) => a.start - b.start || a.end - b.end);
    this.diagnosticsCache = out;
    return out;
  }

  private hasExtensions(index: SchemaIndex): boolean {
    for (const list of index.declarations.values()) if (list.length > 1) return true;
    return false;
  }

  private addExtensionGroups(dirty: Chunk[], index: SchemaIndex): void {
    const set = new Set(dirty);
    for (const c of [...dirty]) {
      for (const d of c.declarations) {
        const list = index.declarations.get(d.kind === 'D' ? '@' + d.name : d.name);
        if (list && list.length > 1) for (const other of list) if (!set.has(other.chunk) && other.chunk.definitions.length) { set.add(other.chunk); dirty.push(other.chunk); }
      }
    }
  }

  /**
   * What a referrer depends on about `key`: the text identity of interfaces, inputs and
   * directives (their members matter), the shape of everything else, or "missing".
   */
  private signatureOf(key: string, index: SchemaIndex): string {
    // `~Name` asks for the text of Name's declarations, whatever their kind.
    const content = key.startsWith('~');
    const decls = index.declarations.get(content ? key.slice(1) : key);
    if (!decls) return this.preludeDefs.has(key) ? 'prelude' : 'missing';
    let full = content;
    for (const d of decls) if (d.kind === 'I' || d.kind === 'N' || d.kind === 'D' || d.kind === 'R') full = true;
    let s = '';
    for (const d of decls) s += (full ? d.contentKey : d.shape) + ';';
    return s;
  }

  /** Validates `dirty` against a small schema of what they reference; caches per chunk. */
  private validateChunks(dirty: Chunk[], index: SchemaIndex, signature: (key: string) => string): void {
    const dirtySet = new Set(dirty);
    const requirements = this.requirementsMemo(index);

    // What each dirty chunk needs, and what the document must hold for all of them.
    const needed = new Map<string, Level>();
    const deps = new Map<Chunk, Map<string, string>>();
    for (const c of dirty) {
      const mine = chunkRequirements(c, index, requirements);
      const sink = new Map<string, string>();
      for (const d of c.declarations) sink.set(keyOf(d), signature(keyOf(d)));
      for (const [k, l] of mine) {
        sink.set(k, signature(k));
        if (!needed.has(k) || LEVELS[l] > LEVELS[needed.get(k)!]) needed.set(k, l);
      }
      deps.set(c, sink);
    }

    // The document: the dirty definitions and what they need, in document order, then stubs.
    const definitions: DefinitionNode[] = [];
    for (const c of dirty) for (const d of c.definitions) definitions.push(d);
    const stubs: DefinitionNode[] = [];
    const unknown: DefinitionNode[] = [];
    const unknownNames = new Set<string>();
    /** Chunks standing in as stubs: an error touching them is about them, not about a dirty chunk. */
    const stubChunks = new Set<Chunk>();
    for (const [key, level] of needed) {
      const decls = index.declarations.get(key);
      if (!decls) {
        const p = this.preludeDefs.get(key);
        if (p) definitions.push(p);
        else if (!key.startsWith('@') && key !== 'schema' && !BUILTIN_SCALARS.includes(key)) {
          unknown.push({ kind: Kind.SCALAR_TYPE_DEFINITION, name: { kind: Kind.NAME, value: key } } as DefinitionNode);
          unknownNames.add(key);
        }
        continue;
      }
      for (const d of decls) {
        if (dirtySet.has(d.chunk) && !d.recovered) continue; // already in the document
        if (level === 'full') definitions.push(d.node);
        else {
          stubs.push(level === 'shape' ? stubOf(d) : kindStubOf(d));
          stubChunks.add(d.chunk);
        }
      }
    }
    const position = (n: DefinitionNode) => {
      const chunk = n.loc && this.sourceToChunk.get(n.loc.source);
      return chunk ? chunk.start + n.loc!.start : Number.MAX_SAFE_INTEGER;
    };
    definitions.sort((a, b) => position(a) - position(b));

    // Graphql-js rules, each tagged so its errors carry a code.
    const results = new Map<Chunk, ChunkDiagnostic[]>();
    for (const c of dirty) results.set(c, []);
    const volatile = new Set<Chunk>();
    const attribute = (error: GraphQLError, code: string, only: Set<Chunk> = dirtySet) => {
      const nodes = error.nodes ?? [];
      if (nodes.some((n) => !n.loc || (stubChunks.has(this.sourceToChunk.get(n.loc.source)!) && !dirtySet.has(this.sourceToChunk.get(n.loc.source)!)))) return;
      // A consequence of an unknown type (standing in as a scalar) adds nothing to "Unknown type".
      if (code !== 'unknown-type' && nodes.some((n) => n.kind === Kind.NAMED_TYPE && unknownNames.has(n.name.value))) return;
      // An error naming several definitions belongs to the one that depends on the others (an
      // implementation, not its interface), whatever was edited: it is reported when that one is
      // validated, and that one is validated again whenever the others change.
      const owner = this.ownerOf(nodes, deps);
      for (let k = nodes.length - 1; k >= 0; k--) {
        const node = nodes[k];
        const chunk = node.loc && this.chunkOfDirty(node.loc.source, only);
        if (!chunk) continue;
        if (owner && owner !== chunk) { if (!dirtySet.has(owner)) return; continue; }
        const target = narrowNode(node);
        const d: ChunkDiagnostic = { start: target.loc!.start, end: target.loc!.end, severity: 'error', code, message: error.message };
        if (code === 'unknown-type' && node.kind === Kind.NAMED_TYPE) {
          this.improveUnknownType(d, node.name.value, index);
          volatile.add(chunk);
        } else if (code === 'invalid-type-extension' && /not defined/.test(error.message)) {
          const name = node.kind === Kind.NAME ? node.value : (node as { name?: NameNode }).name?.value ?? '';
          const suggestions = this.typeSuggestions(name, index, false);
          d.message = `Cannot extend type "${name}" because it is not defined.` + (suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ' Declare the type first.');
          volatile.add(chunk);
        }
        // The message also depends on the other places it names: re-validate when they change.
        const sink = deps.get(chunk)!;
        for (const other of nodes) {
          const otherChunk = other.loc && this.sourceToChunk.get(other.loc.source);
          if (otherChunk && otherChunk !== chunk) for (const decl of otherChunk.declarations) sink.set('~' + keyOf(decl), signature('~' + keyOf(decl)));
        }
        results.get(chunk)!.push(d);
        return;
      }
    };

    const localRules = specifiedSDLRules.filter((r) => !GLOBAL_RULES.has(ruleName(r)));
    const sdlDoc: DocumentNode = { kind: Kind.DOCUMENT, definitions: [...definitions, ...stubs] };
    runRules(sdlDoc, localRules as SDLRule[], attribute);

    // Schema validation: unknown names become scalars so the schema builds; their errors are above.
    const schemaErrors = (defs: DefinitionNode[]): readonly GraphQLError[] => validateSchema(buildASTSchema({ kind: Kind.DOCUMENT, definitions: defs }, { assumeValidSDL: true }));
    let errors: readonly GraphQLError[] | undefined;
    try {
      errors = schemaErrors([...sdlDoc.definitions, ...unknown]);
    } catch {
      errors = undefined;
    }
    if (errors) {
      for (const error of errors) attribute(error, schemaCode(error.message));
    } else {
      // graphql-js cannot build every invalid schema (an input default of an output type throws):
      // then each chunk is checked on its own, so one bad definition does not silence the rest.
      for (const c of dirty) this.validateChunkSchemaAlone(c, index, requirements, (error, code) => attribute(error, code, new Set([c])), results);
    }

    for (const c of dirty) {
      if (c.validated) for (const key of c.validated.deps.keys()) this.dependents.get(key)?.delete(c);
      const chunkDeps = deps.get(c)!;
      c.validated = { deps: chunkDeps, diagnostics: results.get(c)! };
      for (const key of chunkDeps.keys()) {
        let set = this.dependents.get(key);
        if (!set) { set = new Set(); this.dependents.set(key, set); }
        set.add(c);
      }
      if (volatile.has(c)) this.volatileChunks.add(c); else this.volatileChunks.delete(c);
    }
  }

  /** Schema validation of one chunk with only what it needs; a failure to build is reported on it. */
  private validateChunkSchemaAlone(
    c: Chunk, index: SchemaIndex, requirements: (key: string, level: Level) => Map<string, Level>,
    attribute: (error: GraphQLError, code: string) => void, results: Map<Chunk, ChunkDiagnostic[]>,
  ): void {
    const mine = chunkRequirements(c, index, requirements);
    const defs: DefinitionNode[] = [...c.definitions];
    for (const [key, level] of mine) {
      const decls = index.declarations.get(key);
      if (!decls) {
        const p = this.preludeDefs.get(key);
        if (p) defs.push(p);
        else if (!key.startsWith('@') && key !== 'schema' && !BUILTIN_SCALARS.includes(key)) defs.push({ kind: Kind.SCALAR_TYPE_DEFINITION, name: { kind: Kind.NAME, value: key } } as DefinitionNode);
        continue;
      }
      for (const d of decls) {
        if (d.chunk === c && !d.recovered) continue;
        defs.push(level === 'full' ? d.node : level === 'shape' ? stubOf(d) : kindStubOf(d));
      }
    }
    try {
      for (const error of validateSchema(buildASTSchema({ kind: Kind.DOCUMENT, definitions: defs }, { assumeValidSDL: true }))) attribute(error, schemaCode(error.message));
    } catch {
      // graphql-js throws while building a default value of a type that is not an input type:
      // say so where it is, in graphql-js's own words.
      const out = results.get(c)!;
      const check = (value: InputValueDefinitionNode, where: string) => {
        if (!value.defaultValue) return;
        let t = value.type;
        while (t.kind !== Kind.NAMED_TYPE) t = t.type;
        const kind = index.declarations.get(t.name.value)?.find((d) => !d.extension)?.kind;
        if ((kind === 'O' || kind === 'I' || kind === 'U') && t.loc) {
          out.push({ start: t.loc.start, end: t.loc.end, severity: 'error', code: 'not-input-type', message: `The type of ${where} must be Input Type but got: ${t.name.value}.` });
        }
      };
      for (const def of c.definitions) {
        if (def.kind === Kind.DIRECTIVE_DEFINITION) for (const a of def.arguments ?? []) check(a, `@${def.name.value}(${a.name.value}:)`);
        if (def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) for (const f of def.fields ?? []) check(f, `${def.name.value}.${f.name.value}`);
        if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION || def.kind === Kind.INTERFACE_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_EXTENSION) {
          for (const f of def.fields ?? []) for (const a of f.arguments ?? []) check(a, `${def.name.value}.${f.name.value}(${a.name.value}:)`);
        }
      }
    }
  }

  /**
   * What including `key` at a level brings into the validation document, per pass:
   * `full` (every member: directives, inputs and their input fields, interfaces a type
   * implements), `shape` (kind, interfaces, union members), `kind` (only the kind).
   */
  private requirementsMemo(index: SchemaIndex): (key: string, level: Level) => Map<string, Level> {
    const memo = new Map<string, Map<string, Level>>();
    return (key, level) => {
      const memoKey = level + ':' + key;
      let out = memo.get(memoKey);
      if (out) return out;
      const result = new Map<string, Level>();
      const visit = (k: string, l: Level) => {
        const decls = index.declarations.get(k);
        const nodes = decls ? decls.map((d) => d.node) : this.preludeDefs.has(k) ? [this.preludeDefs.get(k)!] : [];
        const natural = nodes.some((n) => n.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || n.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION || n.kind === Kind.DIRECTIVE_DEFINITION || n.kind === Kind.SCHEMA_DEFINITION || n.kind === Kind.SCHEMA_EXTENSION) || (!decls && nodes.length > 0);
        const effective: Level = natural ? 'full' : l;
        const prev = result.get(k);
        if (prev && LEVELS[prev] >= LEVELS[effective]) return;
        result.set(k, effective);
        for (const n of nodes) {
          if (effective === 'full') {
            for (const r of refsOf(n)) visit(r, 'shape');
            for (const i of (n as { interfaces?: readonly { name: NameNode }[] }).interfaces ?? []) visit(i.name.value, 'full');
          } else if (effective === 'shape') {
            for (const r of shapeRefs(n)) visit(r, 'kind');
          }
        }
      };
      visit(key, level);
      out = result;
      memo.set(memoKey, out);
      return out;
    };
  }

  /** Among the chunks an error names, the last (in document order) that depends on all the others. */
  private ownerOf(nodes: readonly ASTNode[], passDeps: Map<Chunk, Map<string, string>>): Chunk | undefined {
    const chunks: Chunk[] = [];
    for (const n of nodes) {
      const c = n.loc && this.sourceToChunk.get(n.loc.source);
      if (c && !chunks.includes(c)) chunks.push(c);
    }
    if (chunks.length < 2) return undefined;
    chunks.sort((a, b) => b.start - a.start);
    for (const c of chunks) {
      const known = passDeps.get(c) ?? c.validated?.deps;
      if (!known) continue;
      const dependsOnAll = chunks.every((other) => other === c || other.declarations.every((d) => known.has(keyOf(d)) || known.has('~' + keyOf(d))));
      if (dependsOnAll) return c;
    }
    return undefined;
  }

  private chunkOfDirty(source: Source, dirty: Set<Chunk>): Chunk | undefined {
    const chunk = this.sourceToChunk.get(source);
    return chunk && dirty.has(chunk) ? chunk : undefined;
  }

  /** Type names close to `name`, from the whole document and the prelude. */
  private typeSuggestions(name: string, index: SchemaIndex, builtIns = true): string[] {
    const candidates: string[] = builtIns ? [...BUILTIN_SCALARS] : [];
    for (const [key, list] of index.declarations) if (list[0].kind !== 'D' && list[0].kind !== 'R' && list.some((d) => !d.extension)) candidates.push(key);
    for (const key of this.preludeDefs.keys()) if (!key.startsWith('@')) candidates.push(key);
    return suggestionList(name, candidates).filter((s) => s !== name).slice(0, 5);
  }

  private improveUnknownType(d: ChunkDiagnostic, name: string, index: SchemaIndex): void {
    if (!name) return;
    const suggestions = this.typeSuggestions(name, index);
    d.message = `Unknown type "${name}".` + (suggestions.length
      ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}? Or declare it.`
      : ` Declare it (for example \`type ${name} { id: ID! }\`) or use one of the known types.`);
    d.data = { kind: 'did-you-mean', name, suggestions };
  }

  /** Rules that compare all declarations by name: run every time on name-only stubs. */
  private globalDiagnostics(index: SchemaIndex): SchemaDiagnostic[] {
    const definitions: DefinitionNode[] = [];
    for (const c of this.chunks) {
      for (const d of c.declarations) definitions.push(d.kind === 'R' ? d.node : nameStubOf(d));
    }
    const out: SchemaDiagnostic[] = [];
    const rules = specifiedSDLRules.filter((r) => GLOBAL_RULES.has(ruleName(r)));
    runRules({ kind: Kind.DOCUMENT, definitions }, rules as SDLRule[], (error, code) => {
      const nodes = error.nodes ?? [];
      const node = nodes[nodes.length - 1];
      const range = node && this.rangeOf(narrowNode(node));
      if (range) out.push({ ...range, severity: 'error', code, message: error.message + globalHint(code) });
    });
    if (!this.options.prelude) return out;
    // A service schema needs a Query type: the platform serves it.
    if (!index.declarations.has(index.roots.query)) {
      out.push({ start: 0, end: 0, severity: 'error', code: 'missing-query', message: `The schema has no "${index.roots.query}" type. Add \`type ${index.roots.query} { ... }\` with at least one field: it is the service's entry point.` });
    }
    return out;
  }
}

const GLOBAL_RULES = new Set(['UniqueTypeNamesRule', 'UniqueDirectiveNamesRule', 'LoneSchemaDefinitionRule', 'UniqueOperationTypesRule']);

/**
 * A validation rule's name as graphql-js exports it. Not `rule.name`: a minifier renames functions
 * (a minified build then skipped rules), but not the properties of graphql's exports.
 */
const RULE_NAMES = new Map<unknown, string>(
  // The two directive-argument rules are not among graphql's root exports.
  Object.entries({ ...graphqlExports, ...knownArgumentRules, ...requiredArgumentRules }).filter(([key, value]) => key.endsWith('Rule') && typeof value === 'function').map(([key, value]) => [value, key]),
);

function ruleName(rule: SDLRule): string {
  return RULE_NAMES.get(rule) ?? rule.name;
}
const BUILTIN_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID'];

function globalHint(code: string): string {
  switch (code) {
    case 'duplicate-type': return ' Rename one of them, or use `extend type` to add fields to the existing one.';
    case 'duplicate-directive': return ' Rename or remove one of the declarations.';
    case 'lone-schema-definition': return ' Merge the schema definitions into one.';
    default: return '';
  }
}

function runRules(doc: DocumentNode, rules: SDLRule[], onError: (error: GraphQLError, code: string) => void): void {
  const tagged = rules.map((rule) => {
    const code = RULE_CODES[ruleName(rule)] ?? 'invalid';
    return (context: SDLValidationContext) => {
      const wrapped = Object.create(context) as SDLValidationContext;
      wrapped.reportError = (error: GraphQLError) => onError(error, code);
      return rule(wrapped);
    };
  });
  validateSDL(doc, undefined, tagged as never);
}

function schemaCode(message: string): string {
  for (const [re, code] of SCHEMA_MESSAGE_CODES) if (re.test(message)) return code;
  return 'invalid-schema';
}

/** A definition's name when it has one (a red line under a name, not a whole type). */
function narrowNode(node: ASTNode): ASTNode {
  if ('name' in node && node.name && (node.name as ASTNode).loc && node.kind !== Kind.NAMED_TYPE && node.kind !== Kind.DIRECTIVE && node.kind !== Kind.ARGUMENT) {
    if (node.kind === Kind.FIELD_DEFINITION || node.kind === Kind.INPUT_VALUE_DEFINITION || node.kind === Kind.ENUM_VALUE_DEFINITION || isTypeDeclaration(node) || node.kind === Kind.DIRECTIVE_DEFINITION) {
      return node.name as ASTNode;
    }
  }
  return node;
}

/** Type and directive names a definition refers to, keyed as in the index. */
function refsOf(def: DefinitionNode): string[] {
  const refs = new Set<string>();
  visit(def, {
    NamedType: (n) => { refs.add(n.name.value); },
    Directive: (n) => { refs.add('@' + n.name.value); },
  });
  return [...refs];
}

/** Names a stub keeps: implemented interfaces and union members. */
function shapeRefs(def: DefinitionNode): string[] {
  const out: string[] = [];
  if ('interfaces' in def && def.interfaces) for (const i of def.interfaces) out.push(i.name.value);
  if (def.kind === Kind.UNION_TYPE_DEFINITION || def.kind === Kind.UNION_TYPE_EXTENSION) for (const t of def.types ?? []) out.push(t.name.value);
  return out;
}

type Level = 'kind' | 'shape' | 'full';

/** What validating one chunk needs in its document, and at which level. */
function chunkRequirements(c: Chunk, index: SchemaIndex, requirements: (key: string, level: Level) => Map<string, Level>): Map<string, Level> {
  const mine = new Map<string, Level>();
  const merge = (key: string, level: Level) => {
    for (const [k, l] of requirements(key, level)) if (!mine.has(k) || LEVELS[l] > LEVELS[mine.get(k)!]) mine.set(k, l);
  };
  for (const r of c.typeRefs) merge(r, 'shape');
  for (const r of c.directiveRefs) merge('@' + r, 'full');
  for (const d of c.declarations) {
    // Conformance needs the full interfaces a type implements.
    for (const i of (d.node as { interfaces?: readonly { name: NameNode }[] }).interfaces ?? []) merge(i.name.value, 'full');
    // The other declarations and extensions of the same name are checked together with it.
    if (d.kind !== 'R') merge(keyOf(d), 'full');
  }
  // The schema definition decides which types are the roots.
  if (index.declarations.has('schema')) merge('schema', 'full');
  return mine;
}
const LEVELS: Record<Level, number> = { kind: 0, shape: 1, full: 2 };

const DUMMY_NAME = { kind: Kind.NAME, value: '_stub' } as NameNode;
const DUMMY_TYPE = { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'Boolean' } };
const stubCache = new WeakMap<DefinitionNode, DefinitionNode>();

/** A definition reduced to what referrers need: kind, name, interfaces, union members. */
function stubOf(d: Declaration): DefinitionNode {
  let stub = stubCache.get(d.node);
  if (stub) return stub;
  const node = d.node as TypeDefinitionNode | import('graphql').TypeExtensionNode;
  switch (node.kind) {
    case Kind.OBJECT_TYPE_DEFINITION: case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION: case Kind.INTERFACE_TYPE_EXTENSION:
      stub = { kind: node.kind, name: node.name, interfaces: node.interfaces, fields: [{ kind: Kind.FIELD_DEFINITION, name: DUMMY_NAME, type: DUMMY_TYPE }] } as DefinitionNode;
      break;
    case Kind.UNION_TYPE_DEFINITION: case Kind.UNION_TYPE_EXTENSION:
      stub = { kind: node.kind, name: node.name, types: node.types } as DefinitionNode;
      break;
    case Kind.ENUM_TYPE_DEFINITION: case Kind.ENUM_TYPE_EXTENSION:
      stub = { kind: node.kind, name: node.name, values: [{ kind: Kind.ENUM_VALUE_DEFINITION, name: DUMMY_NAME }] } as DefinitionNode;
      break;
    default:
      stub = { kind: node.kind, name: (node as { name: NameNode }).name } as DefinitionNode;
  }
  stubCache.set(d.node, stub);
  return stub;
}

const kindStubCache = new WeakMap<DefinitionNode, DefinitionNode>();

/** A definition reduced to its kind: what a name in another stub's shape needs. */
function kindStubOf(d: Declaration): DefinitionNode {
  let stub = kindStubCache.get(d.node);
  if (stub) return stub;
  const full = stubOf(d) as DefinitionNode & { interfaces?: unknown; types?: unknown };
  stub = { ...full, interfaces: undefined, types: undefined } as unknown as DefinitionNode;
  kindStubCache.set(d.node, stub);
  return stub;
}

const nameStubCache = new WeakMap<DefinitionNode, DefinitionNode>();
function nameStubOf(d: Declaration): DefinitionNode {
  let stub = nameStubCache.get(d.node);
  if (!stub) {
    stub = { kind: d.node.kind, name: (d.node as { name: NameNode }).name } as DefinitionNode;
    nameStubCache.set(d.node, stub);
  }
  return stub;
}

