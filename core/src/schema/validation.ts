// Validation of a schema document's chunks: only the chunks that are new, or whose dependencies'
// signatures changed, are validated, together, against a small document of what they reference,
// with graphql-js's SDL rules and validateSchema; rules that compare all names run on name-only
// stubs of every definition.
import * as graphqlExports from 'graphql';
import * as knownArgumentRules from 'graphql/validation/rules/KnownArgumentNamesRule';
import * as requiredArgumentRules from 'graphql/validation/rules/ProvidedRequiredArgumentsRule';
import {
  ASTNode,
  buildASTSchema,
  DefinitionNode,
  DocumentNode,
  GraphQLError,
  InputValueDefinitionNode,
  Kind,
  NameNode,
  Source,
  TypeDefinitionNode,
  validateSchema,
  visit,
} from 'graphql';
import { specifiedSDLRules } from 'graphql/validation/specifiedRules';
import { validateSDL } from 'graphql/validation/validate';
import type { SDLValidationContext } from 'graphql/validation/ValidationContext';
import type { AnalysisOptions, SchemaIndex } from './analysis';
import { Chunk, ChunkDiagnostic, Declaration, isTypeDeclaration, keyOf } from './chunk';
import { RULE_CODES, SCHEMA_MESSAGE_CODES, SchemaDiagnostic } from './diagnostics';
import { suggestionList } from './suggest';

type SDLRule = (context: SDLValidationContext) => unknown;

/** What validation reads of the analysis: its chunks and what it tracks about them. */
export interface ValidationContext {
  readonly chunks: readonly Chunk[];
  readonly sourceToChunk: ReadonlyMap<Source, Chunk>;
  readonly preludeDefs: ReadonlyMap<string, DefinitionNode>;
  /** Chunks whose validation depends on a name, by name (validation records them). */
  readonly dependents: Map<string, Set<Chunk>>;
  /** Chunks whose messages depend on every name (validation records them). */
  readonly volatileChunks: Set<Chunk>;
  readonly options: AnalysisOptions;
  rangeOf(node: ASTNode): { start: number; end: number } | undefined;
}

export class ChunkValidator {
  constructor(private readonly ctx: ValidationContext) {}

  hasExtensions(index: SchemaIndex): boolean {
    for (const list of index.declarations.values()) if (list.length > 1) return true;
    return false;
  }

  addExtensionGroups(dirty: Chunk[], index: SchemaIndex): void {
    const set = new Set(dirty);
    for (const c of [...dirty]) {
      for (const d of c.declarations) {
        const list = index.declarations.get(d.kind === 'D' ? '@' + d.name : d.name);
        if (list && list.length > 1)
          for (const other of list)
            if (!set.has(other.chunk) && other.chunk.definitions.length) {
              set.add(other.chunk);
              dirty.push(other.chunk);
            }
      }
    }
  }

  /**
   * What a referrer depends on about `key`: the text identity of interfaces, inputs and
   * directives (their members matter), the shape of everything else, or "missing".
   */
  signatureOf(key: string, index: SchemaIndex): string {
    // `~Name` asks for the text of Name's declarations, whatever their kind.
    const content = key.startsWith('~');
    const decls = index.declarations.get(content ? key.slice(1) : key);
    if (!decls) return this.ctx.preludeDefs.has(key) ? 'prelude' : 'missing';
    let full = content;
    for (const d of decls) if (d.kind === 'I' || d.kind === 'N' || d.kind === 'D' || d.kind === 'R') full = true;
    let s = '';
    for (const d of decls) s += (full ? d.contentKey : d.shape) + ';';
    return s;
  }

  /** Validates `dirty` against a small schema of what they reference; caches per chunk. */
  validateChunks(dirty: Chunk[], index: SchemaIndex, signature: (key: string) => string): void {
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
        const p = this.ctx.preludeDefs.get(key);
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
      const chunk = n.loc && this.ctx.sourceToChunk.get(n.loc.source);
      return chunk ? chunk.start + n.loc!.start : Number.MAX_SAFE_INTEGER;
    };
    definitions.sort((a, b) => position(a) - position(b));

