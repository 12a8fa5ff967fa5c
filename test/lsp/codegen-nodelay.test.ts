// Code generation with no pause before writing (codestore.codegen.delayMs 0), over real stdio:
// the code generation process generates each edit while the server validates it, and writes only
// once the server found the version valid. A schema with errors is generated for nothing and never
// written; a burst of edits ends with the last one on disk.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient } from '../helpers/lspClient';
import { copyFolder, EditorDocument, fixture, stopServer, tempDir, uriOf } from './support';

const PENDING = 'src/data/pending-migration.ts';
const POST = 'src/data/entities/Post.ts';

let root: string;
let client: LspClient;
let doc: EditorDocument;

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(path.join(root, file), 'utf8');
  } catch {
    return undefined;
  }
};

async function fileWhere(file: string, test: (content: string | undefined) => boolean, ms = 15000): Promise<string | undefined> {
  const started = Date.now();
  for (;;) {
    const content = read(file);
    if (test(content)) return content;
    if (Date.now() - started > ms)
      assert.fail(`${file} did not reach the expected state within ${ms} ms; it is: ${content?.slice(0, 400) ?? '(absent)'}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

before(async () => {
  root = copyFolder(fixture('blog'), path.join(tempDir('codegen-nodelay'), 'blog'));
  client = new LspClient();
  await client.initialize(root, { debounceMs: 0, codegenDelayMs: 0 });
  const schema = path.join(root, 'src/schema.graphql');
  doc = new EditorDocument(client, uriOf(schema), fs.readFileSync(schema, 'utf8')).open();
  assert.deepEqual(await doc.diagnostics(), []);
  await fileWhere(PENDING, (c) => !!c && c.includes('CREATE TABLE "Post"'));
});

after(async () => {
  await stopServer(client);
  fs.rmSync(path.dirname(root), { recursive: true, force: true });
});

describe('code generation with no delay', () => {
  it('writes an added field to its entity and the pending migration', async () => {
    doc.insertAfter('  createdAt: DateTime', '\n  summary: String');
    assert.deepEqual(await doc.diagnostics(), []);
    await fileWhere(POST, (c) => !!c && c.includes('summary!: string | null;'));
    await fileWhere(PENDING, (c) => !!c && c.includes('"summary" character varying'));
  });

  it('never writes what a schema with errors generates', async () => {
    const entity = read(POST);
    const pending = read(PENDING);
    // Generatable (the field is left out as unsupported), but invalid: it must not reach the disk.
    doc.replace('  body: String!', '  body: Strin!');
    assert.ok((await doc.diagnostics()).some((d) => d.code === 'unknown-type'));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(read(POST), entity);
    assert.equal(read(PENDING), pending);
    doc.replace('  body: Strin!', '  body: String!');
    assert.deepEqual(await doc.diagnostics(), []);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(read(POST), entity);
  });

  it('a burst of edits ends with the last one on disk', async () => {
    for (let i = 0; i < 12; i++) doc.insertAfter('  summary: String', `\n  burst${i}: Int`);
    assert.deepEqual(await doc.diagnostics(), []);
    const post = await fileWhere(POST, (c) => !!c && c.includes('burst11!: number | null;'));
    for (let i = 0; i < 12; i++) assert.ok(post!.includes(`burst${i}!: number | null;`), `burst${i} is in ${POST}`);
    await fileWhere(PENDING, (c) => !!c && c.includes('"burst11" integer') && c.includes('"burst0" integer'));
  });
});
