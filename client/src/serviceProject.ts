// A service folder as a TypeScript project, in the editor: writes the package.json, tsconfig.json
// and .gitignore a service folder lacks (never over a file that exists), warns about what existing
// ones lack, and offers `npm install` (a task) while node_modules is missing. Until then the
// TypeScript server plugin (tsServerPlugin.ts) keeps the editor's TypeScript from a wall of errors.
import * as path from 'path';
import * as vscode from 'vscode';
import { PACKAGE_JSON, PROJECT_FILES, ProjectFileLack, projectFileLacks, projectFiles } from '../../core/src/project/projectFiles';
import type { Ctx } from './ctx';
import type { ServiceFolder } from './folders';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** workspaceState key: the folders whose missing node_modules the user asked not to be told about again. */
const DISMISSED_KEY = 'codestore.npmInstall.dismissed';

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Writes the project files `folder` lacks; says what it wrote and what the existing ones lack. */
export async function writeProjectFiles(folder: vscode.Uri, name: string): Promise<{ written: string[]; lacks: ProjectFileLack[] }> {
  const written: string[] = [];
  const lacks: ProjectFileLack[] = [];
  for (const file of projectFiles(name)) {
    const uri = vscode.Uri.joinPath(folder, file.path);
    const text = await readText(uri);
    if (text !== undefined) {
      lacks.push(...projectFileLacks(file.path, text));
      continue;
    }
    await vscode.workspace.fs.writeFile(uri, encoder.encode(file.content));
    written.push(file.path);
  }
  return { written, lacks };
}

/** Runs `npm install` in `folder` as a task (its terminal shows the output). */
export async function runNpmInstall(folder: vscode.Uri): Promise<void> {
  const scope = vscode.workspace.getWorkspaceFolder(folder) ?? vscode.TaskScope.Workspace;
  const task = new vscode.Task(
    { type: 'shell', codestoreFolder: folder.fsPath },
    scope,
    `npm install (${path.basename(folder.fsPath)})`,
    'code.store',
    new vscode.ShellExecution('npm install', { cwd: folder.fsPath }),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated };
  await vscode.tasks.executeTask(task);
}

/** Shows what an existing project file lacks, once per folder and session. */
function warnLacks(folder: ServiceFolder, lacks: ProjectFileLack[]): void {
  if (!lacks.length) return;
  const first = lacks[0];
  const more = lacks.length > 1 ? ` (and ${lacks.length - 1} more: see the code.store output)` : '';
  void vscode.window
    .showWarningMessage(`code.store: ${folder.name}/${first.file} ${first.message}${more}`, `Open ${first.file}`)
    .then((choice) => {
      if (choice) void vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, first.file));
    });
}

/** Checks each service folder of the workspace once per session (and each one that appears). */
export function registerServiceProjects(ctx: Ctx): void {
  const checked = new Set<string>();
  const checkAll = async () => {
    for (const folder of await ctx.folders.all()) {
      if (checked.has(folder.uri.fsPath)) continue;
      checked.add(folder.uri.fsPath);
      await checkFolder(ctx, folder).catch((e) => ctx.outputChannel.warn(`Checking ${folder.uri.fsPath}: ${(e as Error).message}`));
    }
  };
  ctx.pushExtCleanup(ctx.folders.onDidChange(() => void checkAll()));
  void checkAll();
}

async function checkFolder(ctx: Ctx, folder: ServiceFolder): Promise<void> {
  const missing: string[] = [];
  const lacks: ProjectFileLack[] = [];
  for (const file of PROJECT_FILES) {
    const text = await readText(vscode.Uri.joinPath(folder.uri, file));
    if (text === undefined) missing.push(file);
    else lacks.push(...projectFileLacks(file, text));
  }
  for (const l of lacks) ctx.outputChannel.warn(`${folder.uri.fsPath}: ${l.file} ${l.message}`);
  warnLacks(folder, lacks);

  const dismissed = ctx.extensionContext.workspaceState.get<string[]>(DISMISSED_KEY, []);
  if (dismissed.includes(folder.uri.fsPath)) return;
  const dismiss = () => void ctx.extensionContext.workspaceState.update(DISMISSED_KEY, [...new Set([...dismissed, folder.uri.fsPath])]);

  if (missing.includes(PACKAGE_JSON) || missing.includes('tsconfig.json')) {
    const choice = await vscode.window.showInformationMessage(
      `code.store: ${folder.name} has no ${missing.join(', ')}: the editor cannot type-check its resolvers against the typeorm and graphql the platform runs. Add them (nothing existing is changed) and install the packages?`,
      'Add and Install',
      'Add Only',
      "Don't Ask Again",
    );
    if (choice === "Don't Ask Again") return dismiss();
    if (!choice) return;
    const result = await writeProjectFiles(folder.uri, folder.name);
    ctx.outputChannel.info(`${folder.uri.fsPath}: wrote ${result.written.join(', ') || 'nothing'}`);
    warnLacks(folder, result.lacks);
    if (choice === 'Add and Install') await runNpmInstall(folder.uri);
    return;
  }
  if (await exists(vscode.Uri.joinPath(folder.uri, 'node_modules'))) return;
  const choice = await vscode.window.showInformationMessage(
    `code.store: ${folder.name}'s packages are not installed (no node_modules). Run npm install to type-check its resolvers with the versions the platform runs and to run its migrations.`,
    'Run npm install',
    "Don't Ask Again",
  );
  if (choice === 'Run npm install') await runNpmInstall(folder.uri);
  else if (choice === "Don't Ask Again") dismiss();
}
