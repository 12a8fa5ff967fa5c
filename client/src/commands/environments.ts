// What any environment offers, a service's (private, demo) or an instance's (development, staging,
// production): its log, its endpoint URL, a GraphQL playground, and the keys its calls need.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { logTitle, LogTarget } from '../logs';
import { environmentState } from '../format';
import { findInstance, refOf, serviceEnvironmentTarget } from '../pickers';
import { openPlayground } from '../playground';
import type { CommandTable } from './types';

/** An environment of a service, or of a service's instance in a project. */
export interface EnvironmentTarget extends LogTarget {
  serviceName: string;
}

/**
 * The environment a command is about: the argument's (a tree item, or `{ serviceId, environment,
 * projectId? }`); a service's item means its private environment, an instance's its development
 * one; without an argument, a pick of every environment.
 */
export async function environmentTarget(ctx: Ctx, arg: unknown): Promise<EnvironmentTarget | undefined> {
  const ref = refOf(arg);
  switch (ref?.kind) {
    case 'instanceEnvironment':
    case 'instance':
      return {
        projectId: ref.projectId,
        projectName: ref.projectName,
        serviceId: ref.serviceId,
        serviceName: ref.serviceName,
        environment: ref.kind === 'instance' ? 'development' : ref.environment,
      };
    case 'serviceEnvironment':
    case 'service':
      return { serviceId: ref.serviceId, serviceName: ref.serviceName, environment: ref.kind === 'service' ? 'private' : ref.environment };
    default:
      break;
  }
  const given = arg && typeof arg === 'object' ? (arg as Partial<LogTarget>) : {};
  if (typeof given.serviceId === 'string' && typeof given.environment === 'string') {
    const serviceName = given.serviceName ?? ctx.model.service(given.serviceId)?.name ?? given.serviceId;
    return {
      serviceId: given.serviceId,
      serviceName,
      environment: given.environment,
      projectId: given.projectId,
      projectName: given.projectName ?? given.projectId,
    };
  }
  return pickEnvironment(ctx);
}

/** A pick of every environment: the services' private and demo, then the instances' in each project. */
async function pickEnvironment(ctx: Ctx): Promise<EnvironmentTarget | undefined> {
  await ctx.model.ensureLoaded();
  const { services, projects } = ctx.model.state;
  if (!services) return (await serviceEnvironmentTarget(ctx, undefined)) ?? undefined;
  const items: (vscode.QuickPickItem & { target?: EnvironmentTarget })[] = [];
  for (const s of services) {
    for (const e of s.environments) {
      items.push({
        label: `${s.name} ${e.name}`,
        description: environmentState(e),
        target: { serviceId: s.id, serviceName: s.name, environment: e.name },
      });
    }
  }
  for (const p of projects ?? []) {
    if (p.instances.length) items.push({ label: p.name, kind: vscode.QuickPickItemKind.Separator });
    for (const i of p.instances) {
      for (const e of i.environments) {
        items.push({
          label: `${i.service.name} ${e.name}`,
          description: `${p.name} · ${environmentState(e)}`,
          target: { projectId: p.id, projectName: p.name, serviceId: i.service.id, serviceName: i.service.name, environment: e.name },
        });
      }
    }
  }
  if (!items.length) throw new UserError('You have no services yet.', [{ title: 'Create Service', command: 'codestore.createService' }]);
  const picked = await vscode.window.showQuickPick(items, {
    title: 'code.store',
    placeHolder: 'Which environment?',
    matchOnDescription: true,
  });
  return picked?.target;
}

/** The endpoint URL of an environment, from what the platform said last (read again when missing). */
export async function endpointOf(ctx: Ctx, target: EnvironmentTarget): Promise<string> {
  const find = () => {
    if (target.projectId)
      return findInstance(ctx, { projectId: target.projectId, serviceId: target.serviceId })?.environments.find(
        (e) => e.name === target.environment,
      );
    return ctx.model.service(target.serviceId)?.environments.find((e) => e.name === target.environment);
  };
  let env = find();
  if (!env) {
    await ctx.model.refresh();
    env = find();
  }
  if (!env)
    throw new UserError(`The platform has no ${logTitle(target)} environment.`, [{ title: 'Refresh', command: 'codestore.refresh' }]);
  return (await ctx.session.url()) + env.path;
}

