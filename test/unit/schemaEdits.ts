// Edits and oracles for the incremental-analysis tests: generated schemas, random edits, a fresh
// analysis and graphql-js's own validation to compare against.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildASTSchema, DefinitionNode, DocumentNode, GraphQLError, Kind, NameNode, parse, Source, validateSchema, visit } from 'graphql';
import { validateSDL } from 'graphql/validation/validate';
import { chunkStarts } from '../../core/src/schema/chunker';
import { AnalysisOptions, EditHint, SchemaAnalysis } from '../../core/src/schema/analysis';
import type { SchemaDiagnostic } from '../../core/src/schema/diagnostics';
import { preludeDefinitions } from '../../core/src/schema/prelude';
import { diagnosticKeys, githubSchemaText } from './support';

// ---------------------------------------------------------------------------------------------
// Oracles

export function fromScratch(text: string, options: AnalysisOptions): SchemaDiagnostic[] {
  const fresh = new SchemaAnalysis(options);
  fresh.update(text);
  return fresh.diagnostics();
}

/** Asserts the incremental analysis agrees with a fresh one, chunk starts included. */
export function assertSameAsFresh(analysis: SchemaAnalysis, text: string, context: () => string): void {
  const starts = analysis.allChunks().map((c) => c.start);
  assert.deepEqual(starts, chunkStarts(text), `chunk starts after edits equal a fresh scan\n${context()}`);
  for (const c of analysis.allChunks()) assert.equal(c.text, text.slice(c.start, c.start + c.text.length));
  const fresh = new SchemaAnalysis(analysis.options);
  fresh.update(text);
  const incremental = diagnosticKeys(analysis.diagnostics());
  // Known limit: when one name is declared twice with different kinds (`type A` and `interface A`,
  // already a duplicate-type error), which declaration the follow-on errors see depends on what a
  // pass validates together. Then only the duplicate-type errors themselves must agree.
  if (hasConflictingKinds(fresh)) {
    const duplicates = (keys: string[]) => keys.filter((k) => / duplicate-type: /.test(k));
    assert.deepEqual(duplicates(incremental), duplicates(diagnosticKeys(fresh.diagnostics())), context());
    return;
  }
  assert.deepEqual(incremental, diagnosticKeys(fresh.diagnostics()), context());
}

function hasConflictingKinds(analysis: SchemaAnalysis): boolean {
  for (const decls of analysis.index().declarations.values()) {
    const kinds = new Set(decls.filter((d) => !d.extension).map((d) => d.kind));
    if (kinds.size > 1) return true;
  }
  return false;
}

const BUILTIN_SCALARS = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);

function definitionKey(def: DefinitionNode): string | undefined {
  if (!('name' in def) || !def.name) return undefined;
  return def.kind === Kind.DIRECTIVE_DEFINITION ? '@' + def.name.value : def.name.value;
}

/**
 * What graphql-js itself says about a syntactically valid document: validateSDL, then
 * validateSchema on the schema built from it (with the product's prelude added when it is on).
 * Like the product, unknown type names become scalars so the schema builds, and errors that point
 * at nothing in the document are dropped ("Query root type must be provided." among them: the
 * product reports a missing Query only for service schemas, with its own message). When
 * graphql-js cannot build the schema at all, `unbuildable` says why. `raw` has the messages as
 * graphql-js words them, `messages` as compared with the product's (see normalizeMessage).
 */
