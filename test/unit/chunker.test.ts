// The chunker: chunk starts tile the text, one chunk per definition, descriptions stay with their
// definition, recovery at column-0 definitions, and resuming from a chunk start.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'graphql';
import { chunkStarts } from '../../core/src/schema/chunker';
import { githubSchemaText } from './support';

/** The chunk texts of `text`. */
function chunks(text: string): string[] {
  const starts = chunkStarts(text);
  return starts.map((s, i) => text.slice(s, i + 1 < starts.length ? starts[i + 1] : text.length));
}

/** Asserts the structural invariant: first start 0, strictly ascending, each at a line start. */
function assertTiles(text: string, starts: number[]): void {
  assert.equal(starts[0], 0, 'the first chunk starts at 0');
  for (let i = 1; i < starts.length; i++) {
    assert.ok(starts[i] > starts[i - 1], `starts ascend: ${starts[i - 1]} then ${starts[i]}`);
    assert.ok(starts[i] < text.length, `start ${starts[i]} lies inside the text (length ${text.length})`);
    assert.equal(text[starts[i] - 1], '\n', `start ${starts[i]} is at the beginning of a line`);
  }
  assert.equal(chunks(text).join(''), text);
}

// Small GraphQL-ish documents: well-formed definitions, plus fragments that break them.
const NAMES = ['A', 'B', 'Node', 'Query', 'type', 'input', 'scalar', 'on'];
const name = fc.constantFrom(...NAMES);
const definition = fc.oneof(
  fc.tuple(name, name).map(([a, b]) => `type ${a} {\n  f: ${b}\n  type: Int\n}\n`),
  fc.tuple(name, name).map(([a, b]) => `"""\nAbout ${a}.\ntype ${b} { x: Int }\n"""\ninterface ${a} { id: ID! }\n`),
  fc.tuple(name, name).map(([a, b]) => `"${a} in one line" input ${a} { ${b}: Int = 1 }\n`),
  fc.tuple(name, name).map(([a, b]) => `union ${a} =\n  | ${b}\n  | ${a}\n`),
  name.map((a) => `enum ${a} {\n  X\n  Y @deprecated(reason: "no }")\n}\n`),
  name.map((a) => `# a comment with type ${a} { and "\nscalar ${a}\n`),
  name.map((a) => `directive @${a}(a: [Int!] = [1]) repeatable on FIELD_DEFINITION | OBJECT\n`),
  name.map((a) => `extend type ${a} @k {\n  more(x: Int): String\n}\n`),
);
const noise = fc.constantFrom('{', '}', '(', ')', '"', '"""', '\n', ' ', '#', 'type X {\n', '\ntype Y', 'input', '\\', ',');
const document = fc
  .array(fc.oneof({ weight: 4, arbitrary: definition }, { weight: 1, arbitrary: noise }), { maxLength: 12 })
  .map((parts) => parts.join(''));

