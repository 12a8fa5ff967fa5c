// The incremental analysis: after any sequence of edits, one long-lived SchemaAnalysis reports
// exactly what a fresh one reports on the same text, and a fresh one reports what graphql-js's own
// validateSDL + validateSchema report.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { chunkStarts } from '../../core/src/schema/chunker';
import { AnalysisOptions, SchemaAnalysis } from '../../core/src/schema/analysis';
import {
  applyEdit,
  assertAgreesWithGraphqlJs,
  assertSameAsFresh,
  fromScratch,
  generatedSchema,
  githubSlice,
  graphqlJsVerdict,
  parses,
  productMessages,
  runSession,
  SessionChecks,
  step,
} from './schemaEdits';
import { blogSchemaText, githubSchemaText, withCursor } from './support';

// The node:test reporter does not print an error's cause: put the failing assertion in the report.
fc.configureGlobal({ ...fc.readConfigureGlobal(), includeErrorInReport: true });

let editsChecked = 0;
function editSessions(schema: fc.Arbitrary<string>, options: AnalysisOptions, runs: number, maxSteps: number, checks: SessionChecks): void {
  fc.assert(
    fc.property(schema, fc.array(step, { minLength: 1, maxLength: maxSteps }), (initial, steps) => {
      runSession(initial, steps, options, checks);
      editsChecked += steps.length;
    }),
    { numRuns: runs },
  );
}

// ---------------------------------------------------------------------------------------------

const EVERY_STEP: SessionChecks = { graphqlJs: false, onlyWhenParses: false };
const PARSING_STEPS: SessionChecks = { graphqlJs: true, onlyWhenParses: true };

for (const prelude of [false, true]) {
  const options: AnalysisOptions = { prelude };
  describe(`incremental equals from scratch (prelude: ${prelude})`, () => {
    it('on the blog fixture, under random edits', () => {
      editSessions(fc.constant(blogSchemaText()), options, 40, 25, EVERY_STEP);
    });
    it('on a slice of the GitHub schema, under random edits', () => {
      editSessions(fc.constantFrom(githubSlice(1, 14), githubSlice(1287, 14)), options, 25, 20, EVERY_STEP);
    });
    it('on generated schemas with interfaces, unions, inputs, enums, extensions and directives, under random edits', () => {
      editSessions(generatedSchema, options, 120, 20, EVERY_STEP);
    });
    // Leaves out the states with a syntax error, so what it finds is not about the stand-ins for
    // broken definitions; on valid syntax graphql-js must agree too.
    it('on generated schemas, checked (and compared with graphql-js) whenever the whole text parses', () => {
      editSessions(generatedSchema, options, 150, 20, PARSING_STEPS);
    });
  });
}

