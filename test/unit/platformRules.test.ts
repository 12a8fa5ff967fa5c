// The platform's rules on a valid schema: keys, storable types, relation pairing, directives on
// unstored types, and the resolver file of every Query and Mutation field.
import assert from 'node:assert/strict';
import { readdirSync } from 'fs';
import * as path from 'path';
import { describe, it } from 'node:test';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import type { SchemaDiagnostic } from '../../core/src/schema/diagnostics';
import { checkPlatformRules, PlatformCheck, ResolverFiles } from '../../core/src/schema/platformRules';
import { blogSchemaText, REPO_ROOT, withMarks } from './support';

function check(text: string, resolvers?: { queries?: string[]; mutations?: string[] }): PlatformCheck {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(text);
  const files: ResolverFiles | undefined = resolvers && {
    queries: new Set(resolvers.queries ?? []),
    mutations: new Set(resolvers.mutations ?? []),
  };
  return checkPlatformRules(analysis, files);
}

function only(result: PlatformCheck, code: string): SchemaDiagnostic[] {
  return result.diagnostics.filter((d) => d.code === code);
}

/** `[start, end]` of each diagnostic, for comparing with marks. */
function spans(ds: readonly SchemaDiagnostic[]): [number, number][] {
  return ds.map((d) => [d.start, d.end]);
}

describe('keys', () => {
  it('an entity without an ID field: the error is on its name and the fix inserts after "{"', () => {
    const { text, at } = withMarks('type Query { a: Int }\ntype ‸Post‸ {‸\n  title: String\n}\n');
    const [d, ...rest] = only(check(text), 'entity-missing-id');
    assert.equal(rest.length, 0);
    assert.deepEqual([d.start, d.end], [at[0], at[1]]);
    assert.equal(d.severity, 'error');
    assert.match(d.message, /"Post" is stored as a table and needs exactly one `ID` field/);
    assert.deepEqual(d.data, { kind: 'missing-id', typeName: 'Post', insertAt: at[2], indent: '  ' });
  });

  it('roots and @transient types need no key', () => {
    const r = check('type Query { a: Int }\ntype Mutation { b: Int }\ntype Stats @transient { n: Int }\n');
    assert.deepEqual(r.diagnostics, []);
  });

  it('a second and third ID field are each reported', () => {
    const { text, at } = withMarks('type Query { a: Int }\ntype Post { id: ID! ‸other‸: ID ‸third‸: ID! }\n');
    const ds = only(check(text), 'entity-multiple-ids');
    assert.deepEqual(spans(ds), [
      [at[0], at[1]],
      [at[2], at[3]],
    ]);
    assert.match(ds[0].message, /already has the key field "id"/);
  });

  it('a nullable key is reported on its type', () => {
    const { text, at } = withMarks('type Query { a: Int }\ntype Post { id: ‸ID‸ }\n');
    assert.deepEqual(spans(only(check(text), 'nullable-id')), [[at[0], at[1]]]);
  });
});

describe('storable types', () => {
  it('a field that cannot be stored is reported on its type, with where @transient goes', () => {
    const { text, at } = withMarks(
      'type Query { a: Int }\ninterface Node { id: ID! }\nscalar Url\ntype Post implements Node‸ { id: ID! link: ‸Url‸ }\n',
    );
    const [d, ...rest] = only(check(text), 'unsupported-type');
    assert.equal(rest.length, 0);
    assert.deepEqual([d.start, d.end], [at[1], at[2]]);
    assert.match(d.message, /"Post.link" cannot be stored: the custom scalar "Url" has no column type/);
    assert.deepEqual(d.data, { kind: 'unsupported-type', typeName: 'Post', insertAt: at[0] });
  });

  it('lists of lists, arguments, unstored object types, interfaces and unions are reported', () => {
    const r = check(`type Query { a: Int }
type Stats @transient { n: Int }
interface Node { id: ID! }
union Thing = Stats
type Post {
  id: ID!
  matrix: [[Int]]
  search(term: String): String
  stats: Stats
  node: Node
  thing: Thing
}
`);
    const messages = only(r, 'unsupported-type').map((d) => d.message);
    assert.equal(messages.length, 5);
    assert.match(messages[0], /Post.matrix.*lists of lists/);
    assert.match(messages[1], /Post.search.*cannot take arguments/);
    assert.match(messages[2], /Post.stats.*"Stats" is not stored/);
    assert.match(messages[3], /Post.node.*interface or union/);
    assert.match(messages[4], /Post.thing.*interface or union/);
  });

  it('unknown types are left to GraphQL validation', () => {
    assert.deepEqual(only(check('type Query { a: Int }\ntype Post { id: ID! x: Nowhere }\n'), 'unsupported-type'), []);
  });
});

