// What a GraphQL request document asks for, worked out once per document and schema: each
// operation's type, name, root fields, depth and the number of fields it would resolve (the cost
// model of docs/PLATFORM.md). The gateway uses it for its log line and its cost limits, before
// anything runs; it needs no GraphQL schema object, only which fields of which types are lists.
import { createHash } from 'crypto';
import {
  DefinitionNode,
  FieldNode,
  FragmentDefinitionNode,
  Kind,
  OperationDefinitionNode,
  parse,
  SelectionSetNode,
  TypeNode,
  ValueNode,
} from 'graphql';

/** A list field without a size argument is estimated at this many items. */
export const DEFAULT_LIST_SIZE = 10;
/** The arguments that say how many items a list field returns. */
export const LIST_SIZE_ARGUMENTS = ['first', 'last', 'limit'] as const;

/** For each object or interface type, its fields that return lists, and every field's named type. */
export interface SchemaShape {
  readonly types: ReadonlyMap<string, ReadonlyMap<string, { list: boolean; type: string }>>;
  readonly query: string;
  readonly mutation: string;
  readonly subscription: string;
}

/** The shape of an SDL document (what a build's `src/schema.graphql` holds). */
export function schemaShape(sdl: string, roots: { query?: string; mutation?: string } = {}): SchemaShape {
  const types = new Map<string, Map<string, { list: boolean; type: string }>>();
  const doc = parse(sdl, { noLocation: true });
  let query = roots.query ?? 'Query';
  let mutation = roots.mutation ?? 'Mutation';
  let subscription = 'Subscription';
  for (const def of doc.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) {
      for (const op of def.operationTypes ?? []) {
        if (op.operation === 'query') query = op.type.name.value;
        else if (op.operation === 'mutation') mutation = op.type.name.value;
        else subscription = op.type.name.value;
      }
    }
    if (
      def.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      def.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      def.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      def.kind !== Kind.INTERFACE_TYPE_EXTENSION
    )
      continue;
    let fields = types.get(def.name.value);
    if (!fields) types.set(def.name.value, (fields = new Map()));
    for (const f of def.fields ?? []) fields.set(f.name.value, { list: isList(f.type), type: namedType(f.type) });
  }
  return { types, query, mutation, subscription };
}

function isList(type: TypeNode): boolean {
  return type.kind === Kind.LIST_TYPE || (type.kind === Kind.NON_NULL_TYPE && type.type.kind === Kind.LIST_TYPE);
}

function namedType(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type);
}

export type OperationType = 'query' | 'mutation' | 'subscription';

/** How many items one list field is taken to return: a number, or a variable (with a fallback). */
type ListSize = number | { variable: string; fallback: number };

/**
 * The fields one resolution of a selection set resolves: `fixed` of them whatever the sizes
 * (object fields flattened in), plus each list field's selection once per estimated item.
 */
interface CostNode {
  fixed: number;
  lists: Array<{ size: ListSize; inner: CostNode }>;
  /** Some size below depends on a variable: evaluated per request, not once. */
  dynamic: boolean;
}

export interface OperationAnalysis {
  readonly type: OperationType;
  readonly name: string | undefined;
  /** The root fields it selects (names, not aliases), each once, in document order. */
  readonly rootFields: readonly string[];
  /** Fields nested in fields: `{ a { b } }` is 2. */
  readonly depth: number;
  /** The fields it would resolve, with these variables (the cost model). */
  fieldCount(variables?: Record<string, unknown>): number;
}

export interface DocumentAnalysis {
  /** sha256 (hex) of the document text. */
  readonly hash: string;
  /** Set when the document does not parse: the service answers it (with the syntax error), nothing runs. */
  readonly syntaxError?: string;
  readonly operations: readonly OperationAnalysis[];
  /** The operation a request with this `operationName` runs, as GraphQL picks it; undefined when none would run. */
  operation(operationName?: string | null): OperationAnalysis | undefined;
}