describe('chunks after edits', () => {
  it('equal a fresh scan after any edit, with exact, conservative or no edit hints (property)', () => {
    const hintKind = fc.constantFrom('exact', 'conservative', 'none');
    fc.assert(
      fc.property(
        generatedSchema,
        fc.array(fc.tuple(step, hintKind, fc.nat(), fc.nat()), { minLength: 1, maxLength: 30 }),
        (initial, steps) => {
          const analysis = new SchemaAnalysis({ prelude: false });
          let text = initial;
          analysis.update(text);
          const history = [text];
          for (const [s, kind, a, b] of steps) {
            const next = applyEdit(text, s.edit, history);
            text = next.text;
            history.push(text);
            // A host may know less than the exact unchanged ends (several changes merged): never more.
            const hint =
              next.hint && kind !== 'none'
                ? kind === 'exact'
                  ? next.hint
                  : { prefix: a % (next.hint.prefix + 1), suffix: b % (next.hint.suffix + 1) }
                : undefined;
            analysis.update(text, hint);
            assert.deepEqual(
              analysis.allChunks().map((c) => c.start),
              chunkStarts(text),
              `after ${JSON.stringify(s.edit)} (${kind}):\n${text}`,
            );
            assert.equal(
              analysis
                .allChunks()
                .map((c) => c.text)
                .join(''),
              text,
            );
            assert.equal(analysis.documentText, text);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Brings one analysis through `versions`, checking it against a fresh one at each. */
function scenario(options: AnalysisOptions, ...versions: string[]): void {
  const analysis = new SchemaAnalysis(options);
  for (const [i, text] of versions.entries()) {
    analysis.update(text);
    assertSameAsFresh(analysis, text, () => `version ${i}:\n${text}`);
  }
}

describe('incremental equals from scratch: edits that must re-validate other definitions', () => {
  it('fixing an implementation clears the interface error reported on the interface', () => {
    // The error has nodes in both definitions and is kept with the interface's cached result.
    scenario(
      { prelude: false },
      'interface I { f: Int }\ntype X implements I { f(a: Int!): Int }\n',
      'interface I { f: Int }\ntype X implements I { f: Int }\n',
    );
  });

  it('an interface field type that changes kind re-validates the implementations', () => {
    // X depends on J only through I: a dependency recorded once per pass, for the first includer.
    const before =
      'interface I { f: J }\ntype X implements I { f: K }\ninterface J { id: ID }\ntype K implements J { id: ID }\ntype Z { id: ID }\n';
    scenario({ prelude: false }, before, before.replace('interface J { id: ID }', 'union J = Z'));
  });

  it('an implementation is checked against an interface whose field types form a long chain', () => {
    const chain = Array.from({ length: 9 }, (_, i) => `interface I${i} { x: I${i + 1} }`).join('\n') + '\ninterface I9 { x: Int }\n';
    scenario({ prelude: false }, chain + 'type A implements I0 { x: I1 }\n', chain + 'type A implements I0 { x: Int }\n');
  });

  it('a type named Query is not the query root when the schema definition names another', () => {
    scenario(
      { prelude: false },
      'schema { query: Root }\ntype Root { a: Int }\ninput Query { a: Int }\n',
      'schema { query: Root }\ntype Root { a: Int }\ninput Query { a: Int, b: Int }\n',
    );
  });

  it('an extension whose base type appears, goes and changes kind', () => {
    const base = 'type Query { a: A }\nextend type A { b: Int }\n';
    scenario({ prelude: false }, base, base + 'type A { a: Int }\n', base, base + 'interface A { a: Int }\n');
  });

  it('a directive declared after it is used, then given a required argument and another location', () => {
    const base = 'type Query { a: Int @d }\n';
    scenario(
      { prelude: true },
      base,
      base + 'directive @d on FIELD_DEFINITION\n',
      base + 'directive @d(x: Int!) on FIELD_DEFINITION\n',
      base + 'directive @d(x: Int!) on OBJECT\n',
    );
  });

  it('a user declaration that replaces a prelude scalar and directive', () => {
    const base = 'type Query { a: DateTime @unique }\n';
    scenario({ prelude: true }, base, base + 'enum DateTime { NOW }\n', base + 'directive @unique(x: Int!) on FIELD_DEFINITION\n', base);
  });

  it('typing an unclosed brace above the rest of the document, then closing it', () => {
    const text = 'type Query { a: A }\ntype A {\n  b: Int\n}\ntype B { c: A }\n';
    const open = text.replace('  b: Int\n}', '  b: Int');
    scenario({ prelude: false }, text, open, open.replace('  b: Int', '  b: Int\n  c: Strin'), text);
  });
});

describe('incremental equals from scratch: results that depend on what a pass validates together', () => {
  it('a field defined twice, in a type and its extension, is reported at the same place after editing the extension', () => {
    scenario({ prelude: false }, 'type A { f: Int }\nextend type A { f: Int }\n', 'type A { f: Int }\nextend type A { f: Int g: Int }\n');
  });

  it('a cycle of non-null input fields is reported the same way after editing its second input', () => {
    scenario({ prelude: false }, 'input B { a: A! }\ninput A { b: B! }\n', 'input B { a: A! }\ninput A { b: B! c: Int }\n');
  });

  it('an error about a definition that was not edited is not reported a second time', () => {
    // Color is re-validated (its unknown type makes it volatile) with A in full: A's own error has
    // a node in Color.
    const text = 'interface Color implements Node { id: A }\ninterface A implements Color { id: A }\n';
    scenario({ prelude: false }, text, 'scalar Url\n' + text);
  });

  it("an interface re-validated without its implementation does not find the implementation's fields missing", () => {
    // Url stands in as a stub (its interfaces, no fields) when only Named is validated.
    const text = 'interface Named { id(x: Url): ID y: Strin }\ntype Url implements Named { id(x: Url): ID y: Int }\n';
    scenario({ prelude: false }, text, 'scalar S\n' + text);
  });

  it('a definition added beside an input that graphql-js cannot build is judged like a fresh analysis judges it', () => {
    // The whole document does not build (an object type with a default value in an input); a
    // pass over the new definition alone does.
    const text = 'input In { id: A = 1 }\ntype A { a: Int }\ninterface Node { id: ID! }\n';
    scenario({ prelude: false }, text, text + 'type B implements Node { x: Int }\n');
  });

  it('an extension of an unknown type suggests the same names after an edit', () => {
    scenario(
      { prelude: false },
      'type Node { a: Int }\nextend type Nod { b: Int }\n',
      'type Node { a: Int }\nextend type Nod { b: Int c: Int }\n',
    );
  });
});

describe('incremental equals from scratch: definitions that do not parse', () => {
  it('a broken interface does not keep checking implementations against its last good version', () => {
    scenario(
      { prelude: false },
      'interface I { a: Int }\ntype X implements I { a: Int }\n',
      'interface I { a: Int b: }\ntype X implements I { a: Int }\n',
      'interface I { a: Int b: }\ntype X implements I { c: Int }\n',
    );
  });

  it('a broken second declaration of a name does not report the first one as a duplicate', () => {
    scenario({ prelude: false }, 'type A { a: Int }\n', 'type A { a: Int }\ntype A { a: }\n');
  });
});

describe('diagnostics never throw', () => {
  const throwsNot = (text: string, prelude: boolean) => {
    const analysis = new SchemaAnalysis({ prelude });
    analysis.update(text);
    assert.doesNotThrow(() => analysis.diagnostics(), `diagnostics of:\n${text}`);
  };

  it('while the definition of a used directive is typed', () => {
    throwsNot('type Query { a: Int @d }\ndirective @d on\n', false);
    throwsNot('type Query { a: Int @d }\ndirective @d(x: Int on FIELD_DEFINITION\n', false);
  });

  it('while a prelude directive is redeclared', () => {
    throwsNot('type Query { a: Int @auth }\ndirective @auth on\n', true);
  });

  it('on any edit of generated schemas (property)', () => {
    fc.assert(
      fc.property(generatedSchema, fc.array(step, { maxLength: 8 }), fc.boolean(), (initial, steps, prelude) => {
        const analysis = new SchemaAnalysis({ prelude });
        let text = initial;
        const history = [text];
        for (const s of steps) {
          text = applyEdit(text, s.edit, history).text;
          history.push(text);
          analysis.update(text);
          assert.doesNotThrow(() => analysis.diagnostics(), `diagnostics after edits, of:\n${text}`);
          const fresh = new SchemaAnalysis({ prelude });
          fresh.update(text);
          assert.doesNotThrow(() => fresh.diagnostics(), `diagnostics of:\n${text}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('messages', () => {
  it('rewords unknown types with suggestions and fix data', () => {
    const { text, offset } = withCursor('type Query { a: |Strin }\n');
    const d = fromScratch(text, { prelude: false });
    assert.equal(d.length, 1);
    assert.equal(d[0].code, 'unknown-type');
    assert.equal(d[0].message, 'Unknown type "Strin". Did you mean "String"? Or declare it.');
    assert.deepEqual(d[0].data, { kind: 'did-you-mean', name: 'Strin', suggestions: ['String'] });
    assert.deepEqual([d[0].start, d[0].end], [offset, offset + 'Strin'.length]);
  });

  it('suggests prelude scalars for unknown types in service schemas only', () => {
    const text = 'type Query { a: DateTim }\n';
    assert.equal((fromScratch(text, { prelude: true })[0].data as { suggestions: string[] }).suggestions[0], 'DateTime');
    assert.equal(fromScratch(text, { prelude: false })[0].data?.kind, 'did-you-mean');
    assert.ok(!(fromScratch(text, { prelude: false })[0].data as { suggestions: string[] }).suggestions.includes('DateTime'));
  });

  it('never suggests the unknown name itself', () => {
    // Only an extension declares A: the name is in the index but not a type.
    for (const d of fromScratch('type Query { a: A }\nextend type A { id: ID }\n', { prelude: false })) {
      if (d.data?.kind === 'did-you-mean') assert.ok(!d.data.suggestions.includes(d.data.name), d.message);
    }
  });

  it('names the type an extension of an undefined type extends, and does not suggest it', () => {
    const [d] = fromScratch('extend type Nod { id: Int }\ntype Node { a: Int }\n', { prelude: false });
    assert.equal(d.code, 'invalid-type-extension');
    assert.match(d.message, /^Cannot extend type "Nod" because it is not defined\./);
    assert.match(d.message, /"Node"/);
    const [self] = fromScratch('extend type A { id: Int }\n', { prelude: false });
    assert.match(self.message, /^Cannot extend type "A" because it is not defined\./);
    assert.doesNotMatch(self.message, /Did you mean "A"/);
  });

  it('hints at closing a brace only when a brace is open', () => {
    const [d] = fromScratch('directive @d on\n', { prelude: false });
    assert.equal(d.code, 'syntax');
    assert.doesNotMatch(d.message, /Close the open "\{"/);
    const [open] = fromScratch('type A {\n  a: Int\n', { prelude: false });
    assert.match(open.message, /Close the open "\{"/);
  });

  it('reports a missing Query only with the prelude', () => {
    assert.deepEqual(fromScratch('type A { a: Int }\n', { prelude: false }), []);
    assert.deepEqual(
      fromScratch('type A { a: Int }\n', { prelude: true }).map((d) => d.code),
      ['missing-query'],
    );
  });

  it('reports the duplicate fields and duplicate types of a document at their second declaration', () => {
    const { text, offset } = withCursor('type A { f: Int }\ntype A { |f: Int }\n');
    const d = fromScratch(text, { prelude: false });
    assert.deepEqual(d.map((x) => x.code).sort(), ['duplicate-field', 'duplicate-type']);
    assert.equal(d.find((x) => x.code === 'duplicate-field')!.start, offset);
    assert.equal(d.find((x) => x.code === 'duplicate-type')!.start, text.indexOf('A', text.indexOf('\n')));
  });
});

describe('from scratch equals graphql-js', () => {
  it('on generated syntactically valid schemas (property, both prelude settings)', () => {
    fc.assert(
      fc.property(generatedSchema, fc.boolean(), (text, prelude) => {
        fc.pre(parses(text));
        assertAgreesWithGraphqlJs(fromScratch(text, { prelude }), text, prelude);
      }),
      { numRuns: 500 },
    );
  });

  it('on the blog fixture', () => {
    const text = blogSchemaText();
    assertAgreesWithGraphqlJs(fromScratch(text, { prelude: true }), text, true);
    assert.deepEqual(fromScratch(text, { prelude: true }), []);
    // Without the prelude DateTime and @unique are unknown, exactly as graphql-js says.
    assertAgreesWithGraphqlJs(fromScratch(text, { prelude: false }), text, false);
    assert.deepEqual(productMessages(fromScratch(text, { prelude: false })), ['Unknown directive "@unique".', 'Unknown type "DateTime".']);
  });

  it('on the GitHub schema', () => {
    const text = githubSchemaText();
    const product = fromScratch(text, { prelude: false });
    assertAgreesWithGraphqlJs(product, text, false);
    assert.ok(product.length > 0, 'the GitHub schema has known errors (duplicate fields) that must be reported');
  });

  it('an input field of an object type with a default value, which graphql-js cannot build', () => {
    const text = 'type Query { a: Int }\ntype Color { a: Int }\ninput In { c: Color = 1 }\n';
    assert.ok(graphqlJsVerdict(text, false).unbuildable);
    assertAgreesWithGraphqlJs(fromScratch(text, { prelude: false }), text, false);
  });

  it('an extension of an unknown type, with the suggestions graphql-js makes', () => {
    // graphql-js suggests among every type of the schema, the prelude's included; the product words it its own way.
    const suggested = (message: string) =>
      [...(/Did you mean (.*)\?/.exec(message)?.[1].matchAll(/"([^"]*)"/g) ?? [])].map((m) => m[1]).sort();
    for (const prelude of [false, true]) {
      const text = 'type Query { a: Int }\ntype Dog { a: Int }\nextend type Dot { b: Int }\n';
      const [expected] = graphqlJsVerdict(text, prelude).raw.filter((m) => m.startsWith('Cannot extend'));
      const [product] = fromScratch(text, { prelude }).filter((d) => d.code === 'invalid-type-extension');
      assert.deepEqual(suggested(product.message), suggested(expected), `prelude: ${prelude}: ${product.message} / ${expected}`);
    }
  });
});

describe('edit counts', () => {
  it('checked hundreds of edits against a fresh analysis', () => {
    assert.ok(editsChecked >= 500, `only ${editsChecked} edits were checked`);
  });
});
