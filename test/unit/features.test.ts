// The language features called directly on a SchemaDocument: completion, hover, rename,
// formatting and code actions. Fixtures mark the cursor with `‸`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse, print } from 'graphql';
import { CodeAction, Diagnostic, MarkupContent, ResponseError, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from '../../server/src/service/codeActions';
import { completion, completionContext } from '../../server/src/service/completion';
import { computeDiagnostics } from '../../server/src/service/diagnostics';
import type { SchemaDocument } from '../../server/src/service/document';
import { format, formatText } from '../../server/src/service/formatting';
import { hover } from '../../server/src/service/hover';
import { prepareRename, rename } from '../../server/src/service/rename';
import type { ServiceFolder } from '../../servicefs/src/folder';
import { generatedSchema, githubSlice, parses } from './schemaEdits';
import { blogSchemaText, fakeService, githubSchemaText, schemaDocument, withCursor } from './support';

fc.configureGlobal({ ...fc.readConfigureGlobal(), includeErrorInReport: true });

const CURSOR = '‸';

/** A document over the fixture without its cursor mark, and the cursor's position. */
function at(marked: string, service?: ServiceFolder) {
  const { text, offset } = withCursor(marked, CURSOR);
  const doc = schemaDocument(text, { service });
  return { doc, text, offset, position: doc.document.positionAt(offset) };
}

function contextAt(marked: string) {
  const { text, offset } = withCursor(marked, CURSOR);
  return completionContext(text, 0, offset);
}

function labels(marked: string, service?: ServiceFolder): string[] {
  const { doc, position } = at(marked, service);
  return completion(doc, position).map((i) => i.label).sort();
}

function hoverText(marked: string, service?: ServiceFolder): string | undefined {
  const { doc, position } = at(marked, service);
  const h = hover(doc, position);
  return h ? (h.contents as MarkupContent).value : undefined;
}

/** The text after applying the edits a WorkspaceEdit makes to `doc`. */
function applied(doc: SchemaDocument, edit: WorkspaceEdit | null): string {
  assert.ok(edit, 'an edit');
  let edits: TextEdit[] = edit.changes?.[doc.uri] ?? [];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === doc.uri) edits = edits.concat(change.edits as TextEdit[]);
  }
  return TextDocument.applyEdits(doc.document, edits);
}

/** Codes of the product's diagnostics of `text` as a service schema. */
function codesOf(text: string, service: ServiceFolder): string[] {
  return computeDiagnostics(schemaDocument(text, { service })).schema.map((d) => String(d.code));
}

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
    it(JSON.stringify(marked), () => { assert.deepEqual(contextAt(marked), expected); });
  }

  it('starts at the chunk of the cursor: after a finished definition comes a keyword', () => {
    assert.deepEqual(labels('type A { a: Int }\n‸'), ['directive', 'enum', 'extend', 'input', 'interface', 'scalar', 'schema', 'type', 'union']);
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
    for (const name of ['Post', 'Author', 'Node', 'Result', 'Status', 'Url', 'String', 'Int', 'Float', 'Boolean', 'ID']) assert.ok(got.includes(name), name);
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
    assert.deepEqual(labels(schema + 'type Tag { id: ID! name: String @‸ }', service),
      ['auth', 'default', 'deprecated', 'index', 'length', 'relation', 'renamedFrom', 'unique']);
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

  it('offers @relation\'s arguments inside `@relation(`, without those already given', () => {
    assert.deepEqual(labels(schema + 'type Tag { id: ID! post: Post @relation(‸) }', service), ['inverse', 'onDelete']);
    assert.deepEqual(labels(schema + 'type Tag { id: ID! post: Post @relation(inverse: "tags", ‸) }', service), ['onDelete']);
  });

  it('offers the OnDeleteAction values after `onDelete: `', () => {
    assert.deepEqual(labels(schema + 'type Tag { id: ID! post: Post @relation(onDelete: ‸) }', service), ['CASCADE', 'NO_ACTION', 'SET_NULL']);
  });

  it('offers every directive location after `on`', () => {
    const got = labels('directive @tag on ‸');
    assert.equal(got.length, 19);
    for (const l of ['OBJECT', 'FIELD_DEFINITION', 'ENUM_VALUE', 'ARGUMENT_DEFINITION', 'INPUT_FIELD_DEFINITION', 'SCHEMA']) assert.ok(got.includes(l), l);
  });

  it('offers nothing after a field name', () => {
    assert.deepEqual(labels(schema + 'type Tag { id‸ }'), []);
  });
});

