// Projects and their service-instances: create and delete projects, add a service to a project
// (with its rate plan), promote along development → staging → production, roll an environment to
// a version, rate plans, secrets and client keys.
import * as vscode from 'vscode';
import type { Deployment, Secret } from '../../../apiclient/src/types';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { deploymentOutcome, describePlan, shortTime } from '../format';
import {
  createProjectInteractively,
  findInstance,
  instanceEnvironmentTarget,
  InstanceEnvironmentTarget,
  instanceTarget,
  nextEnvironment,
  pickRatePlan,
  pickService,
  projectTarget,
  refOf,
  serviceTarget,
  ServiceTarget,
} from '../pickers';
import type { CommandTable } from './types';
import { withBreakingCheck } from '../breakingChanges';

/** Says how an instance's deployment went, with the next step. */
async function reportDeployment(ctx: Ctx, target: InstanceEnvironmentTarget, deployment: Deployment, what: string): Promise<void> {
  await ctx.model.refresh();
  const env = findInstance(ctx, target)?.environments.find((e) => e.name === deployment.environment);
  const url = env && deployment.status === 'DEPLOYED' ? (await ctx.session.url()) + env.path : undefined;
  const outcome = deploymentOutcome(deployment, deployment.version.version, url);
  const envTarget = { ...target, environment: deployment.environment };
  if (outcome.ok) {
    void vscode.window
      .showInformationMessage(`code.store: ${what}. ${outcome.message}`, 'Open Playground', 'Copy Endpoint')
      .then((choice) => {
        if (choice === 'Open Playground') void vscode.commands.executeCommand('codestore.openPlayground', envTarget);
        else if (choice === 'Copy Endpoint') void vscode.commands.executeCommand('codestore.copyEndpoint', envTarget);
      });
  } else {
    void vscode.window
      .showErrorMessage(`code.store: ${outcome.message} The environment keeps serving what it served.`, 'Open Logs')
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand('codestore.openLogs', envTarget);
      });
  }
}

async function createProject(ctx: Ctx): Promise<void> {
  const project = await createProjectInteractively(ctx);
  if (project)
    void vscode.window.showInformationMessage(
      `code.store: created the project "${project.name}" (${project.id}). Add a service to it with "Add to Project" on the service.`,
    );
}

async function deleteProject(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await projectTarget(ctx, arg, { placeHolder: 'Delete which project?' });
  if (!target) return;
  await ctx.model.ensureLoaded();
  const instances = ctx.model.state.projects?.find((p) => p.id === target.projectId)?.instances ?? [];
  const detail = instances.length
    ? `Its ${instances.length} service${instances.length === 1 ? '' : 's'} (${instances.map((i) => i.service.name).join(', ')}) are removed with their development, staging and production databases.`
    : 'It has no services.';
  const choice = await vscode.window.showWarningMessage(
    `Delete the project "${target.projectName}" (${target.projectId})?`,
    { modal: true, detail },
    'Delete Project',
  );
  if (choice !== 'Delete Project') return;
  const client = await ctx.session.client();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `code.store: deleting ${target.projectName}…` },
    () => ctx.model.track(client.deleteProject(target.projectId, instances.length > 0)),
  );
  void vscode.window.showInformationMessage(`code.store: deleted the project ${target.projectId}.`);
}

/**
 * Adds a service to a project: from a service's item (asks the project), from a project's item
 * (asks the service), or from the palette (asks both); then the rate plan.
 */
