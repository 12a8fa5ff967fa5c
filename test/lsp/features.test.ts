// Editing features over real stdio: completion, hover, navigation, symbols, rename, formatting,
// code actions and folding, on copies of the blog and shop services.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { ObjectTypeDefinitionNode, parse, print } from 'graphql';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Location,
  MarkupContent,
  Range,
  SymbolInformation,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import {
  applyEdits,
  assertRangeInside,
  codes,
  collectServerErrors,
  copyFolder,
  EditorDocument,
  fixture,
  messageOf,
  rangeContains,
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

async function openService(name: 'blog' | 'lsp-shop' = 'blog'): Promise<{ dir: string; doc: EditorDocument }> {
  const dir = copyFolder(fixture(name), path.join(root, `${name}-${++services}`));
  const file = path.join(dir, 'src/schema.graphql');
  const doc = new EditorDocument(client, uriOf(file), fs.readFileSync(file, 'utf8')).open();
  assert.deepEqual(codes(await doc.diagnostics()), []);
  return { dir, doc };
}

function at(doc: EditorDocument, needle: string, delta = 0, occurrence = 0) {
  return { textDocument: { uri: doc.uri }, position: doc.pos(needle, delta, occurrence) };
}

async function complete(doc: EditorDocument, needle: string, delta = needle.length, occurrence = 0): Promise<string[]> {
  const result = await client.request<CompletionItem[] | CompletionList | null>(
    'textDocument/completion',
    at(doc, needle, delta, occurrence),
  );
  const items = Array.isArray(result) ? result : (result?.items ?? []);
  return items.map((i) => i.label);
}

function includesAll(labels: string[], expected: string[]): void {
  const missing = expected.filter((e) => !labels.includes(e));
  assert.deepEqual(missing, [], `missing ${JSON.stringify(missing)} in ${JSON.stringify(labels)}`);
}

function includesNone(labels: string[], unexpected: string[]): void {
  const present = unexpected.filter((e) => labels.includes(e));
  assert.deepEqual(present, [], `unexpected ${JSON.stringify(present)} in ${JSON.stringify(labels)}`);
}

/** The text edits a workspace edit makes to one document, from `changes` or `documentChanges`. */
function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri)
      out.push(...(change as TextDocumentEdit).edits.filter((e): e is TextEdit => 'range' in e));
  }
  return out;
}

/** Sends a workspace edit's changes to the open document as an editor applies them (last first). */
function applyToDocument(doc: EditorDocument, edit: WorkspaceEdit): string {
  const edits = editsFor(edit, doc.uri);
  for (const e of edits) assertRangeInside(e.range, doc.text, `edit ${JSON.stringify(e.newText)}`);
  const expected = applyEdits(doc.text, edits);
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => doc.offsetAt(b.e.range.start) - doc.offsetAt(a.e.range.start) || b.i - a.i);
  for (const { e } of sorted) doc.edit(e.range, e.newText);
  assert.equal(doc.text, expected);
  return doc.text;
}

async function codeActionsFor(doc: EditorDocument, diagnostic: Diagnostic): Promise<CodeAction[]> {
  const actions = await client.request<CodeAction[] | null>('textDocument/codeAction', {
    textDocument: { uri: doc.uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic], only: undefined },
  });
  return actions ?? [];
}

function diagnosticOf(diagnostics: Diagnostic[], code: string, text?: string, doc?: EditorDocument): Diagnostic {
  const found = diagnostics.find((d) => d.code === code && (text === undefined || textOf(doc!, d.range) === text));
  assert.ok(found, `no ${code}${text ? ` on "${text}"` : ''} in ${JSON.stringify(diagnostics.map((d) => [d.code, messageOf(d)]))}`);
  return found;
}

function markdown(hover: Hover | null): string {
  assert.ok(hover, 'no hover');
  return (hover.contents as MarkupContent).value;
}

