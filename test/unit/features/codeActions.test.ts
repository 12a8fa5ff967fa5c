// The language features called directly on a SchemaDocument: quick fixes for diagnostics. Fixtures
// mark the cursor with `‸`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver';
import { codeActions } from '../../../server/src/service/codeActions';
import { computeDiagnostics } from '../../../server/src/service/diagnostics';
import type { SchemaDocument } from '../../../server/src/service/document';
import type { ServiceFolder } from '../../../servicefs/src/folder';
import { parses } from '../schemaEdits';
import { fakeService, schemaDocument } from '../support';
import { applied, codesOf } from './support';

describe('code actions', () => {
  const service = fakeService(['posts']);

  /** The LSP diagnostics of `text` with the given code, and the actions offered for them. */
  function actionsFor(
    text: string,
    code: string,
    svc: ServiceFolder | undefined = service,
  ): { doc: SchemaDocument; diagnostics: Diagnostic[]; actions: CodeAction[] } {
    const doc = schemaDocument(text, { service: svc });
    const diagnostics = computeDiagnostics(doc).schema.filter((d) => d.code === code);
    assert.ok(diagnostics.length > 0, `a ${code} diagnostic in:\n${text}`);
    const actions = codeActions(doc, { textDocument: { uri: doc.uri }, range: diagnostics[0].range, context: { diagnostics } });
    return { doc, diagnostics, actions };
  }

  it('did-you-mean: replaces an unknown type with each suggestion, the first preferred', () => {
    const { doc, actions } = actionsFor('type Query { posts: [Post] }\ntype Post { id: ID! title: Strin }\n', 'unknown-type');
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [['Change to "String"', true]],
    );
    assert.equal(applied(doc, actions[0].edit!), 'type Query { posts: [Post] }\ntype Post { id: ID! title: String }\n');
  });

  it('missing-id: adds `id: ID!` or marks the type @transient, either clears the error', () => {
    const text = 'type Query { posts: [Post] }\ntype Post {\n  title: String\n}\n';
    const { doc, actions } = actionsFor(text, 'entity-missing-id');
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Add "id: ID!" to Post', 'Mark Post @transient (not stored)'],
    );
    assert.equal(applied(doc, actions[0].edit!), 'type Query { posts: [Post] }\ntype Post {\n  id: ID!\n  title: String\n}\n');
    for (const a of actions) assert.deepEqual(codesOf(applied(doc, a.edit!), service), [], a.title);
  });

  it('unsupported-type: marks the type @transient after its interfaces', () => {
    const text = 'type Query { posts: [Post] }\ninterface Node { id: ID! }\ntype Post implements Node { id: ID! m: [[Int]] }\n';
    const { doc, actions } = actionsFor(text, 'unsupported-type');
    const out = applied(doc, actions[0].edit!);
    assert.match(out, /type Post implements Node @transient \{/);
    assert.deepEqual(
      codesOf(out, service).filter((c) => c !== 'missing-resolver'),
      [],
    );
  });

  it('missing-resolver: creates the resolver file with typed arguments', () => {
    const { actions } = actionsFor('type Query { posts: [Int] post(id: ID!, limit: Int): Int }\n', 'missing-resolver');
    assert.equal(actions[0].title, 'Create src/resolvers/queries/post.ts');
    const [create, write] = actions[0].edit!.documentChanges!;
    assert.deepEqual(create, { kind: 'create', uri: 'file:///work/svc/src/resolvers/queries/post.ts', options: { ignoreIfExists: true } });
    const stub = (write as { edits: TextEdit[] }).edits[0].newText;
    assert.match(stub, /export default async function post\(/);
    assert.match(stub, /args: \{ id: string; limit\?: number \| null \}/);
  });

  it('ambiguous-relation: pairing with a candidate settles the field', () => {
    const text =
      'type Query { posts: [Post] }\ntype Post { id: ID! author: User editor: User }\ntype User { id: ID! posts: [Post] edited: [Post] }\n';
    const { doc, diagnostics, actions } = actionsFor(text, 'ambiguous-relation');
    const first = diagnostics[0];
    const forFirst = actions.filter((a) => a.diagnostics?.[0] === first);
    assert.deepEqual(
      forFirst.map((a) => a.title),
      ['Pair with "posts": add @relation(inverse: "posts")', 'Pair with "edited": add @relation(inverse: "edited")'],
    );
    const out = applied(doc, forFirst[0].edit!);
    assert.match(out, /author: User @relation\(inverse: "posts"\) editor/);
    assert.ok(parses(out));
  });

  it('ambiguous-relation: a field that already has @relation gets the inverse inside it, not a second @relation', () => {
    const text =
      'type Query { posts: [Post] }\ntype Post { id: ID! author: User @relation(onDelete: CASCADE) editor: User }\ntype User { id: ID! posts: [Post] edited: [Post] }\n';
    const { doc, actions } = actionsFor(text, 'ambiguous-relation');
    const out = applied(doc, actions[0].edit!);
    const codes = codesOf(out, service);
    assert.ok(!codes.includes('duplicate-directive-use'), `after "${actions[0].title}":\n${out}\n${codes.join(', ')}`);
  });

  it('ignores diagnostics from other sources and without fix data', () => {
    const doc = schemaDocument('type Query { a: Strin }\n', { service });
    const [d] = computeDiagnostics(doc).schema.filter((x) => x.code === 'unknown-type');
    assert.deepEqual(
      codeActions(doc, { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [{ ...d, source: 'other' }] } }),
      [],
    );
    assert.deepEqual(
      codeActions(doc, { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [{ ...d, data: undefined }] } }),
      [],
    );
  });
});
