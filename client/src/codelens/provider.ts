// The CodeLens of a service's src/schema.graphql and codestore.yaml: "Push to private" and
// "Promote vX to demo" with each environment's status at the top, "Run locally" and "Debug" beside
// the push, and "Open resolver" / "Create resolver" on every Query and Mutation field.
// `codestore.codeLens.enabled` switches them off.
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { readServiceId, SERVICE_MANIFEST } from '../serviceFolder';
import { serviceRootOf } from '../folders';
import { resolverFields, ServiceState, TopLens, topLenses } from './schemaLenses';
import type { CommandTable } from '../commands/types';

const SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/src/schema.graphql' },
  { scheme: 'file', pattern: `**/${SERVICE_MANIFEST}` },
];

function enabled(): boolean {
  return vscode.workspace.getConfiguration('codestore').get<boolean>('codeLens.enabled', true);
}

/** The argument of "Create resolver". */
interface ResolverRequest {
  folder: string;
  operation: 'queries' | 'mutations';
  rootType: string;
  field: string;
  argsType: string;
  file: string;
}

export class SchemaCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly ctx: Ctx) {
    ctx.pushExtCleanup(this.changed);
    ctx.pushExtCleanup(ctx.model.onDidChange(() => this.changed.fire()));
    ctx.pushExtCleanup(ctx.folders.onDidChange(() => this.changed.fire()));
    ctx.pushExtCleanup(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('codestore.codeLens.enabled')) this.changed.fire();
      }),
    );
    // "Open" or "Create" follows resolver files as they come and go.
    const watcher = vscode.workspace.createFileSystemWatcher('**/src/resolvers/**/*.ts', false, true, false);
    watcher.onDidCreate(() => this.changed.fire());
    watcher.onDidDelete(() => this.changed.fire());
    ctx.pushExtCleanup(watcher);
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!enabled()) return [];
    const root = serviceRootOf(document.uri);
    if (!root) return [];
    const isManifest = document.uri.path.endsWith('/' + SERVICE_MANIFEST);
    const manifestText = isManifest ? document.getText() : await readManifest(root);
    // A schema outside a service folder is only a GraphQL file.
    if (manifestText === undefined) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    const lenses: vscode.CodeLens[] = [];
    for (const lens of topLenses(this.serviceState(readServiceId(manifestText)))) {
      lenses.push(new vscode.CodeLens(top, this.command(lens, root)));
      // Beside the push: running the folder on this machine needs no platform.
      if (lens.action === 'push') lenses.push(...localLenses(top, root));
    }
    if (!lenses.some((l) => l.command?.command === 'codestore.runLocally')) lenses.push(...localLenses(top, root));
    if (isManifest) return lenses;
    const { fields } = resolverFields(document.getText());
    const present = await Promise.all(fields.map((f) => exists(path.join(root.fsPath, ...f.file.split('/')))));
    fields.forEach((f, n) => {
      const range = new vscode.Range(f.line, f.character, f.line, f.character);
      const file = vscode.Uri.joinPath(root, ...f.file.split('/'));
      lenses.push(
        new vscode.CodeLens(
          range,
          present[n]
            ? { title: '$(go-to-file) Open resolver', tooltip: f.file, command: 'codestore.openResolver', arguments: [file] }
            : {
                title: '$(new-file) Create resolver',
                tooltip: `Create ${f.file} with a typed stub`,
                command: 'codestore.createResolver',
                arguments: [
                  {
                    folder: root.toString(),
                    operation: f.operation,
                    rootType: f.rootType,
                    field: f.field,
                    argsType: f.argsType,
                    file: f.file,
                  } satisfies ResolverRequest,
                ],
              },
        ),
      );
    });
    return lenses;
  }

  private serviceState(serviceId: string | undefined): ServiceState {
    if (!serviceId) return { kind: 'noServiceId' };
    const { model } = this.ctx;
    if (!model.isLoaded) {
      // First lenses before the first load: they update when it ends.
      void model.ensureLoaded();
      return { kind: 'unknown' };
    }
    const { state } = model;
    if (state.connection === 'unreachable') return { kind: 'unknown', why: 'Platform not reachable' };
    if (!state.loggedIn) return { kind: 'unknown', why: 'Log in to see the status' };
    const service = model.service(serviceId);
    if (!service)
      return state.services ? { kind: 'notFound', serviceId, organization: this.ctx.team.state.organization?.name } : { kind: 'unknown' };
    return { kind: 'known', service };
  }

  private command(lens: TopLens, root: vscode.Uri): vscode.Command {
    switch (lens.action) {
      case 'push':
        return {
          title: lens.title,
          command: 'codestore.push',
          arguments: [root],
          tooltip: 'Check, build and deploy this service folder to its private environment',
        };
      case 'promote':
        return { title: lens.title, command: 'codestore.promote', arguments: [root], tooltip: 'Deploy what private serves to demo' };
      case 'createService':
        return { title: lens.title, command: 'codestore.createService', arguments: [root] };
      case 'switchOrganization':
        return { title: lens.title, command: 'codestore.switchOrganization', tooltip: 'Act in another organization you belong to' };
      case 'login':
        return {
          title: lens.title,
          command: this.ctx.model.state.connection === 'unreachable' ? 'codestore.startPlatform' : 'codestore.login',
        };
    }
  }
}

/** "Run locally" and "Debug": `codestore dev` on the folder, in a terminal or under the debugger. */
function localLenses(range: vscode.Range, root: vscode.Uri): vscode.CodeLens[] {
  return [
    new vscode.CodeLens(range, {
      title: '$(play) Run locally',
      command: 'codestore.runLocally',
      arguments: [root],
      tooltip: 'Serve this service on this machine (codestore dev), reloaded on save',
    }),
    new vscode.CodeLens(range, {
      title: '$(debug-alt) Debug',
      command: 'codestore.debugService',
      arguments: [root],
      tooltip: 'Run it under the debugger: breakpoints in resolvers stop',
    }),
  ];
}

async function readManifest(root: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, SERVICE_MANIFEST)));
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(vscode.Uri.file(file));
    return true;
  } catch {
    return false;
  }
}

async function createResolver(ctx: Ctx, request: ResolverRequest): Promise<void> {
  const file = vscode.Uri.joinPath(vscode.Uri.parse(request.folder), ...request.file.split('/'));
  if (!(await exists(file.fsPath))) {
    // The core's stub (what the language server's quick fix writes); its module loads only now.
    const { resolverStub } = await import(/* webpackChunkName: "service-folder" */ '../../../core/src/service-folder/serviceFolder');
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(resolverStub(request.field, request.rootType, request.argsType)));
  }
  await vscode.window.showTextDocument(file, { preview: false });
  ctx.outputChannel.info(`Created ${file.fsPath}`);
}

export const codeLensCommands: CommandTable = {
  'codestore.openResolver': { run: () => (file) => vscode.window.showTextDocument(file as vscode.Uri, { preview: false }) },
  'codestore.createResolver': { run: (ctx) => (request) => createResolver(ctx, request as ResolverRequest) },
};

export function registerCodeLens(ctx: Ctx): void {
  ctx.pushExtCleanup(vscode.languages.registerCodeLensProvider(SELECTOR, new SchemaCodeLensProvider(ctx)));
}
