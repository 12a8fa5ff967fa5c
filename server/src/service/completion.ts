// Completion in schema documents: definition keywords, type names where a type goes (output
// types for fields, input types for arguments and input fields, interfaces after `implements`,
// object types in unions), directives valid at the cursor's location with their arguments, and
// enum values or literals for arguments.
import { DirectiveDefinitionNode, EnumTypeDefinitionNode, InputValueDefinitionNode, Kind, parse, print, StringValueNode } from 'graphql';
import { CompletionItem, CompletionItemKind, InsertTextFormat, MarkupKind, Position } from 'vscode-languageserver';
import type { DeclKind } from '../../../core/src/schema/analysis';
import { unwrap } from '../../../core/src/model/model';
import { SchemaDocument } from './document';

const BUILTIN_SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID'];
const BUILTIN_DIRECTIVES: Record<string, { locations: string[]; args?: string }> = {
  deprecated: { locations: ['FIELD_DEFINITION', 'ARGUMENT_DEFINITION', 'INPUT_FIELD_DEFINITION', 'ENUM_VALUE'], args: '(reason: "$1")' },
  specifiedBy: { locations: ['SCALAR'], args: '(url: "$1")' },
};
/** The built-in directives' arguments, as graphql-js defines them (a document never declares them). */
let builtinDefinitions: DirectiveDefinitionNode[] | undefined;
function builtinDirectiveDefinitions(): DirectiveDefinitionNode[] {
  builtinDefinitions ??= parse(`
directive @deprecated(
  "Why it is no longer supported and what to use instead, in Markdown."
  reason: String = "No longer supported"
) on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
directive @specifiedBy("The URL of the scalar's specification." url: String!) on SCALAR
`).definitions as DirectiveDefinitionNode[];
  return builtinDefinitions;
}

const DIRECTIVE_LOCATIONS = [
  'QUERY',
  'MUTATION',
  'SUBSCRIPTION',
  'FIELD',
  'FRAGMENT_DEFINITION',
  'FRAGMENT_SPREAD',
  'INLINE_FRAGMENT',
  'VARIABLE_DEFINITION',
  'SCHEMA',
  'SCALAR',
  'OBJECT',
  'FIELD_DEFINITION',
  'ARGUMENT_DEFINITION',
  'INTERFACE',
  'UNION',
  'ENUM',
  'ENUM_VALUE',
  'INPUT_OBJECT',
  'INPUT_FIELD_DEFINITION',
];
const KEYWORD_SNIPPETS: [string, string, string][] = [
  ['type', 'type ${1:Name} {\n  id: ID!\n  $0\n}', 'An object type; stored as a table in a service unless @transient.'],
  ['interface', 'interface ${1:Name} {\n  $0\n}', 'An interface type.'],
  ['input', 'input ${1:Name} {\n  $0\n}', 'An input object type, for arguments.'],
  ['enum', 'enum ${1:Name} {\n  $0\n}', 'An enum type; stored as a PostgreSQL enum.'],
  ['union', 'union ${1:Name} = $0', 'A union of object types.'],
  ['scalar', 'scalar ${1:Name}', 'A custom scalar.'],
  ['directive', 'directive @${1:name} on ${2:FIELD_DEFINITION}', 'A directive definition.'],
  ['extend', 'extend type ${1:Name} {\n  $0\n}', 'Adds fields to an existing type.'],
  ['schema', 'schema {\n  query: ${1:Query}\n}', 'The schema definition: root operation types.'],
];

type Context =
  | { kind: 'keyword' }
  | { kind: 'type'; want: 'output' | 'input' | 'interface' | 'object' | 'any' }
  | { kind: 'directive'; location: string }
  | { kind: 'directiveArgument'; directive: string; used: string[] }
  | { kind: 'argumentValue'; directive: string; argument: string }
  | { kind: 'directiveLocation' }
  | { kind: 'none' };

interface Frame {
  open: string;
  owner: string;
  header: string[];
}

