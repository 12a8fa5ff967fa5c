// A service's commands: create (scaffold a folder and/or register it on the platform), push the
// workspace's service folder to private (push.ts), promote to demo, remove, and its developer key.
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import type { ServiceFolder } from '../folders';
import { deploymentOutcome } from '../format';
import { serviceTarget } from '../pickers';
import { folderNameFor, readServiceId, scaffoldServiceFiles, SCHEMA_PATH, SERVICE_MANIFEST, withServiceId } from '../serviceFolder';
import { developerKey } from './environments';
import { generate } from './generateFolder';
import { exists, folderOfArg, readText } from './folderArgs';
import { writeProjectFiles } from '../serviceProject';
import { push } from './push';
import type { CommandTable } from './types';
import { withBreakingCheck } from '../breakingChanges';

const encoder = new TextEncoder();

/** Registers a folder as a new service: createService, the developer key kept, serviceId written into codestore.yaml. */
async function registerService(ctx: Ctx, folder: vscode.Uri, name: string): Promise<{ id: string; name: string }> {
  const manifest = vscode.Uri.joinPath(folder, SERVICE_MANIFEST);
  const text = (await readText(manifest)) ?? '';
  // Check that the manifest can take the serviceId before the service exists, not after.
  withServiceId(text, 'check');
  const client = await ctx.session.client();
  const { service, developerKey: key } = await client.createService(name);
  await ctx.session.setDeveloperKey(service.id, key);
  await vscode.workspace.fs.writeFile(manifest, encoder.encode(withServiceId(text, service.id)));
  await ctx.folders.reload(folder);
  void ctx.model.refresh();
  return service;
}

/** Asks where, and writes a new service folder (codestore.yaml, the schema, one resolver). */
async function scaffold(ctx: Ctx): Promise<{ folder: vscode.Uri; name: string } | undefined> {
  const name = (
    await vscode.window.showInputBox({
      title: 'code.store: Create Service',
      prompt: "The service's name (its serviceId is the name as a slug and a random suffix)",
      placeHolder: 'blog',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Type a name.'),
    })
  )?.trim();
  if (!name) return undefined;
  let parent: vscode.Uri | undefined;
  const roots = vscode.workspace.workspaceFolders ?? [];
  if (roots.length === 1) parent = roots[0].uri;
  else if (roots.length > 1) {
    parent = (
      await vscode.window.showQuickPick(
        roots.map((r) => ({ label: r.name, description: r.uri.fsPath, uri: r.uri })),
        {
          title: 'code.store: Create Service',
          placeHolder: `Where to create the folder ${folderNameFor(name)}?`,
        },
      )
    )?.uri;
  } else {
    parent = (
      await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        canSelectMany: false,
        openLabel: 'Create the service here',
        title: `Where to create the folder ${folderNameFor(name)}?`,
      })
    )?.[0];
  }
  if (!parent) return undefined;
  const folder = vscode.Uri.joinPath(parent, folderNameFor(name));
  if (await exists(folder)) {
    if (await exists(vscode.Uri.joinPath(folder, SERVICE_MANIFEST))) return { folder, name };
    const entries = await vscode.workspace.fs.readDirectory(folder);
    if (entries.length) throw new UserError(`${folder.fsPath} exists and is not empty: choose another name.`);
  }
  for (const file of scaffoldServiceFiles(name)) {
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, ...file.path.split('/')), encoder.encode(file.content));
  }
  return { folder, name };
}

/**
 * Creates a service: for a workspace service folder without a serviceId (or with one this platform
 * does not know), or in a new folder with codestore.yaml, a schema and one resolver. The developer
 * key is kept in VS Code's secret storage.
 */
