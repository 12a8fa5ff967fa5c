// Destructive changes of the pending migration, shown in the schema where they are caused, with
// the quick fixes that keep the data (@renamedFrom, @default, a nullable field).
import { ASTNode, FieldDefinitionNode, Kind, NameNode } from 'graphql';
import { CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, Range, TextEdit } from 'vscode-languageserver';
import type { Origin } from '../../../core/src/codegen/dbSchema';
import type { MigrationWarning, QuickFix } from '../../../core/src/codegen/migrations/types';
import { declarationsOf, directiveInsertOffset, rangeOfNode, SchemaDocument } from './document';
import { fieldsNamed } from './navigation';

export interface MigrationDiagnosticData {
  kind: 'migration';
  fixes: QuickFix[];
}

export function migrationDiagnostics(doc: SchemaDocument, warnings: MigrationWarning[]): Diagnostic[] {
  return warnings.map((w) => ({
    range: originRange(doc, w.origin) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Warning,
    source: 'codestore',
    code: w.code,
    message: w.message,
    data: { kind: 'migration', fixes: w.fixes } satisfies MigrationDiagnosticData,
  }));
}

/** Where an origin is in the schema now: the field, enum value or type name; else its type; else nothing. */
function originRange(doc: SchemaDocument, origin: Origin): Range | undefined {
  const name = originName(doc, origin) ?? originName(doc, { type: origin.type });
  return name && rangeOfNode(doc, name);
}

function originName(doc: SchemaDocument, origin: Origin): NameNode | undefined {
  const decls = declarationsOf(doc, origin.type).filter((d) => !d.recovered);
  if (!decls.length) return undefined;
  if (origin.field) return fieldsNamed(doc, origin.type, origin.field)[0]?.name;
  if (origin.value) {
    for (const d of decls) {
      const v = ((d.node as { values?: readonly { name: NameNode }[] }).values ?? []).find((x) => x.name.value === origin.value);
      if (v) return v.name;
    }
    return undefined;
  }
  return (decls.find((d) => !d.extension)?.node as { name?: NameNode } | undefined)?.name;
}

export function migrationFixes(doc: SchemaDocument, diagnostic: Diagnostic, data: MigrationDiagnosticData): CodeAction[] {
  const out: CodeAction[] = [];
  for (const fix of data.fixes) {
    const edit = fixEdit(doc, fix);
    if (!edit) continue;
    out.push({
      title: fixTitle(fix),
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      isPreferred: fix.kind === 'renamedFrom',
      edit: { changes: { [doc.uri]: [edit] } },
    });
  }
  return out;
}

/** The definition node an origin names: field, enum value or type. */
function ownerOf(doc: SchemaDocument, origin: Origin): ASTNode | undefined {
  if (origin.field) return fieldsNamed(doc, origin.type, origin.field)[0];
  const decls = declarationsOf(doc, origin.type).filter((d) => !d.recovered);
  if (origin.value) {
    for (const d of decls) {
      const v = ((d.node as { values?: readonly (ASTNode & { name: NameNode })[] }).values ?? []).find(
        (x) => x.name.value === origin.value,
      );
      if (v) return v;
    }
    return undefined;
  }
  return decls.find((d) => !d.extension)?.node;
}

function fixTitle(fix: QuickFix): string {
  const where = fix.target.field
    ? `${fix.target.type}.${fix.target.field}`
    : fix.target.value
      ? `${fix.target.type}.${fix.target.value}`
      : fix.target.type;
  switch (fix.kind) {
    case 'renamedFrom':
      return `Rename instead: add @renamedFrom(name: "${fix.name}") to ${where}`;
    case 'default':
      return `Add @default(value: "...") to ${where}`;
    case 'nullable':
      return `Make ${where} nullable`;
  }
}

function fixEdit(doc: SchemaDocument, fix: QuickFix): TextEdit | undefined {
  const name = originName(doc, fix.target);
  if (!name) return undefined;
  const nameRange = rangeOfNode(doc, name);
  if (!nameRange) return undefined;
  if (fix.kind === 'renamedFrom') {
    const owner = ownerOf(doc, fix.target);
    const at = owner && directiveInsertOffset(doc, owner);
    return at === undefined ? undefined : TextEdit.insert(doc.document.positionAt(at), ` @renamedFrom(name: ${JSON.stringify(fix.name)})`);
  }
  const field = fix.target.field ? fieldsNamed(doc, fix.target.type, fix.target.field)[0] : undefined;
  if (!field) return undefined;
  if (fix.kind === 'default') {
    const at = directiveInsertOffset(doc, field);
    return at === undefined
      ? undefined
      : TextEdit.insert(doc.document.positionAt(at), ` @default(value: ${JSON.stringify(defaultFor(field))})`);
  }
  if (field.type.kind !== Kind.NON_NULL_TYPE) return undefined;
  const typeRange = rangeOfNode(doc, field.type);
  return (
    typeRange && TextEdit.replace({ start: { line: typeRange.end.line, character: typeRange.end.character - 1 }, end: typeRange.end }, '')
  );
}

function defaultFor(field: FieldDefinitionNode): string {
  let t = field.type;
  while (t.kind !== Kind.NAMED_TYPE) t = t.type;
  switch (t.name.value) {
    case 'Int':
    case 'Float':
    case 'BigInt':
    case 'Decimal':
      return '0';
    case 'Boolean':
      return 'false';
    case 'DateTime':
    case 'Date':
      return 'now()';
    case 'JSON':
      return "'{}'";
    default:
      return "''";
  }
}