/** Decides what belongs at the cursor from the tokens of its definition before the cursor. */
export function completionContext(text: string, chunkStart: number, offset: number): Context {
  const tokens = tokenize(text.slice(chunkStart, offset));
  // The word being typed is not context.
  const typing = /[_A-Za-z0-9]$/.test(text.slice(Math.max(chunkStart, offset - 1), offset));
  if (typing) tokens.pop();
  const atDirective = tokens[tokens.length - 1] === '@';
  const stack: Frame[] = [];
  let header: string[] = [];
  for (const t of tokens) {
    if (t === '{' || t === '(') {
      stack.push({ open: t, owner: header[header.length - 1] ?? '', header });
      header = [];
      continue;
    }
    if (t === '}' || t === ')') {
      const f = stack.pop();
      header = f ? f.header : [];
      if (t === '}' && !stack.length) header = [];
      continue;
    }
    header.push(t);
  }
  const top = stack[stack.length - 1];
  const outer = stack[0];
  const definitionKeyword =
    (outer ? outer.header : header).find((t) => /^(type|interface|input|enum|union|scalar|directive|schema)$/.test(t)) ?? '';
  const last = header[header.length - 1];

  if (atDirective) {
    if (!stack.length) return { kind: 'directive', location: locationOfKeyword(definitionKeyword) };
    if (top.open === '(') return { kind: 'directive', location: 'ARGUMENT_DEFINITION' };
    if (definitionKeyword === 'enum') return { kind: 'directive', location: 'ENUM_VALUE' };
    if (definitionKeyword === 'input') return { kind: 'directive', location: 'INPUT_FIELD_DEFINITION' };
    return { kind: 'directive', location: 'FIELD_DEFINITION' };
  }
  // Inside a directive's arguments: `@name(` ... the `(` frame's header ends with `@`, name.
  if (top?.open === '(' && top.header[top.header.length - 2] === '@') {
    const directive = top.owner;
    if (last === ':') return { kind: 'argumentValue', directive, argument: header[header.length - 2] };
    const used = header.filter((_, i) => header[i + 1] === ':');
    return { kind: 'directiveArgument', directive, used };
  }
  if (!stack.length) {
    if (!header.length) return { kind: 'keyword' };
    if (definitionKeyword === 'directive' && (last === 'on' || last === '|')) return { kind: 'directiveLocation' };
    if (definitionKeyword === 'union' && (last === '=' || last === '|')) return { kind: 'type', want: 'object' };
    if ((definitionKeyword === 'type' || definitionKeyword === 'interface') && (last === 'implements' || last === '&'))
      return { kind: 'type', want: 'interface' };
    if (header.length >= 2 && !typing) return { kind: 'none' };
    return header.length === 1 && typing ? { kind: 'keyword' } : { kind: 'none' };
  }
  if (last === ':' || last === '[') {
    if (top.open === '(') return { kind: 'type', want: 'input' };
    if (definitionKeyword === 'input') return { kind: 'type', want: 'input' };
    if (definitionKeyword === 'schema') return { kind: 'type', want: 'object' };
    return { kind: 'type', want: 'output' };
  }
  return { kind: 'none' };
}

function locationOfKeyword(keyword: string): string {
  switch (keyword) {
    case 'type':
      return 'OBJECT';
    case 'interface':
      return 'INTERFACE';
    case 'input':
      return 'INPUT_OBJECT';
    case 'enum':
      return 'ENUM';
    case 'union':
      return 'UNION';
    case 'scalar':
      return 'SCALAR';
    case 'schema':
      return 'SCHEMA';
    default:
      return '';
  }
}