describe('relations', () => {
  it('an ambiguous pairing is reported on the field, with the candidates and where to add @relation', () => {
    const { text, at } = withMarks(`type Query { a: Int }
type Post { id: ID! ‸author‸: User‸ editor: User }
type User { id: ID! posts: [Post] edited: [Post] }
`);
    const ds = only(check(text), 'ambiguous-relation');
    assert.equal(ds.length, 4);
    const author = ds.find((d) => d.start === at[0])!;
    assert.ok(author, 'Post.author is reported');
    assert.equal(author.end, at[1]);
    assert.match(author.message, /Candidates: "posts", "edited"/);
    assert.deepEqual(author.data, {
      kind: 'ambiguous-relation',
      typeName: 'Post',
      field: 'author',
      candidates: ['posts', 'edited'],
      insertAt: at[2],
    });
  });

  it('@relation(inverse:) on both sides settles the pairing', () => {
    const r = check(`type Query { a: Int }
type Post { id: ID! author: User @relation(inverse: "posts") editor: User @relation(inverse: "edited") }
type User { id: ID! posts: [Post] edited: [Post] }
`);
    assert.deepEqual(r.diagnostics, []);
  });

  it('@relation(inverse:) on one of two siblings settles the other one too', () => {
    const r = check(`type Query { a: Int }
type Post { id: ID! author: User @relation(inverse: "posts") editor: User }
type User { id: ID! posts: [Post] edited: [Post] }
`);
    assert.deepEqual(
      r.diagnostics.map((d) => d.message),
      [],
    );
  });

  it('a bad inverse is reported on the @relation directive', () => {
    const { text, at } = withMarks(
      'type Query { a: Int }\ntype Post { id: ID! author: User ‸@relation(inverse: "writer")‸ }\ntype User { id: ID! posts: [Post] }\n',
    );
    const ds = only(check(text), 'bad-inverse');
    assert.deepEqual(spans(ds), [[at[0], at[1]]]);
    assert.match(ds[0].message, /"User" has no field "writer" of type "Post"/);
  });

  it('onDelete: SET_NULL on a non-null field is reported; on a nullable field it is fine', () => {
    const { text, at } = withMarks(
      'type Query { a: Int }\ntype Post { id: ID! a: User! ‸@relation(onDelete: SET_NULL)‸ b: User @relation(onDelete: SET_NULL) }\ntype User { id: ID! }\n',
    );
    assert.deepEqual(spans(only(check(text), 'set-null-non-null')), [[at[0], at[1]]]);
  });
});

describe('directives on unstored types', () => {
  it('warns about storage directives on fields of roots and @transient types', () => {
    const { text, at } = withMarks(`type Query { a: Int ‸@unique‸ }
type Stats @transient { n: Int ‸@index‸ m: String ‸@length(max: 3)‸ }
type Post { id: ID! title: String @unique @length(max: 3) }
`);
    const ds = only(check(text), 'directive-on-unstored');
    assert.deepEqual(spans(ds), [
      [at[0], at[1]],
      [at[2], at[3]],
      [at[4], at[5]],
    ]);
    assert.ok(ds.every((d) => d.severity === 'warning'));
    assert.match(ds[1].message, /@index has no effect: "Stats" is not stored/);
  });
});

