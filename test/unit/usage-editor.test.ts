// Recorded traffic in the editor: warnings where an edit breaks recorded operations (on the
// change, else on its type), usage on hover, hints at deprecated fields still called and at
// fields nobody called.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MarkupContent } from 'vscode-languageserver';
import { hover } from '../../server/src/service/hover';
import { breakingUsageDiagnostics, usageHints } from '../../server/src/service/usage';
import type { EnvironmentUsage } from '../../server/protocol/protocol';
import { fakeService, schemaDocument, withCursor } from './support';

const SERVED = `type Query {
  posts(first: Int): [Post!]!
  post(id: ID!): Post
}

type Post {
  id: ID!
  title: String!
  body: String
  kind: Kind
}

enum Kind { NEWS OPINION }
`;

const production: EnvironmentUsage = {
  label: 'production of shop',
  days: 30,
  schema: SERVED,
  operations: [
    {
      name: 'Feed',
      hash: 'h1',
      client: 'acme',
      calls: 1200,
      coordinates: ['Post.id', 'Post.kind', 'Post.title', 'Query.posts', 'Query.posts(first:)'],
    },
    {
      name: 'Feed',
      hash: 'h1',
      client: 'beta',
      calls: 4,
      coordinates: ['Post.id', 'Post.kind', 'Post.title', 'Query.posts', 'Query.posts(first:)'],
    },
    { name: 'Page', hash: 'h2', client: 'acme', calls: 30, coordinates: ['Post.title', 'Query.post', 'Query.post(id:)'] },
  ],
};
const demo: EnvironmentUsage = {
  label: 'demo',
  days: 30,
  schema: SERVED,
  operations: [{ name: null, hash: 'abcdef1234', client: 'developer key', calls: 2, coordinates: ['Post.title', 'Query.posts'] }],
};

function doc(text: string, usage: EnvironmentUsage[] = [production, demo]) {
  const d = schemaDocument(text, { service: fakeService(['posts', 'post']) });
  return { ...d, usage };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

describe('warnings on edits that break recorded operations', () => {
  it('a removed field: on its type, naming operations, clients and calls per environment', async () => {
    const text = SERVED.replace('  title: String!\n', '');
    const [d, ...rest] = await breakingUsageDiagnostics(doc(text), doc(text).usage);
    assert.equal(rest.length, 0);
    assert.equal(d.code, 'breaks-clients');
    assert.equal(d.range.start.line, lineOf(text, 'type Post'));
    assert.equal(text.split('\n')[d.range.start.line].slice(d.range.start.character, d.range.end.character), 'Post');
    assert.match(
      d.message as string,
      /Field 'title' was removed from object type 'Post': this breaks 2 operations \(Feed, Page\) of 2 clients \(acme, beta\), 1,234 calls in 30 days in production of shop; and 1 operation \(anonymous abcdef12\) of 1 client \(developer key\), 2 calls in 30 days in demo/,
    );
  });

  it("a type change on the field's type, a new required argument on the argument, a removed enum value on the enum", async () => {
    const cases: Array<[string, string, string]> = [
      [SERVED.replace('title: String!', 'title: Int!'), 'title: Int!', 'Int!'],
      [SERVED.replace('post(id: ID!)', 'post(id: ID!, lang: String!)'), 'lang: String!', 'lang'],
      [SERVED.replace('enum Kind { NEWS OPINION }', 'enum Kind { NEWS }'), 'enum Kind', 'Kind'],
    ];
    for (const [text, line, marked] of cases) {
      const d = doc(text);
      const found = await breakingUsageDiagnostics(d, d.usage);
      assert.equal(found.length, 1, `${marked}: ${found.map((f) => f.message).join('; ')}`);
      const r = found[0].range;
      assert.equal(r.start.line, lineOf(text, line), marked);
      assert.equal(text.split('\n')[r.start.line].slice(r.start.character, r.end.character), marked);
    }
  });

  it('a change nothing called, and no usage at all, warn about nothing', async () => {
    const unused = SERVED.replace('  body: String\n', '');
    assert.deepEqual(await breakingUsageDiagnostics(doc(unused), doc(unused).usage), []);
    assert.deepEqual(await breakingUsageDiagnostics(doc(SERVED.replace('  title: String!\n', ''), []), []), []);
  });
});

describe('usage on hover and hints', () => {
  it("a field's hover says its calls and clients per environment", () => {
    const { text, offset } = withCursor(SERVED.replace('  title', '  ti|tle'));
    const d = doc(text);
    const h = hover(d, d.document.positionAt(offset))!;
    assert.match(
      (h.contents as MarkupContent).value,
      /\*\*Usage\*\* 1,234 calls in 30 days from 2 clients, production of shop · 2 calls in 30 days from 1 client, demo/,
    );
    const { text: t2, offset: o2 } = withCursor(SERVED.replace('  body', '  bo|dy'));
    const d2 = doc(t2);
    assert.match((hover(d2, d2.document.positionAt(o2))!.contents as MarkupContent).value, /no calls in 30 days, production of shop/);
  });

  it('hints at a deprecated field still called and at a field nobody called', () => {
    const text = SERVED.replace('title: String!', 'title: String! @deprecated(reason: "use headline")');
    const hints = usageHints(doc(text), [production, demo]);
    const deprecated = hints.find((h) => h.code === 'deprecated-in-use')!;
    assert.equal(deprecated.range.start.line, lineOf(text, 'title:'));
    assert.match(
      deprecated.message as string,
      /Post\.title is deprecated but still called: 1,234 calls in 30 days from acme, beta \(production of shop\); 2 calls in 30 days from developer key \(demo\)/,
    );
    const unused = hints.filter((h) => h.code === 'unused-field');
    assert.deepEqual(
      unused.map((h) => (h.message as string).match(/called (\S+)/)![1]),
      ['Post.body'],
    );
    // A field no environment serves yet is new, not unused.
    const withNew = usageHints(doc(SERVED.replace('  body: String\n', '  body: String\n  slug: String\n')), [production]);
    assert.ok(!withNew.some((h) => (h.message as string).includes('Post.slug')));
    assert.deepEqual(usageHints(doc(SERVED), []), []);
  });
});