before(async () => {
  root = tempDir('lsp-features');
  // Services on disk before the server starts: their schemas are known without being opened.
  copyFolder(fixture('blog'), path.join(root, 'blog-disk'));
  copyFolder(fixture('lsp-shop'), path.join(root, 'shop-disk'));
  client = await startServer(root);
  serverErrors = collectServerErrors(client);
});

after(async () => {
  if (client) await stopServer(client);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('completion', () => {
  it('after `field: ` lists output types only, never input types or roots', async () => {
    const { doc } = await openService('lsp-shop');
    doc.insertAfter('note: JSON', '\n  extra: ');
    const labels = await complete(doc, 'extra: ');
    includesAll(labels, [
      'Product',
      'Customer',
      'Order',
      'ProductStatus',
      'Named',
      'String',
      'Int',
      'Float',
      'Boolean',
      'ID',
      'DateTime',
      'JSON',
      'Date',
      'BigInt',
      'Decimal',
    ]);
    includesNone(labels, ['ProductFilter', 'Query', 'Mutation']);
    // Inside a list type too, and with a prefix typed.
    doc.replace('extra: ', 'extra: [Pro');
    const inList = await complete(doc, 'extra: [Pro');
    includesAll(inList, ['Product', 'ProductStatus']);
    includesNone(inList, ['ProductFilter']);
  });

  it('in argument position lists input types, enums and scalars only', async () => {
    const { doc } = await openService('lsp-shop');
    doc.insertAfter('customer(id: ID!): Customer', '\n  search(by: ');
    const labels = await complete(doc, 'search(by: ');
    includesAll(labels, ['ProductFilter', 'ProductStatus', 'String', 'ID', 'DateTime']);
    includesNone(labels, ['Product', 'Customer', 'Order', 'Named', 'Query']);
    // An input type's fields take input types too.
    doc.insertAfter('nameContains: String', '\n  minPrice: ');
    const inInput = await complete(doc, 'minPrice: ');
    includesAll(inInput, ['ProductFilter', 'ProductStatus', 'Float']);
    includesNone(inInput, ['Product', 'Named']);
  });

  it('`@` on a field lists field directives but not @transient; on a type, object directives', async () => {
    const { doc } = await openService('lsp-shop');
    doc.insertAfter('note: JSON', '\n  sku: String @');
    const onField = await complete(doc, 'sku: String @');
    includesAll(onField, ['unique', 'default', 'index', 'length', 'renamedFrom', 'relation', 'auth', 'deprecated']);
    includesNone(onField, ['transient', 'specifiedBy']);

    doc.replace('\n  sku: String @', '');
    doc.insertAfter('type Order', ' @');
    const onType = await complete(doc, 'type Order @');
    includesAll(onType, ['transient', 'renamedFrom']);
    includesNone(onType, ['unique', 'default', 'relation']);
  });

  it('`@deprecated` completes with its reason, and inside `@deprecated(` lists `reason`', async () => {
    const { doc } = await openService('lsp-shop');
    doc.insertAfter('note: JSON', '\n  sku: String @');
    const result = await client.request<CompletionItem[] | CompletionList | null>(
      'textDocument/completion',
      at(doc, 'sku: String @', 'sku: String @'.length),
    );
    const items = Array.isArray(result) ? result : (result?.items ?? []);
    assert.equal(items.find((i) => i.label === 'deprecated')?.insertText, 'deprecated(reason: "$1")');
    doc.replace('sku: String @', 'sku: String @deprecated(');
    assert.deepEqual(await complete(doc, 'sku: String @deprecated('), ['reason']);
    doc.replace('sku: String @deprecated(', 'sku: String @deprecated(reason: "Use code")');
    const diagnostics = await doc.diagnostics();
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 1).map((d) => d.message),
      [],
    );
  });

  it('inside `@relation(` lists its arguments, leaving out those already given', async () => {
    const { doc } = await openService('lsp-shop');
    doc.insertAfter('note: JSON', '\n  buyer: Customer @relation(');
    assert.deepEqual((await complete(doc, '@relation(', '@relation('.length, 1)).sort(), ['inverse', 'onDelete']);
    doc.insertAfter('buyer: Customer @relation(', 'onDelete: CASCADE, ');
    assert.deepEqual(await complete(doc, 'buyer: Customer @relation(onDelete: CASCADE, '), ['inverse']);
    // After a string value, too: the value is complete, the next argument is wanted.
    doc.replace('buyer: Customer @relation(onDelete: CASCADE, ', 'buyer: Customer @relation(inverse: "orders", ');
    assert.deepEqual(await complete(doc, 'buyer: Customer @relation(inverse: "orders", '), ['onDelete']);
  });

  it('after `onDelete: ` lists the enum values', async () => {
    const { doc } = await openService('lsp-shop');
    doc.insertAfter('note: JSON', '\n  buyer: Customer @relation(onDelete: ');
    assert.deepEqual((await complete(doc, '@relation(onDelete: ', '@relation(onDelete: '.length, 1)).sort(), [
      'CASCADE',
      'NO_ACTION',
      'SET_NULL',
    ]);
  });

  it('at top level lists the definition keywords', async () => {
    const { doc } = await openService('lsp-shop');
    doc.insertAfter('  SOLD_OUT\n}\n', '\n');
    const labels = await complete(doc, '  SOLD_OUT\n}\n\n', '  SOLD_OUT\n}\n\n'.length);
    includesAll(labels, ['type', 'interface', 'input', 'enum', 'union', 'scalar', 'directive', 'extend', 'schema']);
    includesNone(labels, ['Product', 'String', 'unique']);
    doc.insertAfter('  SOLD_OUT\n}\n\n', 'ty');
    includesAll(await complete(doc, '  SOLD_OUT\n}\n\nty'), ['type']);
  });
});

