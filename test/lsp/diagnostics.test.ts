// Diagnostics over real stdio: GraphQL rules, the platform's rules, resolver files on disk, the
// prelude, and files outside a service folder. Every edit is a small incremental didChange.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import {
  assertRangeInside,
  codes,
  collectServerErrors,
  copyFolder,
  diagnosticsOf,
  EditorDocument,
  fixture,
  messageOf,
  startServer,
  stopServer,
  tempDir,
  textOf,
  uriOf,
  writeFile,
} from './support';

let root: string;
let client: LspClient;
let serverErrors: string[];
let services = 0;

/** A fresh copy of a fixture service under the workspace root, with its schema open. */
async function openService(name = 'blog', text?: string): Promise<{ dir: string; doc: EditorDocument }> {
  const dir = copyFolder(fixture(name), path.join(root, `${name}-${++services}`));
  const file = path.join(dir, 'src/schema.graphql');
  const doc = new EditorDocument(client, uriOf(file), text ?? fs.readFileSync(file, 'utf8')).open();
  return { dir, doc };
}

function render(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code}: ${messageOf(d)}`)
    .sort();
}

function only(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

function one(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = only(diagnostics, code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(diagnostics.map((d) => [d.code, messageOf(d)]))}`);
  return found[0];
}

async function expectClean(doc: EditorDocument): Promise<void> {
  const diagnostics = await doc.diagnostics();
  assert.deepEqual(
    diagnostics.map((d) => `${d.code}: ${messageOf(d)}`),
    [],
  );
}

before(async () => {
  root = tempDir('lsp-diagnostics');
  client = await startServer(root);
  serverErrors = collectServerErrors(client);
});