/** A small lexer: names, punctuation, with strings and comments skipped. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"""[\s\S]*?(?:"""|$)|"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[_A-Za-z][_0-9A-Za-z]*|-?\d[\d.eE+-]*|\.\.\.|[!$&():=@[\]{|}]/g;
  let m: RegExpExecArray | null;
  let parens = 0;
  while ((m = re.exec(text))) {
    const t = m[0];
    if (t[0] === '#') continue;
    // A string inside parentheses is a value (it ends an argument); elsewhere it is a description.
    if (t[0] === '"') {
      if (parens > 0) out.push('"');
      continue;
    }
    if (t === '(') parens++;
    else if (t === ')') parens = Math.max(0, parens - 1);
    out.push(t);
  }
  return out;
}

export function completion(doc: SchemaDocument, position: Position): CompletionItem[] {
  const offset = doc.document.offsetAt(position);
  const text = doc.analysis.documentText;
  const chunk = doc.analysis.chunkAt(Math.max(0, offset - 1));
  const ctx = completionContext(text, chunk?.start ?? 0, offset);
  switch (ctx.kind) {
    case 'keyword':
      return KEYWORD_SNIPPETS.map(([label, snippet, detail]) => ({
        label,
        kind: CompletionItemKind.Keyword,
        detail,
        insertText: snippet,
        insertTextFormat: InsertTextFormat.Snippet,
      }));
    case 'type':
      return typeItems(doc, ctx.want);
    case 'directive':
      return directiveItems(doc, ctx.location);
    case 'directiveArgument':
      return directiveArgumentItems(doc, ctx.directive, ctx.used);
    case 'argumentValue':
      return argumentValueItems(doc, ctx.directive, ctx.argument);
    case 'directiveLocation':
      return DIRECTIVE_LOCATIONS.map((l) => ({ label: l, kind: CompletionItemKind.EnumMember }));
    case 'none':
      return [];
  }
}

const WANTS: Record<string, DeclKind[]> = {
  output: ['O', 'I', 'U', 'E', 'S'],
  input: ['N', 'E', 'S'],
  interface: ['I'],
  object: ['O'],
  any: ['O', 'I', 'U', 'E', 'S', 'N'],
};

function typeItems(doc: SchemaDocument, want: keyof typeof WANTS): CompletionItem[] {
  const kinds = new Set(WANTS[want]);
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  const index = doc.analysis.index();
  for (const [name, decls] of index.declarations) {
    const d = decls.find((x) => !x.extension) ?? decls[0];
    if (!kinds.has(d.kind) || d.kind === 'D' || d.kind === 'R') continue;
    if (want !== 'object' && (name === index.roots.query || name === index.roots.mutation || name === index.roots.subscription)) continue;
    seen.add(name);
    const description = (d.node as { description?: StringValueNode }).description?.value;
    items.push({
      label: name,
      kind: itemKind(d.kind),
      detail: kindName(d.kind),
      documentation: description && { kind: MarkupKind.Markdown, value: description },
    });
  }
  if (kinds.has('S')) {
    for (const s of BUILTIN_SCALARS)
      if (!seen.has(s)) items.push({ label: s, kind: CompletionItemKind.TypeParameter, detail: 'built-in scalar', sortText: '0' + s });
  }
  // Prelude scalars and enums of the platform.
  for (const def of preludeTypes(doc)) {
    const letter: DeclKind = def.kind === Kind.ENUM_TYPE_DEFINITION ? 'E' : 'S';
    const name = def.name.value;
    if (!kinds.has(letter) || seen.has(name)) continue;
    items.push({
      label: name,
      kind: itemKind(letter),
      detail: 'code.store ' + kindName(letter),
      documentation: def.description && { kind: MarkupKind.Markdown, value: def.description.value },
    });
  }
  return items;
}

function preludeTypes(
  doc: SchemaDocument,
): (EnumTypeDefinitionNode | { kind: Kind.SCALAR_TYPE_DEFINITION; name: { value: string }; description?: StringValueNode })[] {
  const out: ReturnType<typeof preludeTypes> = [];
  for (const def of doc.analysis.documentWithPrelude().definitions) {
    if (
      (def.kind === Kind.SCALAR_TYPE_DEFINITION || def.kind === Kind.ENUM_TYPE_DEFINITION) &&
      !doc.analysis.chunkOfSource(def.loc!.source)
    )
      out.push(def as never);
  }
  return out;
}

function directiveDefinitions(doc: SchemaDocument): DirectiveDefinitionNode[] {
  return doc.analysis.documentWithPrelude().definitions.filter((d): d is DirectiveDefinitionNode => d.kind === Kind.DIRECTIVE_DEFINITION);
}

function directiveItems(doc: SchemaDocument, location: string): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const def of directiveDefinitions(doc)) {
    if (location && !def.locations.some((l) => l.value === location)) continue;
    const required = (def.arguments ?? []).filter((a) => a.type.kind === Kind.NON_NULL_TYPE && !a.defaultValue);
    const snippet = required.length
      ? `${def.name.value}(${required.map((a, i) => `${a.name.value}: ${valueSnippet(a, i + 1)}`).join(', ')})`
      : def.name.value;
    items.push({
      label: def.name.value,
      kind: CompletionItemKind.Function,
      detail: print({ ...def, description: undefined } as DirectiveDefinitionNode),
      documentation: def.description && { kind: MarkupKind.Markdown, value: def.description.value },
      insertText: snippet,
      insertTextFormat: InsertTextFormat.Snippet,
    });
  }
  for (const [name, b] of Object.entries(BUILTIN_DIRECTIVES)) {
    if (location && !b.locations.includes(location)) continue;
    items.push({
      label: name,
      kind: CompletionItemKind.Function,
      detail: 'built-in directive',
      insertText: name + (b.args ?? ''),
      insertTextFormat: InsertTextFormat.Snippet,
    });
  }
  return items;
}

function valueSnippet(arg: InputValueDefinitionNode, n: number): string {
  const t = unwrap(arg.type).name;
  return t === 'String' || t === 'ID' ? `"\${${n}}"` : `\${${n}}`;
}

/** A directive's definition: the document's (with the prelude), else a built-in's. */
function directiveDefinition(doc: SchemaDocument, name: string): DirectiveDefinitionNode | undefined {
  return [...directiveDefinitions(doc), ...builtinDirectiveDefinitions()].find((d) => d.name.value === name);
}

