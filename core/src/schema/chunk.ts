// One chunk of a schema document: a top-level definition (or a run of them) with its own parse,
// the declarations it makes, and a stand-in for a chunk that does not parse (its last good
// declaration, or what its first line appears to declare).
import { ASTNode, DefinitionNode, DocumentNode, GraphQLError, Kind, NameNode, parse, Source, TypeDefinitionNode, visit } from 'graphql';
import type { SchemaDiagnostic } from './diagnostics';

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
export type ChunkDiagnostic = SchemaDiagnostic;

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
      kind: header.extension ? (KIND_OF_LETTER_EXT[header.kind] ?? KIND_OF_LETTER[header.kind]) : KIND_OF_LETTER[header.kind],
      name: { kind: Kind.NAME, value: header.name },
      interfaces: header.interfaces.map(named),
      types: header.kind === 'U' ? header.members.map(named) : undefined,
      // A directive's rules read these lists; the header tells none of them.
      ...(header.kind === 'D' ? { arguments: [], locations: [], repeatable: false } : {}),
    } as unknown as DefinitionNode;
    let shape: string = header.kind;
    if (header.interfaces.length) shape += '|' + header.interfaces.join(',');
    if (header.kind === 'U') shape += '|=' + header.members.join(',');
    this.declarations.push({
      name: header.name,
      kind: header.kind,
      extension: header.extension,
      shape,
      node,
      chunk: this,
      contentKey: 'header:' + shape + ':' + header.name,
      recovered: true,
    });
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
        NamedType: (node) => {
          this.typeRefs.add(node.name.value);
        },
        Directive: (node) => {
          this.directiveRefs.add(node.name.value);
        },
      });
    }
  }

  /** Every name node in the chunk that refers to a type (NamedType) or declares one, by name. */
  typeNameNodes(): Map<string, NameNode[]> {
    if (!this.nameNodes) {
      const map = new Map<string, NameNode[]>();
      const add = (n: NameNode) => {
        const list = map.get(n.value);
        if (list) list.push(n);
        else map.set(n.value, [n]);
      };
      visit({ kind: Kind.DOCUMENT, definitions: this.definitions } as DocumentNode, {
        NamedType: (node) => {
          add(node.name);
        },
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
  if (Array.isArray(node)) {
    for (const n of node) lightenLocations(n, source);
    return;
  }
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

export function isTypeDeclaration(node: ASTNode): boolean {
  switch (node.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
    case Kind.UNION_TYPE_DEFINITION:
    case Kind.UNION_TYPE_EXTENSION:
    case Kind.ENUM_TYPE_DEFINITION:
    case Kind.ENUM_TYPE_EXTENSION:
    case Kind.SCALAR_TYPE_DEFINITION:
    case Kind.SCALAR_TYPE_EXTENSION:
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_EXTENSION:
      return true;
    default:
      return false;
  }
}

const KIND_LETTER: Partial<Record<string, [DeclKind, boolean]>> = {
  [Kind.OBJECT_TYPE_DEFINITION]: ['O', false],
  [Kind.OBJECT_TYPE_EXTENSION]: ['O', true],
  [Kind.INTERFACE_TYPE_DEFINITION]: ['I', false],
  [Kind.INTERFACE_TYPE_EXTENSION]: ['I', true],
  [Kind.UNION_TYPE_DEFINITION]: ['U', false],
  [Kind.UNION_TYPE_EXTENSION]: ['U', true],
  [Kind.ENUM_TYPE_DEFINITION]: ['E', false],
  [Kind.ENUM_TYPE_EXTENSION]: ['E', true],
  [Kind.SCALAR_TYPE_DEFINITION]: ['S', false],
  [Kind.SCALAR_TYPE_EXTENSION]: ['S', true],
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: ['N', false],
  [Kind.INPUT_OBJECT_TYPE_EXTENSION]: ['N', true],
  [Kind.DIRECTIVE_DEFINITION]: ['D', false],
  [Kind.SCHEMA_DEFINITION]: ['R', false],
  [Kind.SCHEMA_EXTENSION]: ['R', true],
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

const HEADER =
  /^(?:\s|#[^\n]*)*(?:(?:"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*")\s*)?(extend\s+)?(type|interface|input|enum|union|scalar|directive)\s+(@?)([_A-Za-z][_0-9A-Za-z]*)([^{(=]*)(=[^{}()#@]*)?/;
const HEADER_KIND: Record<string, DeclKind> = { type: 'O', interface: 'I', input: 'N', enum: 'E', union: 'U', scalar: 'S', directive: 'D' };
const KIND_OF_LETTER: Record<DeclKind, Kind> = {
  O: Kind.OBJECT_TYPE_DEFINITION,
  I: Kind.INTERFACE_TYPE_DEFINITION,
  N: Kind.INPUT_OBJECT_TYPE_DEFINITION,
  E: Kind.ENUM_TYPE_DEFINITION,
  U: Kind.UNION_TYPE_DEFINITION,
  S: Kind.SCALAR_TYPE_DEFINITION,
  D: Kind.DIRECTIVE_DEFINITION,
  R: Kind.SCHEMA_DEFINITION,
};
const KIND_OF_LETTER_EXT: Partial<Record<DeclKind, Kind>> = {
  O: Kind.OBJECT_TYPE_EXTENSION,
  I: Kind.INTERFACE_TYPE_EXTENSION,
  N: Kind.INPUT_OBJECT_TYPE_EXTENSION,
  E: Kind.ENUM_TYPE_EXTENSION,
  U: Kind.UNION_TYPE_EXTENSION,
  S: Kind.SCALAR_TYPE_EXTENSION,
};

/** What a chunk that does not parse appears to declare, from its first line. */
function headerOf(text: string): { name: string; kind: DeclKind; extension: boolean; interfaces: string[]; members: string[] } | undefined {
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const kind = HEADER_KIND[m[2]];
  if ((kind === 'D') !== (m[3] === '@')) return undefined;
  const interfaces =
    kind === 'O' || kind === 'I' ? (/implements\s+([^@]*)/.exec(m[5])?.[1] ?? '').split(/[\s&,]+/).filter((x) => /^[_A-Za-z]/.test(x)) : [];
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
    start: pos,
    end,
    severity: 'error',
    code: 'syntax',
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

export function keyOf(d: Declaration): string {
  return d.kind === 'D' ? '@' + d.name : d.name;
}