/**
 * The `x-user-authorization` key of an environment's calls: the developer key of the service
 * (private, demo, development, staging), or a client key of the project (production). Asked for,
 * and kept, when VS Code does not have it.
 */
export async function keyFor(ctx: Ctx, target: EnvironmentTarget): Promise<string | undefined> {
  if (target.projectId && target.environment === 'production') {
    const stored = await ctx.session.clientKey(target.projectId);
    if (stored) return stored;
    const key = await vscode.window.showInputBox({
      title: `code.store: client key of ${target.projectName ?? target.projectId}`,
      prompt:
        'Production endpoints take a client key of the project ("Create Client Key" makes one). Paste one; VS Code keeps it in its secret storage.',
      password: true,
      ignoreFocusOut: true,
    });
    if (key?.trim()) await ctx.session.setClientKey(target.projectId, key.trim());
    return key?.trim() || undefined;
  }
  return developerKey(ctx, target.serviceId, target.serviceName);
}

/** The developer key of a service, or asks to paste it (the platform shows it only when the service is created). */
export async function developerKey(ctx: Ctx, serviceId: string, serviceName: string, ask = true): Promise<string | undefined> {
  const stored = await ctx.session.developerKey(serviceId);
  if (stored || !ask) return stored;
  const key = await vscode.window.showInputBox({
    title: `code.store: developer key of ${serviceName}`,
    prompt:
      "The platform shows a service's developer key only when it is created (by `codestore service:create` or elsewhere). Paste it; VS Code keeps it in its secret storage.",
    password: true,
    ignoreFocusOut: true,
  });
  if (!key?.trim()) return undefined;
  await ctx.session.setDeveloperKey(serviceId, key.trim());
  return key.trim();
}

async function openLogs(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await environmentTarget(ctx, arg);
  if (target) ctx.logs.open(target);
}

async function stopLogs(ctx: Ctx): Promise<void> {
  const following = ctx.logs.following();
  if (following.length <= 1) {
    if (following[0]) ctx.logs.stop(following[0]);
    return;
  }
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'All logs', target: undefined as LogTarget | undefined },
      ...following.map((t) => ({ label: logTitle(t), target: t as LogTarget | undefined })),
    ],
    { title: 'code.store: Stop Following Logs' },
  );
  if (!choice) return;
  if (choice.target) ctx.logs.stop(choice.target);
  else ctx.logs.stopAll();
}

async function copyEndpoint(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await environmentTarget(ctx, arg);
  if (!target) return;
  const url = await endpointOf(ctx, target);
  await vscode.env.clipboard.writeText(url);
  void vscode.window.setStatusBarMessage(`code.store: copied ${url}`, 4000);
}

async function playground(ctx: Ctx, arg: unknown): Promise<void> {
  const target = await environmentTarget(ctx, arg);
  if (!target) return;
  const url = await endpointOf(ctx, target);
  openPlayground(ctx, {
    title: logTitle(target),
    url,
    key: () => keyFor(ctx, target),
    forgetKey: () =>
      target.projectId && target.environment === 'production'
        ? ctx.session.forgetClientKey(target.projectId)
        : ctx.session.forgetDeveloperKey(target.serviceId),
  });
}

export const environmentCommands: CommandTable = {
  'codestore.openLogs': { run: (ctx) => (arg) => openLogs(ctx, arg) },
  'codestore.stopLogs': { run: (ctx) => () => stopLogs(ctx) },
  'codestore.copyEndpoint': { run: (ctx) => (arg) => copyEndpoint(ctx, arg) },
  'codestore.openPlayground': { run: (ctx) => (arg) => playground(ctx, arg) },
};
