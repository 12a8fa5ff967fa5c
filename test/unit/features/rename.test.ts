// The language features called directly on a SchemaDocument: rename of types, fields, enum values
// and directives, and where it is refused. Fixtures mark the cursor with `‸`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ResponseError } from 'vscode-languageserver';
import { prepareRename, rename } from '../../../server/src/service/rename';
import type { ServiceFolder } from '../../../servicefs/src/folder';
import { parses } from '../schemaEdits';
import { fakeService } from '../support';
import { CURSOR, at, applied, codesOf } from './support';

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
    assert.equal(
      out,
      text
        .replace('type Post implements Node @index2 {', 'type Article implements Node @index2 @renamedFrom(name: "Post") {')
        .replace('author: Author', 'author: Author')
        .replace('posts: [Post] }\nenum', 'posts: [Article] }\nenum')
        .replace('posts: [Post] post(id: ID!): Post }', 'posts: [Article] post(id: ID!): Article }'),
    );
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
    assert.deepEqual(ops, [
      {
        kind: 'rename',
        oldUri: 'file:///work/svc/src/resolvers/queries/post.ts',
        newUri: 'file:///work/svc/src/resolvers/queries/article.ts',
      },
    ]);
  });

  it('renames an interface field in its implementations', () => {
    const { out } = renameAt('id: ID! }\ntype Post', 'key', service, 0);
    assert.match(out, /interface Node \{ key: ID! \}/);
    assert.match(out, /\n {2}key: ID!\n/);
    assert.match(out, /type Author \{ id: ID!/, 'Author does not implement Node');
  });

  it('adds no @renamedFrom outside a service folder, nor twice', () => {
    assert.doesNotMatch(renameAt('title:', 'headline', null).out, /renamedFrom/);
    const { doc, position } = at(
      'type Query { a: Int }\ntype Post @renamedFrom(name: "Old") { id: ID! }\n'.replace('Post', 'P‸ost'),
      service,
    );
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
