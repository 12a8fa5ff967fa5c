// The code.store language server: wires the LSP connection to the features in service/.
// Run as `node dist/server.js --stdio` (or over IPC when VS Code starts it).
import * as fs from 'fs';
import * as path from 'path';
import {
  createConnection, DidChangeWatchedFilesNotification, FileChangeType, InitializeResult, ProposedFeatures,
  TextDocumentSyncKind, TextDocuments,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { SERVICE_MANIFEST, SCHEMA_PATH } from '../../core/src/service-folder/serviceFolder';
import type { EditHint } from '../../core/src/schema/analysis';
import { Workspace } from './workspace';
import { SchemaDocument } from './service/document';
import { computeDiagnostics } from './service/diagnostics';
import { completion } from './service/completion';
import { hover } from './service/hover';
import { definition, references } from './service/navigation';
import { documentSymbols, workspaceSymbols } from './service/symbols';
import { prepareRename, rename } from './service/rename';
import { format } from './service/formatting';
import { codeActions } from './service/codeActions';
import { foldingRanges } from './service/folding';
import { DiagnosticsScheduler } from './handlers/diagnosticsScheduler';

const connection = createConnection(ProposedFeatures.all);
/** Per document, what the edits since its analysis last caught up left unchanged at both ends. */
const editHints = new Map<string, EditHint>();
const documents = new TextDocuments({
  create: TextDocument.create,
  update: (document, changes, version) => {
    let hint = editHints.get(document.uri);
    let current = document;
    for (const change of changes) {
      if (!('range' in change) || !change.range) { hint = { prefix: 0, suffix: 0 }; current = TextDocument.update(current, [change], version); continue; }
      const start = current.offsetAt(change.range.start);
      const end = current.offsetAt(change.range.end);
      const suffixAfter = current.getText().length - end;
      hint = { prefix: Math.min(hint?.prefix ?? Infinity, start), suffix: Math.min(hint?.suffix ?? Infinity, suffixAfter) };
      current = TextDocument.update(current, [change], version);
    }
    if (hint) editHints.set(document.uri, hint);
    return current;
  },
});
const workspace = new Workspace();
let workspaceRoots: string[] = [];
let debounceMs = Number(process.env.CODESTORE_DEBOUNCE_MS ?? 0) || 0;
let watchDynamically = false;

/** Schema documents not open in the editor, read from disk (for workspace symbols). */
const diskSchemas = new Map<string, TextDocument>();

function schemaDocument(uri: string): SchemaDocument | undefined {
  const document = documents.get(uri) ?? diskSchemas.get(uri);
  if (!document) return undefined;
  const analysis = workspace.analysisFor(uri);
  const hint = editHints.get(uri);
  editHints.delete(uri);
  analysis.update(document.getText(), hint);
  return { uri, document, analysis, service: workspace.serviceOf(uri) };
}

/** Runs a handler on a document; a failure fails the request, never the server. */
function withDocument<T>(uri: string, empty: T, run: (doc: SchemaDocument) => T): T {
  const doc = schemaDocument(uri);
  if (!doc) return empty;
  try {
    return run(doc);
  } catch (e) {
    if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'number') throw e;
    connection.console.error(`codestore: ${(e as Error)?.stack ?? e}`);
    return empty;
  }
}

const relatedPublished = new Map<string, Set<string>>(); // schema uri -> other uris it published to

const scheduler = new DiagnosticsScheduler(() => debounceMs, (uri) => {
  const document = documents.get(uri);
  if (!document) return;
  const version = document.version;
  const doc = schemaDocument(uri);
  if (!doc) return;
  let result;
  try {
    result = computeDiagnostics(doc);
  } catch (e) {
    connection.console.error(`codestore: diagnostics failed: ${(e as Error)?.stack ?? e}`);
    return;
  }
  if (documents.get(uri)?.version !== version) return; // a newer change is on its way
  void connection.sendDiagnostics({ uri, version, diagnostics: result.schema });
  const before = relatedPublished.get(uri) ?? new Set<string>();
  const now = new Set(result.related.keys());
  for (const [other, diagnostics] of result.related) void connection.sendDiagnostics({ uri: other, diagnostics });
  for (const other of before) if (!now.has(other)) void connection.sendDiagnostics({ uri: other, diagnostics: [] });
  relatedPublished.set(uri, now);
});