async function addToProject(ctx: Ctx, arg: unknown): Promise<void> {
  const ref = refOf(arg);
  let service: ServiceTarget | undefined;
  let project: { projectId: string; projectName: string } | undefined;
  if (ref?.kind === 'project') {
    project = { projectId: ref.projectId, projectName: ref.projectName };
    await ctx.model.ensureLoaded();
    const taken = new Set(ctx.model.state.projects?.find((p) => p.id === project!.projectId)?.instances.map((i) => i.service.id));
    service = await pickService(
      ctx,
      `Add which service to ${project.projectName}?`,
      (s) => !taken.has(s.id),
      `Every service of yours is in ${project.projectName} already.`,
    );
  } else {
    service = await serviceTarget(ctx, arg, 'Add which service to a project?');
    if (!service) return;
    project = await projectTarget(ctx, undefined, { allowNew: true, placeHolder: `Add ${service.serviceName} to which project?` });
  }
  if (!service || !project) return;
  await ctx.model.ensureLoaded();
  const known = ctx.model.service(service.serviceId);
  if (known && !known.environments.find((e) => e.name === 'demo')?.currentVersion) {
    throw new UserError(
      `${service.serviceName}'s demo environment serves nothing yet: a project gets what demo serves. Promote it to demo first.`,
      [{ title: 'Promote to Demo', command: 'codestore.promote', args: [{ serviceId: service.serviceId }] }],
    );
  }
  const plan = await pickRatePlan(`code.store: rate plan of ${service.serviceName} in ${project.projectName}`);
  if (!plan) return;
  const client = await ctx.session.client();
  const { serviceId, serviceName } = service;
  const { projectId, projectName } = project;
  const instance = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `code.store: adding ${serviceName} to ${projectName} and deploying what demo serves to development…`,
    },
    () => ctx.model.track(client.addServiceToProject(projectId, serviceId, plan)),
  );
  const development = instance.environments.find((e) => e.name === 'development');
  const target: InstanceEnvironmentTarget = { projectId, projectName, serviceId, serviceName, environment: 'development' };
  if (development?.latestDeployment)
    await reportDeployment(
      ctx,
      target,
      development.latestDeployment,
      `added ${serviceName} to ${projectName} (${describePlan(instance.ratePlan)})`,
    );
  else
    void vscode.window.showInformationMessage(`code.store: added ${serviceName} to ${projectName} (${describePlan(instance.ratePlan)}).`);
}

async function removeFromProject(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await instanceTarget(ctx, arg);
  if (!target) return;
  const choice = await vscode.window.showWarningMessage(
    `Remove ${target.serviceName} from the project "${target.projectName}"?`,
    { modal: true, detail: 'Its development, staging and production environments stop and their 3 databases are dropped with their data.' },
    'Remove and Drop Databases',
  );
  if (!choice) return;
  const client = await ctx.session.client();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `code.store: removing ${target.serviceName} from ${target.projectName}…` },
    () => ctx.model.track(client.removeServiceFromProject(target.projectId, target.serviceId, true)),
  );
  void vscode.window.showInformationMessage(`code.store: removed ${target.serviceName} from ${target.projectName}.`);
}

async function promoteInstance(ctx: Ctx, arg: unknown): Promise<void> {
  const from = await instanceEnvironmentTarget(ctx, arg, ['development', 'staging'], 'Promote from which environment?');
  if (!from) return;
  const to = nextEnvironment(from.environment);
  if (!to) throw new UserError('Production is the last environment: nothing to promote it to.');
  const serving = findInstance(ctx, from)?.environments.find((e) => e.name === from.environment)?.currentVersion;
  if (findInstance(ctx, from) && !serving)
    throw new UserError(`${from.serviceName}'s ${from.environment} environment in ${from.projectName} serves nothing to promote.`);
  const client = await ctx.session.client();
  const deployment = await withBreakingCheck(
    (force) =>
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `code.store: promoting ${from.serviceName}${serving ? ` ${serving.version}` : ''} from ${from.environment} to ${to} in ${from.projectName}…`,
        },
        () => ctx.model.track(client.promoteInstance(from.projectId, from.serviceId, from.environment, to, { force })),
      ),
    `Promoting ${from.serviceName}${serving ? ` ${serving.version}` : ''} to ${to} in ${from.projectName}`,
  );
  if (!deployment) return;
  await reportDeployment(ctx, { ...from, environment: to }, deployment, `promoted ${from.serviceName} to ${to}`);
}

async function rollInstance(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await instanceEnvironmentTarget(ctx, arg, undefined, 'Roll which environment to another version?');
  if (!target) return;
  await ctx.model.ensureLoaded();
  let service = ctx.model.service(target.serviceId);
  const client = await ctx.session.client();
  service ??= await client.serviceInfo(target.serviceId);
  const current = findInstance(ctx, target)?.environments.find((e) => e.name === target.environment)?.currentVersion;
  if (!service.versions.length) throw new UserError(`${target.serviceName} has no versions.`);
  const picked = await vscode.window.showQuickPick(
    service.versions.map((v) => ({
      label: v.version,
      description: [v.id === current?.id ? 'serving now' : '', shortTime(v.createdAt)].filter(Boolean).join(' · '),
      detail: v.releaseNotes ?? undefined,
      version: v.version,
    })),
    {
      title: `code.store: roll ${target.serviceName} ${target.environment} in ${target.projectName}`,
      placeHolder: 'Deploy which version? (migrations it does not have are reverted)',
      ignoreFocusOut: true,
    },
  );
  if (!picked) return;
  const deployment = await withBreakingCheck(
    (force) =>
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `code.store: deploying ${target.serviceName} ${picked.version} to ${target.environment} in ${target.projectName}…`,
        },
        () => ctx.model.track(client.rollInstance(target.projectId, target.serviceId, target.environment, picked.version, { force })),
      ),
    `Rolling ${target.serviceName} ${target.environment} in ${target.projectName} to ${picked.version}`,
    'Roll anyway',
  );
  if (!deployment) return;
  await reportDeployment(ctx, target, deployment, `rolled ${target.serviceName} ${target.environment} to ${picked.version}`);
}