describe('hover', () => {
  it('a stored field shows its column and type', async () => {
    const { doc } = await openService();
    const hover = await client.request<Hover | null>('textDocument/hover', at(doc, 'title: String!', 2));
    const value = markdown(hover);
    assert.ok(value.includes('"Post"."title"'), value);
    assert.ok(value.includes('String!'), value);
    assert.ok(value.includes('character varying'), value);
    assert.deepEqual(hover!.range, doc.rangeOf('title'));
  });

  it('a prelude directive shows its documentation', async () => {
    const { doc } = await openService();
    const hover = await client.request<Hover | null>('textDocument/hover', at(doc, '@unique', 3));
    const value = markdown(hover);
    assert.match(value, /directive @unique on FIELD_DEFINITION/);
    assert.match(value, /UNIQUE constraint/);
    assert.deepEqual(hover!.range, doc.rangeOf('unique'));
  });

  it('a type reference shows the type and its table', async () => {
    const { doc } = await openService();
    const value = markdown(await client.request<Hover | null>('textDocument/hover', at(doc, 'author: Author', 10)));
    assert.match(value, /type Author/);
    assert.match(value, /Table/);
  });
});

describe('navigation and symbols', () => {
  it('go to definition jumps from a type reference to its declaration', async () => {
    const { doc } = await openService();
    const locations = await client.request<Location[]>('textDocument/definition', at(doc, 'author: Author', 10));
    assert.deepEqual(locations, [{ uri: doc.uri, range: doc.rangeOf('Author', 1) }]);
    assert.equal(textOf(doc, locations[0].range), 'Author');
    assert.equal(doc.offsetAt(locations[0].range.start), doc.indexOf('type Author') + 5);
  });

  it('find references lists every use of a type', async () => {
    const { doc } = await openService();
    const params = at(doc, 'allPosts: [Post!]!', 'allPosts: ['.length + 1);
    const all = await client.request<Location[]>('textDocument/references', { ...params, context: { includeDeclaration: true } });
    const expected = ['type Post', 'posts: [Post', 'allPosts: [Post', '): Post\n', '): Post!'].map(
      (n) => doc.indexOf(n) + n.lastIndexOf('Post'),
    );
    assert.deepEqual(
      all.map((l) => doc.offsetAt(l.range.start)).sort((a, b) => a - b),
      expected.sort((a, b) => a - b),
    );
    for (const l of all) {
      assert.equal(l.uri, doc.uri);
      assert.equal(textOf(doc, l.range), 'Post');
    }
    const uses = await client.request<Location[]>('textDocument/references', { ...params, context: { includeDeclaration: false } });
    assert.equal(uses.length, 4);
    assert.ok(!uses.some((l) => doc.offsetAt(l.range.start) === doc.indexOf('type Post') + 5));
  });

  it('document symbols: the types with their fields as children', async () => {
    const { doc } = await openService();
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: doc.uri } });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['Post', 'Author', 'Query', 'Mutation'],
    );
    assert.deepEqual(
      symbols[0].children!.map((c) => c.name),
      ['id', 'title', 'body', 'author', 'tags', 'createdAt'],
    );
    assert.deepEqual(
      symbols[1].children!.map((c) => c.name),
      ['id', 'name', 'posts'],
    );
    const check = (s: DocumentSymbol) => {
      assertRangeInside(s.range, doc.text, s.name);
      assert.ok(rangeContains(s.range, s.selectionRange), `${s.name}: selectionRange outside range`);
      for (const c of s.children ?? []) {
        assert.ok(rangeContains(s.range, c.range), `${c.name}: outside ${s.name}`);
        check(c);
      }
    };
    symbols.forEach(check);
    assert.equal(textOf(doc, symbols[0].selectionRange), 'Post');
    assert.equal(textOf(doc, symbols[0].children![1].range), 'title: String!');
  });

  it('document symbols of a broken copy of a type do not repeat the intact one', async () => {
    const { doc } = await openService();
    // The first line of Author duplicated (an editor's "copy line down"): a broken `type Author {`
    // then the intact Author.
    doc.insertAfter('type Author {\n', 'type Author {\n');
    await doc.diagnostics();
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: doc.uri } });
    const ranges = symbols.map((s) => `${s.name} ${JSON.stringify(s.range)}`);
    assert.deepEqual(ranges, [...new Set(ranges)], 'two outline entries for the same definition');
    for (const s of symbols) assert.equal(textOf(doc, s.selectionRange), s.name);
  });

  it('workspace symbols find types in open and unopened service schemas', async () => {
    const { doc } = await openService();
    const customers = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'Custmr' });
    const onDisk = customers.filter(
      (s) => s.name === 'Customer' && s.location.uri === uriOf(path.join(root, 'shop-disk/src/schema.graphql')),
    );
    assert.equal(onDisk.length, 1, JSON.stringify(customers));
    const diskText = fs.readFileSync(path.join(root, 'shop-disk/src/schema.graphql'), 'utf8');
    assertRangeInside(onDisk[0].location.range, diskText, 'workspace symbol');
    const authors = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'Author' });
    const open = authors.find((s) => s.location.uri === doc.uri);
    assert.ok(open, JSON.stringify(authors));
    assert.equal(textOf(doc, open.location.range), 'Author');
  });
});

