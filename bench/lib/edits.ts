// The scripted edits replayed against both servers: the same list of text changes, computed
// once per schema, spread over the whole file. Every edit keeps the document syntactically
// valid; the misspelled type is the only one meant to produce a diagnostic.
import { DocumentNode, FieldDefinitionNode, Kind, parse, TypeNode } from 'graphql';
import type { Position, Range } from './lsp-client';
import { seededRandom } from './generate-service-schema';

export const EDIT_KINDS = ['type-char', 'add-field', 'misspell-type', 'fix-type', 'insert-type'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

export const EDIT_KIND_LABELS: Record<EditKind, string> = {
  'type-char': 'type a character into a field name',
  'add-field': 'add a field line',
  'misspell-type': 'change a field type to a misspelled one',
  'fix-type': 'change the misspelled type back',
  'insert-type': 'insert a new type',
};

export interface Edit {
  kind: EditKind;
  /** Offsets in the text before the edit. */
  start: number;
  end: number;
  /** The same as an LSP range in the text before the edit. */
  range: Range;
  text: string;
  /** Line of the edit, for the report. */
  line: number;
  /** Whether the document holds an error after this edit (the misspelled type). */
  expectError: boolean;
}

export interface EditScriptOptions {
  count: number;
  seed: number;
  /** Object types whose fields are not edited (roots of a service: renaming them needs resolvers). */
  skipTypes?: ReadonlySet<string>;
}

/** Builds the edit script and the text after it. */
export function makeEditScript(initial: string, options: EditScriptOptions): { edits: Edit[]; finalText: string } {
  const rand = seededRandom(options.seed);
  const edits: Edit[] = [];
  let text = initial;
  let pendingFix: { start: number; end: number; original: string } | undefined;
  for (let i = 0; i < options.count; i++) {
    const kind: EditKind = pendingFix
      ? 'fix-type'
      : EDIT_KINDS[i % EDIT_KINDS.length] === 'fix-type'
        ? 'insert-type'
        : EDIT_KINDS[i % EDIT_KINDS.length];
    const doc = parse(text);
    // Spread the edits over the file: a low-discrepancy sequence, jittered.
    const target = Math.floor((((i + 1) * 0.618033988749895 + rand() * 0.05) % 1) * text.length);
    let edit: Omit<Edit, 'range' | 'line'>;
    if (kind === 'fix-type') {
      const fix = pendingFix!;
      edit = { kind, start: fix.start, end: fix.end, text: fix.original, expectError: false };
      pendingFix = undefined;
    } else if (kind === 'insert-type') {
      const def = definitionAt(doc, target);
      const n = edits.length + 1;
      edit = { kind, start: def, end: def, text: `type BenchType${n} {\n  id: ID!\n  label: String\n}\n\n`, expectError: false };
    } else {
      const { field, owner } = fieldAt(doc, target, options.skipTypes);
      if (kind === 'type-char') {
        const siblings = new Set(owner.fields?.map((f) => f.name.value));
        const ch = ['s', 'x', 'q', 'z'].find((c) => !siblings.has(field.name.value + c)) ?? 'w';
        edit = { kind, start: field.name.loc!.end, end: field.name.loc!.end, text: ch, expectError: false };
      } else if (kind === 'add-field') {
        const indent = indentationAt(text, field.loc!.start);
        edit = {
          kind,
          start: field.loc!.end,
          end: field.loc!.end,
          text: `\n${indent}benchField${edits.length + 1}: String`,
          expectError: false,
        };
      } else {
        const named = namedType(field.type);
        const original = named.name.value;
        const misspelled = misspell(original, typeNames(doc));
        edit = { kind, start: named.name.loc!.start, end: named.name.loc!.end, text: misspelled, expectError: true };
        pendingFix = { start: named.name.loc!.start, end: named.name.loc!.start + misspelled.length, original };
      }
    }
    const range = { start: positionAt(text, edit.start), end: positionAt(text, edit.end) };
    edits.push({ ...edit, range, line: range.start.line + 1 });
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  }
  return { edits, finalText: text };
}

export function applyEdit(text: string, edit: Edit): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

/** Positions right after `field: ` (the start of the field's type) spread over the text, for completion. */
export function completionPositions(text: string, count: number, skipTypes?: ReadonlySet<string>): Position[] {
  const doc = parse(text);
  const fields: FieldDefinitionNode[] = [];
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || skipTypes?.has(def.name.value)) continue;
    for (const f of def.fields ?? []) fields.push(f);
  }
  const out: Position[] = [];
  for (let i = 0; i < count && fields.length; i++) {
    const f = fields[Math.floor(((i + 0.5) / count) * fields.length)];
    out.push(positionAt(text, f.type.loc!.start));
  }
  return out;
}

function fieldAt(doc: DocumentNode, offset: number, skip?: ReadonlySet<string>) {
  let best: { field: FieldDefinitionNode; owner: { fields?: readonly FieldDefinitionNode[] } } | undefined;
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION || skip?.has(def.name.value)) continue;
    for (const f of def.fields ?? []) {
      if (!best || Math.abs(f.loc!.start - offset) < Math.abs(best.field.loc!.start - offset)) best = { field: f, owner: def };
    }
  }
  if (!best) throw new Error('makeEditScript: the schema has no object type fields to edit');
  return best;
}

/** Start of the type definition nearest to offset (its description included). */
function definitionAt(doc: DocumentNode, offset: number): number {
  let best = 0;
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    if (Math.abs(def.loc!.start - offset) < Math.abs(best - offset)) best = def.loc!.start;
  }
  return best;
}

function namedType(t: TypeNode) {
  while (t.kind !== Kind.NAMED_TYPE) t = t.type;
  return t;
}

function typeNames(doc: DocumentNode): Set<string> {
  const names = new Set(['String', 'Int', 'Float', 'Boolean', 'ID']);
  for (const def of doc.definitions) if ('name' in def && def.name) names.add(def.name.value);
  return names;
}

/** Swaps the last two letters (String -> Strign); short or colliding names get a letter doubled. */
function misspell(name: string, taken: Set<string>): string {
  const candidates = [
    name.length >= 3 ? name.slice(0, -2) + name[name.length - 1] + name[name.length - 2] : '',
    name + name[name.length - 1],
    name + 'x',
  ];
  return candidates.find((c) => c && c !== name && !taken.has(c)) ?? name + 'Typo';
}

function indentationAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0] || '  ';
}

export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