export function graphqlJsVerdict(text: string, prelude: boolean): { messages: string[]; raw: string[]; unbuildable?: string } {
  const source = new Source(text);
  const user = parse(source);
  const declared = new Set(user.definitions.map(definitionKey).filter((k): k is string => !!k));
  const extra = prelude ? preludeDefinitions().filter((d) => !declared.has(definitionKey(d)!)) : [];
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [...user.definitions, ...extra] };
  const errors: GraphQLError[] = [...validateSDL(document)];
  const defined = new Set(document.definitions.map(definitionKey));
  const unknown = new Set<string>();
  visit(document, {
    NamedType: (n) => {
      if (!defined.has(n.name.value) && !BUILTIN_SCALARS.has(n.name.value)) unknown.add(n.name.value);
    },
  });
  const stubs = [...unknown].map(
    (value) => ({ kind: Kind.SCALAR_TYPE_DEFINITION, name: { kind: Kind.NAME, value } as NameNode }) as DefinitionNode,
  );
  let unbuildable: string | undefined;
  try {
    // The product's position: an error that follows from an unknown type (standing in as a
    // scalar here) adds nothing to "Unknown type", so it is not reported.
    const followsFromUnknown = (e: GraphQLError) => (e.nodes ?? []).some((n) => n.kind === Kind.NAMED_TYPE && unknown.has(n.name.value));
    errors.push(
      ...validateSchema(
        buildASTSchema({ kind: Kind.DOCUMENT, definitions: [...document.definitions, ...stubs] }, { assumeValidSDL: true }),
      ).filter((e) => !followsFromUnknown(e)),
    );
  } catch (e) {
    unbuildable = (e as Error).message;
  }
  const raw = errors
    .filter((e) => (e.nodes ?? []).some((n) => n.loc?.source === source))
    .map((e) => e.message)
    .sort();
  return { messages: raw.map(normalizeMessage).sort(), raw, unbuildable };
}

/**
 * Asserts the product's diagnostics of a syntactically valid `text` say what graphql-js says. A
 * schema graphql-js cannot build is judged by its SDL errors when it has some (the product's
 * position: they say what is wrong); when it has none, the product must still report an error.
 */
export function assertAgreesWithGraphqlJs(diagnostics: readonly SchemaDiagnostic[], text: string, prelude: boolean): void {
  const verdict = graphqlJsVerdict(text, prelude);
  const product = productMessages(diagnostics);
  if (verdict.unbuildable !== undefined && verdict.messages.length === 0) {
    assert.ok(product.length > 0, `graphql-js cannot build this schema (${verdict.unbuildable}) but the product reports nothing:\n${text}`);
    return;
  }
  if (verdict.unbuildable !== undefined) {
    // graphql-js stops at the build, so its verdict is only the SDL errors: the product must
    // report each of them (and may go on, definition by definition, to schema errors).
    const missing = verdict.messages.filter((m) => !product.includes(m));
    assert.deepEqual(
      missing,
      [],
      `graphql-js cannot build this schema (${verdict.unbuildable}); the product misses some of its SDL errors:\n${text}`,
    );
    return;
  }
  assert.deepEqual(product, verdict.messages, `graphql-js agrees on:\n${text}`);
}

/**
 * The product's messages in graphql-js's words: unknown types get their own suggestions, and
 * name clashes a fix hint.
 */
export function normalizeMessage(message: string): string {
  const unknownType = /^Unknown type "[^"]*"\./.exec(message);
  if (unknownType) return unknownType[0];
  // Its suggestions depend on which names a validation pass saw: a test of its own covers them.
  const unknownExtension = /^Cannot extend type "[^"]*" because it is not defined\./.exec(message);
  if (unknownExtension) return unknownExtension[0];
  return message
    .replace(/ Rename one of them, or use `extend type` to add fields to the existing one\.$/, '')
    .replace(/ Rename or remove one of the declarations\.$/, '')
    .replace(/ Merge the schema definitions into one\.$/, '');
}

export function productMessages(diagnostics: readonly SchemaDiagnostic[]): string[] {
  return diagnostics
    .filter((d) => d.code !== 'missing-query')
    .map((d) => normalizeMessage(d.message))
    .sort();
}

