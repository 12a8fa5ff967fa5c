// Go to definition and find references for types, directives and fields.
import { FieldDefinitionNode, NameNode } from 'graphql';
import { Location, Position } from 'vscode-languageserver';
import { declarationsOf, NameTarget, nameTargetAt, rangeOfNode, SchemaDocument } from './document';

export function definition(doc: SchemaDocument, position: Position): Location[] {
  const target = nameTargetAt(doc, doc.document.offsetAt(position));
  if (!target) return [];
  return declarationNames(doc, target)
    .map((n) => location(doc, n))
    .filter((l): l is Location => !!l);
}

export function references(doc: SchemaDocument, position: Position, includeDeclaration: boolean): Location[] {
  const target = nameTargetAt(doc, doc.document.offsetAt(position));
  if (!target) return [];
  const decls = new Set(declarationNames(doc, target));
  const nodes = referenceNames(doc, target).filter((n) => includeDeclaration || !decls.has(n));
  return nodes.map((n) => location(doc, n)).filter((l): l is Location => !!l);
}

/** Name nodes that declare the target. */
export function declarationNames(doc: SchemaDocument, target: NameTarget): NameNode[] {
  switch (target.kind) {
    case 'type':
      return declarationsOf(doc, target.name).map((d) => (d.node as { name: NameNode }).name);
    case 'directive':
      return declarationsOf(doc, '@' + target.name).map((d) => (d.node as { name: NameNode }).name);
    case 'field':
      return fieldsNamed(doc, target.typeName, target.name).map((f) => f.name);
    case 'enumValue':
      return declarationsOf(doc, target.typeName).flatMap((d) =>
        ((d.node as { values?: readonly { name: NameNode }[] }).values ?? [])
          .filter((v) => v.name.value === target.name)
          .map((v) => v.name),
      );
    case 'argument':
      return [target.node];
  }
}

/** Every name node that refers to or declares the target, in document order. */
export function referenceNames(doc: SchemaDocument, target: NameTarget): NameNode[] {
  const out: NameNode[] = [];
  switch (target.kind) {
    case 'type':
      for (const c of doc.analysis.allChunks()) {
        const list = c.typeNameNodes().get(target.name);
        if (list) out.push(...list);
      }
      return out;
    case 'directive':
      out.push(...declarationNames(doc, target));
      for (const c of doc.analysis.allChunks()) {
        if (!c.directiveRefs.has(target.name)) continue;
        for (const def of c.definitions) collectDirectiveUses(def, target.name, out);
      }
      return out;
    case 'field': {
      out.push(...declarationNames(doc, target));
      // Implementations of an interface field, and interface fields this one implements.
      for (const related of relatedFieldOwners(doc, target.typeName))
        out.push(...fieldsNamed(doc, related, target.name).map((f) => f.name));
      return out;
    }
    default:
      return declarationNames(doc, target);
  }
}

export function fieldsNamed(doc: SchemaDocument, typeName: string, field: string): FieldDefinitionNode[] {
  const out: FieldDefinitionNode[] = [];
  for (const d of declarationsOf(doc, typeName)) {
    for (const f of (d.node as { fields?: readonly FieldDefinitionNode[] }).fields ?? []) if (f.name.value === field) out.push(f);
  }
  return out;
}

/** Types linked to `typeName` by `implements`, both ways, transitively. */
export function relatedFieldOwners(doc: SchemaDocument, typeName: string): string[] {
  const index = doc.analysis.index();
  const implementsOf = (name: string) =>
    (index.declarations.get(name) ?? []).flatMap((d) =>
      ((d.node as { interfaces?: readonly { name: NameNode }[] }).interfaces ?? []).map((i) => i.name.value),
    );
  const seen = new Set([typeName]);
  const queue = [typeName];
  while (queue.length) {
    const current = queue.shift()!;
    const linked = [...implementsOf(current)];
    for (const [name, decls] of index.declarations) {
      if (decls[0].kind !== 'O' && decls[0].kind !== 'I') continue;
      if (implementsOf(name).includes(current)) linked.push(name);
    }
    for (const l of linked)
      if (!seen.has(l)) {
        seen.add(l);
        queue.push(l);
      }
  }
  seen.delete(typeName);
  return [...seen];
}

function collectDirectiveUses(node: unknown, name: string, out: NameNode[]): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) collectDirectiveUses(n, name, out);
    return;
  }
  const n = node as { kind?: string; name?: NameNode; loc?: unknown };
  if (n.kind === 'Directive' && n.name?.value === name) out.push(n.name);
  for (const [key, value] of Object.entries(node))
    if (key !== 'loc' && value && typeof value === 'object') collectDirectiveUses(value, name, out);
}

function location(doc: SchemaDocument, node: NameNode): Location | undefined {
  const range = rangeOfNode(doc, node);
  return range && { uri: doc.uri, range };
}