async function createService(ctx: Ctx, arg: unknown): Promise<void> {
  let folder: vscode.Uri | undefined;
  let name: string | undefined;
  if (arg instanceof vscode.Uri) {
    const given = await folderOfArg(ctx, arg);
    folder = given?.uri;
  } else {
    await ctx.model.ensureLoaded();
    const known = ctx.model.state.services;
    const candidates = (await ctx.folders.all()).filter((f) => !f.serviceId || (known && !known.some((s) => s.id === f.serviceId)));
    if (candidates.length) {
      const NEW = {
        label: '$(new-folder) New service folder…',
        description: '',
        detail: 'codestore.yaml, src/schema.graphql and a resolver',
        folder: undefined as ServiceFolder | undefined,
      };
      const picked = await vscode.window.showQuickPick(
        [
          ...candidates.map((f) => ({
            label: `$(folder) ${f.name}`,
            description: vscode.workspace.asRelativePath(f.uri),
            detail: f.serviceId
              ? `its serviceId ${f.serviceId} is not a service of this platform`
              : `${SERVICE_MANIFEST} has no serviceId yet`,
            folder: f as ServiceFolder | undefined,
          })),
          NEW,
        ],
        { title: 'code.store: Create Service', placeHolder: 'Create the service for which folder?', ignoreFocusOut: true },
      );
      if (!picked) return;
      folder = picked.folder?.uri;
    }
  }
  let scaffolded = false;
  if (folder) {
    const existing = readServiceId((await readText(vscode.Uri.joinPath(folder, SERVICE_MANIFEST))) ?? '');
    if (existing) {
      await ctx.model.ensureLoaded();
      const service = ctx.model.service(existing);
      if (service)
        throw new UserError(
          `${path.basename(folder.fsPath)} is the service "${service.name}" (${service.id}) already. To make it a new service, remove serviceId from its ${SERVICE_MANIFEST} first.`,
        );
    }
    name = await vscode.window.showInputBox({
      title: 'code.store: Create Service',
      prompt: "The service's name",
      value: path.basename(folder.fsPath),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Type a name.'),
    });
    if (!name) return;
    const project = await writeProjectFiles(folder, name.trim());
    if (project.written.length) ctx.outputChannel.info(`${folder.fsPath}: wrote ${project.written.join(', ')}`);
    for (const l of project.lacks) ctx.outputChannel.warn(`${folder.fsPath}: ${l.file} ${l.message}`);
  } else {
    const made = await scaffold(ctx);
    if (!made) return;
    ({ folder, name } = made);
    scaffolded = true;
  }
  const service = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `code.store: creating the service "${name.trim()}"…` },
    () => registerService(ctx, folder!, name!.trim()),
  );
  const schema = vscode.Uri.joinPath(folder, SCHEMA_PATH);
  if (scaffolded) void generate(ctx, folder);
  const inWorkspace = !!vscode.workspace.getWorkspaceFolder(folder);
  if (scaffolded && inWorkspace) void vscode.window.showTextDocument(schema, { preview: false });
  const actions = inWorkspace ? ['Push to Private', 'Copy Developer Key'] : ['Open Folder', 'Copy Developer Key'];
  void vscode.window
    .showInformationMessage(
      `code.store: created the service "${service.name}" (${service.id}) and wrote its serviceId into ${vscode.workspace.asRelativePath(vscode.Uri.joinPath(folder, SERVICE_MANIFEST))}. Its developer key is kept in VS Code's secret storage.`,
      ...actions,
    )
    .then((choice) => {
      if (choice === 'Push to Private') void vscode.commands.executeCommand('codestore.push', folder);
      else if (choice === 'Copy Developer Key')
        void vscode.commands.executeCommand('codestore.copyDeveloperKey', { serviceId: service.id });
      else if (choice === 'Open Folder') void vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: true });
    });
}

/** Deploys what private serves to demo. */
async function promote(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await serviceTarget(ctx, arg, 'Promote which service to demo?');
  if (!target) return;
  await ctx.model.ensureLoaded();
  const serving = ctx.model.service(target.serviceId)?.environments.find((e) => e.name === 'private')?.currentVersion;
  if (ctx.model.service(target.serviceId) && !serving) {
    throw new UserError(`${target.serviceName}'s private environment serves nothing yet: push it first.`, [
      { title: 'Push to Private', command: 'codestore.push' },
    ]);
  }
  const client = await ctx.session.client();
  const deployment = await withBreakingCheck(
    (force) =>
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `code.store: promoting ${target.serviceName}${serving ? ` ${serving.version}` : ''} to demo…`,
        },
        () => ctx.model.track(client.promote(target.serviceId, { force })),
      ),
    `Promoting ${target.serviceName}${serving ? ` ${serving.version}` : ''} to demo`,
  );
  if (!deployment) return;
  await ctx.model.refresh();
  const env = ctx.model.service(target.serviceId)?.environments.find((e) => e.name === 'demo');
  const url = env && deployment.status === 'DEPLOYED' ? (await ctx.session.url()) + env.path : undefined;
  const outcome = deploymentOutcome(deployment, deployment.version.version, url);
  const envTarget = { serviceId: target.serviceId, serviceName: target.serviceName, environment: 'demo' as const };
  if (outcome.ok) {
    void vscode.window.showInformationMessage(`code.store: ${outcome.message}`, 'Add to Project', 'Open Playground').then((choice) => {
      if (choice === 'Add to Project') void vscode.commands.executeCommand('codestore.addToProject', { kind: 'service', ...target });
      else if (choice === 'Open Playground') void vscode.commands.executeCommand('codestore.openPlayground', envTarget);
    });
  } else {
    void vscode.window.showErrorMessage(`code.store: ${outcome.message} Demo keeps serving what it served.`, 'Open Logs').then((choice) => {
      if (choice) void vscode.commands.executeCommand('codestore.openLogs', envTarget);
    });
  }
}