export function parses(text: string): boolean {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas to edit

/** Whole chunks of the GitHub schema, `count` definitions from the one starting at `line`. */
export function githubSlice(line: number, count: number): string {
  const text = githubSchemaText();
  const starts = chunkStarts(text);
  const lineStart =
    text
      .split('\n')
      .slice(0, line - 1)
      .join('\n').length + 1;
  const k = starts.findIndex((s) => s >= lineStart);
  return text.slice(starts[k], starts[k + count]);
}

const TYPE_NAMES = ['A', 'B', 'C', 'Node', 'Named', 'Query', 'Mutation', 'U', 'In', 'Filter', 'Color', 'Url'];
const OUTPUT_REFS = [
  'A',
  'B',
  'C',
  'Node',
  'Named',
  'U',
  'Color',
  'Url',
  'String',
  'Int',
  'ID',
  'Boolean',
  'Strin',
  'DateTime',
  'JSON',
  'In',
];
const INPUT_REFS = ['In', 'Filter', 'Color', 'Url', 'String', 'Int', 'Float', 'A', 'Decimal'];
const INTERFACES = ['Node', 'Named', 'A', 'Color'];
const DIRECTIVES = [
  '@tag',
  '@key(fields: "id")',
  '@deprecated',
  '@deprecated(reason: "old")',
  '@unique',
  '@auth',
  '@length(max: 10)',
  '@relation(inverse: "a")',
  '@relation(onDelete: CASCADE)',
  '@transient',
  '@nope',
];

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const typeRef = (names: readonly string[]) =>
  fc
    .tuple(pick(names), fc.boolean(), fc.boolean(), fc.boolean())
    .map(([n, list, inner, outer]) => (list ? `[${n}${inner ? '!' : ''}]` : n) + (outer ? '!' : ''));
const maybe = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: '' });
const directives = fc.array(pick(DIRECTIVES), { maxLength: 2 }).map((ds) => ds.map((d) => ' ' + d).join(''));
const description = fc.constantFrom('', '"Doc." ', '"""\nBlock doc.\n"""\n', '# comment\n');
const fieldName = pick(['id', 'a', 'b', 'name', 'items', 'owner', 'type']);
const field = fc
  .tuple(
    description,
    fieldName,
    maybe(fc.tuple(fieldName, typeRef(INPUT_REFS)).map(([n, t]) => `(${n}: ${t})`)),
    typeRef(OUTPUT_REFS),
    directives,
  )
  .map(([d, n, args, t, ds]) => `  ${d.replace(/\n(?!$)/g, '\n  ')}${n}${args}: ${t}${ds}\n`);
const inputField = fc
  .tuple(fieldName, typeRef(INPUT_REFS), maybe(pick([' = 1', ' = "x"', ' = RED'])))
  .map(([n, t, dv]) => `  ${n}: ${t}${dv}\n`);
const fields = fc.array(field, { minLength: 0, maxLength: 4 }).map((fs) => fs.join(''));
const implementsClause = fc.array(pick(INTERFACES), { maxLength: 2 }).map((is) => (is.length ? ` implements ${is.join(' & ')}` : ''));

