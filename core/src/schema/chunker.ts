// Splits a GraphQL document into top-level definition chunks without parsing it, so an edit
// re-parses only the chunks it touched. The chunks tile the text: every character belongs to
// exactly one chunk. A chunk starts at the line of a definition's first token (its description
// when it has one); the first chunk starts at 0.
//
// Besides brace depth, a definition keyword at column 0 followed by a name also starts a chunk
// while a brace is still open: an unclosed `{` while typing then breaks only its own definition
// instead of swallowing the rest of the file into one syntax error.

const DEFINITION_KEYWORDS = new Set([
  'type',
  'interface',
  'enum',
  'input',
  'union',
  'scalar',
  'directive',
  'schema',
  'extend',
  'query',
  'mutation',
  'subscription',
  'fragment',
]);

/** Keywords whose next token is the name of what they define. */
const NAMED_BY_NEXT = new Set(['type', 'interface', 'enum', 'input', 'union', 'scalar', 'query', 'mutation', 'subscription', 'fragment']);

const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 34,
  Hash = 35,
  Comma = 44,
  LParen = 40,
  RParen = 41,
  LBracket = 91,
  RBracket = 93,
  LBrace = 123,
  RBrace = 125,
  Backslash = 92,
  Underscore = 95,
}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === Ch.Underscore;
}
function isNameContinue(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

/**
 * Start offsets of the chunks of `text`, ascending. Scanning begins at `from`, which must be 0 or
 * a chunk start of this text, and ends early once `stop` accepts a chunk start it found: that
 * start is the last element.
 */
export function chunkStarts(text: string, from = 0, stop?: (start: number) => boolean): number[] {
  const starts = [from];
  const n = text.length;
  let depth = 0;
  let lineStart = from;
  let firstTokenOnLine = true;
  let stopped = false;
  let sawDefinition = false; // a definition has begun since the last chunk start
  let descriptionPending = false; // a depth-0 string just began a definition
  let stringLineStart = -1; // where the string just before this token began, if it began a line
  let memberExpected = false; // after `=`, `|`, `&`, `@`, `:` at depth 0: the next name continues the definition
  let nameExpected = false; // after `type`, `enum`...: the next name is the definition's name, even `extend`
  let afterExtend = false; // after `extend`: the next keyword says what is extended

  const startChunkAt = (offset: number) => {
    if (sawDefinition && offset > starts[starts.length - 1]) {
      starts.push(offset);
      if (stop && stop(offset)) stopped = true;
    }
    sawDefinition = true;
  };

  let i = from;
  while (i < n && !stopped) {
    const c = text.charCodeAt(i);
    if (c === Ch.LF) {
      i++;
      lineStart = i;
      firstTokenOnLine = true;
      continue;
    }
    if (c === Ch.Space || c === Ch.Tab || c === Ch.CR || c === Ch.Comma || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === Ch.Hash) {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    const tokenStart = i;
    const atLineStart = firstTokenOnLine;
    firstTokenOnLine = false;

    if (c === Ch.Quote) {
      // A string is never a name: what a keyword or `=` expected next is over.
      memberExpected = nameExpected = afterExtend = false;
      if (atLineStart && stringLineStart < 0) stringLineStart = lineStart;
      if (depth === 0 && atLineStart && !descriptionPending) {
        startChunkAt(lineStart);
        descriptionPending = true;
      }
      if (text.charCodeAt(i + 1) === Ch.Quote && text.charCodeAt(i + 2) === Ch.Quote) {
        // Block string: ends at the first unescaped """.
        let j = i + 3;
        for (;;) {
          const end = text.indexOf('"""', j);
          if (end < 0) {
            i = n;
            break;
          }
          if (text.charCodeAt(end - 1) === Ch.Backslash) {
            j = end + 3;
            continue;
          }
          i = end + 3;
          break;
        }
        // Lines inside the block string are not line starts for chunking.
        const lastLf = text.lastIndexOf('\n', i - 1);
        if (lastLf >= tokenStart) lineStart = lastLf + 1;
      } else {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === Ch.Backslash) {
            j += 2;
            continue;
          }
          if (d === Ch.Quote) {
            j++;
            break;
          }
          if (d === Ch.LF) break; // unterminated: the parser reports it
          j++;
        }
        i = j;
      }
      continue;
    }

    if (isNameStart(c)) {
      let j = i + 1;
      while (j < n && isNameContinue(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      // A keyword that continues the definition before it: a union member, the defined name, or
      // what `extend` extends.
      const continues: boolean = depth === 0 && (memberExpected || nameExpected || afterExtend);
      if (DEFINITION_KEYWORDS.has(word) && !continues) {
        if (depth === 0 && atLineStart && !descriptionPending) {
          startChunkAt(lineStart);
        } else if (depth > 0 && tokenStart === lineStart && looksLikeHeader(text, word, j)) {
          // Recovery: an unclosed brace before a definition that starts at column 0 (with its description).
          depth = 0;
          startChunkAt(stringLineStart >= 0 ? stringLineStart : lineStart);
        } else if (depth === 0 && !sawDefinition) {
          sawDefinition = true;
        }
      }
      // Decided after a recovery may have closed the open braces.
      nameExpected = depth === 0 && !continues && NAMED_BY_NEXT.has(word);
      afterExtend = depth === 0 && !continues && word === 'extend';
      descriptionPending = false;
      stringLineStart = -1;
      memberExpected = false;
      i = j;
      continue;
    }

    if (c === Ch.LBrace || c === Ch.LParen || c === Ch.LBracket) {
      if (depth === 0 && c === Ch.LBrace && atLineStart && !descriptionPending) startChunkAt(lineStart); // anonymous query
      depth++;
    } else if (c === Ch.RBrace || c === Ch.RParen || c === Ch.RBracket) {
      if (depth > 0) depth--;
    }
    descriptionPending = false;
    stringLineStart = -1;
    // After `=`, `|`, `&`, `@` or `:` the next name belongs to this definition, keyword or not.
    memberExpected = depth === 0 && (c === 61 || c === 124 || c === 38 || c === 64 || c === 58);
    nameExpected = false;
    afterExtend = false;
    i++;
  }
  return starts;
}

/**
 * Whether the rest of a column-0 line after a definition keyword reads like a definition header
 * (`type B {`, `type B implements C`, `union U =`, `directive @d`, `scalar S`, `extend type T`),
 * rather than enum values or fields that happen to be keywords (`input RED`).
 */
const HEADER_AFTER_NAME = /^[ \t]*[_A-Za-z][_0-9A-Za-z]*[ \t]*(?:[{(=@]|implements\b)/;
const EXTEND_HEADER = /^[ \t]+(?:type|interface|input|enum|union|scalar|schema)\b/;
function looksLikeHeader(text: string, keyword: string, from: number): boolean {
  const rest = text.slice(from, Math.min(text.length, from + 200));
  if (keyword === 'directive') return /^[ \t]*@/.test(rest);
  if (keyword === 'scalar') return /^[ \t]*[_A-Za-z]/.test(rest);
  if (keyword === 'extend') return EXTEND_HEADER.test(rest);
  if (keyword === 'schema') return /^[ \t]*[{@]/.test(rest);
  return HEADER_AFTER_NAME.test(rest);
}