    // Graphql-js rules, each tagged so its errors carry a code.
    const results = new Map<Chunk, ChunkDiagnostic[]>();
    for (const c of dirty) results.set(c, []);
    const volatile = new Set<Chunk>();
    const attribute = (error: GraphQLError, code: string, only: Set<Chunk> = dirtySet) => {
      const nodes = error.nodes ?? [];
      if (
        nodes.some(
          (n) =>
            !n.loc ||
            (stubChunks.has(this.ctx.sourceToChunk.get(n.loc.source)!) && !dirtySet.has(this.ctx.sourceToChunk.get(n.loc.source)!)),
        )
      )
        return;
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
        if (owner && owner !== chunk) {
          if (!dirtySet.has(owner)) return;
          continue;
        }
        const target = narrowNode(node);
        const d: ChunkDiagnostic = { start: target.loc!.start, end: target.loc!.end, severity: 'error', code, message: error.message };
        if (code === 'unknown-type' && node.kind === Kind.NAMED_TYPE) {
          this.improveUnknownType(d, node.name.value, index);
          volatile.add(chunk);
        } else if (code === 'invalid-type-extension' && /not defined/.test(error.message)) {
          const name = node.kind === Kind.NAME ? node.value : ((node as { name?: NameNode }).name?.value ?? '');
          const suggestions = this.typeSuggestions(name, index, false);
          d.message =
            `Cannot extend type "${name}" because it is not defined.` +
            (suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?` : ' Declare the type first.');
          volatile.add(chunk);
        }
        // The message also depends on the other places it names: re-validate when they change.
        const sink = deps.get(chunk)!;
        for (const other of nodes) {
          const otherChunk = other.loc && this.ctx.sourceToChunk.get(other.loc.source);
          if (otherChunk && otherChunk !== chunk)
            for (const decl of otherChunk.declarations) sink.set('~' + keyOf(decl), signature('~' + keyOf(decl)));
        }
        results.get(chunk)!.push(d);
        return;
      }
    };

    const localRules = specifiedSDLRules.filter((r) => !GLOBAL_RULES.has(ruleName(r)));
    const sdlDoc: DocumentNode = { kind: Kind.DOCUMENT, definitions: [...definitions, ...stubs] };
    runRules(sdlDoc, localRules as SDLRule[], attribute);

    // Schema validation: unknown names become scalars so the schema builds; their errors are above.
    const schemaErrors = (defs: DefinitionNode[]): readonly GraphQLError[] =>
      validateSchema(buildASTSchema({ kind: Kind.DOCUMENT, definitions: defs }, { assumeValidSDL: true }));
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
      for (const c of dirty)
        this.validateChunkSchemaAlone(c, index, requirements, (error, code) => attribute(error, code, new Set([c])), results);
    }

    for (const c of dirty) {
      if (c.validated) for (const key of c.validated.deps.keys()) this.ctx.dependents.get(key)?.delete(c);
      const chunkDeps = deps.get(c)!;
      c.validated = { deps: chunkDeps, diagnostics: results.get(c)! };
      for (const key of chunkDeps.keys()) {
        let set = this.ctx.dependents.get(key);
        if (!set) {
          set = new Set();
          this.ctx.dependents.set(key, set);
        }
        set.add(c);
      }
      if (volatile.has(c)) this.ctx.volatileChunks.add(c);
      else this.ctx.volatileChunks.delete(c);
    }
  }

  /** Schema validation of one chunk with only what it needs; a failure to build is reported on it. */
  private validateChunkSchemaAlone(
    c: Chunk,
    index: SchemaIndex,
    requirements: (key: string, level: Level) => Map<string, Level>,
    attribute: (error: GraphQLError, code: string) => void,
    results: Map<Chunk, ChunkDiagnostic[]>,
  ): void {
    const mine = chunkRequirements(c, index, requirements);
    const defs: DefinitionNode[] = [...c.definitions];
    for (const [key, level] of mine) {
      const decls = index.declarations.get(key);
      if (!decls) {
        const p = this.ctx.preludeDefs.get(key);
        if (p) defs.push(p);
        else if (!key.startsWith('@') && key !== 'schema' && !BUILTIN_SCALARS.includes(key))
          defs.push({ kind: Kind.SCALAR_TYPE_DEFINITION, name: { kind: Kind.NAME, value: key } } as DefinitionNode);
        continue;
      }
      for (const d of decls) {
        if (d.chunk === c && !d.recovered) continue;
        defs.push(level === 'full' ? d.node : level === 'shape' ? stubOf(d) : kindStubOf(d));
      }
    }
    try {
      for (const error of validateSchema(buildASTSchema({ kind: Kind.DOCUMENT, definitions: defs }, { assumeValidSDL: true })))
        attribute(error, schemaCode(error.message));
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
          out.push({
            start: t.loc.start,
            end: t.loc.end,
            severity: 'error',
            code: 'not-input-type',
            message: `The type of ${where} must be Input Type but got: ${t.name.value}.`,
          });
        }
      };
      for (const def of c.definitions) {
        if (def.kind === Kind.DIRECTIVE_DEFINITION) for (const a of def.arguments ?? []) check(a, `@${def.name.value}(${a.name.value}:)`);
        if (def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION)
          for (const f of def.fields ?? []) check(f, `${def.name.value}.${f.name.value}`);
        if (
          def.kind === Kind.OBJECT_TYPE_DEFINITION ||
          def.kind === Kind.OBJECT_TYPE_EXTENSION ||
          def.kind === Kind.INTERFACE_TYPE_DEFINITION ||
          def.kind === Kind.INTERFACE_TYPE_EXTENSION
        ) {
          for (const f of def.fields ?? [])
            for (const a of f.arguments ?? []) check(a, `${def.name.value}.${f.name.value}(${a.name.value}:)`);
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
        const nodes = decls ? decls.map((d) => d.node) : this.ctx.preludeDefs.has(k) ? [this.ctx.preludeDefs.get(k)!] : [];
        const natural =
          nodes.some(
            (n) =>
              n.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
              n.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION ||
              n.kind === Kind.DIRECTIVE_DEFINITION ||
              n.kind === Kind.SCHEMA_DEFINITION ||
              n.kind === Kind.SCHEMA_EXTENSION,
          ) ||
          (!decls && nodes.length > 0);
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
      const c = n.loc && this.ctx.sourceToChunk.get(n.loc.source);
      if (c && !chunks.includes(c)) chunks.push(c);
    }
    if (chunks.length < 2) return undefined;
    chunks.sort((a, b) => b.start - a.start);
    for (const c of chunks) {
      const known = passDeps.get(c) ?? c.validated?.deps;
      if (!known) continue;
      const dependsOnAll = chunks.every(
        (other) => other === c || other.declarations.every((d) => known.has(keyOf(d)) || known.has('~' + keyOf(d))),
      );
      if (dependsOnAll) return c;
    }
    return undefined;
  }

  private chunkOfDirty(source: Source, dirty: Set<Chunk>): Chunk | undefined {
    const chunk = this.ctx.sourceToChunk.get(source);
    return chunk && dirty.has(chunk) ? chunk : undefined;
  }

  /** Type names close to `name`, from the whole document and the prelude. */
  private typeSuggestions(name: string, index: SchemaIndex, builtIns = true): string[] {
    const candidates: string[] = builtIns ? [...BUILTIN_SCALARS] : [];
    for (const [key, list] of index.declarations)
      if (list[0].kind !== 'D' && list[0].kind !== 'R' && list.some((d) => !d.extension)) candidates.push(key);
    for (const key of this.ctx.preludeDefs.keys()) if (!key.startsWith('@')) candidates.push(key);
    return suggestionList(name, candidates)
      .filter((s) => s !== name)
      .slice(0, 5);
  }

  private improveUnknownType(d: ChunkDiagnostic, name: string, index: SchemaIndex): void {
    if (!name) return;
    const suggestions = this.typeSuggestions(name, index);
    d.message =
      `Unknown type "${name}".` +
      (suggestions.length
        ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}? Or declare it.`
        : ` Declare it (for example \`type ${name} { id: ID! }\`) or use one of the known types.`);
    d.data = { kind: 'did-you-mean', name, suggestions };
  }

  /** Rules that compare all declarations by name: run every time on name-only stubs. */
  globalDiagnostics(index: SchemaIndex): SchemaDiagnostic[] {
    const definitions: DefinitionNode[] = [];
    for (const c of this.ctx.chunks) {
      for (const d of c.declarations) definitions.push(d.kind === 'R' ? d.node : nameStubOf(d));
    }
    const out: SchemaDiagnostic[] = [];
    const rules = specifiedSDLRules.filter((r) => GLOBAL_RULES.has(ruleName(r)));
    runRules({ kind: Kind.DOCUMENT, definitions }, rules as SDLRule[], (error, code) => {
      const nodes = error.nodes ?? [];
      const node = nodes[nodes.length - 1];
      const range = node && this.ctx.rangeOf(narrowNode(node));
      if (range) out.push({ ...range, severity: 'error', code, message: error.message + globalHint(code) });
    });
    if (!this.ctx.options.prelude) return out;
    // A service schema needs a Query type: the platform serves it.
    if (!index.declarations.has(index.roots.query)) {
      out.push({
        start: 0,
        end: 0,
        severity: 'error',
        code: 'missing-query',
        message: `The schema has no "${index.roots.query}" type. Add \`type ${index.roots.query} { ... }\` with at least one field: it is the service's entry point.`,
      });
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
  Object.entries({ ...graphqlExports, ...knownArgumentRules, ...requiredArgumentRules })
    .filter(([key, value]) => key.endsWith('Rule') && typeof value === 'function')
    .map(([key, value]) => [value, key]),
);

function ruleName(rule: SDLRule): string {
  return RULE_NAMES.get(rule) ?? rule.name;
}
const BUILTIN_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID'];

function globalHint(code: string): string {
  switch (code) {
    case 'duplicate-type':
      return ' Rename one of them, or use `extend type` to add fields to the existing one.';
    case 'duplicate-directive':
      return ' Rename or remove one of the declarations.';
    case 'lone-schema-definition':
      return ' Merge the schema definitions into one.';
    default:
      return '';
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
  if (
    'name' in node &&
    node.name &&
    (node.name as ASTNode).loc &&
    node.kind !== Kind.NAMED_TYPE &&
    node.kind !== Kind.DIRECTIVE &&
    node.kind !== Kind.ARGUMENT
  ) {
    if (
      node.kind === Kind.FIELD_DEFINITION ||
      node.kind === Kind.INPUT_VALUE_DEFINITION ||
      node.kind === Kind.ENUM_VALUE_DEFINITION ||
      isTypeDeclaration(node) ||
      node.kind === Kind.DIRECTIVE_DEFINITION
    ) {
      return node.name as ASTNode;
    }
  }
  return node;
}

/** Type and directive names a definition refers to, keyed as in the index. */
function refsOf(def: DefinitionNode): string[] {
  const refs = new Set<string>();
  visit(def, {
    NamedType: (n) => {
      refs.add(n.name.value);
    },
    Directive: (n) => {
      refs.add('@' + n.name.value);
    },
  });
  return [...refs];
}

/** Names a stub keeps: implemented interfaces and union members. */
function shapeRefs(def: DefinitionNode): string[] {
  const out: string[] = [];
  if ('interfaces' in def && def.interfaces) for (const i of def.interfaces) out.push(i.name.value);
  if (def.kind === Kind.UNION_TYPE_DEFINITION || def.kind === Kind.UNION_TYPE_EXTENSION)
    for (const t of def.types ?? []) out.push(t.name.value);
  return out;
}

type Level = 'kind' | 'shape' | 'full';

/** What validating one chunk needs in its document, and at which level. */
function chunkRequirements(
  c: Chunk,
  index: SchemaIndex,
  requirements: (key: string, level: Level) => Map<string, Level>,
): Map<string, Level> {
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
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
      stub = {
        kind: node.kind,
        name: node.name,
        interfaces: node.interfaces,
        fields: [{ kind: Kind.FIELD_DEFINITION, name: DUMMY_NAME, type: DUMMY_TYPE }],
      } as DefinitionNode;
      break;
    case Kind.UNION_TYPE_DEFINITION:
    case Kind.UNION_TYPE_EXTENSION:
      stub = { kind: node.kind, name: node.name, types: node.types } as DefinitionNode;
      break;
    case Kind.ENUM_TYPE_DEFINITION:
    case Kind.ENUM_TYPE_EXTENSION:
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