export const generatedDefinition = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(description, pick(TYPE_NAMES), implementsClause, directives, fields)
      .map(([d, n, i, ds, fs]) => `${d}type ${n}${i}${ds} {\n${fs}}\n`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(description, pick(INTERFACES), implementsClause, fields)
      .map(([d, n, i, fs]) => `${d}interface ${n}${i} {\n${fs}}\n`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(pick(['U', 'B', 'Node']), fc.array(pick(['A', 'B', 'C', 'Node', 'In', 'Query']), { minLength: 1, maxLength: 3 }))
      .map(([n, ms]) => `union ${n} = ${ms.join(' | ')}\n`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(pick(['In', 'Filter', 'A']), fc.array(inputField, { maxLength: 3 }))
      .map(([n, fs]) => `input ${n} {\n${fs.join('')}}\n`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(pick(['Color', 'B']), fc.array(pick(['RED', 'GREEN', 'RED', 'true']), { maxLength: 3 }))
      .map(([n, vs]) => `enum ${n} {\n${vs.map((v) => `  ${v}\n`).join('')}}\n`),
  },
  { weight: 1, arbitrary: fc.tuple(pick(['Url', 'DateTime', 'C']), directives).map(([n, ds]) => `scalar ${n}${ds}\n`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        pick(['tag', 'key', 'unique', 'deprecated']),
        maybe(pick(['(fields: String!)', '(fields: In)', '(reason: String = "x")'])),
        fc.boolean(),
        fc.array(pick(['OBJECT', 'FIELD_DEFINITION', 'INTERFACE', 'SCALAR', 'ENUM_VALUE']), { minLength: 1, maxLength: 2 }),
      )
      .map(([n, args, rep, locs]) => `directive @${n}${args}${rep ? ' repeatable' : ''} on ${locs.join(' | ')}\n`),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(pick(['type', 'interface', 'input']), pick(TYPE_NAMES), implementsClause, fields)
      .map(([k, n, i, fs]) => `extend ${k} ${n}${k === 'input' ? '' : i} {\n${fs}}\n`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(pick(['union U = C', 'enum Color { BLUE }', 'scalar Url @tag', 'schema @tag'])).map(([s]) => `extend ${s}\n`),
  },
  {
    weight: 1,
    arbitrary: pick(['schema { query: Query }\n', 'schema { query: A mutation: Mutation }\n', 'schema { query: Query query: B }\n']),
  },
);
export const generatedSchema = fc.array(generatedDefinition, { minLength: 1, maxLength: 9 }).map((defs) => defs.join('\n'));

// Fragments that edits insert: tokens, broken pieces and whole definitions.
const FRAGMENTS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '!',
  ':',
  '=',
  '|',
  '&',
  '@',
  '"',
  '"""',
  '#',
  '\n',
  ' ',
  '\n\n',
  'type ',
  'interface ',
  'input ',
  'union ',
  'enum ',
  'scalar ',
  'extend ',
  'implements ',
  'directive ',
  'schema ',
  'repeatable ',
  'on ',
  'A',
  'B',
  'C',
  'Node',
  'Named',
  'Query',
  'In',
  'U',
  'Color',
  'String',
  'Int',
  'ID',
  'Strin',
  'JSON',
  'x',
  ': String',
  ': [A!]!',
  '(arg: In)',
  ' @tag',
  ' @deprecated',
  ' @unique',
  ' @relation(inverse: "b")',
  'implements Node ',
  ' & Named',
  '| C',
  ' = 1',
  '"doc" ',
  '"""\nA block.\n"""\n',
  '# note\n',
  '\ntype A {\n  id: ID!\n}\n',
  '\ninterface Node {\n  id: ID!\n}\n',
  '\nunion U = A | B\n',
  '\ninput In {\n  a: In!\n}\n',
  '\ninput Filter {\n  in: In!\n}\n',
  '\nextend type A {\n  extra: Int\n}\n',
  '\nenum Color {\n  RED\n}\n',
  '\ndirective @tag(x: Int) on FIELD_DEFINITION | OBJECT\n',
  '\ntype B implements Node & Named {\n  id: ID!\n  name: String\n}\n',
  '\nschema { query: A }\n',
  '\nscalar Url\n',
  'type C {',
  '\n}\n',
];
const TOKEN_WORDS = [
  'type',
  'interface',
  'input',
  'union',
  'enum',
  'scalar',
  'extend',
  'A',
  'B',
  'C',
  'Node',
  'Named',
  'Query',
  'In',
  'Filter',
  'U',
  'Color',
  'Int',
  'String',
  'ID',
  'Strin',
  'x',
  'id',
];

export type Edit =
  | { op: 'insert'; at: number; fragment: string }
  | { op: 'delete'; at: number; length: number }
  | { op: 'replace'; at: number; length: number; fragment: string }
  | { op: 'token'; which: number; word: string }
  | { op: 'lineInsert'; which: number; fragment: string }
  | { op: 'undo'; back: number };

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fc.nat(), fragment: pick(FRAGMENTS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('replace' as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 12 }),
      fragment: pick(FRAGMENTS),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('token' as const), which: fc.nat(), word: pick(TOKEN_WORDS) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('lineInsert' as const), which: fc.nat(), fragment: generatedDefinition }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('undo' as const), back: fc.integer({ min: 1, max: 4 }) }) },
);