describe('hover', () => {
  const text = `"A blog post."
type Post {
  id: ID!
  "The headline."
  title: String! @unique @length(max: 80)
  author: Author
  status: Status
}
type Author { id: ID! posts: [Post!]! }
enum Status { DRAFT PUBLISHED }
type Stats @transient { count: Int }
type Query { posts: [Post!]! stats: Stats }
`;
  const service = fakeService(['posts', 'stats']);
  const marked = (needle: string, k = 1) => text.replace(needle, needle.slice(0, k) + CURSOR + needle.slice(k));

  it('shows a type\'s signature, description and table', () => {
    const value = hoverText(marked('type Post', 6), service)!;
    assert.match(value, /```graphql\ntype Post\n```/);
    assert.match(value, /A blog post\./);
    assert.match(value, /\*\*Table\*\* `"Post"`/);
  });

  it('says roots and @transient types are not stored', () => {
    assert.match(hoverText(marked('type Stats', 6), service)!, /\*Not stored\*/);
    assert.match(hoverText(marked('type Query', 6), service)!, /\*Not stored\*/);
  });

  it('shows a stored field\'s column and type', () => {
    const value = hoverText(marked('title:'), service)!;
    assert.match(value, /Post\.title: String! @unique @length\(max: 80\)/);
    assert.match(value, /The headline\./);
    assert.match(value, /\*\*Column\*\* `"Post"."title"` `character varying\(80\)` \(NOT NULL, UNIQUE\)/);
  });

  it('shows a relation and which side holds the key', () => {
    assert.match(hoverText(marked('author:'), service)!, /\*\*Relation\*\* many-to-one to `Author` \(inverse `Author.posts`\): foreign key column `"Post"."authorId"`/);
    assert.match(hoverText(marked('posts: [Post!]! }'), service)!, /\*\*Relation\*\* one-to-many to `Post` \(inverse `Post.author`\): no column/);
  });

  it('shows the resolver file of a Query field', () => {
    assert.match(hoverText(marked('posts: [Post!]! stats'), service)!, /\*\*Resolver\*\* `src\/resolvers\/queries\/posts.ts`/);
  });

  it('shows a referenced type from the reference, and built-in scalars and directives', () => {
    assert.match(hoverText(marked('author: Author', 10), service)!, /type Author/);
    assert.match(hoverText(marked('ID!'), service)!, /primary key/);
    const unique = hoverText(marked('@unique', 2), service)!;
    assert.match(unique, /directive @unique on FIELD_DEFINITION/);
    assert.match(unique, /UNIQUE constraint/);
    assert.match(unique, /Built into code\.store/);
  });

  it('covers the name it describes', () => {
    const { doc, offset } = at(marked('title:', 2), service);
    const h = hover(doc, doc.document.positionAt(offset))!;
    assert.deepEqual([doc.document.offsetAt(h.range!.start), doc.document.offsetAt(h.range!.end)], [text.indexOf('title:'), text.indexOf('title:') + 5]);
  });

  it('has no column line outside a service folder, and nothing on blank space', () => {
    assert.doesNotMatch(hoverText(marked('title:'))!, /Column/);
    assert.equal(hoverText(text + '\n' + CURSOR + '\n'), undefined);
  });
});

