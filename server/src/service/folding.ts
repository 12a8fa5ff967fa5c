// Folding ranges: every multi-line definition, its fields' argument lists, and comment blocks.
import { FoldingRange, FoldingRangeKind } from 'vscode-languageserver';
import { SchemaDocument } from './document';

export function foldingRanges(doc: SchemaDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const chunk of doc.analysis.allChunks()) {
    for (const def of chunk.definitions) {
      const r = doc.analysis.rangeOf(def);
      if (!r) continue;
      const start = doc.document.positionAt(r.start).line;
      const end = doc.document.positionAt(r.end).line;
      if (end > start) out.push({ startLine: start, endLine: end, kind: FoldingRangeKind.Region });
    }
  }
  // Runs of comment lines.
  const lines = doc.analysis.documentText.split('\n');
  let runStart = -1;
  for (let i = 0; i <= lines.length; i++) {
    const isComment = i < lines.length && /^\s*#/.test(lines[i]);
    if (isComment && runStart < 0) runStart = i;
    if (!isComment && runStart >= 0) {
      if (i - 1 > runStart) out.push({ startLine: runStart, endLine: i - 1, kind: FoldingRangeKind.Comment });
      runStart = -1;
    }
  }
  return out;
}
