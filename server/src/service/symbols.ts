// Document symbols (outline) and workspace symbols for schema documents.
import { FieldDefinitionNode, NameNode } from 'graphql';
import { DocumentSymbol, SymbolInformation, SymbolKind } from 'vscode-languageserver';
import type { DeclKind } from '../../../core/src/schema/analysis';
import { rangeOfNode, rangeOfOffsets, SchemaDocument } from './document';

const KIND: Record<DeclKind, SymbolKind> = {
  O: SymbolKind.Class,
  I: SymbolKind.Interface,
  U: SymbolKind.Enum,
  E: SymbolKind.Enum,
  S: SymbolKind.TypeParameter,
  N: SymbolKind.Struct,
  D: SymbolKind.Function,
  R: SymbolKind.Namespace,
};

export function documentSymbols(doc: SchemaDocument): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const chunk of doc.analysis.allChunks()) {
    for (const decl of chunk.declarations) {
      const range = rangeOfNode(doc, decl.node);
      if (!range) continue;
      const nameNode = (decl.node as { name?: NameNode }).name;
      const selectionRange = (nameNode && rangeOfNode(doc, nameNode)) ?? range;
      const children: DocumentSymbol[] = [];
      const members = [
        ...((decl.node as { fields?: readonly FieldDefinitionNode[] }).fields ?? []),
        ...((decl.node as { values?: readonly { name: NameNode }[] }).values ?? []),
      ] as { name: NameNode; kind: string }[];
      for (const m of members) {
        const r = rangeOfNode(doc, m as never);
        const s = rangeOfNode(doc, m.name);
        if (r && s)
          children.push({
            name: m.name.value,
            kind: m.kind === 'EnumValueDefinition' ? SymbolKind.EnumMember : SymbolKind.Field,
            range: r,
            selectionRange: s,
          });
      }
      out.push({
        name: decl.kind === 'D' ? '@' + decl.name : decl.name,
        detail: decl.extension ? 'extension' : undefined,
        kind: KIND[decl.kind],
        range,
        selectionRange,
        children,
      });
    }
  }
  return out;
}

export function workspaceSymbols(docs: Iterable<SchemaDocument>, query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const doc of docs) {
    for (const [key, decls] of doc.analysis.index().declarations) {
      if (q && !fuzzy(key.toLowerCase(), q)) continue;
      for (const d of decls) {
        const r = doc.analysis.rangeOf((d.node as { name?: NameNode }).name ?? d.node);
        if (r) out.push({ name: key, kind: KIND[d.kind], location: { uri: doc.uri, range: rangeOfOffsets(doc, r.start, r.end) } });
        if (out.length >= 1000) return out;
      }
    }
  }
  return out;
}

/** The query's characters appear in order in the name. */
function fuzzy(name: string, query: string): boolean {
  let i = 0;
  for (const ch of name) if (ch === query[i]) i++;
  return i === query.length;
}