describe('rename', () => {
  const text = `interface Node { id: ID! }
type Post implements Node @index2 {
  id: ID!
  title: String @unique
  author: Author @relation(inverse: "posts")
  status: Status
}
directive @index2 on OBJECT
type Author { id: ID! posts: [Post] }
enum Status { DRAFT }
type Query { posts: [Post] post(id: ID!): Post }
`;
  const service = fakeService(['posts', 'post']);
  const renameAt = (needle: string, newName: string, svc: ServiceFolder | null = service, k = 1) => {
    const { doc, position } = at(text.replace(needle, needle.slice(0, k) + CURSOR + needle.slice(k)), svc ?? undefined);
    const edit = rename(doc, position, newName);
    return { doc, edit, out: applied(doc, edit) };
  };

  it('renames a type everywhere and adds @renamedFrom after its interfaces and directives', () => {
    const { out } = renameAt('type Post', 'Article', service, 6);
    assert.equal(out, text
      .replace('type Post implements Node @index2 {', 'type Article implements Node @index2 @renamedFrom(name: "Post") {')
      .replace('author: Author', 'author: Author')
      .replace('posts: [Post] }\nenum', 'posts: [Article] }\nenum')
      .replace('posts: [Post] post(id: ID!): Post }', 'posts: [Article] post(id: ID!): Article }'));
    assert.ok(parses(out));
    assert.deepEqual(codesOf(out, service), []);
  });

  it('renames a stored field and adds @renamedFrom after its type and directives', () => {
    const { out } = renameAt('title:', 'headline');
    assert.match(out, /\n {2}headline: String @unique @renamedFrom\(name: "title"\)\n/);
    assert.ok(parses(out));
  });

  it('renames the field an @relation(inverse:) names, and adds no @renamedFrom to a side without a column', () => {
    const { out } = renameAt('posts: [Post] }\nenum', 'articles');
    assert.match(out, /@relation\(inverse: "articles"\)/);
    assert.match(out, /type Author \{ id: ID! articles: \[Post\] \}/);
    assert.ok(parses(out));
  });

  it('renames an enum value with @renamedFrom', () => {
    const { out } = renameAt('DRAFT', 'PENDING');
    assert.match(out, /enum Status \{ PENDING @renamedFrom\(name: "DRAFT"\) \}/);
  });

  it('renames a Query field and its resolver file, without @renamedFrom', () => {
    const { edit, out } = renameAt('post(id', 'article');
    assert.match(out, /article\(id: ID!\): Post \}/);
    assert.doesNotMatch(out, /renamedFrom/);
    const ops = (edit!.documentChanges ?? []).filter((c) => 'kind' in c);
    assert.deepEqual(ops, [{ kind: 'rename', oldUri: 'file:///work/svc/src/resolvers/queries/post.ts', newUri: 'file:///work/svc/src/resolvers/queries/article.ts' }]);
  });

  it('renames an interface field in its implementations', () => {
    const { out } = renameAt('id: ID! }\ntype Post', 'key', service, 0);
    assert.match(out, /interface Node \{ key: ID! \}/);
    assert.match(out, /\n {2}key: ID!\n/);
    assert.match(out, /type Author \{ id: ID!/, 'Author does not implement Node');
  });

  it('adds no @renamedFrom outside a service folder, nor twice', () => {
    assert.doesNotMatch(renameAt('title:', 'headline', null).out, /renamedFrom/);
    const { doc, position } = at('type Query { a: Int }\ntype Post @renamedFrom(name: "Old") { id: ID! }\n'.replace('Post', 'P‸ost'), service);
    assert.equal((applied(doc, rename(doc, position, 'Article')).match(/renamedFrom/g) ?? []).length, 1);
  });

  it('refuses invalid names and built-in types', () => {
    const { doc, position } = at(text.replace('title: String', 'title: Str‸ing'), service);
    assert.throws(() => prepareRename(doc, position), ResponseError);
    const post = at(text.replace('type Post', 'type Po‸st'), service);
    assert.throws(() => rename(post.doc, post.position, '2fast'), ResponseError);
    assert.throws(() => rename(post.doc, post.position, '__Type'), ResponseError);
    assert.deepEqual(prepareRename(post.doc, post.position)?.placeholder, 'Post');
  });
});

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
    assert.equal(out, `# Header comment
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
`);
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
    const layout = fc.array(fc.record({ indent: fc.constantFrom('', ' ', '   ', '\t', '        '), trailing: fc.constantFrom('', ' ', '  \t'), blankAfter: fc.boolean() }), { minLength: 1 });
    fc.assert(fc.property(generatedSchema, layout, fc.constantFrom('  ', '    ', '\t'), (schema, styles, unit) => {
      const text = schema.split('\n').map((line, i) => {
        const s = styles[i % styles.length];
        return s.indent + line.trim() + s.trailing + (s.blankAfter ? '\n' : '');
      }).join('\n');
      fc.pre(parses(text));
      const once = formatText(text, unit);
      sameAst(text, once);
      assert.equal(formatText(once, unit), once, 'idempotent');
      assert.ok(once.endsWith('\n') && !once.endsWith('\n\n'), 'one final newline');
      for (const comment of text.match(/#[^\n]*/g) ?? []) assert.ok(once.includes(comment.trimEnd()), comment);
    }), { numRuns: 500 });
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

describe('code actions', () => {
  const service = fakeService(['posts']);

  /** The LSP diagnostics of `text` with the given code, and the actions offered for them. */
  function actionsFor(text: string, code: string, svc: ServiceFolder | undefined = service): { doc: SchemaDocument; diagnostics: Diagnostic[]; actions: CodeAction[] } {
    const doc = schemaDocument(text, { service: svc });
    const diagnostics = computeDiagnostics(doc).schema.filter((d) => d.code === code);
    assert.ok(diagnostics.length > 0, `a ${code} diagnostic in:\n${text}`);
    const actions = codeActions(doc, { textDocument: { uri: doc.uri }, range: diagnostics[0].range, context: { diagnostics } });
    return { doc, diagnostics, actions };
  }

  it('did-you-mean: replaces an unknown type with each suggestion, the first preferred', () => {
    const { doc, actions } = actionsFor('type Query { posts: [Post] }\ntype Post { id: ID! title: Strin }\n', 'unknown-type');
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred]), [['Change to "String"', true]]);
    assert.equal(applied(doc, actions[0].edit!), 'type Query { posts: [Post] }\ntype Post { id: ID! title: String }\n');
  });

  it('missing-id: adds `id: ID!` or marks the type @transient, either clears the error', () => {
    const text = 'type Query { posts: [Post] }\ntype Post {\n  title: String\n}\n';
    const { doc, actions } = actionsFor(text, 'entity-missing-id');
    assert.deepEqual(actions.map((a) => a.title), ['Add "id: ID!" to Post', 'Mark Post @transient (not stored)']);
    assert.equal(applied(doc, actions[0].edit!), 'type Query { posts: [Post] }\ntype Post {\n  id: ID!\n  title: String\n}\n');
    for (const a of actions) assert.deepEqual(codesOf(applied(doc, a.edit!), service), [], a.title);
  });

  it('unsupported-type: marks the type @transient after its interfaces', () => {
    const text = 'type Query { posts: [Post] }\ninterface Node { id: ID! }\ntype Post implements Node { id: ID! m: [[Int]] }\n';
    const { doc, actions } = actionsFor(text, 'unsupported-type');
    const out = applied(doc, actions[0].edit!);
    assert.match(out, /type Post implements Node @transient \{/);
    assert.deepEqual(codesOf(out, service).filter((c) => c !== 'missing-resolver'), []);
  });

  it('missing-resolver: creates the resolver file with typed arguments', () => {
    const { actions } = actionsFor('type Query { posts: [Int] post(id: ID!, limit: Int): Int }\n', 'missing-resolver');
    assert.equal(actions[0].title, 'Create src/resolvers/queries/post.ts');
    const [create, write] = actions[0].edit!.documentChanges!;
    assert.deepEqual(create, { kind: 'create', uri: 'file:///work/svc/src/resolvers/queries/post.ts', options: { ignoreIfExists: true } });
    const stub = ((write as { edits: TextEdit[] }).edits[0]).newText;
    assert.match(stub, /export default async function post\(/);
    assert.match(stub, /args: \{ id: string; limit\?: number \| null \}/);
  });

  it('ambiguous-relation: pairing with a candidate settles the field', () => {
    const text = 'type Query { posts: [Post] }\ntype Post { id: ID! author: User editor: User }\ntype User { id: ID! posts: [Post] edited: [Post] }\n';
    const { doc, diagnostics, actions } = actionsFor(text, 'ambiguous-relation');
    const first = diagnostics[0];
    const forFirst = actions.filter((a) => a.diagnostics?.[0] === first);
    assert.deepEqual(forFirst.map((a) => a.title), ['Pair with "posts": add @relation(inverse: "posts")', 'Pair with "edited": add @relation(inverse: "edited")']);
    const out = applied(doc, forFirst[0].edit!);
    assert.match(out, /author: User @relation\(inverse: "posts"\) editor/);
    assert.ok(parses(out));
  });

  it('ambiguous-relation: a field that already has @relation gets the inverse inside it, not a second @relation', () => {
    const text = 'type Query { posts: [Post] }\ntype Post { id: ID! author: User @relation(onDelete: CASCADE) editor: User }\ntype User { id: ID! posts: [Post] edited: [Post] }\n';
    const { doc, actions } = actionsFor(text, 'ambiguous-relation');
    const out = applied(doc, actions[0].edit!);
    const codes = codesOf(out, service);
    assert.ok(!codes.includes('duplicate-directive-use'), `after "${actions[0].title}":\n${out}\n${codes.join(', ')}`);
  });

  it('ignores diagnostics from other sources and without fix data', () => {
    const doc = schemaDocument('type Query { a: Strin }\n', { service });
    const [d] = computeDiagnostics(doc).schema.filter((x) => x.code === 'unknown-type');
    assert.deepEqual(codeActions(doc, { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [{ ...d, source: 'other' }] } }), []);
    assert.deepEqual(codeActions(doc, { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [{ ...d, data: undefined }] } }), []);
  });
});