describe('chunkStarts', () => {
  it('tiles the text: first start 0, ascending, at line starts (property)', () => {
    fc.assert(
      fc.property(document, (text) => {
        assertTiles(text, chunkStarts(text));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('t', 'y', 'p', 'e', ' ', '\n', '{', '}', '"', '#', 'A') }), (text) => {
        assertTiles(text, chunkStarts(text));
      }),
      { numRuns: 500 },
    );
  });

  it('returns one chunk starting at 0 for an empty or blank text', () => {
    assert.deepEqual(chunkStarts(''), [0]);
    assert.deepEqual(chunkStarts('\n\n  # only a comment\n'), [0]);
  });

  it('keeps leading comments and blank lines in the first chunk', () => {
    assert.deepEqual(chunks('# header\n\ntype A { a: Int }\ntype B { b: Int }\n'), [
      '# header\n\ntype A { a: Int }\n',
      'type B { b: Int }\n',
    ]);
  });

  it('makes one chunk per definition of the GitHub schema, each parsing to that definition', () => {
    const text = githubSchemaText();
    const whole = parse(text, { noLocation: true }).definitions;
    const parts = chunks(text);
    assert.equal(parts.length, whole.length);
    for (let i = 0; i < parts.length; i++) {
      const defs = parse(parts[i], { noLocation: true }).definitions;
      assert.equal(defs.length, 1, `chunk ${i} holds one definition: ${parts[i].slice(0, 80)}`);
      assert.deepEqual(defs[0], whole[i], `chunk ${i} is definition ${i} of the whole document`);
    }
  });

  it('makes one chunk per definition of generated well-formed documents (property)', () => {
    const wellFormed = fc.array(definition, { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(wellFormed, (text) => {
        const whole = parse(text, { noLocation: true }).definitions;
        const parts = chunks(text);
        assert.deepEqual(
          parts.map((p) => parse(p, { noLocation: true }).definitions),
          whole.map((d) => [d]),
        );
      }),
      { numRuns: 300 },
    );
  });

  describe('descriptions stay with their definition', () => {
    it('a block string description', () => {
      assert.deepEqual(chunks('type A { a: Int }\n"""\nAbout B.\n"""\ntype B { b: Int }\n'), [
        'type A { a: Int }\n',
        '"""\nAbout B.\n"""\ntype B { b: Int }\n',
      ]);
    });
    it('a one-line string description on its own line', () => {
      assert.deepEqual(chunks('scalar A\n"About B."\ntype B { b: Int }\n'), ['scalar A\n', '"About B."\ntype B { b: Int }\n']);
    });
    it('a one-line string description on the definition line', () => {
      assert.deepEqual(chunks('scalar A\n"About B." type B { b: Int }\n'), ['scalar A\n', '"About B." type B { b: Int }\n']);
    });
    it('a description separated from its definition by a blank line and a comment', () => {
      assert.deepEqual(chunks('scalar A\n"""About B."""\n\n# note\ntype B { b: Int }\n'), [
        'scalar A\n',
        '"""About B."""\n\n# note\ntype B { b: Int }\n',
      ]);
    });
    it('a block string whose lines look like definitions at column 0', () => {
      const text = 'scalar A\n"""\ntype NotAType {\n"quoted"\n"""\ntype B { b: Int }\n';
      assert.deepEqual(chunks(text), ['scalar A\n', '"""\ntype NotAType {\n"quoted"\n"""\ntype B { b: Int }\n']);
    });
    it('a block string with an escaped triple quote', () => {
      const text = 'scalar A\n"""\nSays \\""" then\ntype C\n"""\ntype B { b: Int }\n';
      assert.equal(chunks(text).length, 2);
      assert.equal(parse(chunks(text)[1]).definitions.length, 1);
    });
    it('field and argument descriptions do not start chunks', () => {
      const text = 'type A {\n"""\nThe f.\n"""\nf(\n"arg" x: Int\n): Int\n}\n';
      assert.deepEqual(chunks(text), [text]);
    });
  });

  describe('keywords inside braces', () => {
    it('a field named `type` at column 0 inside braces does not split', () => {
      const text = 'type A {\ntype: String\ninput: Int\nscalar(x: Int): Int\n}\ntype B { b: Int }\n';
      assert.deepEqual(chunks(text), ['type A {\ntype: String\ninput: Int\nscalar(x: Int): Int\n}\n', 'type B { b: Int }\n']);
    });
    it('an enum value named `type` at column 0 does not split', () => {
      const text = 'enum Kind {\ntype\ninterface\n}\nscalar S\n';
      assert.deepEqual(chunks(text), ['enum Kind {\ntype\ninterface\n}\n', 'scalar S\n']);
    });
    it('enum values that read like a definition at column 0 (`input RED`) do not split valid GraphQL', () => {
      const text = 'enum Kind {\ninput RED\ntype BLUE\n}\nscalar S\n';
      assert.equal(parse(text).definitions.length, 2);
      assert.deepEqual(chunks(text), ['enum Kind {\ninput RED\ntype BLUE\n}\n', 'scalar S\n']);
    });
    it('a keyword that is not at column 0 inside braces does not split', () => {
      const text = 'type A {\n  type B: Int\n}\n';
      assert.deepEqual(chunks(text), [text]);
    });
  });

  describe('recovery from an unclosed brace', () => {
    it('splits at a column-0 `type X {` after an unclosed `{`', () => {
      const text = 'type A {\n  a: Int\n  b: Str\ntype B {\n  c: Int\n}\n';
      const parts = chunks(text);
      assert.deepEqual(parts, ['type A {\n  a: Int\n  b: Str\n', 'type B {\n  c: Int\n}\n']);
      assert.throws(() => parse(parts[0]));
      assert.equal(parse(parts[1]).definitions.length, 1);
    });
    it('splits at a column-0 `directive @x` after an unclosed `(`', () => {
      const text = 'type A {\n  f(x: Int: Int\n}\ndirective @d on FIELD_DEFINITION\n';
      assert.deepEqual(chunks(text), ['type A {\n  f(x: Int: Int\n}\n', 'directive @d on FIELD_DEFINITION\n']);
    });
    it('keeps the definitions after the recovered one apart', () => {
      const text = 'type A {\n  a: Int\ntype B { b: Int }\ntype C { c: Int }\n';
      assert.deepEqual(chunks(text), ['type A {\n  a: Int\n', 'type B { b: Int }\n', 'type C { c: Int }\n']);
    });
    it('keeps the description of the recovered definition with it', () => {
      // The chunker's contract: a chunk starts at its definition's description.
      const text = 'type A {\n  a: Int\n"""\nAbout B.\n"""\ntype B { b: Int }\n';
      assert.deepEqual(chunks(text), ['type A {\n  a: Int\n', '"""\nAbout B.\n"""\ntype B { b: Int }\n']);
    });
  });

  describe('resuming', () => {
    it('from any chunk start yields the same later starts (property)', () => {
      fc.assert(
        fc.property(document, fc.nat(), (text, pick) => {
          const all = chunkStarts(text);
          const k = pick % all.length;
          assert.deepEqual(chunkStarts(text, all[k]), all.slice(k));
        }),
        { numRuns: 500 },
      );
    });

    it('stops at the first start the callback accepts, and returns it last (property)', () => {
      fc.assert(
        fc.property(document, fc.nat(), (text, at) => {
          const all = chunkStarts(text);
          const limit = text.length ? at % text.length : 0;
          const seen: number[] = [];
          const got = chunkStarts(text, 0, (s) => {
            seen.push(s);
            return s >= limit;
          });
          const firstAccepted = all.findIndex((s, i) => i > 0 && s >= limit);
          assert.deepEqual(got, firstAccepted < 0 ? all : all.slice(0, firstAccepted + 1));
          // The callback sees every start it returns except the scan's origin, and nothing after the accepted one.
          assert.deepEqual(seen, got.slice(1));
        }),
        { numRuns: 500 },
      );
    });

    it('resumes from the GitHub schema chunk starts', () => {
      const text = githubSchemaText();
      const all = chunkStarts(text);
      for (const k of [1, 17, 400, 1000, all.length - 1]) {
        const from = all[k];
        const got = chunkStarts(text, from, (s) => s >= all[k + 3]);
        assert.deepEqual(
          got,
          all.slice(k, k + 4).filter((s) => s !== undefined),
        );
      }
    });
  });
});
