// Which service folder a command is about: its argument (a folder, a file in one, a service's tree
// item), read through VS Code's file system.
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { readFolderServiceId, ServiceFolder, serviceRootOf } from '../folders';
import { refOf } from '../pickers';
import { SERVICE_MANIFEST } from '../serviceFolder';

const decoder = new TextDecoder();

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

export async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decoder.decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** The service folder of a command's argument: a folder, a file in one (the schema, codestore.yaml), or a service's tree item. */
export async function folderOfArg(ctx: Ctx, arg: unknown): Promise<ServiceFolder | undefined> {
  if (arg instanceof vscode.Uri) {
    const root = serviceRootOf(arg);
    const folder = await ctx.folders.folderOf(root ?? arg);
    if (folder) return folder;
    const dir = root ?? arg;
    if (await exists(vscode.Uri.joinPath(dir, SERVICE_MANIFEST)))
      return { uri: dir, name: path.basename(dir.fsPath), serviceId: await readFolderServiceId(dir) };
    throw new UserError(`${dir.fsPath} is not a service folder (it has no ${SERVICE_MANIFEST}).`);
  }
  const ref = refOf(arg);
  if (ref && 'serviceId' in ref) {
    const folder = await ctx.folders.folderOfService(ref.serviceId);
    if (!folder)
      throw new UserError(
        `The folder of ${ref.serviceId} is not in this workspace: open the folder whose ${SERVICE_MANIFEST} says serviceId: ${ref.serviceId} to push it.`,
      );
    return folder;
  }
  return undefined;
}

/**
 * The service folder a command acts on: its argument's, the active editor's, the only one, or a
 * pick titled `title`; a workspace without one is an error offering to create a service.
 */
export async function pickServiceFolder(ctx: Ctx, arg: unknown, title: string): Promise<ServiceFolder | undefined> {
  const given = await folderOfArg(ctx, arg);
  if (given) return given;
  const current = await ctx.folders.current();
  if (current) return current;
  const all = await ctx.folders.all();
  if (!all.length) {
    throw new UserError(`This workspace has no service folder (a folder with ${SERVICE_MANIFEST}).`, [
      { title: 'Create Service', command: 'codestore.createService' },
    ]);
  }
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((f) => ({ label: f.name, description: f.serviceId ?? '', detail: f.uri.fsPath, folder: f })),
    { title, placeHolder: 'Which service folder?' },
  );
  return picked?.folder;
}
