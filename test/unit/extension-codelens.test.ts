// The schema's CodeLens as pure data (client/src/codelens/schemaLenses.ts): where the resolver lenses
// go, with the typed stub's arguments, and what the top lenses say for each state of the service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolverFields, topLenses } from '../../client/src/codelens/schemaLenses';
import { blogService } from './extension-fixtures';

const BLOG = `# A blog.
type Post {
  id: ID!
  title: String!
}

type Query {
  allPosts: [Post!]!
  post(id: ID!): Post
}

type Mutation {
  createPost(title: String!, tags: [String!], draft: Boolean): Post!
}

extend type Query {
  search(text: String!, limit: Int): [Post!]!
}
`;

describe('extension: resolver lenses', () => {
  it('puts one on every Query and Mutation field (extensions too), at the field, with its resolver file', () => {
    const { fields, syntaxError } = resolverFields(BLOG);
    assert.equal(syntaxError, undefined);
    assert.deepEqual(
      fields.map((f) => [f.operation, f.field, f.line, f.character, f.file]),
      [
        ['queries', 'allPosts', 7, 2, 'src/resolvers/queries/allPosts.ts'],
        ['queries', 'post', 8, 2, 'src/resolvers/queries/post.ts'],
        ['mutations', 'createPost', 12, 2, 'src/resolvers/mutations/createPost.ts'],
        ['queries', 'search', 16, 2, 'src/resolvers/queries/search.ts'],
      ],
    );
    assert.equal(fields[0].argsType, 'Record<string, never>');
    assert.equal(fields[1].argsType, '{ id: string }');
    assert.equal(fields[2].argsType, '{ title: string; tags?: string[] | null; draft?: boolean | null }');
    assert.equal(fields[3].argsType, '{ text: string; limit?: number | null }');
    assert.equal(fields[2].rootType, 'Mutation');
  });

  it('follows the root types a schema definition names', () => {
    const { fields } = resolverFields(
      'schema { query: Root mutation: Change }\ntype Root { a: Int }\ntype Change { b(x: JSON): Int }\ntype Query { notRoot: Int }\n',
    );
    assert.deepEqual(
      fields.map((f) => [f.rootType, f.operation, f.field, f.argsType]),
      [
        ['Root', 'queries', 'a', 'Record<string, never>'],
        ['Change', 'mutations', 'b', '{ x?: unknown | null }'],
      ],
    );
  });

  it('has none for a schema that does not parse, and says why (the top lenses stay)', () => {
    const { fields, syntaxError } = resolverFields('type Query {\n  a: Int\n  b(: Int\n}\n');
    assert.deepEqual(fields, []);
    assert.match(syntaxError!, /Syntax Error/);
  });

  it('puts one lens on a field declared twice', () => {
    assert.equal(resolverFields('type Query { a: Int }\nextend type Query { a: Int }\n').fields.length, 1);
  });
});

describe('extension: top lenses', () => {
  it("say push and promote with each environment's status", () => {
    assert.deepEqual(topLenses({ kind: 'known', service: blogService('DEPLOYED') }), [
      { title: '$(cloud-upload) Push to private · $(check) private 0.0.3 DEPLOYED', action: 'push' },
      { title: '$(arrow-up) Promote v0.0.3 to demo · $(check) demo 0.0.1 DEPLOYED', action: 'promote' },
    ]);
    const [push, promote] = topLenses({ kind: 'known', service: blogService('DEPLOYMENT_IN_PROGRESS') });
    assert.equal(push.title, '$(cloud-upload) Push to private · $(sync~spin) private 0.0.3 IN_PROGRESS, 0.0.2 serving');
    assert.equal(promote.title, '$(arrow-up) Promote v0.0.2 to demo · $(check) demo 0.0.1 DEPLOYED');
  });

  it('still offer push and promote when the status is unknown, and creating the service when it is missing', () => {
    assert.deepEqual(
      topLenses({ kind: 'unknown' }).map((l) => l.title),
      ['$(cloud-upload) Push to private', '$(arrow-up) Promote to demo'],
    );
    assert.deepEqual(
      topLenses({ kind: 'unknown', why: 'Log in to see the status' }).map((l) => l.action),
      ['push', 'promote', 'login'],
    );
    assert.deepEqual(
      topLenses({ kind: 'noServiceId' }).map((l) => l.action),
      ['createService', 'push'],
    );
    assert.match(topLenses({ kind: 'notFound', serviceId: 'gone-1' })[0].title, /no service gone-1/);
    // In an organization that lacks it (another one's folder): switching is offered first.
    const elsewhere = topLenses({ kind: 'notFound', serviceId: 'gone-1', organization: 'acme' });
    assert.deepEqual(
      elsewhere.map((l) => l.action),
      ['switchOrganization', 'createService'],
    );
    assert.match(elsewhere[0].title, /acme has no service gone-1: switch organization/);
    const fresh = {
      ...blogService(),
      environments: blogService().environments.map((e) => ({ ...e, currentVersion: null, latestDeployment: null, status: null })),
    };
    assert.deepEqual(
      topLenses({ kind: 'known', service: fresh }).map((l) => l.title),
      [
        '$(cloud-upload) Push to private · $(circle-outline) private not deployed',
        '$(arrow-up) Promote to demo · $(circle-outline) demo not deployed',
      ],
    );
  });
});