export function documentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Analyses `text` against `schema`. Never throws: a document that does not parse says so. */
export function analyzeDocument(text: string, schema: SchemaShape, hash = documentHash(text)): DocumentAnalysis {
  let definitions: readonly DefinitionNode[];
  try {
    definitions = parse(text, { noLocation: true }).definitions;
  } catch (e) {
    return { hash, syntaxError: (e as Error).message, operations: [], operation: () => undefined };
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const walker = new Walker(schema, fragments);
  const operations = definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((op) => walker.operation(op));
  return {
    hash,
    operations,
    operation(operationName) {
      if (operationName) return operations.find((o) => o.name === operationName);
      return operations.length === 1 ? operations[0] : undefined;
    },
  };
}

/** Fragments are worked out once each (memoized), so a document that spreads them exponentially costs linear time here. */
class Walker {
  private readonly fragmentCost = new Map<string, CostNode>();
  private readonly fragmentDepth = new Map<string, number>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly schema: SchemaShape,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
  ) {}

  operation(op: OperationDefinitionNode): OperationAnalysis {
    const root =
      op.operation === 'query' ? this.schema.query : op.operation === 'mutation' ? this.schema.mutation : this.schema.subscription;
    const rootFields: string[] = [];
    this.rootFields(op.selectionSet, rootFields, new Set());
    const cost = this.cost(op.selectionSet, root, false);
    const depth = this.depth(op.selectionSet);
    const defaults = new Map<string, unknown>();
    for (const v of op.variableDefinitions ?? [])
      if (v.defaultValue?.kind === Kind.INT) defaults.set(v.variable.name.value, Number(v.defaultValue.value));
    const fixed = cost.dynamic ? undefined : evaluate(cost, {}, new Map());
    return {
      type: op.operation as OperationType,
      name: op.name?.value,
      rootFields,
      depth,
      fieldCount: (variables) => fixed ?? evaluate(cost, { ...Object.fromEntries(defaults), ...variables }, new Map()),
    };
  }

  private rootFields(set: SelectionSetNode, out: string[], seen: Set<string>): void {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if (!out.includes(s.name.value)) out.push(s.name.value);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        this.rootFields(s.selectionSet, out, seen);
      } else {
        const f = this.fragments.get(s.name.value);
        if (f && !seen.has(f.name.value)) {
          seen.add(f.name.value);
          this.rootFields(f.selectionSet, out, seen);
        }
      }
    }
  }

  private depth(set: SelectionSetNode): number {
    let max = 0;
    for (const s of set.selections) {
      let d: number;
      if (s.kind === Kind.FIELD) d = s.selectionSet ? 1 + this.depth(s.selectionSet) : 1;
      else if (s.kind === Kind.INLINE_FRAGMENT) d = this.depth(s.selectionSet);
      else d = this.fragmentDepthOf(s.name.value);
      if (d > max) max = d;
    }
    return max;
  }

  private fragmentDepthOf(name: string): number {
    const known = this.fragmentDepth.get(name);
    if (known !== undefined) return known;
    const f = this.fragments.get(name);
    // An unknown or cyclic spread is a validation error: the service refuses the document unrun.
    if (!f || this.inProgress.has(name)) return 0;
    this.inProgress.add(name);
    const d = this.depth(f.selectionSet);
    this.inProgress.delete(name);
    this.fragmentDepth.set(name, d);
    return d;
  }

  /** `introspection`: below `__schema`/`__type`, lists count as one item (bounded by the schema's own size). */
  private cost(set: SelectionSetNode, typeName: string, introspection: boolean): CostNode {
    const node: CostNode = { fixed: 0, lists: [], dynamic: false };
    const add = (child: CostNode) => {
      node.fixed += child.fixed;
      node.lists.push(...child.lists);
      node.dynamic ||= child.dynamic;
    };
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) {
        add(this.cost(s.selectionSet, s.typeCondition?.name.value ?? typeName, introspection));
        continue;
      }
      if (s.kind === Kind.FRAGMENT_SPREAD) {
        const f = this.fragmentCostOf(s.name.value, introspection);
        // A fragment's node is shared, not copied: a thousand spreads of it cost a thousand entries, not its size each.
        if (f) {
          node.lists.push({ size: 1, inner: f });
          node.dynamic ||= f.dynamic;
        }
        continue;
      }
      node.fixed += 1;
      if (!s.selectionSet) continue;
      const name = s.name.value;
      const inIntrospection = introspection || name === '__schema' || name === '__type';
      const field = this.schema.types.get(typeName)?.get(name);
      const inner = this.cost(s.selectionSet, field?.type ?? '', inIntrospection);
      if (field?.list && !inIntrospection) {
        const size = listSize(s);
        node.lists.push({ size, inner });
        node.dynamic ||= inner.dynamic || typeof size !== 'number';
      } else {
        add(inner);
      }
    }
    return node;
  }

  private fragmentCostOf(name: string, introspection: boolean): CostNode | undefined {
    const key = introspection ? `__${name}` : name;
    const known = this.fragmentCost.get(key);
    if (known) return known;
    const f = this.fragments.get(name);
    if (!f || this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    const node = this.cost(f.selectionSet, f.typeCondition.name.value, introspection);
    this.inProgress.delete(key);
    this.fragmentCost.set(key, node);
    return node;
  }
}

function listSize(field: FieldNode): ListSize {
  for (const name of LIST_SIZE_ARGUMENTS) {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (arg) return sizeOf(arg.value);
  }
  return DEFAULT_LIST_SIZE;
}

function sizeOf(value: ValueNode): ListSize {
  if (value.kind === Kind.INT) return Math.max(0, Number(value.value));
  if (value.kind === Kind.VARIABLE) return { variable: value.name.value, fallback: DEFAULT_LIST_SIZE };
  return DEFAULT_LIST_SIZE;
}

/** Memoized by node: shared fragment nodes are counted, not walked, again. */
function evaluate(node: CostNode, variables: Record<string, unknown>, memo: Map<CostNode, number>): number {
  const known = memo.get(node);
  if (known !== undefined) return known;
  let total = node.fixed;
  for (const { size, inner } of node.lists) {
    let n: number;
    if (typeof size === 'number') {
      n = size;
    } else {
      const v = variables[size.variable];
      n = typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.floor(v)) : size.fallback;
    }
    total += n === 0 ? 0 : n * evaluate(inner, variables, memo);
  }
  memo.set(node, total);
  return total;
}

/** The analyses of the documents seen last, by schema and document hash: most clients send a few documents over and over. */
export class DocumentCache {
  private readonly entries = new Map<string, DocumentAnalysis>();

  constructor(readonly capacity = 1000) {}

  /** The analysis of `text` under `schema` (whose identity `schemaKey` names), from the cache when it is there. */
  analysis(schemaKey: string, schema: SchemaShape, text: string): DocumentAnalysis {
    const hash = documentHash(text);
    const key = `${schemaKey}:${hash}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Map keeps insertion order: re-inserting makes it the newest, so the oldest is first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const analysis = analyzeDocument(text, schema, hash);
    this.entries.set(key, analysis);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return analysis;
  }

  get size(): number {
    return this.entries.size;
  }
}