describe('resolvers', () => {
  it('every Query and Mutation field needs a resolver file', () => {
    const { text, at } = withMarks('type Query { ‸posts‸: [Int] ‸post‸(id: ID!): Int }\ntype Mutation { ‸publish‸: Int }\n');
    const r = check(text, { queries: ['posts'] });
    const ds = only(r, 'missing-resolver');
    assert.deepEqual(spans(ds), [
      [at[2], at[3]],
      [at[4], at[5]],
    ]);
    assert.deepEqual(
      ds.map((d) => d.data),
      [
        { kind: 'missing-resolver', operation: 'queries', field: 'post', file: 'src/resolvers/queries/post.ts' },
        { kind: 'missing-resolver', operation: 'mutations', field: 'publish', file: 'src/resolvers/mutations/publish.ts' },
      ],
    );
    assert.match(ds[0].message, /"Query.post" has no resolver: create `src\/resolvers\/queries\/post.ts`/);
  });

  it('reports resolver files whose field is gone as orphans', () => {
    const r = check('type Query { posts: [Int] }\ntype Mutation { publish: Int }\n', {
      queries: ['posts', 'drafts'],
      mutations: ['publish', 'unpublish'],
    });
    assert.deepEqual(
      r.orphanResolvers.map(({ file, operation, field, code }) => ({ file, operation, field, code })),
      [
        { file: 'src/resolvers/queries/drafts.ts', operation: 'queries', field: 'drafts', code: 'orphan-resolver' },
        { file: 'src/resolvers/mutations/unpublish.ts', operation: 'mutations', field: 'unpublish', code: 'orphan-resolver' },
      ],
    );
    // One message for every host (the editor, `codestore check`, the platform's check of a push).
    assert.match(r.orphanResolvers[0].message, /no field "Query\.drafts".*delete this file/);
    assert.deepEqual(only(r, 'missing-resolver'), []);
  });

  it('a mutation resolver does not count for a query field of the same name', () => {
    const r = check('type Query { posts: [Int] }\n', { mutations: ['posts'] });
    assert.deepEqual(
      only(r, 'missing-resolver').map((d) => (d.data as { field: string }).field),
      ['posts'],
    );
    assert.deepEqual(
      r.orphanResolvers.map((o) => o.file),
      ['src/resolvers/mutations/posts.ts'],
    );
  });

  it('follows the root names of the schema definition', () => {
    const r = check('schema { query: Root }\ntype Root { posts: [Int] }\ntype Query { id: ID! }\n', { queries: ['id'] });
    assert.deepEqual(
      only(r, 'missing-resolver').map((d) => d.message.slice(0, 12)),
      ['"Root.posts"'],
    );
    assert.deepEqual(
      r.orphanResolvers.map((o) => o.field),
      ['id'],
    );
  });

  it('counts the fields that `extend type Query` and `extend type Mutation` add', () => {
    const r = check(
      'type Query { posts: [Int] }\nextend type Query { drafts: [Int] }\ntype Mutation { a: Int }\nextend type Mutation { b: Int }\n',
      { queries: ['posts', 'drafts'], mutations: ['a'] },
    );
    assert.deepEqual(r.orphanResolvers, [], 'drafts.ts resolves Query.drafts');
    assert.deepEqual(
      only(r, 'missing-resolver').map((d) => (d.data as { field: string }).field),
      ['b'],
    );
  });

  it('checks no resolvers without a service folder', () => {
    const r = check('type Query { posts: [Int] }\n');
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.orphanResolvers, []);
  });
});

describe('the blog fixture', () => {
  it('is a valid service: no platform diagnostic with its resolver files', () => {
    const dir = path.join(REPO_ROOT, 'test/fixtures/blog/src/resolvers');
    const names = (op: string) => readdirSync(path.join(dir, op)).map((f) => f.replace(/\.ts$/, ''));
    const r = check(blogSchemaText(), { queries: names('queries'), mutations: names('mutations') });
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.orphanResolvers, []);
    assert.deepEqual([...r.model.entities.keys()], ['Post', 'Author']);
  });

  it('reports the missing resolver when a Query field is added', () => {
    const text = blogSchemaText().replace('  post(id: ID!): Post\n', '  post(id: ID!): Post\n  drafts: [Post!]!\n');
    const r = check(text, { queries: ['allPosts', 'post'], mutations: ['createPost'] });
    assert.deepEqual(
      only(r, 'missing-resolver').map((d) => text.slice(d.start, d.end)),
      ['drafts'],
    );
  });
});

describe('defaults TypeORM cannot compare', () => {
  it('warns on a cast and on ARRAY[...] in @default, not on plain literals', () => {
    const a = new SchemaAnalysis({ prelude: true });
    a.update(
      'type Query { a: Int }\ntype T {\n  id: ID!\n  j: JSON @default(value: "\'[]\'::jsonb")\n  tags: [String] @default(value: "ARRAY[\'a\']")\n  n: Int @default(value: "0")\n}\n',
    );
    const codes = checkPlatformRules(a, undefined)
      .diagnostics.map((d) => d.code)
      .sort();
    assert.deepEqual(
      codes.filter((c) => c.startsWith('default-')),
      ['default-array', 'default-cast'],
    );
  });
});