connection.onInitialize((params): InitializeResult => {
  workspaceRoots = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (!workspaceRoots.length && params.rootUri) workspaceRoots = [URI.parse(params.rootUri).fsPath];
  watchDynamically = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  const options = params.initializationOptions as { debounceMs?: number } | undefined;
  if (typeof options?.debounceMs === 'number') debounceMs = options.debounceMs;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['@', ':', '(', ' ', '|', '&', '['] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      renameProvider: { prepareProvider: true },
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      foldingRangeProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'codestore-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (watchDynamically) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: '**/' + SERVICE_MANIFEST }, { globPattern: '**/src/resolvers/**/*.ts' }, { globPattern: '**/*.{graphql,gql,graphqls}' }],
    });
  }
  for (const root of workspaceRoots) loadServiceSchemas(root);
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    for (const f of e.added) { const p = URI.parse(f.uri).fsPath; workspaceRoots.push(p); loadServiceSchemas(p); }
    for (const f of e.removed) {
      const p = URI.parse(f.uri).fsPath;
      workspaceRoots = workspaceRoots.filter((r) => r !== p);
      for (const uri of [...diskSchemas.keys()]) if (URI.parse(uri).fsPath.startsWith(p + path.sep)) { diskSchemas.delete(uri); workspace.forget(uri); }
    }
  });
});

/** Finds service folders under a workspace root (a few levels deep) and reads their schemas. */
function loadServiceSchemas(root: string, depth = 0): void {
  if (depth > 4) return;
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(root, { withFileTypes: true }); } catch { return; }
  if (entries.some((e) => e.isFile() && e.name === SERVICE_MANIFEST)) readDiskSchema(path.join(root, SCHEMA_PATH));
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'dist') loadServiceSchemas(path.join(root, e.name), depth + 1);
  }
}

function readDiskSchema(file: string): void {
  const uri = URI.file(file).toString();
  if (documents.get(uri)) return;
  try {
    diskSchemas.set(uri, TextDocument.create(uri, 'graphql', 0, fs.readFileSync(file, 'utf8')));
  } catch {
    diskSchemas.delete(uri);
  }
}

documents.onDidOpen((e) => { diskSchemas.delete(e.document.uri); scheduler.now(e.document.uri); });
documents.onDidChangeContent((e) => scheduler.schedule(e.document.uri));
documents.onDidClose((e) => {
  scheduler.cancel(e.document.uri);
  workspace.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  for (const other of relatedPublished.get(e.document.uri) ?? []) void connection.sendDiagnostics({ uri: other, diagnostics: [] });
  relatedPublished.delete(e.document.uri);
  const file = URI.parse(e.document.uri).fsPath;
  if (workspace.serviceOf(e.document.uri) && file.endsWith(path.join('src', 'schema.graphql'))) readDiskSchema(file);
});

connection.onDidChangeWatchedFiles((params) => {
  const affected = new Set<string>();
  for (const change of params.changes) {
    const file = URI.parse(change.uri).fsPath;
    if (/\.(graphql|gql|graphqls)$/.test(file) && !documents.get(change.uri)) {
      if (change.type === FileChangeType.Deleted) { diskSchemas.delete(change.uri); workspace.forget(change.uri); }
      else if (workspace.serviceOf(change.uri)) readDiskSchema(file);
      continue;
    }
    for (const service of workspace.fileChanged(change.uri)) affected.add(service.root);
    if (path.basename(file) === SERVICE_MANIFEST) for (const d of documents.all()) affected.add(workspace.serviceOf(d.uri)?.root ?? '');
  }
  for (const d of documents.all()) {
    const service = workspace.serviceOf(d.uri);
    if (service && affected.has(service.root)) scheduler.now(d.uri);
    else if (affected.has('')) scheduler.now(d.uri);
  }
});

connection.onCompletion((p) => withDocument(p.textDocument.uri, [], (doc) => completion(doc, p.position)));
connection.onHover((p) => withDocument(p.textDocument.uri, null, (doc) => hover(doc, p.position)));
connection.onDefinition((p) => withDocument(p.textDocument.uri, [], (doc) => definition(doc, p.position)));
connection.onReferences((p) => withDocument(p.textDocument.uri, [], (doc) => references(doc, p.position, p.context.includeDeclaration)));
connection.onDocumentSymbol((p) => withDocument(p.textDocument.uri, [], (doc) => documentSymbols(doc)));
connection.onWorkspaceSymbol((p) => {
  const docs: SchemaDocument[] = [];
  for (const uri of new Set([...documents.keys(), ...diskSchemas.keys()])) {
    const doc = schemaDocument(uri);
    if (doc) docs.push(doc);
  }
  return workspaceSymbols(docs, p.query);
});
connection.onPrepareRename((p) => withDocument(p.textDocument.uri, null, (doc) => prepareRename(doc, p.position)));
connection.onRenameRequest((p) => withDocument(p.textDocument.uri, null, (doc) => rename(doc, p.position, p.newName)));
connection.onDocumentFormatting((p) => withDocument(p.textDocument.uri, [], (doc) => format(doc, p.options)));
connection.onCodeAction((p) => withDocument(p.textDocument.uri, [], (doc) => codeActions(doc, p)));
connection.onFoldingRanges((p) => withDocument(p.textDocument.uri, [], (doc) => foldingRanges(doc)));

process.on('uncaughtException', (e) => connection.console.error(`codestore: uncaught: ${e?.stack ?? e}`));
process.on('unhandledRejection', (e) => connection.console.error(`codestore: unhandled rejection: ${(e as Error)?.stack ?? e}`));

documents.listen(connection);
connection.listen();
