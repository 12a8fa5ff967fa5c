// Recorded traffic over real stdio: the extension's usage notification makes the server warn where
// an edit breaks recorded operations (at the change, else on its type), hover a field's calls, and
// forget it all when the notification says so.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { SchemaUsageNotification } from '../../server/protocol/protocol';
import { LspClient } from '../helpers/lspClient';
import { codes, copyFolder, EditorDocument, fixture, messageOf, startServer, stopServer, tempDir, textOf, uriOf } from './support';

let root: string;
let client: LspClient;

before(async () => {
  root = tempDir('codestore-lsp-usage-');
  client = await startServer(root);
});
after(async () => {
  await stopServer(client);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('schema usage from the extension', () => {
  it('warns on an edit that breaks recorded operations, hovers usage, and forgets it when told', async () => {
    const dir = copyFolder(fixture('blog'), path.join(root, 'blog'));
    const file = path.join(dir, 'src/schema.graphql');
    const served = fs.readFileSync(file, 'utf8');
    const doc = new EditorDocument(client, uriOf(file), served).open();
    await doc.diagnostics();
    const params: SchemaUsageNotification.Params = {
      schemaUri: doc.uri,
      environments: [
        {
          label: 'production of Shop',
          days: 30,
          schema: served,
          operations: [
            {
              name: 'Feed',
              hash: 'h1',
              client: 'acme',
              calls: 1204,
              coordinates: ['Post.id', 'Post.tags', 'Post.title', 'Query.allPosts'],
            },
          ],
        },
      ],
    };
    await client.connection.sendNotification(SchemaUsageNotification.method, params);

    // Removing a field a client reads: a warning on the type, naming operation, client and calls.
    doc.replace('  tags: [String!]\n', '');
    const warned = await client.waitForDiagnostics(
      doc.uri,
      (p) => p.version === doc.version && codes(p.diagnostics).includes('breaks-clients'),
    );
    const [breaks] = warned.diagnostics.filter((d) => d.code === 'breaks-clients');
    assert.equal(textOf(doc, breaks.range), 'Post');
    assert.match(
      messageOf(breaks),
      /Field 'tags' was removed from object type 'Post': this breaks 1 operation \(Feed\) of 1 client \(acme\), 1,204 calls in 30 days in production of Shop/,
    );
    // A field nobody called is a candidate for removal, shown as a hint.
    assert.ok(warned.diagnostics.some((d) => d.code === 'unused-field' && messageOf(d).includes('Post.body')));

    // A type change: on the field's type.
    doc.replace('  title: String!', '  title: Int!');
    const typed = await client.waitForDiagnostics(
      doc.uri,
      (p) => p.version === doc.version && p.diagnostics.some((d) => d.code === 'breaks-clients' && /title/.test(messageOf(d))),
    );
    const change = typed.diagnostics.find((d) => d.code === 'breaks-clients' && /title/.test(messageOf(d)))!;
    assert.equal(textOf(doc, change.range), 'Int!');

    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: doc.uri }, position: doc.pos('  id: ID!', 3) });
    assert.match((hover.contents as MarkupContent).value, /\*\*Usage\*\* 1,204 calls in 30 days from 1 client, production of Shop/);

    await client.connection.sendNotification(SchemaUsageNotification.method, { schemaUri: doc.uri, environments: [] });
    const forgotten = await client.waitForDiagnostics(
      doc.uri,
      (p) => p.version === doc.version && !codes(p.diagnostics).some((c) => c === 'breaks-clients' || c === 'unused-field'),
    );
    assert.ok(forgotten);
  });
});