async function setRatePlan(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await instanceTarget(ctx, arg);
  if (!target) return;
  await ctx.model.ensureLoaded();
  const current = findInstance(ctx, target)?.ratePlan;
  const plan = await pickRatePlan(`code.store: rate plan of ${target.serviceName} in ${target.projectName}`, current);
  if (!plan) return;
  const client = await ctx.session.client();
  const instance = await client.setRatePlan(target.projectId, target.serviceId, plan);
  void vscode.window.showInformationMessage(
    `code.store: ${target.serviceName} in ${target.projectName} is on ${describePlan(instance.ratePlan)} from the next call on.`,
  );
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

async function addSecret(ctx: Ctx, arg: unknown, presetName?: string): Promise<void> {
  const target = await instanceEnvironmentTarget(ctx, arg, undefined, 'Add a secret to which environment?');
  if (!target) return;
  const where = `${target.serviceName} ${target.environment} in ${target.projectName}`;
  const name =
    presetName ??
    (
      await vscode.window.showInputBox({
        title: `code.store: secret of ${where}`,
        prompt: 'The environment variable the service reads it from',
        placeHolder: 'API_TOKEN',
        ignoreFocusOut: true,
        validateInput: (v) => (SECRET_NAME.test(v.trim()) ? undefined : 'Letters, digits and _, not starting with a digit.'),
      })
    )?.trim();
  if (!name) return;
  const value = await vscode.window.showInputBox({
    title: `code.store: ${name} of ${where}`,
    prompt: 'The value (never shown again)',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  const client = await ctx.session.client();
  const secret = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `code.store: setting ${name} (the ${target.environment} process restarts with it)…`,
    },
    () => ctx.model.track(client.addSecret(target.projectId, target.serviceId, target.environment, name, value)),
  );
  void vscode.window.showInformationMessage(`code.store: set ${secret.name} (${secret.preview}) in ${where}.`);
}

/** The browser origins (CORS) an instance environment allows: shown, then edited as one comma-separated list. */
async function setCorsOrigins(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await instanceEnvironmentTarget(ctx, arg, undefined, "Which environment's browser origins?");
  if (!target) return;
  const where = `${target.serviceName} ${target.environment} in ${target.projectName}`;
  const client = await ctx.session.client();
  const current = await client.corsOrigins(target.projectId, target.serviceId, target.environment);
  const local = target.environment === 'production' ? '' : ' (http://localhost:* and http://127.0.0.1:* are allowed anyway)';
  const typed = await vscode.window.showInputBox({
    title: `code.store: browser origins of ${where}`,
    prompt: `Origins that may call it from a browser, separated by commas${local}. Empty: none.`,
    placeHolder: 'https://app.example.com, http://localhost:5173',
    value: current.join(', '),
    ignoreFocusOut: true,
  });
  if (typed === undefined) return;
  const wanted = typed
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const add = wanted.filter((o) => !current.includes(o));
  const remove = current.filter((o) => !wanted.includes(o));
  if (!add.length && !remove.length) return;
  const origins = await client.changeCorsOrigins(target.projectId, target.serviceId, target.environment, add, remove);
  void vscode.window.showInformationMessage(
    `code.store: ${where} allows ${origins.length ? origins.join(', ') : 'no browser origins'}${local}.`,
  );
}

async function pickSecret(ctx: Ctx, target: InstanceEnvironmentTarget, placeHolder: string): Promise<Secret | undefined> {
  const client = await ctx.session.client();
  const secrets = await client.secrets(target.projectId, target.serviceId, target.environment);
  const where = `${target.serviceName} ${target.environment} in ${target.projectName}`;
  if (!secrets.length) {
    throw new UserError(`${where} has no secrets.`, [
      { title: 'Add Secret', command: 'codestore.addSecret', args: [{ kind: 'instanceEnvironment', ...target, path: '' }] },
    ]);
  }
  const picked = await vscode.window.showQuickPick(
    secrets.map((s) => ({ label: s.name, description: s.preview, detail: `updated ${shortTime(s.updatedAt)} UTC`, secret: s })),
    {
      title: `code.store: secrets of ${where}`,
      placeHolder,
    },
  );
  return picked?.secret;
}

async function listSecrets(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await instanceEnvironmentTarget(ctx, arg, undefined, 'Whose secrets?');
  if (!target) return;
  const secret = await pickSecret(ctx, target, 'Values are never shown; pick one to replace or remove it');
  if (!secret) return;
  const action = await vscode.window.showQuickPick(['Replace its value', 'Remove it'], { title: `code.store: ${secret.name}` });
  if (action === 'Replace its value') await addSecret(ctx, { kind: 'instanceEnvironment', ...target, path: '' }, secret.name);
  else if (action === 'Remove it') await removeSecret(ctx, target, secret);
}

async function removeSecret(ctx: Ctx, arg: unknown, chosen?: Secret): Promise<void> {
  const target = chosen
    ? (arg as InstanceEnvironmentTarget)
    : await instanceEnvironmentTarget(ctx, arg, undefined, 'Remove a secret of which environment?');
  if (!target) return;
  const secret = chosen ?? (await pickSecret(ctx, target, 'Remove which secret?'));
  if (!secret) return;
  const choice = await vscode.window.showWarningMessage(
    `Remove ${secret.name} from ${target.serviceName} ${target.environment} in ${target.projectName}?`,
    { modal: true, detail: "The environment's process restarts without it." },
    'Remove Secret',
  );
  if (!choice) return;
  const client = await ctx.session.client();
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `code.store: removing ${secret.name}…` }, () =>
    ctx.model.track(client.removeSecret(target.projectId, target.serviceId, target.environment, secret.name)),
  );
  void vscode.window.showInformationMessage(`code.store: removed ${secret.name}.`);
}

