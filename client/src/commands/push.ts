// Pushing a service folder to its private environment: which folder, registering it when it is
// not a service yet, asking before a migration that drops data, then packing and pushing under
// progress (sendPush), the problems in the Problems panel (pushProblems.ts) and the outcome.
import * as path from 'path';
import * as vscode from 'vscode';
import { PlatformError } from '../../../apiclient/src/errors';
import type { PushedVersion } from '../../../apiclient/src/types';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import type { ServiceFolder } from '../folders';
import { deploymentOutcome, isSettling } from '../format';
import { destructiveChanges, PENDING_MIGRATION_PATH, SERVICE_MANIFEST } from '../serviceFolder';
import { ServerCommands } from '../../../server/protocol/protocol';
import { pickServiceFolder, readText } from './folderArgs';
import { generate } from './generateFolder';
import { showProblems } from './pushProblems';

/** When the pending migration drops a table or a column, a modal asks before pushing. */
async function confirmDestructive(folder: ServiceFolder): Promise<boolean> {
  const text = await readText(vscode.Uri.joinPath(folder.uri, ...PENDING_MIGRATION_PATH.split('/')));
  if (!text) return true;
  const { statements, warnings } = destructiveChanges(text);
  if (!statements.length) return true;
  const detail = [
    `${PENDING_MIGRATION_PATH} drops data when it runs:`,
    ...(warnings.length ? warnings : statements).slice(0, 8).map((w) => `• ${w}`),
    '',
    "To keep the data, rename with @renamedFrom (the schema's quick fixes offer it) instead of removing.",
  ].join('\n');
  const choice = await vscode.window.showWarningMessage(
    `Push ${folder.name}? Its migration drops ${statements.length} table(s) or column(s) with their data.`,
    { modal: true, detail },
    'Push Anyway',
  );
  return choice === 'Push Anyway';
}

/** Saves the unsaved editors of the folder: what is pushed is what is on disk. */
async function saveFolder(folder: vscode.Uri): Promise<void> {
  const dirty = vscode.workspace.textDocuments.filter(
    (d) => d.isDirty && d.uri.scheme === 'file' && d.uri.fsPath.startsWith(folder.fsPath + path.sep),
  );
  await Promise.all(dirty.map((d) => d.save()));
}

/**
 * Pushes the service folder: packs it, and the platform checks, builds and deploys it to private
 * before it answers. The check's problems go to the Problems panel where they are.
 */
export async function push(ctx: Ctx, arg: unknown, createService: (ctx: Ctx, arg: unknown) => Promise<void>): Promise<void> {
  let folder = await pickServiceFolder(ctx, arg, 'code.store: Push');
  if (!folder) return;
  if (!folder.serviceId) {
    const choice = await vscode.window.showWarningMessage(
      `${folder.name} is not a service on the platform yet (its ${SERVICE_MANIFEST} has no serviceId).`,
      { modal: true },
      'Create Service and Push',
    );
    if (!choice) return;
    await createService(ctx, folder.uri);
    folder = await ctx.folders.reload(folder.uri);
    if (!folder.serviceId) return;
  }
  const serviceId = folder.serviceId!;
  // What is pushed is the database layer of the schema as it is, its pending migration committed
  // (as `codestore push` does): written now whatever codestore.codegen.write says.
  await saveFolder(folder.uri);
  await generate(ctx, folder.uri);
  if (!(await confirmDestructive(folder))) return;
  const committed = await generate(ctx, folder.uri, ServerCommands.commitMigration);
  if (committed?.written.length || committed?.deleted.length) {
    ctx.outputChannel.info(
      `Before pushing ${folder.name}: ${[...committed.written, ...committed.deleted.map((d) => `${d} (deleted)`)].join(', ')}`,
    );
  }
  const name = ctx.model.service(serviceId)?.name ?? folder.name;
  const pushed = await sendPush(ctx, folder, serviceId, name);
  showProblems(ctx, folder.uri, pushed.warnings);
  await announcePushed(ctx, pushed, serviceId, name, committed?.migration);
}

/**
 * Packs the folder and pushes it under a progress notification, which follows the deployment the
 * push starts; a refused check's problems go to the Problems panel.
 */
async function sendPush(ctx: Ctx, folder: ServiceFolder, serviceId: string, name: string): Promise<PushedVersion> {
  const client = await ctx.session.client();
  const before = ctx.model.service(serviceId)?.environments.find((e) => e.name === 'private')?.latestDeployment?.id;
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `code.store: pushing ${name}` },
      async (progress) => {
        progress.report({ message: 'Checking and building…' });
        const { packServiceFolder } = await import(/* webpackChunkName: "archive" */ '../../../apiclient/src/pack');
        const archive = await packServiceFolder(folder.uri.fsPath);
        // The platform answers when the deployment settled; the model's polls show when it begins.
        const watch = ctx.model.onDidChange(() => {
          const latest = ctx.model.service(serviceId)?.environments.find((e) => e.name === 'private')?.latestDeployment;
          if (latest && latest.id !== before && isSettling(latest.status))
            progress.report({ message: `Deploying ${latest.version.version} to private…` });
        });
        try {
          return await ctx.model.track(client.push(serviceId, archive));
        } finally {
          watch.dispose();
        }
      },
    );
  } catch (e) {
    if (e instanceof PlatformError && e.code === 'CHECK_FAILED') {
      showProblems(ctx, folder.uri, e.problems);
      const errors = e.problems.filter((p) => p.severity === 'error').length;
      throw new UserError(
        `The platform's check refused the push of ${name}: ${errors} error(s), shown in the Problems panel. Fix them and push again.`,
        [{ title: 'Show Problems', command: 'workbench.actions.view.problems' }],
      );
    }
    throw e;
  }
}

/** Says how the push ended, with the next steps: promote, the playground, the endpoint, or the logs. */
async function announcePushed(ctx: Ctx, pushed: PushedVersion, serviceId: string, name: string, migration?: string): Promise<void> {
  await ctx.model.refresh();
  const env = ctx.model.service(serviceId)?.environments.find((e) => e.name === 'private');
  const url = env && pushed.deployment?.status === 'DEPLOYED' ? (await ctx.session.url()) + env.path : undefined;
  const target = { serviceId, serviceName: name, environment: 'private' as const };
  if (!pushed.deployment) {
    void vscode.window.showInformationMessage(
      `code.store: pushed ${name}: version ${pushed.version} (this platform does not deploy pushes).`,
    );
    return;
  }
  const outcome = deploymentOutcome(pushed.deployment, pushed.version, url);
  if (outcome.ok) {
    void vscode.window
      .showInformationMessage(
        `code.store: pushed ${name}${migration ? ` with migration ${path.basename(migration)}` : ''}. ${outcome.message}`,
        'Promote to Demo',
        'Open Playground',
        'Copy Endpoint',
      )
      .then((choice) => {
        if (choice === 'Promote to Demo') void vscode.commands.executeCommand('codestore.promote', { serviceId });
        else if (choice === 'Open Playground') void vscode.commands.executeCommand('codestore.openPlayground', target);
        else if (choice === 'Copy Endpoint') void vscode.commands.executeCommand('codestore.copyEndpoint', target);
      });
  } else {
    void vscode.window
      .showErrorMessage(
        `code.store: pushed ${name} as ${pushed.version}, but ${outcome.message.charAt(0).toLowerCase()}${outcome.message.slice(1)} Private keeps serving what it served.`,
        'Open Logs',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('codestore.openLogs', target);
      });
  }
}
