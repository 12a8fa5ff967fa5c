// Usage capture and schema-change checks: the coordinates an operation uses (fragments, inline
// fragments, aliases, variables, literals; introspection apart), and each breaking change judged
// against recorded usage, compared with graphql-js's own list of breaking changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSchema, findBreakingChanges, parse } from 'graphql';
import { extractUsage } from '../../core/src/usage/coordinates';
import { checkSchemaChange, describeChange, UsageRow } from '../../core/src/usage/check';

const SDL = `
  type Query {
    posts(first: Int, kind: Kind, filter: PostFilter): [Post!]!
    post(id: ID!): Post
    search(text: String!): [SearchResult!]!
    node(id: ID!): Node
  }
  type Mutation { createPost(input: PostInput!): Post! }
  interface Node { id: ID! }
  type Post implements Node { id: ID! title: String body: String kind: Kind author: Author }
  type Author implements Node { id: ID! name: String! }
  union SearchResult = Post | Author
  enum Kind { NEWS OPINION REVIEW }
  input PostFilter { kind: Kind titleContains: String }
  input PostInput { title: String! body: String }
`;
const schema = buildSchema(SDL);

function usage(query: string, operationName?: string) {
  const u = extractUsage(schema, parse(query), operationName);
  assert.ok(u, 'an operation was found');
  return u;
}

describe('usage capture', () => {
  it('fields, arguments and enum literals, under aliases', () => {
    const u = usage('query Feed { a: posts(first: 10, kind: NEWS) { id t: title } b: posts { body } }');
    assert.equal(u.operationType, 'query');
    assert.equal(u.operationName, 'Feed');
    assert.deepEqual(u.rootFields, ['posts']);
    assert.deepEqual(u.coordinates, [
      'Kind.NEWS',
      'Post.body',
      'Post.id',
      'Post.title',
      'Query.posts',
      'Query.posts(first:)',
      'Query.posts(kind:)',
    ]);
    assert.equal(u.introspection, false);
  });

  it('named fragments (spread twice, nested) and inline fragments on a union and an interface', () => {
    const u = usage(`
      query Find($t: String!) {
        search(text: $t) { ... on Post { ...PostBits } ... on Author { name } }
        node(id: "1") { id ...PostBits ...PostBits }
      }
      fragment PostBits on Post { title author { ...Who } }
      fragment Who on Author { name }
      fragment Unused on Post { body }
    `);
    assert.deepEqual(u.coordinates, [
      'Author',
      'Author.name',
      'Node.id',
      'Post',
      'Post.author',
      'Post.title',
      'Query.node',
      'Query.node(id:)',
      'Query.search',
      'Query.search(text:)',
    ]);
  });

  it('input literals name their fields; an input by variable names its type; directive arguments are not field arguments', () => {
    const u = usage(
      `
      mutation New($body: String, $skip: Boolean!) {
        createPost(input: { title: "x", body: $body }) { id title @skip(if: $skip) }
      }
      query Filtered($f: PostFilter) { posts(filter: $f) { id } }
    `,
      'New',
    );
    assert.deepEqual(u.coordinates, [
      'Mutation.createPost',
      'Mutation.createPost(input:)',
      'Post.id',
      'Post.title',
      'PostInput.body',
      'PostInput.title',
    ]);
    const f = usage('query Filtered($f: PostFilter) { posts(filter: $f) { id } }');
    assert.deepEqual(f.coordinates, ['PostFilter', 'Post.id', 'Query.posts', 'Query.posts(filter:)'].sort());
  });

  it('introspection is told apart, __typename is not a coordinate', () => {
    assert.equal(usage('{ __schema { types { name } } }').introspection, true);
    assert.equal(usage('query { __type(name: "Post") { name } __typename }').introspection, true);
    const mixed = usage('{ __typename posts { __typename id } }');
    assert.equal(mixed.introspection, false);
    assert.deepEqual(mixed.coordinates, ['Post.id', 'Query.posts']);
  });

  it('picks the named operation; an ambiguous or unknown name gives none', () => {
    const doc = parse('query A { post(id: 1) { id } } query B { posts { title } }');
    assert.deepEqual(extractUsage(schema, doc, 'B')?.coordinates, ['Post.title', 'Query.posts']);
    assert.equal(extractUsage(schema, doc), undefined);
    assert.equal(extractUsage(schema, doc, 'C'), undefined);
  });
});

/** Usage rows as the gateway would aggregate them: every coordinate of `query` for `calls` calls by `client`. */
function rows(query: string, client: string, calls: number, hash = query): UsageRow[] {
  const u = usage(query);
  return u.coordinates.map((coordinate) => ({ coordinate, operationHash: hash, operationName: u.operationName, client, calls }));
}

