// What every feature receives: one schema document, its analysis and its service folder.
import { ASTNode, DefinitionNode, NameNode, TypeDefinitionNode } from 'graphql';
import { Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Declaration, SchemaAnalysis } from '../../../core/src/schema/analysis';
import type { ServiceFolder } from '../../../servicefs/src/folder';
import type { EnvironmentUsage } from '../../protocol/protocol';

export interface SchemaDocument {
  uri: string;
  document: TextDocument;
  analysis: SchemaAnalysis;
  service?: ServiceFolder;
  /** What clients called in the service's environments, when the extension sent it. */
  usage?: readonly EnvironmentUsage[];
}

export function rangeOfOffsets(doc: SchemaDocument, start: number, end: number): Range {
  return { start: doc.document.positionAt(start), end: doc.document.positionAt(end) };
}

export function rangeOfNode(doc: SchemaDocument, node: ASTNode): Range | undefined {
  const r = doc.analysis.rangeOf(node);
  return r && rangeOfOffsets(doc, r.start, r.end);
}

/** What the name at an offset is: a type name (declared or referenced), a field, a directive... */
export type NameTarget =
  | { kind: 'type'; name: string; node: NameNode }
  | { kind: 'field'; typeName: string; name: string; node: NameNode }
  | { kind: 'enumValue'; typeName: string; name: string; node: NameNode }
  | { kind: 'directive'; name: string; node: NameNode }
  | { kind: 'argument'; owner: string; name: string; node: NameNode };

/** Finds the name node under `offset` by walking the definition of its chunk. */
export function nameTargetAt(doc: SchemaDocument, offset: number): NameTarget | undefined {
  const chunk = doc.analysis.chunkAt(offset);
  if (!chunk) return undefined;
  const rel = offset - chunk.start;
  const inside = (n: ASTNode | undefined) => !!n?.loc && n.loc.start <= rel && rel <= n.loc.end;
  for (const def of chunk.definitions) {
    if (!inside(def)) continue;
    return targetInDefinition(def, inside);
  }
  return undefined;
}

function targetInDefinition(def: DefinitionNode, inside: (n: ASTNode | undefined) => boolean): NameTarget | undefined {
  const anyDef = def as TypeDefinitionNode & {
    interfaces?: readonly { name: NameNode }[];
    types?: readonly { name: NameNode }[];
    locations?: readonly NameNode[];
    operationTypes?: readonly { type: { name: NameNode } }[];
  };
  const typeName = 'name' in def && def.name ? def.name.value : '';
  const directiveTarget = (
    ds: readonly { name: NameNode; arguments?: readonly { name: NameNode }[] }[] | undefined,
  ): NameTarget | undefined => {
    for (const d of ds ?? []) {
      if (inside(d.name)) return { kind: 'directive', name: d.name.value, node: d.name };
      for (const a of d.arguments ?? [])
        if (inside(a.name)) return { kind: 'argument', owner: '@' + d.name.value, name: a.name.value, node: a.name };
    }
    return undefined;
  };
  const typeRef = (t: ASTNode | undefined): NameTarget | undefined => {
    let n = t as { kind: string; type?: ASTNode; name?: NameNode } | undefined;
    while (n && n.kind !== 'NamedType') n = n.type as typeof n;
    return n?.name && inside(n.name) ? { kind: 'type', name: n.name.value, node: n.name } : undefined;
  };
  if (def.kind === 'DirectiveDefinition') {
    if (inside(def.name)) return { kind: 'directive', name: def.name.value, node: def.name };
    for (const a of def.arguments ?? []) {
      if (inside(a.name)) return { kind: 'argument', owner: '@' + def.name.value, name: a.name.value, node: a.name };
      const t = typeRef(a.type) ?? directiveTarget(a.directives);
      if (t) return t;
    }
    return undefined;
  }
  if ('name' in def && def.name && inside(def.name)) return { kind: 'type', name: typeName, node: def.name };
  for (const i of anyDef.interfaces ?? []) if (inside(i.name)) return { kind: 'type', name: i.name.value, node: i.name };
  for (const t of anyDef.types ?? []) if (inside(t.name)) return { kind: 'type', name: t.name.value, node: t.name };
  for (const op of anyDef.operationTypes ?? [])
    if (inside(op.type.name)) return { kind: 'type', name: op.type.name.value, node: op.type.name };
  const d = directiveTarget((def as { directives?: readonly { name: NameNode }[] }).directives);
  if (d) return d;
  const members = ((def as { fields?: readonly ASTNode[] }).fields ?? []) as readonly (ASTNode & {
    name: NameNode;
    type: ASTNode;
    arguments?: readonly (ASTNode & { name: NameNode; type: ASTNode; directives?: readonly { name: NameNode }[] })[];
    directives?: readonly { name: NameNode }[];
  })[];
  for (const f of members) {
    if (!inside(f)) continue;
    if (inside(f.name)) return { kind: 'field', typeName, name: f.name.value, node: f.name };
    for (const a of f.arguments ?? []) {
      if (inside(a.name)) return { kind: 'argument', owner: `${typeName}.${f.name.value}`, name: a.name.value, node: a.name };
      const t = typeRef(a.type) ?? directiveTarget(a.directives);
      if (t) return t;
    }
    return typeRef(f.type) ?? directiveTarget(f.directives);
  }
  for (const v of (def as { values?: readonly (ASTNode & { name: NameNode; directives?: readonly { name: NameNode }[] })[] }).values ??
    []) {
    if (inside(v.name)) return { kind: 'enumValue', typeName, name: v.name.value, node: v.name };
    const t = directiveTarget(v.directives);
    if (t) return t;
  }
  return undefined;
}

/** The declarations of a type or directive (`@name`), in this document. */
export function declarationsOf(doc: SchemaDocument, key: string): Declaration[] {
  return doc.analysis.index().declarations.get(key) ?? [];
}

/**
 * Where a new directive goes on a definition: after the type name and its `implements` list, a
 * field's type, or an enum value's name — and after the directives already there.
 */
export function directiveInsertOffset(doc: SchemaDocument, node: ASTNode): number | undefined {
  const n = node as ASTNode & { name?: NameNode; type?: ASTNode; interfaces?: readonly ASTNode[]; directives?: readonly ASTNode[] };
  const candidates: (ASTNode | undefined)[] = [n.name, n.type, ...(n.interfaces ?? []), ...(n.directives ?? [])];
  let end: number | undefined;
  for (const c of candidates) {
    const r = c && doc.analysis.rangeOf(c);
    if (r && (end === undefined || r.end > end)) end = r.end;
  }
  return end;
}