describe('rename', () => {
  it('renaming an entity type renames every reference and adds @renamedFrom on the type', async () => {
    const { doc } = await openService();
    const prepared = await client.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', at(doc, 'type Author', 7));
    assert.deepEqual(prepared, { range: doc.rangeOf('Author', 1), placeholder: 'Author' });
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(doc, 'type Author', 7), newName: 'Writer' });
    const before = doc.text;
    const after = applyToDocument(doc, edit);
    assert.equal(
      after,
      before.replace('type Author {', 'type Writer @renamedFrom(name: "Author") {').replace('author: Author', 'author: Writer'),
    );
    assert.deepEqual(codes(await doc.diagnostics()), []);
  });

  it('renaming an entity type that implements an interface keeps the schema valid', async () => {
    const { doc } = await openService('lsp-shop');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(doc, 'type Product', 7), newName: 'Item' });
    applyToDocument(doc, edit);
    assert.ok(doc.text.includes('@renamedFrom(name: "Product")'), doc.text);
    assert.ok(doc.text.includes('products: [Item!]!') && doc.text.includes('): [Item!]!'), doc.text);
    // Directives on a type come after `implements ...`.
    assert.deepEqual(
      (await doc.diagnostics()).map((d) => `${d.code}: ${messageOf(d)}`),
      [],
    );
  });

  it('renaming an entity field adds @renamedFrom on the field', async () => {
    const { doc } = await openService();
    const prepared = await client.request<{ range: Range; placeholder: string }>(
      'textDocument/prepareRename',
      at(doc, 'title: String!', 1),
    );
    assert.deepEqual(prepared, { range: doc.rangeOf('title'), placeholder: 'title' });
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(doc, 'title: String!', 1), newName: 'headline' });
    const edits = editsFor(edit, doc.uri);
    assert.ok(
      edits.some((e) => e.newText.includes('@renamedFrom(name: "title")')),
      JSON.stringify(edits),
    );
    applyToDocument(doc, edit);
    // The field's line, as a user would write it: directives follow the type.
    assert.ok(doc.text.includes('\n  headline: String! @renamedFrom(name: "title")\n'), doc.text);
    assert.deepEqual(
      (await doc.diagnostics()).map((d) => `${d.code}: ${messageOf(d)}`),
      [],
    );
  });

  it('renaming the inverse side of a relation updates @relation(inverse:) and adds no @renamedFrom (it has no column)', async () => {
    const { doc } = await openService();
    doc.replace('author: Author', 'author: Author @relation(inverse: "posts")');
    assert.deepEqual(codes(await doc.diagnostics()), []);
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(doc, 'posts: [Post!]!', 2), newName: 'articles' });
    const before = doc.text;
    applyToDocument(doc, edit);
    assert.equal(
      doc.text,
      before.replace('@relation(inverse: "posts")', '@relation(inverse: "articles")').replace('posts: [Post!]!', 'articles: [Post!]!'),
    );
    assert.deepEqual(codes(await doc.diagnostics()), []);
  });

  it('renaming a Query field renames its resolver file', async () => {
    const { dir, doc } = await openService('lsp-shop');
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...at(doc, '  products(', 3), newName: 'listProducts' });
    const changes = edit.documentChanges ?? [];
    const renameOp = changes.find((c) => 'kind' in c && c.kind === 'rename');
    assert.deepEqual(renameOp, {
      kind: 'rename',
      oldUri: uriOf(path.join(dir, 'src/resolvers/queries/products.ts')),
      newUri: uriOf(path.join(dir, 'src/resolvers/queries/listProducts.ts')),
    });
    const textEdit = changes.find((c): c is TextDocumentEdit => 'textDocument' in c);
    assert.ok(textEdit, JSON.stringify(edit));
    assert.deepEqual(textEdit.textDocument, { uri: doc.uri, version: doc.version });
    // Not an entity: no @renamedFrom on a Query field.
    assert.ok(!textEdit.edits.some((e) => 'newText' in e && e.newText.includes('renamedFrom')), JSON.stringify(textEdit.edits));

    // Do what the editor does: edit the schema, move the file, report the move.
    applyToDocument(doc, edit);
    assert.ok(doc.text.includes('  listProducts(filter: ProductFilter): [Product!]!'));
    fs.renameSync(path.join(dir, 'src/resolvers/queries/products.ts'), path.join(dir, 'src/resolvers/queries/listProducts.ts'));
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: uriOf(path.join(dir, 'src/resolvers/queries/products.ts')), type: 3 },
        { uri: uriOf(path.join(dir, 'src/resolvers/queries/listProducts.ts')), type: 1 },
      ],
    });
    const version = doc.version;
    const settled = await client.waitForDiagnostics(doc.uri, (p) => p.version === version && p.diagnostics.length === 0, 5000);
    assert.deepEqual(settled.diagnostics, []);
  });

  it('an invalid new name is refused with an error, and so is a built-in type', async () => {
    const { doc } = await openService();
    for (const newName of ['1post', 'my-post', '__Post', '']) {
      await assert.rejects(
        client.request('textDocument/rename', { ...at(doc, 'type Post', 6), newName }),
        (e: { code?: number; message?: string }) => e.code === -32602 && /not a GraphQL name/.test(e.message ?? ''),
        `newName ${JSON.stringify(newName)}`,
      );
    }
    await assert.rejects(
      client.request('textDocument/prepareRename', at(doc, 'title: String!', 8)),
      (e: { code?: number }) => typeof e.code === 'number',
    );
    assert.equal(await client.request('textDocument/prepareRename', at(doc, '\n\ntype Author', 1)), null);
  });
});

