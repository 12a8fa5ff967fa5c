// Rename of a type, field, enum value or directive across the schema. When the renamed thing is
// stored (an entity, its field, an enum or enum value) the rename also adds @renamedFrom, so the
// migration renames the table or column instead of dropping it. Renaming a Query or Mutation
// field renames its resolver file too.
import * as path from 'path';
import { NameNode } from 'graphql';
import { Position, Range, ResponseError, TextEdit, WorkspaceEdit, ErrorCodes } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { directive } from '../../../core/src/model/model';
import { modelOf } from '../../../core/src/schema/platformRules';
import { resolverPath } from '../../../core/src/service-folder/serviceFolder';
import { declarationNames, fieldsNamed, referenceNames } from './navigation';
import { declarationsOf, directiveInsertOffset, nameTargetAt, rangeOfNode, SchemaDocument } from './document';

export function prepareRename(doc: SchemaDocument, position: Position): { range: Range; placeholder: string } | null {
  const target = nameTargetAt(doc, doc.document.offsetAt(position));
  if (!target || target.kind === 'argument') return null;
  if (!declarationNames(doc, target).length) {
    throw new ResponseError(
      ErrorCodes.InvalidRequest,
      `"${target.name}" is not declared in this file (it is built in), so it cannot be renamed here.`,
    );
  }
  const range = rangeOfNode(doc, target.node);
  return range ? { range, placeholder: target.name } : null;
}

export function rename(doc: SchemaDocument, position: Position, newName: string): WorkspaceEdit | null {
  const target = nameTargetAt(doc, doc.document.offsetAt(position));
  if (!target || target.kind === 'argument') return null;
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(newName) || newName.startsWith('__')) {
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `"${newName}" is not a GraphQL name: use letters, digits and "_", not starting with a digit or "__".`,
    );
  }
  if (newName === target.name) return { changes: {} };
  const decls = declarationNames(doc, target);
  if (!decls.length) throw new ResponseError(ErrorCodes.InvalidRequest, `"${target.name}" is built in and cannot be renamed.`);

  const edits: TextEdit[] = [];
  const seen = new Set<NameNode>();
  const replace = (n: NameNode) => {
    if (seen.has(n)) return;
    seen.add(n);
    const range = rangeOfNode(doc, n);
    if (range) edits.push(TextEdit.replace(range, newName));
  };
  for (const n of referenceNames(doc, target)) replace(n);

  const model = doc.service ? modelOf(doc.analysis) : undefined;
  const addRenamedFrom = (owner: { directives?: readonly unknown[] } & { name: NameNode }, oldName: string) => {
    if (directive(owner as never, 'renamedFrom')) return;
    const at = directiveInsertOffset(doc, owner as never);
    if (at !== undefined) edits.push(TextEdit.insert(doc.document.positionAt(at), ` @renamedFrom(name: "${oldName}")`));
  };
  const documentChanges: WorkspaceEdit['documentChanges'] = [];

  if (target.kind === 'type' && model) {
    if (model.entities.has(target.name) || model.enums.has(target.name)) {
      for (const d of declarationsOf(doc, target.name)) if (!d.extension) addRenamedFrom(d.node as never, target.name);
    }
  }
  if (target.kind === 'field') {
    // @relation(inverse: "old") on the other side names this field.
    for (const c of doc.analysis.allChunks()) {
      for (const def of c.definitions) {
        for (const f of (
          def as {
            fields?: readonly {
              directives?: readonly {
                name: NameNode;
                arguments?: readonly { name: NameNode; value: { kind: string; value?: string } }[];
              }[];
            }[];
          }
        ).fields ?? []) {
          for (const d of f.directives ?? []) {
            if (d.name.value !== 'relation') continue;
            for (const a of d.arguments ?? []) {
              if (a.name.value === 'inverse' && a.value.kind === 'StringValue' && a.value.value === target.name) {
                const range = rangeOfNode(doc, a.value as never);
                if (range) edits.push(TextEdit.replace(range, JSON.stringify(newName)));
              }
            }
          }
        }
      }
    }
    if (
      model?.entities
        .get(target.typeName)
        ?.fields.some(
          (f) =>
            f.name === target.name && f.kind !== 'unsupported' && !(f.relation && !f.relation.owner && f.relation.kind !== 'many-to-one'),
        )
    ) {
      for (const f of fieldsNamed(doc, target.typeName, target.name)) addRenamedFrom(f, target.name);
    }
    if (model && doc.service && (target.typeName === model.roots.query || target.typeName === model.roots.mutation)) {
      const op = target.typeName === model.roots.query ? 'queries' : 'mutations';
      const have = op === 'queries' ? doc.service.resolvers.queries : doc.service.resolvers.mutations;
      if (have.has(target.name)) {
        documentChanges.push({
          kind: 'rename',
          oldUri: URI.file(path.join(doc.service.root, resolverPath(op, target.name))).toString(),
          newUri: URI.file(path.join(doc.service.root, resolverPath(op, newName))).toString(),
        });
      }
    }
  }
  if (target.kind === 'enumValue' && model?.enums.has(target.typeName)) {
    for (const d of declarationsOf(doc, target.typeName)) {
      for (const v of (d.node as { values?: readonly { name: NameNode; directives?: readonly unknown[] }[] }).values ?? []) {
        if (v.name.value === target.name) addRenamedFrom(v, target.name);
      }
    }
  }
  if (documentChanges.length) {
    return { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.document.version }, edits }, ...documentChanges] };
  }
  return { changes: { [doc.uri]: edits } };
}