/** The edit's result, and what a host would say about it: the unchanged text at both ends. */
export function applyEdit(text: string, e: Edit, history: readonly string[]): { text: string; hint?: EditHint } {
  const at = (n: number) => (text.length ? n % (text.length + 1) : 0);
  const splice = (p: number, removed: number, inserted: string) => {
    const end = Math.min(text.length, p + removed);
    return { text: text.slice(0, p) + inserted + text.slice(end), hint: { prefix: p, suffix: text.length - end } };
  };
  switch (e.op) {
    case 'insert':
      return splice(at(e.at), 0, e.fragment);
    case 'delete':
      return splice(at(e.at), e.length, '');
    case 'replace':
      return splice(at(e.at), e.length, e.fragment);
    case 'token': {
      const words = [...text.matchAll(/[_A-Za-z][_0-9A-Za-z]*/g)];
      if (!words.length) return splice(text.length, 0, e.word);
      const m = words[e.which % words.length];
      return splice(m.index!, m[0].length, e.word);
    }
    case 'lineInsert': {
      const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
      return splice(lineStarts[e.which % lineStarts.length], 0, e.fragment);
    }
    case 'undo':
      return { text: history[Math.max(0, history.length - 1 - e.back)] ?? text };
  }
}

/** One step of an editing session: an edit, whether the host tells its range, whether diagnostics are asked for. */
export interface Step {
  edit: Edit;
  hinted: boolean;
  diagnose: boolean;
}

export const step: fc.Arbitrary<Step> = fc.record({
  edit,
  hinted: fc.boolean(),
  diagnose: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

export interface SessionChecks {
  /** Also compare with graphql-js whenever the text parses. */
  graphqlJs: boolean;
  /** Compare with a fresh analysis only when the whole text parses (isolates recovery from the rest). */
  onlyWhenParses: boolean;
  /** ...and declares every type and directive name once (isolates the handling of duplicates). */
  onlyUniqueNames?: boolean;
}

/** Whether the text parses and no type or directive name is defined twice (extensions aside). */
export function hasUniqueNames(text: string): boolean {
  let doc: DocumentNode;
  try {
    doc = parse(text);
  } catch {
    return false;
  }
  const seen = new Set<string>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION) {
      if (seen.has('schema')) return false;
      seen.add('schema');
      continue;
    }
    if (!('name' in def) || !def.name || /Extension$/.test(def.kind)) continue;
    const key = definitionKey(def)!;
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/**
 * Applies `steps` to `initial` on one long-lived analysis; after every step that asks for
 * diagnostics (and after the last), checks it against a fresh analysis of the same text.
 */
export function runSession(initial: string, steps: readonly Step[], options: AnalysisOptions, checks: SessionChecks): void {
  const analysis = new SchemaAnalysis(options);
  let text = initial;
  analysis.update(text);
  analysis.diagnostics();
  const history = [text];
  for (let i = 0; i < steps.length; i++) {
    const { edit: e, hinted, diagnose } = steps[i];
    const next = applyEdit(text, e, history);
    text = next.text;
    history.push(text);
    analysis.update(text, hinted ? next.hint : undefined);
    if (!diagnose && i < steps.length - 1) continue;
    const whole = parses(text);
    if (checks.onlyWhenParses && !whole) continue;
    if (checks.onlyUniqueNames && !hasUniqueNames(text)) continue;
    assertSameAsFresh(analysis, text, () => `after step ${i + 1} of ${steps.length} (${JSON.stringify(steps[i])}):\n${text}`);
    if (checks.graphqlJs && whole) {
      assertAgreesWithGraphqlJs(analysis.diagnostics(), text, options.prelude);
    }
  }
}
