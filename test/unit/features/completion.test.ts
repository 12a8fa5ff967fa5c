// The language features called directly on a SchemaDocument: the completion context and items at a
// cursor. Fixtures mark the cursor with `‸`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completion, completionContext } from '../../../server/src/service/completion';
import { fakeService } from '../support';
import { at, contextAt, labels } from './support';

describe('completion context', () => {
  const cases: [string, ReturnType<typeof completionContext>][] = [
    // Types.
    ['type A { f: ‸ }', { kind: 'type', want: 'output' }],
    ['type A { f: [‸ }', { kind: 'type', want: 'output' }],
    ['type A { f: [Str‸ }', { kind: 'type', want: 'output' }],
    ['interface I { f: ‸ }', { kind: 'type', want: 'output' }],
    ['type A { f(a: ‸): Int }', { kind: 'type', want: 'input' }],
    ['type A { f(a: Int, b: [‸): Int }', { kind: 'type', want: 'input' }],
    ['input I { a: ‸ }', { kind: 'type', want: 'input' }],
    ['extend input I { b: [‸ }', { kind: 'type', want: 'input' }],
    ['type A { f(a: In = { x: 1 }, b: ‸): Int }', { kind: 'type', want: 'input' }],
    ['"Doc." type A implements ‸', { kind: 'type', want: 'interface' }],
    ['schema { query: ‸ }', { kind: 'type', want: 'object' }],
    ['type A implements ‸', { kind: 'type', want: 'interface' }],
    ['type A implements B & ‸', { kind: 'type', want: 'interface' }],
    ['interface I implements No‸', { kind: 'type', want: 'interface' }],
    ['union U = ‸', { kind: 'type', want: 'object' }],
    ['union U = A | ‸', { kind: 'type', want: 'object' }],
    // Directives, by location.
    ['type A { f: Int @‸ }', { kind: 'directive', location: 'FIELD_DEFINITION' }],
    ['type A { f: Int @un‸ }', { kind: 'directive', location: 'FIELD_DEFINITION' }],
    ['type A @‸ { f: Int }', { kind: 'directive', location: 'OBJECT' }],
    ['extend type A @‸', { kind: 'directive', location: 'OBJECT' }],
    ['interface I @‸', { kind: 'directive', location: 'INTERFACE' }],
    ['union U @‸', { kind: 'directive', location: 'UNION' }],
    ['enum E @‸', { kind: 'directive', location: 'ENUM' }],
    ['enum E { A @‸ }', { kind: 'directive', location: 'ENUM_VALUE' }],
    ['input I @‸', { kind: 'directive', location: 'INPUT_OBJECT' }],
    ['input I { a: Int @‸ }', { kind: 'directive', location: 'INPUT_FIELD_DEFINITION' }],
    ['scalar S @‸', { kind: 'directive', location: 'SCALAR' }],
    ['schema @‸', { kind: 'directive', location: 'SCHEMA' }],
    ['type A { f(a: Int @‸): Int }', { kind: 'directive', location: 'ARGUMENT_DEFINITION' }],
    ['directive @d(a: Int @‸) on FIELD_DEFINITION', { kind: 'directive', location: 'ARGUMENT_DEFINITION' }],
    // Directive locations.
    ['directive @d on ‸', { kind: 'directiveLocation' }],
    ['directive @d(a: Int) repeatable on ‸', { kind: 'directiveLocation' }],
    ['directive @d on FIELD_DEFINITION | ‸', { kind: 'directiveLocation' }],
    ['directive @d on FIELD_DEFINITION | OB‸', { kind: 'directiveLocation' }],
    // Directive arguments and their values.
    ['type A { b: B @relation(‸) }', { kind: 'directiveArgument', directive: 'relation', used: [] }],
    ['type A { b: B @relation(inv‸) }', { kind: 'directiveArgument', directive: 'relation', used: [] }],
    ['type A { b: B @relation(inverse: "as", ‸) }', { kind: 'directiveArgument', directive: 'relation', used: ['inverse'] }],
    ['type A { b: B @relation(onDelete: CASCADE ‸) }', { kind: 'directiveArgument', directive: 'relation', used: ['onDelete'] }],
    ['type A { b: B @relation(onDelete: ‸) }', { kind: 'argumentValue', directive: 'relation', argument: 'onDelete' }],
    ['type A { b: B @relation(onDelete: CAS‸) }', { kind: 'argumentValue', directive: 'relation', argument: 'onDelete' }],
    ['type A { b: B @relation(inverse: "as", onDelete: ‸) }', { kind: 'argumentValue', directive: 'relation', argument: 'onDelete' }],
    ['type A { b: String @length(max: 4, ‸) }', { kind: 'directiveArgument', directive: 'length', used: ['max'] }],
    // Keywords, and nothing.
    ['‸', { kind: 'keyword' }],
    ['ty‸', { kind: 'keyword' }],
    ['type A { f‸ }', { kind: 'none' }],
    ['type A ‸', { kind: 'none' }],
    ['type A { f: Int ‸ }', { kind: 'none' }],
    ['input I { a: Int = ‸ }', { kind: 'none' }],
    // Strings and comments are not context.
    ['type A {\n  "Used as: a label" f: ‸ }', { kind: 'type', want: 'output' }],
    ['type A {\n  """\n  Example: {\n  """\n  f: ‸ }', { kind: 'type', want: 'output' }],
    ['type A {\n  "Say: " ‸ }', { kind: 'none' }],
    ['type A { # f: (\n  g: ‸ }', { kind: 'type', want: 'output' }],
  ];
  for (const [marked, expected] of cases) {
    it(JSON.stringify(marked), () => {
      assert.deepEqual(contextAt(marked), expected);
    });
  }

  it('starts at the chunk of the cursor: after a finished definition comes a keyword', () => {
    assert.deepEqual(labels('type A { a: Int }\n‸'), [
      'directive',
      'enum',
      'extend',
      'input',
      'interface',
      'scalar',
      'schema',
      'type',
      'union',
    ]);
    assert.deepEqual(labels('type A { a: Int }\n\ntype B { b: ‸ }').includes('A'), true);
  });
});