function directiveArgumentItems(doc: SchemaDocument, name: string, used: string[]): CompletionItem[] {
  const def = directiveDefinition(doc, name);
  return (def?.arguments ?? [])
    .filter((a) => !used.includes(a.name.value))
    .map((a, i) => ({
      label: a.name.value,
      kind: CompletionItemKind.Property,
      detail: print(a.type),
      documentation: a.description && { kind: MarkupKind.Markdown, value: a.description.value },
      insertText: `${a.name.value}: ${valueSnippet(a, 1)}`,
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: String(i).padStart(3, '0'),
    }));
}

function argumentValueItems(doc: SchemaDocument, directive: string, argument: string): CompletionItem[] {
  const def = directiveDefinition(doc, directive);
  const arg = def?.arguments?.find((a) => a.name.value === argument);
  if (!arg) return [];
  const typeName = unwrap(arg.type).name;
  if (typeName === 'Boolean') return ['true', 'false'].map((label) => ({ label, kind: CompletionItemKind.Value }));
  const enumDef = doc.analysis
    .documentWithPrelude()
    .definitions.find((d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === typeName);
  return (enumDef?.values ?? []).map((v) => ({
    label: v.name.value,
    kind: CompletionItemKind.EnumMember,
    documentation: v.description?.value,
  }));
}

function itemKind(k: DeclKind): CompletionItemKind {
  switch (k) {
    case 'O':
      return CompletionItemKind.Class;
    case 'I':
      return CompletionItemKind.Interface;
    case 'E':
      return CompletionItemKind.Enum;
    case 'N':
      return CompletionItemKind.Struct;
    case 'U':
      return CompletionItemKind.Enum;
    default:
      return CompletionItemKind.TypeParameter;
  }
}

function kindName(k: DeclKind): string {
  return { O: 'type', I: 'interface', U: 'union', E: 'enum', S: 'scalar', N: 'input', D: 'directive', R: 'schema' }[k];
}
