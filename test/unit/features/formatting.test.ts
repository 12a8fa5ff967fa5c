// The language features called directly on a SchemaDocument: formatting of a schema document.
// Fixtures mark the cursor with `‸`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse, print } from 'graphql';
import { format, formatText } from '../../../server/src/service/formatting';
import { generatedSchema, githubSlice, parses } from '../schemaEdits';
import { blogSchemaText, githubSchemaText, schemaDocument } from '../support';

fc.configureGlobal({ ...fc.readConfigureGlobal(), includeErrorInReport: true });
describe('formatting', () => {
  const sameAst = (a: string, b: string) => assert.equal(print(parse(b, { noLocation: true })), print(parse(a, { noLocation: true })));
  const messy = `# Header comment
  type   Post   implements Node{
id: ID!     # the key
      """
      A block description.
        Indented line.
      """
            title( first: Int
   ): String
   }
"doc"   scalar Url
# about A
      enum A {   X
Y }


interface Node { id: ID! }
`;

  it('indents by nesting, keeps every comment and description, ends with one newline', () => {
    const out = formatText(messy, '  ');
    assert.equal(
      out,
      `# Header comment
type   Post   implements Node{
  id: ID!     # the key
  """
      A block description.
        Indented line.
  """
  title( first: Int
  ): String
}

"doc"   scalar Url
# about A
enum A {   X
  Y }

interface Node { id: ID! }
`,
    );
  });

  it('keeps comments, descriptions and the AST, and is idempotent (GitHub schema slice, blog)', () => {
    for (const text of [githubSlice(1, 30), githubSlice(1287, 30), blogSchemaText(), messy]) {
      const once = formatText(text, '  ');
      sameAst(text, once);
      assert.equal(formatText(once, '  '), once);
      for (const comment of text.match(/#[^\n]*/g) ?? []) assert.ok(once.includes(comment.trimEnd()), comment);
    }
  });

  it('keeps the AST and is idempotent on generated schemas with messy layout (property)', () => {
    const layout = fc.array(
      fc.record({
        indent: fc.constantFrom('', ' ', '   ', '\t', '        '),
        trailing: fc.constantFrom('', ' ', '  \t'),
        blankAfter: fc.boolean(),
      }),
      { minLength: 1 },
    );
    fc.assert(
      fc.property(generatedSchema, layout, fc.constantFrom('  ', '    ', '\t'), (schema, styles, unit) => {
        const text = schema
          .split('\n')
          .map((line, i) => {
            const s = styles[i % styles.length];
            return s.indent + line.trim() + s.trailing + (s.blankAfter ? '\n' : '');
          })
          .join('\n');
        fc.pre(parses(text));
        const once = formatText(text, unit);
        sameAst(text, once);
        assert.equal(formatText(once, unit), once, 'idempotent');
        assert.ok(once.endsWith('\n') && !once.endsWith('\n\n'), 'one final newline');
        for (const comment of text.match(/#[^\n]*/g) ?? []) assert.ok(once.includes(comment.trimEnd()), comment);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps trailing spaces inside a block string (they are part of the description)', () => {
    const text = 'type A {\n  """\n  Line one,  \n  line two.\n  """\n  a: Int\n}\n';
    sameAst(text, formatText(text, '  '));
  });

  it('a comment that mentions """ does not stop the formatting', () => {
    assert.equal(formatText('type A {\n# use """ for docs\n      b: Int\n}\n', '  '), 'type A {\n  # use """ for docs\n  b: Int\n}\n');
  });

  it('format() replaces the whole document, and leaves a document with a syntax error alone', () => {
    const doc = schemaDocument('type A {\nb: Int\n}');
    const [edit] = format(doc, { tabSize: 4, insertSpaces: true });
    assert.equal(edit.newText, 'type A {\n    b: Int\n}\n');
    assert.deepEqual(edit.range, { start: { line: 0, character: 0 }, end: { line: 2, character: 1 } });
    assert.deepEqual(format(schemaDocument('type A {\nb: Int\n'), { tabSize: 2, insertSpaces: true }), []);
    assert.deepEqual(format(schemaDocument('type A {\n  b: Int\n}\n'), { tabSize: 2, insertSpaces: true }), []);
  });

  it('formats the whole GitHub schema to a fixed point', () => {
    const text = githubSchemaText();
    const once = formatText(text, '  ');
    assert.equal(formatText(once, '  '), once);
    sameAst(text, once);
  });
});