async function addClientKey(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await projectTarget(ctx, arg, { placeHolder: 'A client key for which project?' });
  if (!target) return;
  const name = (
    await vscode.window.showInputBox({
      title: `code.store: client key of ${target.projectName}`,
      prompt: 'A name to tell the key apart (who uses it)',
      placeHolder: 'web-shop',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Type a name.'),
    })
  )?.trim();
  if (!name) return;
  const client = await ctx.session.client();
  const created = await client.addClientKey(target.projectId, name);
  await ctx.session.setClientKey(target.projectId, created.key);
  const choice = await vscode.window.showInformationMessage(
    `code.store: created the client key "${created.clientKey.name}" (${created.clientKey.prefix}…) of ${target.projectName}. Production endpoints take it as x-user-authorization; the platform shows it only now (VS Code keeps it for its playground).`,
    'Copy Key',
  );
  if (choice) await vscode.env.clipboard.writeText(created.key);
}

export const projectCommands: CommandTable = {
  'codestore.createProject': { run: (ctx) => () => createProject(ctx), refresh: true },
  'codestore.deleteProject': { run: (ctx) => (arg) => deleteProject(ctx, arg), refresh: true },
  'codestore.addToProject': { run: (ctx) => (arg) => addToProject(ctx, arg), refresh: true },
  'codestore.removeFromProject': { run: (ctx) => (arg) => removeFromProject(ctx, arg), refresh: true },
  'codestore.promoteInstance': { run: (ctx) => (arg) => promoteInstance(ctx, arg), refresh: true },
  'codestore.rollInstance': { run: (ctx) => (arg) => rollInstance(ctx, arg), refresh: true },
  'codestore.setRatePlan': { run: (ctx) => (arg) => setRatePlan(ctx, arg), refresh: true },
  'codestore.setCorsOrigins': { run: (ctx) => (arg) => setCorsOrigins(ctx, arg) },
  'codestore.addSecret': { run: (ctx) => (arg) => addSecret(ctx, arg), refresh: true },
  'codestore.listSecrets': { run: (ctx) => (arg) => listSecrets(ctx, arg), refresh: true },
  'codestore.removeSecret': { run: (ctx) => (arg) => removeSecret(ctx, arg), refresh: true },
  'codestore.addClientKey': { run: (ctx) => (arg) => addClientKey(ctx, arg) },
};
