// What the feature tests share: documents with a cursor mark (`‸`), applying a WorkspaceEdit,
// diagnostic codes.
import assert from 'node:assert/strict';
import { MarkupContent, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { completion, completionContext } from '../../../server/src/service/completion';
import { computeDiagnostics } from '../../../server/src/service/diagnostics';
import type { SchemaDocument } from '../../../server/src/service/document';
import { hover } from '../../../server/src/service/hover';
import type { ServiceFolder } from '../../../servicefs/src/folder';
import { schemaDocument, withCursor } from '../support';

export const CURSOR = '‸';

/** A document over the fixture without its cursor mark, and the cursor's position. */
export function at(marked: string, service?: ServiceFolder) {
  const { text, offset } = withCursor(marked, CURSOR);
  const doc = schemaDocument(text, { service });
  return { doc, text, offset, position: doc.document.positionAt(offset) };
}

export function contextAt(marked: string) {
  const { text, offset } = withCursor(marked, CURSOR);
  return completionContext(text, 0, offset);
}

export function labels(marked: string, service?: ServiceFolder): string[] {
  const { doc, position } = at(marked, service);
  return completion(doc, position)
    .map((i) => i.label)
    .sort();
}

export function hoverText(marked: string, service?: ServiceFolder): string | undefined {
  const { doc, position } = at(marked, service);
  const h = hover(doc, position);
  return h ? (h.contents as MarkupContent).value : undefined;
}

/** The text after applying the edits a WorkspaceEdit makes to `doc`. */
export function applied(doc: SchemaDocument, edit: WorkspaceEdit | null): string {
  assert.ok(edit, 'an edit');
  let edits: TextEdit[] = edit.changes?.[doc.uri] ?? [];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === doc.uri) edits = edits.concat(change.edits as TextEdit[]);
  }
  return TextDocument.applyEdits(doc.document, edits);
}

/** Codes of the product's diagnostics of `text` as a service schema. */
export function codesOf(text: string, service: ServiceFolder): string[] {
  return computeDiagnostics(schemaDocument(text, { service })).schema.map((d) => String(d.code));
}
