// Formatting that keeps every comment and description: indentation by nesting depth, no trailing
// whitespace, one blank line between definitions, at most one blank line inside them, a final
// newline. Block strings keep their content. A document that does not parse is left alone.
import { Range, TextEdit } from 'vscode-languageserver';
import { SchemaDocument } from './document';

export function format(doc: SchemaDocument, options: { tabSize: number; insertSpaces: boolean }): TextEdit[] {
  if (doc.analysis.allChunks().some((c) => c.syntaxError)) return [];
  const text = doc.analysis.documentText;
  const formatted = formatText(text, options.insertSpaces ? ' '.repeat(options.tabSize) : '\t');
  if (formatted === text) return [];
  const end = doc.document.positionAt(text.length);
  return [TextEdit.replace(Range.create(0, 0, end.line, end.character), formatted)];
}

export function formatText(text: string, unit: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // Each output line, and whether it is block-string content (kept exactly as written).
  const out: { text: string; verbatim: boolean }[] = [];
  let depth = 0;
  let inBlockString = false;
  let blank = 0;
  for (const raw of lines) {
    if (inBlockString) {
      const closes = countRawTripleQuotes(raw) % 2 === 1;
      if (closes) {
        inBlockString = false;
        const trimmed = raw.trim();
        // A closing line that holds only the quotes is re-indented; otherwise it is content.
        out.push(trimmed.startsWith('"""') ? { text: unit.repeat(depth) + trimmed, verbatim: false } : { text: raw, verbatim: true });
        depth = Math.max(0, depth + netDepth(raw.slice(raw.lastIndexOf('"""') + 3)));
      } else {
        out.push({ text: raw, verbatim: true });
      }
      continue;
    }
    const line = raw.trim();
    if (!line) {
      blank++;
      continue;
    }
    const code = stripStringsAndComments(line);
    const leadingClose = /^[}\])]/.test(line) ? 1 : 0;
    const indent = Math.max(0, depth - leadingClose);
    if (out.length) {
      const previous = out[out.length - 1];
      if (indent === 0 && !leadingClose && depth === 0 && startsDefinition(line) && !isDescriptionOrComment(previous.text))
        out.push({ text: '', verbatim: false });
      else if (blank) out.push({ text: '', verbatim: false });
    }
    blank = 0;
    out.push({ text: unit.repeat(indent) + line, verbatim: false });
    if (countTripleQuotes(line) % 2 === 1) {
      inBlockString = true;
      depth = Math.max(0, depth + netDepth(code));
      continue;
    }
    depth = Math.max(0, depth + netDepth(code));
  }
  // Collapse the blank lines that a definition start added after an existing blank line.
  const result: string[] = [];
  let previousBlank = false;
  for (const l of out) {
    const isBlank = !l.verbatim && l.text === '';
    if (isBlank && previousBlank) continue;
    result.push(l.text);
    previousBlank = isBlank;
  }
  while (result.length && result[result.length - 1] === '' && !out[out.length - 1]?.verbatim) result.pop();
  return result.join('\n') + '\n';
}

function startsDefinition(line: string): boolean {
  return /^(type|interface|input|enum|union|scalar|directive|schema|extend|query|mutation|subscription|fragment)\b|^"/.test(line);
}

function isDescriptionOrComment(line: string): boolean {
  const t = line.trim();
  return t.startsWith('#') || t.endsWith('"') || t === '';
}

/** Block-string quotes on a line of code, not counting those in a comment or an ordinary string. */
function countTripleQuotes(line: string): number {
  let count = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '#') break;
    if (line.startsWith('"""', i)) {
      count++;
      // The block string's content, up to its closing quotes on this line if any.
      const close = line.indexOf('"""', i + 3);
      if (close < 0) return count;
      count++;
      i = close + 2;
      continue;
    }
    if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) if (line[i] === '\\') i++;
    }
  }
  return count;
}

/** Block-string quotes on a line inside a block string, where `#` and `"` are plain text. */
function countRawTripleQuotes(line: string): number {
  return (line.match(/(?<!\\)"""/g) ?? []).length;
}

function stripStringsAndComments(line: string): string {
  return line
    .replace(/"""[\s\S]*?"""|"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/"""[\s\S]*$/, '')
    .replace(/#.*$/, '');
}

function netDepth(code: string): number {
  let d = 0;
  for (const ch of stripStringsAndComments(code)) {
    if (ch === '{' || ch === '(' || ch === '[') d++;
    else if (ch === '}' || ch === ')' || ch === ']') d--;
  }
  return d;
}
