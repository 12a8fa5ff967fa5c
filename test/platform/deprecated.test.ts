// `@deprecated(reason:)` end to end: the language server offers it and finds nothing wrong with it,
// the platform's check takes the push, the gateway keeps serving the deprecated field (data comes
// back), introspection says it is deprecated and why, the call is recorded in the schema usage, and
// that usage, handed to the language server as the extension does, hints that a deprecated field is
// still called.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { toServerUsage } from '../../client/src/usage';
import { SchemaUsageNotification } from '../../server/protocol/protocol';
import type { LspClient } from '../helpers/lspClient';
import { codes, EditorDocument, messageOf, startServer, stopServer, textOf, uriOf } from '../lsp/support';
import { call } from './helpers/http';
import { platformTargets, TestPlatform } from './helpers/platform';
import { addFields, blogService, variant } from './helpers/service';

const REASON = 'Use allPosts: it has the authors too';
const LEGACY_RESOLVER = `import type { QueryResolvers } from '../../data/resolverTypes';
import { Post } from '../../data/entities';

const legacyPosts: QueryResolvers['legacyPosts'] = async (_parent, _args, context) =>
  context.db.connection.getRepository(Post).find({ order: { id: 'ASC' } });

export default legacyPosts;
`;

for (const target of platformTargets()) {
  describe(`@deprecated(reason:) end to end (${target.label})`, () => {
    let platform: TestPlatform;
    let client: PlatformClient;
    let lsp: LspClient | undefined;
    /** The schema as the editor has it open (from the first test on). */
    let doc: EditorDocument | undefined;
    let serviceId: string;
    let devKey: string;
    let folder: string;
    let privateUrl: string;

    before(async () => {
      platform = await TestPlatform.start(target);
      ({ client } = await platform.signup('deprecated'));
      const created = await client.createService('Blog');
      serviceId = created.service.id;
      devKey = created.developerKey;
      const base = await blogService(path.join(platform.tmp, 'v1'), serviceId);
      folder = await variant(base, path.join(platform.tmp, 'v2'), {
        schema: addFields('Query', `legacyPosts: [Post!]! @deprecated(reason: "${REASON}")`),
        files: { 'src/resolvers/queries/legacyPosts.ts': LEGACY_RESOLVER },
      });
    });
    after(async () => {
      if (lsp) await stopServer(lsp);
      await platform?.close();
    });

    it('is offered by completion and raises no problem in the editor', async () => {
      lsp = await startServer(folder);
      const file = path.join(folder, 'src/schema.graphql');
      doc = new EditorDocument(lsp, uriOf(file), fs.readFileSync(file, 'utf8')).open();
      assert.deepEqual(
        (await doc.diagnostics()).filter((d) => d.severity === 1).map(messageOf),
        [],
        'the schema with @deprecated(reason:) has no errors',
      );
      doc.insertAfter('  tags: [String!]', '\n  teaser: String @');
      const result = await lsp.request<CompletionItem[] | CompletionList | null>('textDocument/completion', {
        textDocument: { uri: doc.uri },
        position: doc.pos('teaser: String @', 'teaser: String @'.length),
      });
      const items = Array.isArray(result) ? result : (result?.items ?? []);
      const deprecated = items.find((i) => i.label === 'deprecated');
      assert.ok(deprecated, `@deprecated is offered on a field: ${items.map((i) => i.label).join(', ')}`);
      const inserted = deprecated.textEdit && 'newText' in deprecated.textEdit ? deprecated.textEdit.newText : deprecated.insertText;
      assert.match(inserted ?? '', /^@?deprecated\(reason: "\$1"\)$/, 'with its reason to fill in');
      doc.replace('\n  teaser: String @', '');
    });

    it('is taken by the platform, served with its data, and deprecated in introspection', async () => {
      const pushed = await client.push(serviceId, await packServiceFolder(folder)).catch((e) => {
        throw new Error(`${e.message}\n${JSON.stringify(e.problems, null, 1)}`);
      });
      assert.equal(pushed.deployed, true, JSON.stringify(pushed));
      const service = await client.serviceInfo(serviceId);
      privateUrl = `${platform.url}${service.environments.find((e) => e.name === 'private')!.path}`;

      const made = await call(privateUrl, devKey, 'mutation { createPost(title: "Hello", body: "World") { id } }');
      assert.equal(made.status, 200, JSON.stringify(made.body));
      const old = await call(privateUrl, devKey, 'query Old { legacyPosts { id title body } }');
      assert.equal(old.status, 200, JSON.stringify(old.body));
      assert.equal(old.body.errors, undefined);
      assert.deepEqual(old.body.data, { legacyPosts: [{ id: made.body.data.createPost.id, title: 'Hello', body: 'World' }] });

      const introspected = await call(
        privateUrl,
        devKey,
        '{ all: __type(name: "Query") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } current: __type(name: "Query") { fields { name } } }',
      );
      assert.equal(introspected.status, 200, JSON.stringify(introspected.body));
      const fields = introspected.body.data.all.fields as { name: string; isDeprecated: boolean; deprecationReason: string | null }[];
      assert.deepEqual(
        fields.find((f) => f.name === 'legacyPosts'),
        { name: 'legacyPosts', isDeprecated: true, deprecationReason: REASON },
      );
      assert.deepEqual(
        fields.find((f) => f.name === 'allPosts'),
        { name: 'allPosts', isDeprecated: false, deprecationReason: null },
      );
      // Without includeDeprecated, introspection leaves it out, as GraphQL says.
      assert.ok(!introspected.body.data.current.fields.some((f: { name: string }) => f.name === 'legacyPosts'));
    });

    it('is recorded when called, and the editor hints that a deprecated field is still called', async () => {
      assert.ok(privateUrl, 'needs the push above');
      const usage = await client.schemaUsage(serviceId);
      const priv = usage.find((e) => e.environment === 'private');
      assert.ok(priv, `usage has the private environment: ${usage.map((e) => e.environment).join(', ')}`);
      const legacy = priv.coordinates.find((c) => c.coordinate === 'Query.legacyPosts');
      assert.deepEqual(legacy && { calls: legacy.calls, operations: legacy.operations }, { calls: 1, operations: ['Old'] });
      assert.match(priv.schema ?? '', /legacyPosts: \[Post!\]! @deprecated\(reason: "Use allPosts/);

      assert.ok(lsp && doc, 'needs the language server above');
      const editor = doc;
      const params: SchemaUsageNotification.Params = { schemaUri: doc.uri, environments: toServerUsage(usage) };
      await lsp.connection.sendNotification(SchemaUsageNotification.method, params);
      doc.append('\n');
      const hinted = await lsp.waitForDiagnostics(
        doc.uri,
        (p) => p.version === editor.version && codes(p.diagnostics).includes('deprecated-in-use'),
      );
      const hint = hinted.diagnostics.find((d) => d.code === 'deprecated-in-use')!;
      assert.equal(textOf(doc, hint.range), 'legacyPosts');
      assert.match(
        messageOf(hint),
        /^Query\.legacyPosts is deprecated but still called: 1 call in \d+ days from developer key \(private\)\.$/,
      );
    });
  });
}
