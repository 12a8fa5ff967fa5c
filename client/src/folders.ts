// The service folders of the workspace (folders with a codestore.yaml) and their serviceIds, kept
// up to date as codestore.yaml files come, change and go.
import * as path from 'path';
import * as vscode from 'vscode';
import { readServiceId, SCHEMA_PATH, SERVICE_MANIFEST } from './serviceFolder';

/** Context key: the workspace has at least one service folder. */
const IN_SERVICE_FOLDER_KEY = 'codestore.inServiceFolder';

export interface ServiceFolder {
  /** The folder holding codestore.yaml. */
  uri: vscode.Uri;
  /** codestore.yaml's serviceId, if it has one. */
  serviceId?: string;
  /** The folder's name. */
  name: string;
}

export class ServiceFolders implements vscode.Disposable {
  private folders: ServiceFolder[] = [];
  private scanned: Promise<void> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${SERVICE_MANIFEST}`);
    const rescan = () => void this.rescan();
    watcher.onDidCreate(rescan);
    watcher.onDidChange(rescan);
    watcher.onDidDelete(rescan);
    this.subscriptions.push(watcher, vscode.workspace.onDidChangeWorkspaceFolders(rescan));
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }

  /** Every service folder of the workspace (scanned on first use). */
  async all(): Promise<ServiceFolder[]> {
    await (this.scanned ??= this.scan());
    return this.folders;
  }

  /** What is known without waiting (empty until the first scan ends). */
  get known(): readonly ServiceFolder[] {
    return this.folders;
  }

  rescan(): Promise<void> {
    this.scanned = this.scan();
    return this.scanned;
  }

  /** The service folder a file is in (the nearest codestore.yaml above it). */
  async folderOf(uri: vscode.Uri): Promise<ServiceFolder | undefined> {
    const folders = await this.all();
    const file = uri.fsPath;
    return folders
      .filter((f) => file === f.uri.fsPath || file.startsWith(f.uri.fsPath + path.sep))
      .sort((a, b) => b.uri.fsPath.length - a.uri.fsPath.length)[0];
  }

  /** The workspace folder of a service, by its serviceId. */
  async folderOfService(serviceId: string): Promise<ServiceFolder | undefined> {
    return (await this.all()).find((f) => f.serviceId === serviceId);
  }

  /**
   * The service folder a command is about when it is not told: the active editor's, else the
   * only one in the workspace.
   */
  async current(): Promise<ServiceFolder | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active?.scheme === 'file') {
      const folder = await this.folderOf(active);
      if (folder) return folder;
    }
    const all = await this.all();
    return all.length === 1 ? all[0] : undefined;
  }

  /** Reads codestore.yaml again (after the extension wrote it). */
  async reload(folder: vscode.Uri): Promise<ServiceFolder> {
    await this.rescan();
    return (
      this.folders.find((f) => f.uri.fsPath === folder.fsPath) ?? {
        uri: folder,
        name: path.basename(folder.fsPath),
        serviceId: await readFolderServiceId(folder),
      }
    );
  }

  private async scan(): Promise<void> {
    const manifests = await vscode.workspace.findFiles(`**/${SERVICE_MANIFEST}`, '**/{node_modules,.git,dist,out}/**', 200);
    const folders = await Promise.all(
      manifests.map(async (m) => {
        const uri = vscode.Uri.file(path.dirname(m.fsPath));
        return { uri, name: path.basename(uri.fsPath), serviceId: await readFolderServiceId(uri) };
      }),
    );
    folders.sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
    this.folders = folders;
    void vscode.commands.executeCommand('setContext', IN_SERVICE_FOLDER_KEY, folders.length > 0);
    this.changed.fire();
  }
}

export async function readFolderServiceId(folder: vscode.Uri): Promise<string | undefined> {
  try {
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, SERVICE_MANIFEST));
    return readServiceId(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** The service folder of a schema or manifest file: `<root>/src/schema.graphql` or `<root>/codestore.yaml`. */
export function serviceRootOf(file: vscode.Uri): vscode.Uri | undefined {
  const p = file.path;
  if (p.endsWith('/' + SCHEMA_PATH)) return file.with({ path: p.slice(0, -SCHEMA_PATH.length - 1) });
  if (p.endsWith('/' + SERVICE_MANIFEST)) return file.with({ path: p.slice(0, -SERVICE_MANIFEST.length - 1) });
  return undefined;
}