after(async () => {
  if (client) await stopServer(client);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('diagnostics over stdio', () => {
  it('an unchanged fixture schema has no diagnostics', async () => {
    const { doc } = await openService();
    await expectClean(doc);
    const shop = await openService('lsp-shop');
    await expectClean(shop.doc);
  });

  it('a syntax error has the range of the offending token, and goes away when fixed', async () => {
    const { doc } = await openService();
    doc.replace('title: String!', 'title String!');
    const d = one(await doc.diagnostics(), 'syntax');
    assert.equal(d.severity, 1);
    assert.match(messageOf(d), /Expected ":"/);
    // The parser stops at `String` right after the field name.
    const at = doc.indexOf('title String!') + 'title '.length;
    assert.deepEqual(d.range, { start: doc.positionAt(at), end: doc.positionAt(at + 'String'.length) });
    doc.replace('title String!', 'title: String!');
    await expectClean(doc);

    // An unexpected character: the range covers that one character.
    doc.replace('body: String!', 'body: String! %');
    const bad = one(await doc.diagnostics(), 'syntax');
    assert.equal(textOf(doc, bad.range), '%');
    doc.replace(' %', '');
    await expectClean(doc);
  });

  it('an unknown type says "did you mean" and carries the suggestions', async () => {
    const { doc } = await openService();
    doc.replace('body: String!', 'body: Strng!');
    const d = one(await doc.diagnostics(), 'unknown-type');
    assert.equal(textOf(doc, d.range), 'Strng');
    assert.match(messageOf(d), /Did you mean "String"/);
    const data = d.data as { kind: string; suggestions: string[] };
    assert.equal(data.kind, 'did-you-mean');
    assert.ok(data.suggestions.includes('String'), JSON.stringify(data));

    // A misspelled user type is suggested too.
    doc.replace('author: Author', 'author: Autor');
    const all = only(await doc.diagnostics(), 'unknown-type');
    const author = all.find((x) => textOf(doc, x.range) === 'Autor');
    assert.ok(author, JSON.stringify(all));
    assert.ok((author.data as { suggestions: string[] }).suggestions.includes('Author'));

    doc.replace('Strng!', 'String!');
    doc.replace('author: Autor', 'author: Author');
    await expectClean(doc);
  });

  it('a duplicate type is reported on the second declaration', async () => {
    const { doc } = await openService();
    doc.append('\ntype Author {\n  id: ID!\n  nick: String\n}\n');
    const d = one(await doc.diagnostics(), 'duplicate-type');
    assert.deepEqual(d.range, doc.rangeOf('Author', 2)); // `type Author`, `author: Author`, then the new one
    assert.equal(doc.text.lastIndexOf('type Author'), doc.offsetAt(d.range.start) - 'type '.length);
    doc.replace('\ntype Author {\n  id: ID!\n  nick: String\n}\n', '');
    await expectClean(doc);
  });

  it('a directive at a wrong location, and a missing required directive argument', async () => {
    const { doc } = await openService();
    doc.replace('name: String! @unique', 'name: String! @transient');
    const misplaced = one(await doc.diagnostics(), 'unknown-or-misplaced-directive');
    assert.match(messageOf(misplaced), /@transient/);
    assert.match(messageOf(misplaced), /FIELD_DEFINITION/);
    assert.equal(textOf(doc, misplaced.range), '@transient');
    doc.replace('@transient', '@unique');
    await expectClean(doc);

    doc.insertAfter('title: String!', ' @default');
    const missing = one(await doc.diagnostics(), 'missing-required-argument');
    assert.match(messageOf(missing), /"value"/);
    assert.equal(textOf(doc, missing.range), '@default');
    doc.insertAfter('@default', '(value: "\'untitled\'")');
    await expectClean(doc);

    doc.insertAfter('type Author', ' @renamedFrom');
    const renamed = one(await doc.diagnostics(), 'missing-required-argument');
    assert.match(messageOf(renamed), /"name"/);
    doc.insertAfter('@renamedFrom', '(name: "Writer")');
    await expectClean(doc);
  });

  it('interface conformance: a missing field and a field of the wrong type', async () => {
    const { doc } = await openService();
    doc.insertBefore('type Post {', 'interface Stamped {\n  createdAt: DateTime!\n}\n\n');
    await expectClean(doc);
    doc.replace('type Post {', 'type Post implements Stamped {');
    const wrongType = one(await doc.diagnostics(), 'interface-field-type');
    assert.match(messageOf(wrongType), /Stamped\.createdAt/);
    doc.replace('type Author {', 'type Author implements Stamped {');
    const diagnostics = await doc.diagnostics();
    const missingField = one(diagnostics, 'interface-field-missing');
    assert.match(messageOf(missingField), /Stamped\.createdAt/);
    assert.match(messageOf(missingField), /Author/);
    one(diagnostics, 'interface-field-type');

    doc.replace('  createdAt: DateTime\n', '  createdAt: DateTime!\n');
    doc.replace('type Author implements Stamped {', 'type Author {');
    await expectClean(doc);
  });

  it('entity-missing-id and entity-multiple-ids', async () => {
    const { doc } = await openService();
    doc.append('\ntype Tag {\n  label: String!\n}\n');
    const missing = one(await doc.diagnostics(), 'entity-missing-id');
    assert.equal(textOf(doc, missing.range), 'Tag');
    assert.equal((missing.data as { kind: string }).kind, 'missing-id');

    doc.insertAfter('type Tag {', '\n  id: ID!\n  key: ID!');
    const twice = one(await doc.diagnostics(), 'entity-multiple-ids');
    assert.equal(textOf(doc, twice.range), 'key');

    doc.replace('\n  key: ID!', '');
    await expectClean(doc);
  });

  it('an ambiguous relation pair', async () => {
    const { doc } = await openService();
    doc.append(
      '\ntype Team {\n  id: ID!\n  lead: Player\n  captain: Player\n}\n\ntype Player {\n  id: ID!\n  ledTeam: Team\n  captainedTeam: Team\n}\n',
    );
    const ambiguous = only(await doc.diagnostics(), 'ambiguous-relation');
    assert.deepEqual(ambiguous.map((d) => textOf(doc, d.range)).sort(), ['captain', 'captainedTeam', 'lead', 'ledTeam']);
    const lead = ambiguous.find((d) => textOf(doc, d.range) === 'lead')!;
    assert.match(messageOf(lead), /"ledTeam", "captainedTeam"/);
    assert.deepEqual((lead.data as { candidates: string[] }).candidates, ['ledTeam', 'captainedTeam']);

    // Pairing both fields of one side settles the whole pair.
    doc.insertAfter('lead: Player', ' @relation(inverse: "ledTeam")');
    doc.insertAfter('captain: Player', ' @relation(inverse: "captainedTeam")');
    await expectClean(doc);
  });

  it('unsupported field types on an entity: interface and union', async () => {
    const { doc } = await openService();
    doc.append('\ninterface Node {\n  id: ID!\n}\n\nunion Content = Post | Author\n');
    await expectClean(doc);
    doc.insertAfter('tags: [String!]', '\n  parent: Node\n  featured: [Content!]');
    const unsupported = only(await doc.diagnostics(), 'unsupported-type');
    assert.deepEqual(
      unsupported.map((d) => textOf(doc, d.range)),
      ['Node', '[Content!]'],
    );
    for (const d of unsupported) assert.equal((d.data as { kind: string; typeName: string }).typeName, 'Post');
    doc.replace('\n  parent: Node\n  featured: [Content!]', '');
    await expectClean(doc);
  });

  it('a Query field without a resolver file, until the file appears on disk', async () => {
    const { dir, doc } = await openService();
    const version = doc.insertAfter('post(id: ID!): Post', '\n  drafts: [Post!]!');
    const d = one(await doc.diagnostics(), 'missing-resolver');
    assert.equal(textOf(doc, d.range), 'drafts');
    assert.deepEqual(d.data, { kind: 'missing-resolver', operation: 'queries', field: 'drafts', file: 'src/resolvers/queries/drafts.ts' });

    const file = path.join(dir, 'src/resolvers/queries/drafts.ts');
    writeFile(file, 'export default async function drafts() {\n  return [];\n}\n');
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 1 }] });
    const fixed = await client.waitForDiagnostics(doc.uri, (p) => p.version === version && !p.diagnostics.length);
    assert.deepEqual(fixed.diagnostics, []);

    // A Mutation field too, and deleting a resolver file brings the diagnostic back.
    fs.rmSync(path.join(dir, 'src/resolvers/mutations/createPost.ts'));
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uriOf(path.join(dir, 'src/resolvers/mutations/createPost.ts')), type: 3 }],
    });
    const back = await client.waitForDiagnostics(doc.uri, (p) => p.diagnostics.some((x) => x.code === 'missing-resolver'));
    const missing = one(back.diagnostics, 'missing-resolver');
    assertRangeInside(missing.range, doc.text, 'missing-resolver');
    assert.equal(textOf(doc, missing.range), 'createPost');
    assert.equal((missing.data as { operation: string }).operation, 'mutations');
  });

  it('a resolver file whose field is gone gets orphan-resolver on its own URI', async () => {
    const { dir, doc } = await openService();
    await expectClean(doc);

    // A new file on disk for a field the schema does not have.
    const ghost = path.join(dir, 'src/resolvers/queries/ghost.ts');
    writeFile(ghost, 'export default async function ghost() {\n  return null;\n}\n');
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(ghost), type: 1 }] });
    const orphan = await diagnosticsOf(client, uriOf(ghost), (p) => p.diagnostics.length > 0);
    assert.deepEqual(codes(orphan), ['orphan-resolver']);
    assert.match(messageOf(orphan[0]), /Query\.ghost/);
    assertRangeInside(orphan[0].range, fs.readFileSync(ghost, 'utf8'), 'orphan-resolver');

    // Deleting it clears its diagnostics.
    fs.rmSync(ghost);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(ghost), type: 3 }] });
    assert.deepEqual(await diagnosticsOf(client, uriOf(ghost), (p) => p.diagnostics.length === 0), []);

    // Removing a field from the schema orphans its existing resolver file; restoring it clears that.
    const postResolver = uriOf(path.join(dir, 'src/resolvers/queries/post.ts'));
    doc.replace('\n  post(id: ID!): Post', '');
    await expectClean(doc);
    const orphaned = await diagnosticsOf(client, postResolver, (p) => p.diagnostics.length > 0);
    assert.deepEqual(codes(orphaned), ['orphan-resolver']);
    assert.match(messageOf(orphaned[0]), /Query\.post\b/);
    doc.insertAfter('allPosts: [Post!]!', '\n  post(id: ID!): Post');
    await expectClean(doc);
    assert.deepEqual(await diagnosticsOf(client, postResolver, (p) => p.diagnostics.length === 0), []);
  });

  it('the prelude directives and scalars validate without being declared', async () => {
    const { doc } = await openService();
    doc.setText(`type Post @renamedFrom(name: "Article") {
  id: ID!
  title: String! @unique @length(max: 200)
  slug: String! @default(value: "''") @index
  views: BigInt
  price: Decimal
  publishedOn: Date
  createdAt: DateTime!
  meta: JSON
  headline: String @renamedFrom(name: "subtitle")
  author: Author @relation(inverse: "posts", onDelete: SET_NULL)
  editor: Author @relation(inverse: "edited")
}

type Author {
  id: ID!
  name: String!
  posts: [Post!]!
  edited: [Post!]!
}

type Stats @transient {
  count: Int!
}

type Query {
  allPosts: [Post!]!
  post(id: ID!): Post
}

type Mutation {
  createPost(title: String!, body: String!): Post! @auth
}
`);
    await expectClean(doc);
  });

  it('a .graphql file outside a service folder gets GraphQL rules only, and no prelude', async () => {
    const dir = copyFolder(fixture('lsp-plain'), path.join(root, 'plain'));
    const doc = new EditorDocument(
      client,
      uriOf(path.join(dir, 'schema.graphql')),
      fs.readFileSync(path.join(dir, 'schema.graphql'), 'utf8'),
    ).open();
    // No Query resolver, no `id` on Tag: fine outside a service.
    await expectClean(doc);

    doc.insertAfter('label: String!', '\n  createdAt: DateTime');
    const unknown = one(await doc.diagnostics(), 'unknown-type');
    assert.equal(textOf(doc, unknown.range), 'DateTime');
    doc.replace('createdAt: DateTime', 'createdAt: String @unique');
    const directive = one(await doc.diagnostics(), 'unknown-or-misplaced-directive');
    assert.match(messageOf(directive), /Unknown directive "@unique"/);
    doc.replace(' @unique', '');
    // GraphQL rules still hold: a duplicate type and an unknown type are reported.
    doc.append('\ntype Tag {\n  name: Strin\n}\n');
    const diagnostics = await doc.diagnostics();
    assert.deepEqual(codes(diagnostics).sort(), ['duplicate-type', 'unknown-type']);
    for (const code of ['entity-missing-id', 'missing-resolver', 'missing-query']) assert.ok(!codes(diagnostics).includes(code), code);
    doc.replace('\ntype Tag {\n  name: Strin\n}\n', '');
    await expectClean(doc);
  });

  it('a definition with an unclosed "{" does not hide the diagnostics of the others', async () => {
    const { doc } = await openService();
    // Break Author in the middle of the file: its closing brace goes away.
    doc.replace('  posts: [Post!]!\n}', '  posts: [Post!]!\n');
    // And misspell a type further down.
    doc.replace('createPost(title: String!, body: String!): Post!', 'createPost(title: String!, body: String!): Pots!');
    const diagnostics = await doc.diagnostics();
    one(diagnostics, 'syntax');
    const unknown = one(diagnostics, 'unknown-type');
    assert.equal(textOf(doc, unknown.range), 'Pots');
    // The definitions before and after the broken one are still checked by the platform rules.
    doc.append('\ntype Tag {\n  label: String!\n}\n');
    doc.insertBefore('type Post {', 'type Draft {\n  title: String\n}\n\n');
    const more = await doc.diagnostics();
    assert.deepEqual(
      only(more, 'entity-missing-id').map((d) => textOf(doc, d.range)),
      ['Draft', 'Tag'],
    );
    one(more, 'unknown-type');
    one(more, 'syntax');

    doc.replace('\ntype Tag {\n  label: String!\n}\n', '');
    doc.replace('type Draft {\n  title: String\n}\n\n', '');
    doc.replace('Pots!', 'Post!');
    doc.replace('  posts: [Post!]!\n', '  posts: [Post!]!\n}');
    await expectClean(doc);
  });

  it('the syntax error of an unclosed "{" is shown inside the broken definition', async () => {
    const { doc } = await openService();
    doc.replace('  posts: [Post!]!\n}', '  posts: [Post!]!\n');
    const syntax = one(await doc.diagnostics(), 'syntax');
    assert.match(messageOf(syntax), /Close the open "\{"/);
    // It is Author's error: it belongs between `type Author` and Author's last field, not on the
    // line of the next definition (`type Query`), where the editor would underline `type`.
    const start = doc.offsetAt(syntax.range.start);
    const end = doc.offsetAt(syntax.range.end);
    assert.ok(
      start >= doc.indexOf('type Author') && end <= doc.indexOf('posts: [Post!]!') + 'posts: [Post!]!'.length,
      `the syntax error of Author is shown at ${JSON.stringify(syntax.range)} ("${doc.text.slice(start, end + 10)}..."), on the line of \`type Query\``,
    );
  });

  it('diagnostics do not depend on the edit history: a broken second declaration of a type', async () => {
    // Typing a whole `type Query { ... }` inside Mutation's braces breaks Mutation; the new Query is
    // a second declaration of Query. The same text opened fresh must get the same diagnostics.
    const { doc } = await openService();
    doc.insertAfter('type Mutation {\n', 'type Query {\n  ping: String\n}\n');
    const incremental = await doc.diagnostics();
    const fresh = await openService('blog', doc.text);
    const reference = await fresh.doc.diagnostics();
    // Whatever is reported, the intact first `type Query` is not the culprit.
    const firstQuery = doc.rangeOf('Query');
    assert.ok(
      !incremental.some((d) => d.code === 'duplicate-type' && d.range.start.line === firstQuery.start.line),
      `duplicate-type reported on the first, intact \`type Query\` (line ${firstQuery.start.line}): ${JSON.stringify(render(incremental))}`,
    );
    assert.deepEqual(render(incremental), render(reference));
  });

  it('a broken type that is extended is not "unknown" (and never "did you mean" itself)', async () => {
    // Post's closing brace is missing and Post is extended: references to Post get
    // 'Unknown type "Post". Did you mean "Post"?' although Post is declared (only broken).
    const base = fs.readFileSync(path.join(fixture('blog'), 'src/schema.graphql'), 'utf8');
    const text = base.replace('  createdAt: DateTime\n}\n', '  createdAt: DateTime\n\n') + '\nextend type Post {\n  more: Int\n}\n';
    const { doc } = await openService('blog', text);
    const diagnostics = await doc.diagnostics();
    for (const d of diagnostics) {
      const data = d.data as { name?: string; suggestions?: string[] } | undefined;
      assert.ok(!(data?.name && data.suggestions?.includes(data.name)), `"${messageOf(d)}" suggests the name itself`);
    }
    assert.deepEqual(only(diagnostics, 'unknown-type').map(messageOf), []);
    // Without the extension, the broken Post is known: no unknown-type either.
    const plain = await openService('blog', base.replace('  createdAt: DateTime\n}\n', '  createdAt: DateTime\n\n'));
    assert.deepEqual(only(await plain.doc.diagnostics(), 'unknown-type'), []);
  });

  it('the server logged no internal errors', () => {
    assert.deepEqual(serverErrors, []);
  });
});
