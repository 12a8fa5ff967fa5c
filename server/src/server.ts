// The code.store language server: wires the LSP connection to the features in service/ and to a
// pipeline per open document (pipeline.ts).
// Run as `node dist/server.js --stdio` (or over IPC when VS Code starts it).
import * as fs from 'fs';
import * as path from 'path';
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InitializeResult,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { DATA_DIR, RESOLVERS_DIR, SCHEMA_PATH, SERVICE_MANIFEST } from '../../core/src/service-folder/paths';
import { Workspace } from './workspace';
import { SchemaDocument } from './service/document';
import { completion } from './service/completion';
import { hover } from './service/hover';
import { definition, references } from './service/navigation';
import { documentSymbols, workspaceSymbols } from './service/symbols';
import { prepareRename, rename } from './service/rename';
import { format } from './service/formatting';
import { codeActions } from './service/codeActions';
import { foldingRanges } from './service/folding';
import { DiagnosticsScheduler } from './handlers/diagnosticsScheduler';
import { CodegenHost } from '../../servicefs/src/codegen';
import { readServiceFiles, ServiceFolder } from '../../servicefs/src/folder';
import { CodegenProcess } from './codegenProcess';
import { DocumentPipeline, Pipelines } from './pipeline';
import { EnvironmentUsage, GenerateResult, SchemaUsageNotification, ServerCommands, ServerSettings } from '../protocol/protocol';

const connection = createConnection(ProposedFeatures.all);
/** A path inside some service's generated data layer contains this. */
const DATA_DIR_SEGMENT = path.sep + DATA_DIR.split('/').join(path.sep) + path.sep;
const documents = new TextDocuments({
  create: TextDocument.create,
  update: (document, changes, version) => {
    const pipeline = pipelines.get(document.uri);
    let current = document;
    for (const change of changes) {
      if (!('range' in change) || !change.range) pipeline?.noteReplace();
      else pipeline?.noteEdit(current.offsetAt(change.range.start), current.offsetAt(change.range.end), current.getText().length);
      current = TextDocument.update(current, [change], version);
    }
    return current;
  },
});
const workspace = new Workspace();
let workspaceRoots: string[] = [];
const settings: Required<ServerSettings> = {
  debounceMs: Number(process.env.CODESTORE_DEBOUNCE_MS ?? 50),
  codegen: 'onType',
  codegenDelayMs: 300,
};
/** Forgets files changed on disk; the writing happens in the code generation process. */
const codegen = new CodegenHost();
const codegenProcess = new CodegenProcess(undefined, (message) => connection.console.error(`codestore (code generation): ${message}`));
type PlanModule = typeof import('../../core/src/codegen/plan');
let planModule: PlanModule | undefined;
let planModuleLoading: Promise<void> | undefined;
let watchDynamically = false;

/** What clients called in each service's environments, by the URI of its src/schema.graphql (from the extension). */
const usageBySchema = new Map<string, EnvironmentUsage[]>();

/** Schema documents not open in the editor, read from disk (for workspace symbols). */
const diskSchemas = new Map<string, TextDocument>();

function schemaDocument(uri: string): SchemaDocument | undefined {
  const document = documents.get(uri) ?? diskSchemas.get(uri);
  if (!document) return undefined;
  const analysis = workspace.analysisFor(uri);
  analysis.update(document.getText(), pipelines.get(uri)?.takeEditHint());
  return { uri, document, analysis, service: workspace.serviceOf(uri), usage: usageBySchema.get(uri) };
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

const pipelines: Pipelines = new Pipelines({
  settings: () => settings,
  documentOf: schemaDocument,
  versionOf: (uri) => documents.get(uri)?.version,
  publish: (uri, diagnostics, version) => void connection.sendDiagnostics({ uri, version, diagnostics }),
  planner: () => {
    if (planModule) return planModule;
    planModuleLoading ??= import(/* webpackChunkName: "plan" */ '../../core/src/codegen/plan').then(
      (m) => {
        planModule = m;
        for (const d of documents.all()) scheduler.now(d.uri);
      },
      (e) => connection.console.error(`codestore: cannot load the migration planner: ${e}`),
    );
    return undefined;
  },
  readServiceFiles,
  codegen: (request) => codegenProcess.request(request),
  revalidate: (uri) => scheduler.now(uri),
  log: (level, message) => (level === 'error' ? connection.console.error(message) : connection.console.info(message)),
  showError: (message) => void connection.window.showErrorMessage(message),
});

const scheduler = new DiagnosticsScheduler(
  () => settings.debounceMs,
  (uri) => pipelines.get(uri)?.validate(),
);

/** Generates for a schema: with its pipeline when it is open, else once from the disk. */
function runCodegen(uri: string, service: ServiceFolder, commit: boolean): Promise<GenerateResult> {
  return (pipelines.get(uri) ?? new DocumentPipeline(uri, pipelines.host)).generate(service, commit);
}

function applySettings(value: ServerSettings | undefined): void {
  if (!value) return;
  if (typeof value.debounceMs === 'number' && value.debounceMs >= 0) settings.debounceMs = value.debounceMs;
  if (value.codegen === 'onType' || value.codegen === 'onSave' || value.codegen === 'never') settings.codegen = value.codegen;
  if (typeof value.codegenDelayMs === 'number' && value.codegenDelayMs >= 0) settings.codegenDelayMs = value.codegenDelayMs;
}

connection.onInitialize((params): InitializeResult => {
  workspaceRoots = (params.workspaceFolders ?? []).map((f) => URI.parse(f.uri).fsPath);
  if (!workspaceRoots.length && params.rootUri) workspaceRoots = [URI.parse(params.rootUri).fsPath];
  watchDynamically = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  applySettings(params.initializationOptions as ServerSettings | undefined);
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
      executeCommandProvider: { commands: ServerCommands.all },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'codestore-language-server', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (watchDynamically) {
    void connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [
        { globPattern: '**/' + SERVICE_MANIFEST },
        { globPattern: `**/${RESOLVERS_DIR}/**/*.ts` },
        { globPattern: '**/*.{graphql,gql,graphqls}' },
        { globPattern: `**/${DATA_DIR}/**` },
      ],
    });
  }
  for (const root of workspaceRoots) loadServiceSchemas(root);
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    for (const f of e.added) {
      const p = URI.parse(f.uri).fsPath;
      workspaceRoots.push(p);
      loadServiceSchemas(p);
    }
    for (const f of e.removed) {
      const p = URI.parse(f.uri).fsPath;
      workspaceRoots = workspaceRoots.filter((r) => r !== p);
      for (const uri of [...diskSchemas.keys()])
        if (URI.parse(uri).fsPath.startsWith(p + path.sep)) {
          diskSchemas.delete(uri);
          workspace.forget(uri);
        }
    }
  });
});

