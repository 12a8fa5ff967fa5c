// Quick fixes for the diagnostics that carry fix data: did-you-mean for unknown types, add
// `id: ID!`, mark @transient, create the missing resolver file, add @relation(inverse:).
import * as path from 'path';
import { FieldDefinitionNode, Kind, ObjectTypeDefinitionNode } from 'graphql';
import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { DiagnosticData } from '../../../core/src/schema/diagnostics';
import { resolverStub } from '../../../core/src/service-folder/serviceFolder';
import { unwrap } from '../../../core/src/model/model';
import { declarationsOf, directiveInsertOffset, SchemaDocument } from './document';
import { fieldsNamed } from './navigation';
import { MigrationDiagnosticData, migrationFixes } from './migrationWarnings';

export function codeActions(doc: SchemaDocument, params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    const data = diagnostic.data as DiagnosticData | MigrationDiagnosticData | undefined;
    if (!data || diagnostic.source !== 'codestore') continue;
    if (data.kind === 'migration') {
      out.push(...migrationFixes(doc, diagnostic, data));
      continue;
    }
    out.push(...fixesFor(doc, diagnostic, data));
  }
  return out;
}

function fixesFor(doc: SchemaDocument, diagnostic: Diagnostic, data: DiagnosticData): CodeAction[] {
  const edit = (edits: TextEdit[]): WorkspaceEdit => ({ changes: { [doc.uri]: edits } });
  const pos = (offset: number) => doc.document.positionAt(offset);
  switch (data.kind) {
    case 'did-you-mean':
      return data.suggestions.map((s, i) => ({
        title: `Change to "${s}"`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0,
        edit: edit([TextEdit.replace(diagnostic.range, s)]),
      }));
    case 'missing-id': {
      const actions: CodeAction[] = [
        {
          title: `Add "id: ID!" to ${data.typeName}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: edit([TextEdit.insert(pos(data.insertAt), `\n${data.indent}id: ID!`)]),
        },
      ];
      const decl = declarationsOf(doc, data.typeName).find((d) => !d.extension);
      const node = decl?.node as ObjectTypeDefinitionNode | undefined;
      if (node) actions.push(transientAction(doc, node, diagnostic));
      return actions;
    }
    case 'unsupported-type': {
      const decl = declarationsOf(doc, data.typeName).find((d) => !d.extension);
      return decl ? [transientAction(doc, decl.node as ObjectTypeDefinitionNode, diagnostic)] : [];
    }
    case 'missing-resolver': {
      if (!doc.service) return [];
      const uri = URI.file(path.join(doc.service.root, data.file)).toString();
      const root = data.operation === 'queries' ? 'Query' : 'Mutation';
      const field = findRootField(doc, data.operation, data.field);
      const stub = resolverStub(data.field, root, field ? argsType(field) : undefined);
      return [
        {
          title: `Create ${data.file}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: {
            documentChanges: [
              { kind: 'create', uri, options: { ignoreIfExists: true } },
              { textDocument: { uri, version: null }, edits: [TextEdit.insert({ line: 0, character: 0 }, stub)] },
            ],
          },
        },
      ];
    }
    case 'ambiguous-relation': {
      // Into the field's @relation when it has one (a second @relation would be an error).
      const field = fieldsNamed(doc, data.typeName, data.field)[0];
      const existing = field?.directives?.find((d) => d.name.value === 'relation');
      return data.candidates.map((c) => {
        let change: TextEdit;
        if (existing?.arguments?.length)
          change = TextEdit.insert(pos(doc.analysis.rangeOf(existing.arguments[0])!.start), `inverse: "${c}", `);
        else if (existing) change = TextEdit.insert(pos(doc.analysis.rangeOf(existing)!.end), `(inverse: "${c}")`);
        else
          change = TextEdit.insert(pos(directiveInsertOffset(doc, field ?? ({} as never)) ?? data.insertAt), ` @relation(inverse: "${c}")`);
        return {
          title: `Pair with "${c}": add @relation(inverse: "${c}")`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: edit([change]),
        };
      });
    }
    default:
      return [];
  }
}

function transientAction(doc: SchemaDocument, node: ObjectTypeDefinitionNode, diagnostic: Diagnostic): CodeAction {
  const anchor = node.interfaces?.length ? node.interfaces[node.interfaces.length - 1] : node.name;
  const end = doc.analysis.rangeOf(anchor)!.end;
  return {
    title: `Mark ${node.name.value} @transient (not stored)`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [doc.uri]: [TextEdit.insert(doc.document.positionAt(end), ' @transient')] } },
  };
}

function findRootField(doc: SchemaDocument, operation: 'queries' | 'mutations', field: string): FieldDefinitionNode | undefined {
  const roots = doc.analysis.index().roots;
  const root = operation === 'queries' ? roots.query : roots.mutation;
  for (const d of declarationsOf(doc, root)) {
    const f = ((d.node as ObjectTypeDefinitionNode).fields ?? []).find((x) => x.name.value === field);
    if (f) return f;
  }
  return undefined;
}

const TS_SCALARS: Record<string, string> = {
  String: 'string',
  ID: 'string',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
  DateTime: 'string',
  Date: 'string',
  BigInt: 'string',
  Decimal: 'string',
  JSON: 'unknown',
};

/** The TypeScript type of a field's arguments, for the resolver stub. */
function argsType(field: FieldDefinitionNode): string {
  if (!field.arguments?.length) return 'Record<string, never>';
  const members = field.arguments.map((a) => {
    const t = unwrap(a.type);
    const base = TS_SCALARS[t.name] ?? 'unknown';
    const ts = t.list ? `${base}[]` : base;
    return `${a.name.value}${t.nonNull || a.type.kind === Kind.NON_NULL_TYPE ? '' : '?'}: ${ts}${t.nonNull ? '' : ' | null'}`;
  });
  return `{ ${members.join('; ')} }`;
}