describe('formatting', () => {
  it('keeps comments and descriptions and fixes the indentation', async () => {
    const dir = path.join(root, 'formatting');
    const messy = [
      '# The header comment.',
      '   type Post {',
      'id: ID!',
      '      "The title."',
      '   title: String!   # a trailing comment',
      '        """',
      '  A block description',
      '  over two lines.',
      '        """',
      '        body: String',
      '',
      '',
      '',
      '      # A comment between fields.',
      '  comments(',
      'first: Int',
      '      ): [String]',
      '}',
      'type Author {',
      '    name: String',
      '    }',
      '',
    ].join('\n');
    writeFile(path.join(dir, 'format.graphql'), messy);
    const doc = new EditorDocument(client, uriOf(path.join(dir, 'format.graphql')), messy).open();
    assert.deepEqual(codes(await doc.diagnostics()), []);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: doc.uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    applyToDocument(doc, { changes: { [doc.uri]: edits } });
    assert.equal(
      doc.text,
      [
        '# The header comment.',
        'type Post {',
        '  id: ID!',
        '  "The title."',
        '  title: String!   # a trailing comment',
        '  """',
        '  A block description',
        '  over two lines.',
        '  """',
        '  body: String',
        '',
        '  # A comment between fields.',
        '  comments(',
        '    first: Int',
        '  ): [String]',
        '}',
        '',
        'type Author {',
        '  name: String',
        '}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(codes(await doc.diagnostics()), []);
    // Formatting a formatted document changes nothing.
    assert.deepEqual(
      await client.request<TextEdit[]>('textDocument/formatting', {
        textDocument: { uri: doc.uri },
        options: { tabSize: 2, insertSpaces: true },
      }),
      [],
    );
    // Tabs when the editor asks for them.
    const tabbed = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: doc.uri },
      options: { tabSize: 4, insertSpaces: false },
    });
    assert.ok(applyEdits(doc.text, tabbed).includes('\n\tid: ID!\n'));
  });
});