describe('completion items', () => {
  const schema = `interface Node { id: ID! }
interface Named { name: String }
type Post implements Node { id: ID! title: String }
type Author implements Node { id: ID! }
union Result = Post | Author
input PostInput { title: String }
enum Status { DRAFT }
scalar Url
type Query { posts: [Post] }
`;
  const service = fakeService(['posts']);

  it('offers the interfaces after `implements`', () => {
    assert.deepEqual(labels(schema + 'type Tag implements ‸'), ['Named', 'Node']);
  });

  it('offers object types after `=` in a union', () => {
    assert.deepEqual(labels(schema + 'union Any = ‸'), ['Author', 'Post', 'Query']);
  });

  it('offers output types for a field, without inputs and roots', () => {
    const got = labels(schema + 'type Tag { post: ‸ }');
    for (const name of ['Post', 'Author', 'Node', 'Result', 'Status', 'Url', 'String', 'Int', 'Float', 'Boolean', 'ID'])
      assert.ok(got.includes(name), name);
    for (const name of ['PostInput', 'Query']) assert.ok(!got.includes(name), name);
  });

  it('offers input types for an argument, without object types', () => {
    const got = labels(schema + 'type Tag { posts(filter: ‸): Int }');
    for (const name of ['PostInput', 'Status', 'Url', 'String']) assert.ok(got.includes(name), name);
    for (const name of ['Post', 'Node', 'Result']) assert.ok(!got.includes(name), name);
  });

  it('offers the platform scalars in a service schema only', () => {
    assert.ok(labels(schema + 'type Tag { at: ‸ }', service).includes('DateTime'));
    assert.ok(!labels(schema + 'type Tag { at: ‸ }').includes('DateTime'));
  });

  it('offers the directives valid on a field in a service schema', () => {
    assert.deepEqual(labels(schema + 'type Tag { id: ID! name: String @‸ }', service), [
      'auth',
      'default',
      'deprecated',
      'index',
      'length',
      'relation',
      'renamedFrom',
      'unique',
    ]);
    assert.deepEqual(labels(schema + 'type Tag { id: ID! name: String @‸ }'), ['deprecated']);
  });

  it('offers the directives valid on a type, and on an enum value', () => {
    assert.deepEqual(labels(schema + 'type Tag @‸ { id: ID! }', service), ['renamedFrom', 'transient']);
    assert.deepEqual(labels(schema + 'enum Mood { HAPPY @‸ }', service), ['deprecated', 'renamedFrom']);
  });

  it('offers a user directive where its locations allow', () => {
    const user = 'directive @tag(name: String!) on OBJECT | FIELD_DEFINITION\n';
    assert.deepEqual(labels(user + 'type Tag @‸ { id: ID! }'), ['tag']);
    const { doc, position } = at(user + 'type Tag { id: ID! @‸ }');
    const item = completion(doc, position).find((i) => i.label === 'tag')!;
    assert.equal(item.insertText, 'tag(name: "${1}")');
  });

  it("offers @relation's arguments inside `@relation(`, without those already given", () => {
    assert.deepEqual(labels(schema + 'type Tag { id: ID! post: Post @relation(‸) }', service), ['inverse', 'onDelete']);
    assert.deepEqual(labels(schema + 'type Tag { id: ID! post: Post @relation(inverse: "tags", ‸) }', service), ['onDelete']);
  });

  it('offers `reason` inside `@deprecated(`, on a field, an argument and an enum value', () => {
    for (const where of [
      'type Tag { id: ID! name: String @deprecated(‸) }',
      'type Tag { id: ID! name(x: Int @deprecated(‸)): String }',
      'enum Mood { HAPPY @deprecated(‸) }',
    ]) {
      assert.deepEqual(labels(schema + where, service), ['reason'], where);
      assert.deepEqual(labels(schema + where), ['reason'], where);
    }
    const { doc, position } = at(schema + 'type Tag { id: ID! name: String @deprecated(‸) }');
    assert.equal(completion(doc, position)[0].insertText, 'reason: "${1}"');
    assert.deepEqual(labels(schema + 'type Tag { id: ID! name: String @deprecated(reason: "x", ‸) }'), []);
  });

  it('offers the OnDeleteAction values after `onDelete: `', () => {
    assert.deepEqual(labels(schema + 'type Tag { id: ID! post: Post @relation(onDelete: ‸) }', service), [
      'CASCADE',
      'NO_ACTION',
      'SET_NULL',
    ]);
  });

  it('offers every directive location after `on`', () => {
    const got = labels('directive @tag on ‸');
    assert.equal(got.length, 19);
    for (const l of ['OBJECT', 'FIELD_DEFINITION', 'ENUM_VALUE', 'ARGUMENT_DEFINITION', 'INPUT_FIELD_DEFINITION', 'SCHEMA'])
      assert.ok(got.includes(l), l);
  });

  it('offers nothing after a field name', () => {
    assert.deepEqual(labels(schema + 'type Tag { id‸ }'), []);
  });
});