/** Finds service folders under a workspace root (a few levels deep) and reads their schemas. */
function loadServiceSchemas(root: string, depth = 0): void {
  if (depth > 4) return;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  if (entries.some((e) => e.isFile() && e.name === SERVICE_MANIFEST)) readDiskSchema(path.join(root, SCHEMA_PATH));
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules' && e.name !== 'dist')
      loadServiceSchemas(path.join(root, e.name), depth + 1);
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

documents.onDidSave((e) => {
  const service = workspace.serviceOf(e.document.uri);
  if (settings.codegen === 'onSave' && service) void runCodegen(e.document.uri, service, false);
});
connection.onNotification(SchemaUsageNotification.method, (params: SchemaUsageNotification.Params) => {
  if (!params || typeof params.schemaUri !== 'string' || !Array.isArray(params.environments)) return;
  if (params.environments.length) usageBySchema.set(params.schemaUri, params.environments);
  else usageBySchema.delete(params.schemaUri);
  if (documents.get(params.schemaUri)) scheduler.now(params.schemaUri);
});

connection.onDidChangeConfiguration((change) => {
  applySettings((change.settings as { codestore?: ServerSettings } | undefined)?.codestore);
});
connection.onExecuteCommand(async (params) => {
  const uri = params.arguments?.[0];
  if (typeof uri !== 'string') return { written: [], deleted: [], skipped: 'Pass the URI of the service schema.' } satisfies GenerateResult;
  const service = workspace.serviceOf(uri);
  if (!service)
    return { written: [], deleted: [], skipped: 'This schema is not in a service folder (no codestore.yaml).' } satisfies GenerateResult;
  if (!documents.get(uri)) readDiskSchema(URI.parse(uri).fsPath);
  switch (params.command) {
    case ServerCommands.commitMigration:
      return runCodegen(uri, service, true);
    case ServerCommands.generate:
      return runCodegen(uri, service, false);
    default:
      return { written: [], deleted: [], skipped: `Unknown command ${params.command}.` } satisfies GenerateResult;
  }
});

documents.onDidOpen((e) => {
  diskSchemas.delete(e.document.uri);
  pipelines.open(e.document.uri);
  scheduler.now(e.document.uri);
});
documents.onDidChangeContent((e) => scheduler.schedule(e.document.uri));
documents.onDidClose((e) => {
  scheduler.forget(e.document.uri);
  workspace.forget(e.document.uri);
  pipelines.close(e.document.uri);
  const file = URI.parse(e.document.uri).fsPath;
  if (workspace.serviceOf(e.document.uri) && file.endsWith(path.join(...SCHEMA_PATH.split('/')))) readDiskSchema(file);
});

connection.onDidChangeWatchedFiles((params) => {
  const affected = new Set<string>();
  for (const change of params.changes) {
    const file = URI.parse(change.uri).fsPath;
    codegen.forget(file);
    if (file.includes(DATA_DIR_SEGMENT)) void codegenProcess.request({ kind: 'forget', file }).catch(() => undefined);
    if (file.includes(DATA_DIR_SEGMENT)) {
      const service = workspace.serviceOf(change.uri);
      if (service) affected.add(service.root);
      continue;
    }
    if (/\.(graphql|gql|graphqls)$/.test(file) && !documents.get(change.uri)) {
      if (change.type === FileChangeType.Deleted) {
        diskSchemas.delete(change.uri);
        workspace.forget(change.uri);
      } else if (workspace.serviceOf(change.uri)) readDiskSchema(file);
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

connection.onShutdown(() => codegenProcess.dispose());
process.on('exit', () => codegenProcess.dispose());

documents.listen(connection);
connection.listen();
