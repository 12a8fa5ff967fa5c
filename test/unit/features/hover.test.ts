// The language features called directly on a SchemaDocument: hover on types, fields, directives and
// columns. Fixtures mark the cursor with `‸`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hover } from '../../../server/src/service/hover';
import { fakeService } from '../support';
import { CURSOR, at, hoverText } from './support';

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

  it("shows a type's signature, description and table", () => {
    const value = hoverText(marked('type Post', 6), service)!;
    assert.match(value, /```graphql\ntype Post\n```/);
    assert.match(value, /A blog post\./);
    assert.match(value, /\*\*Table\*\* `"Post"`/);
  });

  it('says roots and @transient types are not stored', () => {
    assert.match(hoverText(marked('type Stats', 6), service)!, /\*Not stored\*/);
    assert.match(hoverText(marked('type Query', 6), service)!, /\*Not stored\*/);
  });

  it("shows a stored field's column and type", () => {
    const value = hoverText(marked('title:'), service)!;
    assert.match(value, /Post\.title: String! @unique @length\(max: 80\)/);
    assert.match(value, /The headline\./);
    assert.match(value, /\*\*Column\*\* `"Post"."title"` `character varying\(80\)` \(NOT NULL, UNIQUE\)/);
  });

  it('shows a relation and which side holds the key', () => {
    assert.match(
      hoverText(marked('author:'), service)!,
      /\*\*Relation\*\* many-to-one to `Author` \(inverse `Author.posts`\): foreign key column `"Post"."authorId"`/,
    );
    assert.match(
      hoverText(marked('posts: [Post!]! }'), service)!,
      /\*\*Relation\*\* one-to-many to `Post` \(inverse `Post.author`\): no column/,
    );
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
    assert.deepEqual(
      [doc.document.offsetAt(h.range!.start), doc.document.offsetAt(h.range!.end)],
      [text.indexOf('title:'), text.indexOf('title:') + 5],
    );
  });

  it('has no column line outside a service folder, and nothing on blank space', () => {
    assert.doesNotMatch(hoverText(marked('title:'))!, /Column/);
    assert.equal(hoverText(text + '\n' + CURSOR + '\n'), undefined);
  });
});