describe('formatting keeps meaning', () => {
  it('a description keeps its exact text: blank lines and spaces inside a block string', async () => {
    const text = [
      'type Query {',
      '  """',
      '  Lists files. Example:',
      '',
      '      query { files }',
      '',
      '',
      '  Two blank lines above are part of the description. A trailing space follows: ',
      '  """',
      '    files: [String!]!',
      '}',
      '',
    ].join('\n');
    const file = path.join(root, 'formatting', 'descriptions.graphql');
    writeFile(file, text);
    const doc = new EditorDocument(client, uriOf(file), text).open();
    assert.deepEqual(codes(await doc.diagnostics()), []);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: doc.uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    const formatted = applyEdits(text, edits);
    assert.ok(formatted.includes('\n  files: [String!]!\n'), formatted);
    const description = (source: string) => (parse(source).definitions[0] as ObjectTypeDefinitionNode).fields![0].description!.value;
    assert.equal(description(formatted), description(text));
  });

  it('the 300-line slice of the GitHub schema means the same after formatting', async () => {
    const lines = fs.readFileSync(path.resolve(__dirname, '../../node_modules/@octokit/graphql-schema/schema.graphql'), 'utf8').split('\n');
    // From the start of a definition to the end of the last one that fits in 300 lines.
    let from = 4000;
    while (!/^("""|type |enum |input |interface |union |scalar )/.test(lines[from])) from++;
    let to = from + 299;
    while (lines[to] !== '}') to--;
    const text = lines.slice(from, to + 1).join('\n') + '\n';
    const file = path.join(root, 'formatting', 'github.graphql');
    writeFile(file, text);
    const doc = new EditorDocument(client, uriOf(file), text).open();
    await doc.diagnostics();
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
      textDocument: { uri: doc.uri },
      options: { tabSize: 2, insertSpaces: true },
    });
    const formatted = applyEdits(text, edits);
    // Only layout changes: the same definitions, descriptions and comments.
    const meaning = (source: string) => print(parse(source, { noLocation: true }));
    const comments = (source: string) =>
      source
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('#'));
    assert.equal(meaning(formatted), meaning(text));
    assert.deepEqual(comments(formatted), comments(text));
  });
});

describe('code actions', () => {
  it('did-you-mean replaces the unknown type', async () => {
    const { doc } = await openService();
    doc.replace('body: String!', 'body: Strng!');
    const diagnostic = diagnosticOf(await doc.diagnostics(), 'unknown-type');
    const actions = await codeActionsFor(doc, diagnostic);
    const fix = actions.find((a) => a.title === 'Change to "String"');
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    applyToDocument(doc, fix.edit!);
    assert.ok(doc.text.includes('body: String!'));
    assert.deepEqual(codes(await doc.diagnostics()), []);
  });

  it('an entity without ID: add `id: ID!`, or mark it @transient', async () => {
    const { doc } = await openService();
    doc.append('\ntype Tag {\n  label: String!\n}\n');
    const diagnostic = diagnosticOf(await doc.diagnostics(), 'entity-missing-id');
    const actions = await codeActionsFor(doc, diagnostic);
    const addId = actions.find((a) => /id: ID!/.test(a.title));
    const transient = actions.find((a) => /@transient/.test(a.title));
    assert.ok(addId && transient, JSON.stringify(actions.map((a) => a.title)));

    const before = doc.text;
    applyToDocument(doc, addId.edit!);
    assert.ok(doc.text.endsWith('\ntype Tag {\n  id: ID!\n  label: String!\n}\n'), doc.text);
    assert.deepEqual(codes(await doc.diagnostics()), []);

    doc.setText(before);
    await doc.diagnostics();
    applyToDocument(doc, transient.edit!);
    assert.ok(doc.text.endsWith('\ntype Tag @transient {\n  label: String!\n}\n'), doc.text);
    assert.deepEqual(codes(await doc.diagnostics()), []);
  });

  it('an unsupported field type: mark the type @transient', async () => {
    const { doc } = await openService();
    doc.append('\ninterface Node {\n  id: ID!\n}\n\ntype Feed implements Node {\n  id: ID!\n  top: Node\n}\n');
    const diagnostic = diagnosticOf(await doc.diagnostics(), 'unsupported-type');
    const transient = (await codeActionsFor(doc, diagnostic)).find((a) => /@transient/.test(a.title));
    assert.ok(transient);
    applyToDocument(doc, transient.edit!);
    assert.ok(doc.text.includes('type Feed implements Node @transient {'), doc.text);
    assert.deepEqual(codes(await doc.diagnostics()), []);
  });

  it('a missing resolver: create the file with a typed stub', async () => {
    const { dir, doc } = await openService();
    doc.insertAfter('post(id: ID!): Post', '\n  drafts(limit: Int, authorId: ID!): [Post!]!');
    const diagnostic = diagnosticOf(await doc.diagnostics(), 'missing-resolver');
    const actions = await codeActionsFor(doc, diagnostic);
    const create = actions.find((a) => a.title.includes('src/resolvers/queries/drafts.ts'));
    assert.ok(create, JSON.stringify(actions.map((a) => a.title)));
    const file = path.join(dir, 'src/resolvers/queries/drafts.ts');
    const changes = create.edit!.documentChanges!;
    assert.deepEqual(changes[0], { kind: 'create', uri: uriOf(file), options: { ignoreIfExists: true } });
    const insert = changes[1] as TextDocumentEdit;
    assert.equal(insert.textDocument.uri, uriOf(file));
    assert.equal(insert.edits.length, 1);
    const stub = (insert.edits[0] as TextEdit).newText;
    assert.deepEqual((insert.edits[0] as TextEdit).range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.match(stub, /export default async function drafts\(/);
    assert.match(stub, /limit\?: number \| null/);
    assert.match(stub, /authorId: string/);
    assert.match(stub, /context: \{ db: \{ connection: DataSource \} \}/);

    // Apply it as the editor would: the diagnostic goes away.
    writeFile(file, stub);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 1 }] });
    const version = doc.version;
    await client.waitForDiagnostics(doc.uri, (p) => p.version === version && p.diagnostics.length === 0, 5000);
  });

  it('an ambiguous relation: add @relation(inverse:) naming a candidate', async () => {
    const { doc } = await openService();
    doc.append(
      '\ntype Team {\n  id: ID!\n  lead: Player\n  captain: Player\n}\n\ntype Player {\n  id: ID!\n  ledTeam: Team\n  captainedTeam: Team\n}\n',
    );
    const lead = diagnosticOf(await doc.diagnostics(), 'ambiguous-relation', 'lead', doc);
    const leadActions = await codeActionsFor(doc, lead);
    assert.deepEqual(
      leadActions.map((a) => a.title),
      ['Pair with "ledTeam": add @relation(inverse: "ledTeam")', 'Pair with "captainedTeam": add @relation(inverse: "captainedTeam")'],
    );
    applyToDocument(doc, leadActions[0].edit!);
    assert.ok(doc.text.includes('  lead: Player @relation(inverse: "ledTeam")\n'), doc.text);
    // Once lead and ledTeam are paired, captain and captainedTeam are the only free fields left
    // on each side: they pair by themselves.
    assert.deepEqual(codes(await doc.diagnostics()), []);
  });
});

describe('folding', () => {
  it('folds every multi-line definition and runs of comment lines', async () => {
    const { doc } = await openService('lsp-shop');
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: doc.uri } });
    const line = (needle: string, occurrence = 0) => doc.pos(needle, 0, occurrence).line;
    const regions = ranges.filter((r) => r.kind === 'region').map((r) => [r.startLine, r.endLine]);
    assert.deepEqual(regions, [
      [line('"""'), line('  name: String!\n}') + 1],
      [line('"A product on sale."'), line('  orders: [Order!]!\n}') + 1],
      [line('type Customer'), line('  orders: [Order!]!\n}', 1) + 1],
      [line('type Order'), line('  note: JSON') + 1],
      [line('"Where a product'), line('  SOLD_OUT') + 1],
      [line('input ProductFilter'), line('  nameContains') + 1],
      [line('type Query'), line('  customer(id') + 1],
      [line('type Mutation'), line('  placeOrder') + 1],
    ]);
    assert.deepEqual(
      ranges.filter((r) => r.kind === 'comment').map((r) => [r.startLine, r.endLine]),
      [[0, 1]],
    );
    const lines = doc.text.split('\n').length;
    for (const r of ranges) assert.ok(r.startLine < r.endLine && r.endLine < lines, JSON.stringify(r));
  });
});

describe('server health', () => {
  it('logged no internal errors', () => {
    assert.deepEqual(serverErrors, []);
  });
});