async function removeService(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await serviceTarget(ctx, arg, 'Remove which service?');
  if (!target) return;
  const choice = await vscode.window.showWarningMessage(
    `Remove the service "${target.serviceName}" (${target.serviceId})?`,
    {
      modal: true,
      detail:
        'Its private and demo environments stop, their databases are deleted, and its versions and deployments are removed. The folder on disk stays.',
    },
    'Remove Service',
  );
  if (choice !== 'Remove Service') return;
  const client = await ctx.session.client();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `code.store: removing ${target.serviceName}…` },
    () => client.removeService(target.serviceId),
  );
  ctx.logs
    .following()
    .filter((t) => t.serviceId === target.serviceId)
    .forEach((t) => ctx.logs.stop(t));
  void vscode.window.showInformationMessage(`code.store: removed the service ${target.serviceId}.`);
}

/** A new developer key for the service: the old one is refused at once; the new one is kept in VS Code's secret storage. */
async function rotateDeveloperKey(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await serviceTarget(ctx, arg, 'Rotate whose developer key?');
  if (!target) return;
  const choice = await vscode.window.showWarningMessage(
    `Rotate the developer key of ${target.serviceName}? Calls with the old key are refused from now on.`,
    { modal: true },
    'Rotate Key',
  );
  if (choice !== 'Rotate Key') return;
  const client = await ctx.session.client();
  const rotated = await client.rotateDeveloperKey(target.serviceId);
  await ctx.session.setDeveloperKey(target.serviceId, rotated.developerKey);
  const copy = await vscode.window.showInformationMessage(
    `code.store: ${target.serviceName} has a new developer key (kept in VS Code's secret storage); the old one no longer works.`,
    'Copy Key',
  );
  if (copy) await vscode.env.clipboard.writeText(rotated.developerKey);
}

async function copyDeveloperKey(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await serviceTarget(ctx, arg, 'Whose developer key?');
  if (!target) return;
  const stored = await developerKey(ctx, target.serviceId, target.serviceName, false);
  if (!stored) {
    const choice = await vscode.window.showWarningMessage(
      `code.store: VS Code has no developer key for ${target.serviceName}: the platform shows it only when the service is created. Paste it if you have it.`,
      'Paste Key',
    );
    if (choice === 'Paste Key') await setDeveloperKey(ctx, target);
    return;
  }
  await vscode.env.clipboard.writeText(stored);
  void vscode.window.setStatusBarMessage(`code.store: copied the developer key of ${target.serviceName}`, 4000);
}

async function setDeveloperKey(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await serviceTarget(ctx, arg, 'Whose developer key?');
  if (!target) return;
  const key = await vscode.window.showInputBox({
    title: `code.store: developer key of ${target.serviceName}`,
    prompt: 'The key the platform showed when the service was created; VS Code keeps it in its secret storage.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Paste the key.'),
  });
  if (!key) return;
  await ctx.session.setDeveloperKey(target.serviceId, key.trim());
  void vscode.window.setStatusBarMessage(`code.store: kept the developer key of ${target.serviceName}`, 4000);
}

export const serviceCommands: CommandTable = {
  'codestore.createService': { run: (ctx) => (arg) => createService(ctx, arg), refresh: true },
  'codestore.push': { run: (ctx) => (arg) => push(ctx, arg, createService), refresh: true },
  'codestore.promote': { run: (ctx) => (arg) => promote(ctx, arg), refresh: true },
  'codestore.removeService': { run: (ctx) => (arg) => removeService(ctx, arg), refresh: true },
  'codestore.copyDeveloperKey': { run: (ctx) => (arg) => copyDeveloperKey(ctx, arg) },
  'codestore.rotateDeveloperKey': { run: (ctx) => (arg) => rotateDeveloperKey(ctx, arg), refresh: true },
  'codestore.setDeveloperKey': { run: (ctx) => (arg) => setDeveloperKey(ctx, arg) },
};