describe('schema change checks', () => {
  const traffic = [
    ...rows('query Feed { posts(first: 5) { id title kind } }', 'acme', 1200),
    ...rows('query Feed { posts(first: 5) { id title kind } }', 'beta', 4),
    ...rows('query PostPage { post(id: 1) { title body } }', 'acme', 30),
    ...rows('mutation Write { createPost(input: { title: "t" }) { id } }', 'acme', 7),
  ];

  async function check(sdl: string) {
    return checkSchemaChange(schema, buildSchema(sdl), traffic, 30);
  }

  it('a removed field that clients call blocks, naming operations, clients and calls', async () => {
    const result = await check(SDL.replace('title: String body', 'body'));
    assert.equal(result.blocking.length, 1);
    const [c] = result.blocking;
    assert.equal(c.type, 'FIELD_REMOVED');
    assert.deepEqual(
      c.usage?.operations.map((o) => [o.name, o.calls]),
      [
        ['Feed', 1204],
        ['PostPage', 30],
      ],
    );
    assert.deepEqual(c.usage?.clients, ['acme', 'beta']);
    assert.equal(c.usage?.calls, 1234);
    assert.match(describeChange(c, 30), /breaks 2 operations \(Feed, PostPage\) of 2 clients \(acme, beta\), 1,234 calls in 30 days/);
  });

  it('a removed field nobody called passes and says so', async () => {
    const result = await check(SDL.replace('author: Author }', '}'));
    const removed = result.changes.find((c) => c.path === 'Post.author');
    assert.equal(removed?.level, 'BREAKING');
    assert.equal(result.blocking.length, 0);
    assert.match(describeChange(removed!, 30), /no recorded call used it in 30 days/);
  });

  it('type and nullability changes, a new required argument, a removed enum value, a new required input field', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['type change', SDL.replace('title: String body', 'title: Int body'), ['Feed', 'PostPage']],
      ['argument made required', SDL.replace('post(id: ID!)', 'post(id: ID!, lang: String!)'), ['PostPage']],
      [
        'output nullability narrowed for input',
        SDL.replace('input PostInput { title: String!', 'input PostInput { title: Int!'),
        ['Write'],
      ],
      ['removed enum value read by a field', SDL.replace('NEWS OPINION REVIEW', 'NEWS OPINION'), ['Feed']],
      ['new required input field', SDL.replace('body: String }\n', 'body: String slug: String! }\n'), ['Write']],
      [
        'removed argument',
        SDL.replace('posts(first: Int, kind: Kind, filter: PostFilter)', 'posts(kind: Kind, filter: PostFilter)'),
        ['Feed'],
      ],
    ];
    for (const [label, sdl, expected] of cases) {
      const result = await check(sdl);
      const names = [...new Set(result.blocking.flatMap((c) => c.usage!.operations.map((o) => o.name)))].sort();
      assert.deepEqual(names, expected, label);
    }
  });

  it('finds every breaking change graphql-js finds', async () => {
    const candidates = [
      SDL.replace('title: String body', 'body'),
      SDL.replace('NEWS OPINION REVIEW', 'NEWS'),
      SDL.replace('union SearchResult = Post | Author', 'union SearchResult = Post'),
      SDL.replace('post(id: ID!)', 'post(id: ID!, x: Int!)'),
      SDL.replace('input PostFilter { kind: Kind titleContains: String }', 'input PostFilter { kind: Kind }'),
      SDL.replace('type Author implements Node', 'type Author'),
    ];
    for (const sdl of candidates) {
      const next = buildSchema(sdl);
      const ours = (await checkSchemaChange(schema, next, [], 30)).changes.filter((c) => c.level === 'BREAKING');
      const theirs = findBreakingChanges(schema, next);
      assert.ok(theirs.length > 0);
      assert.ok(ours.length >= theirs.length, `${theirs.map((t) => t.description).join('; ')} vs ${ours.map((o) => o.message).join('; ')}`);
    }
  });

  it('safe and dangerous changes never block', async () => {
    const result = await check(
      SDL.replace('type Post implements Node { id: ID!', 'type Post implements Node { id: ID! slug: String').replace(
        'NEWS OPINION REVIEW',
        'NEWS OPINION REVIEW GUIDE',
      ),
    );
    assert.equal(result.blocking.length, 0);
    assert.ok(result.changes.some((c) => c.level === 'DANGEROUS'));
  });
});
