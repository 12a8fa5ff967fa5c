// What a command is about: taken from its argument (a tree item, a CodeLens's argument, a file),
// else from the workspace (the service folder being edited), else asked with quick picks. Every
// function resolves to undefined when the user cancels.
import * as vscode from 'vscode';
import type {
  BillingType,
  InstanceEnvironmentName,
  Project,
  RatePlan,
  RatePlanInput,
  Service,
  ServiceEnvironmentName,
  ServiceInstance,
} from '../../apiclient/src/types';
import type { Ctx } from './ctx';
import { UserError } from './errors';
import type { ServiceFolder } from './folders';
import { BILLING_TYPES, DEFAULT_CURRENCY, describePlan, environmentState, formatMoney, parseCallCount, parsePrice } from './format';
import type { NodeRef, TreeNode } from './views/nodes';

export const INSTANCE_ENVIRONMENTS: readonly InstanceEnvironmentName[] = ['development', 'staging', 'production'];

/** The environment a promotion from `env` goes to. */
export function nextEnvironment(env: InstanceEnvironmentName): InstanceEnvironmentName | undefined {
  return INSTANCE_ENVIRONMENTS[INSTANCE_ENVIRONMENTS.indexOf(env) + 1];
}

/** A command's first argument as a node reference, when it is one (a tree item, or a ref itself). */
export function refOf(arg: unknown): NodeRef | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const node = arg as Partial<TreeNode>;
  if (node.ref && typeof node.ref === 'object' && 'kind' in node.ref) return node.ref;
  if ('kind' in arg && typeof (arg as { kind: unknown }).kind === 'string') return arg as NodeRef;
  return undefined;
}

export interface ServiceTarget {
  serviceId: string;
  serviceName: string;
}

export interface InstanceTarget {
  projectId: string;
  projectName: string;
  serviceId: string;
  serviceName: string;
}

export interface InstanceEnvironmentTarget extends InstanceTarget {
  environment: InstanceEnvironmentName;
}

export interface ServiceEnvironmentTarget extends ServiceTarget {
  environment: ServiceEnvironmentName;
}

/** The services, loaded; an error with "Create Service" when there are none. */
async function services(ctx: Ctx): Promise<Service[]> {
  await ctx.model.ensureLoaded();
  if (!ctx.model.state.services) await ctx.model.refresh();
  const list = ctx.model.state.services;
  if (!list) throw await notReady(ctx);
  if (!list.length) throw new UserError('You have no services yet.', [{ title: 'Create Service', command: 'codestore.createService' }]);
  return list;
}

async function projects(ctx: Ctx): Promise<Project[]> {
  await ctx.model.ensureLoaded();
  if (!ctx.model.state.projects) await ctx.model.refresh();
  const list = ctx.model.state.projects;
  if (!list) throw await notReady(ctx);
  return list;
}

/** Why the platform's lists are missing: not logged in, or not reachable. */
async function notReady(ctx: Ctx): Promise<Error> {
  // The client says it best: ask it (it throws the PlatformError with its hint).
  const client = await ctx.session.client();
  await client.whoami();
  return new UserError(ctx.model.state.problem ?? 'The platform did not answer.', [{ title: 'Refresh', command: 'codestore.refresh' }]);
}

/** The service the workspace folder is, or an error saying how to make it one. */
export function serviceOfFolder(ctx: Ctx, folder: ServiceFolder): ServiceTarget {
  if (!folder.serviceId) {
    throw new UserError(`${folder.name}'s codestore.yaml has no serviceId: create the service on the platform first.`, [
      { title: 'Create Service', command: 'codestore.createService', args: [folder.uri] },
    ]);
  }
  const known = ctx.model.service(folder.serviceId);
  return { serviceId: folder.serviceId, serviceName: known?.name ?? folder.name };
}

/** A service: the argument's, else the service folder being edited, else a pick. */
export async function serviceTarget(ctx: Ctx, arg: unknown, placeHolder = 'Which service?'): Promise<ServiceTarget | undefined> {
  const ref = refOf(arg);
  if (ref && 'serviceId' in ref) {
    const name = 'serviceName' in ref ? ref.serviceName : (ctx.model.service(ref.serviceId)?.name ?? ref.serviceId);
    return { serviceId: ref.serviceId, serviceName: name };
  }
  if (arg && typeof arg === 'object' && typeof (arg as { serviceId?: unknown }).serviceId === 'string') {
    const serviceId = (arg as { serviceId: string }).serviceId;
    return { serviceId, serviceName: ctx.model.service(serviceId)?.name ?? serviceId };
  }
  if (arg instanceof vscode.Uri) {
    const folder = await ctx.folders.folderOf(arg);
    if (folder) return serviceOfFolder(ctx, folder);
  }
  const current = await ctx.folders.current();
  if (current?.serviceId) return serviceOfFolder(ctx, current);
  return pickService(ctx, placeHolder);
}

export async function pickService(
  ctx: Ctx,
  placeHolder: string,
  filter: (s: Service) => boolean = () => true,
  noneLeft = 'No service fits.',
): Promise<ServiceTarget | undefined> {
  const list = (await services(ctx)).filter(filter);
  if (!list.length) throw new UserError(noneLeft);
  const picked = await vscode.window.showQuickPick(
    list.map((s) => ({
      label: s.name,
      description: s.id,
      detail: s.environments.map((e) => `${e.name}: ${environmentState(e)}`).join(' · '),
      service: s,
    })),
    { title: 'code.store', placeHolder, matchOnDescription: true, ignoreFocusOut: true },
  );
  return picked && { serviceId: picked.service.id, serviceName: picked.service.name };
}

/** A private or demo environment: the argument's, else private of the service (or `fallback`). */
export async function serviceEnvironmentTarget(
  ctx: Ctx,
  arg: unknown,
  fallback: ServiceEnvironmentName = 'private',
): Promise<ServiceEnvironmentTarget | undefined> {
  const ref = refOf(arg);
  if (ref?.kind === 'serviceEnvironment') return { serviceId: ref.serviceId, serviceName: ref.serviceName, environment: ref.environment };
  const env = arg && typeof arg === 'object' ? (arg as { environment?: unknown }).environment : undefined;
  const service = await serviceTarget(ctx, arg);
  if (!service) return undefined;
  if (env === 'private' || env === 'demo') return { ...service, environment: env };
  if (ref) return { ...service, environment: fallback };
  const picked = await vscode.window.showQuickPick(['private', 'demo'], {
    title: `code.store: ${service.serviceName}`,
    placeHolder: 'Which environment?',
  });
  return picked === 'private' || picked === 'demo' ? { ...service, environment: picked } : undefined;
}

/** A service-instance: the argument's, else a pick of every project's instances. */
export async function instanceTarget(ctx: Ctx, arg: unknown): Promise<InstanceTarget | undefined> {
  const ref = refOf(arg);
  if (ref && (ref.kind === 'instance' || ref.kind === 'instanceEnvironment')) {
    return { projectId: ref.projectId, projectName: ref.projectName, serviceId: ref.serviceId, serviceName: ref.serviceName };
  }
  const items = (await projects(ctx)).flatMap((p) =>
    p.instances.map((i) => ({
      label: `${p.name} / ${i.service.name}`,
      description: describePlan(i.ratePlan),
      detail: i.environments.map((e) => `${e.name}: ${environmentState(e)}`).join(' · '),
      target: { projectId: p.id, projectName: p.name, serviceId: i.service.id, serviceName: i.service.name },
    })),
  );
  if (!items.length) {
    throw new UserError('No project has a service yet: add one to a project first.', [
      { title: 'Add to Project', command: 'codestore.addToProject' },
    ]);
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'code.store',
    placeHolder: 'Which service in which project?',
    ignoreFocusOut: true,
  });
  return picked?.target;
}

/** An instance's environment: the argument's, else a pick (among `allowed`). */
export async function instanceEnvironmentTarget(
  ctx: Ctx,
  arg: unknown,
  allowed: readonly InstanceEnvironmentName[] = INSTANCE_ENVIRONMENTS,
  placeHolder = 'Which environment?',
): Promise<InstanceEnvironmentTarget | undefined> {
  const ref = refOf(arg);
  if (ref?.kind === 'instanceEnvironment' && allowed.includes(ref.environment)) {
    return {
      projectId: ref.projectId,
      projectName: ref.projectName,
      serviceId: ref.serviceId,
      serviceName: ref.serviceName,
      environment: ref.environment,
    };
  }
  const instance = await instanceTarget(ctx, arg);
  if (!instance) return undefined;
  const current = findInstance(ctx, instance);
  const picked = await vscode.window.showQuickPick(
    allowed.map((name) => {
      const env = current?.environments.find((e) => e.name === name);
      return { label: name, description: env ? environmentState(env) : '', name };
    }),
    { title: `code.store: ${instance.projectName} / ${instance.serviceName}`, placeHolder, ignoreFocusOut: true },
  );
  return picked && { ...instance, environment: picked.name };
}

/** The instance as last loaded. */
export function findInstance(ctx: Ctx, target: { projectId: string; serviceId: string }): ServiceInstance | undefined {
  return ctx.model.state.projects?.find((p) => p.id === target.projectId)?.instances.find((i) => i.service.id === target.serviceId);
}

/** A project: the argument's, else a pick (with "New project…" when `allowNew`). */
export async function projectTarget(
  ctx: Ctx,
  arg: unknown,
  options: { allowNew?: boolean; placeHolder?: string } = {},
): Promise<{ projectId: string; projectName: string } | undefined> {
  const ref = refOf(arg);
  if (ref && 'projectId' in ref) return { projectId: ref.projectId, projectName: ref.projectName };
  const list = await projects(ctx);
  const NEW = '$(add) New project…';
  const items = [
    ...list.map((p) => ({
      label: p.name,
      description: p.id,
      detail: p.instances.map((i) => i.service.name).join(', ') || 'no services yet',
      project: p as Project | undefined,
    })),
    ...(options.allowNew ? [{ label: NEW, description: '', detail: undefined, project: undefined }] : []),
  ];
  if (!items.length) throw new UserError('You have no projects yet.', [{ title: 'Create Project', command: 'codestore.createProject' }]);
  const picked = await vscode.window.showQuickPick(items, {
    title: 'code.store',
    placeHolder: options.placeHolder ?? 'Which project?',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (!picked) return undefined;
  if (picked.project) return { projectId: picked.project.id, projectName: picked.project.name };
  const created = await createProjectInteractively(ctx);
  return created && { projectId: created.id, projectName: created.name };
}

/** Asks a name and creates the project. */
export async function createProjectInteractively(ctx: Ctx): Promise<Project | undefined> {
  const name = await vscode.window.showInputBox({
    title: 'code.store: Create Project',
    prompt: "The project's name (its id is the name as a slug and a random suffix)",
    placeHolder: 'shop',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'Type a name.'),
  });
  if (!name) return undefined;
  const client = await ctx.session.client();
  const project = await client.createProject(name.trim());
  void ctx.model.refresh();
  return project;
}

/**
 * Asks a rate plan: the billing type, then its price (major units, optional currency) and, for
 * pay per call, the free calls a month. `current` fills in the defaults.
 */
export async function pickRatePlan(title: string, current?: RatePlan): Promise<RatePlanInput | undefined> {
  const DESCRIPTIONS: Record<BillingType, string> = {
    NOT_BILLABLE: 'Calls are counted, never billed',
    MONTHLY: 'A fee per calendar month',
    PAY_PER_CALL: 'A price per production call, after free calls',
  };
  const picked = await vscode.window.showQuickPick(
    BILLING_TYPES.map((t) => ({
      label: t,
      description: DESCRIPTIONS[t],
      picked: current?.billingType === t,
      type: t,
    })),
    { title, placeHolder: current ? `Billing type (now: ${describePlan(current)})` : 'Billing type', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  const billingType = picked.type;
  if (billingType === 'NOT_BILLABLE')
    return { billingType, amount: 0, currency: current?.currency ?? DEFAULT_CURRENCY, freeCallsPerMonth: 0 };
  const currency = current?.currency ?? DEFAULT_CURRENCY;
  const sameType = current?.billingType === billingType;
  const priceText = await vscode.window.showInputBox({
    title,
    prompt:
      billingType === 'MONTHLY'
        ? `The monthly fee, in ${currency} unless you add a currency (29.99, or 29.99 USD)`
        : `The price of one production call, in ${currency} unless you add a currency (0.05, or 0.05 USD)`,
    value: sameType && current ? formatMoney(current.amount, current.currency).replace(` ${current.currency}`, '') : undefined,
    placeHolder: billingType === 'MONTHLY' ? '29.99' : '0.05',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const p = parsePrice(v, currency);
      if ('error' in p) return p.error;
      return p.amount === 0 ? 'A paid plan costs more than 0: choose NOT_BILLABLE for a free one.' : undefined;
    },
  });
  if (priceText === undefined) return undefined;
  const price = parsePrice(priceText, currency);
  if ('error' in price) return undefined;
  let freeCallsPerMonth = 0;
  if (billingType === 'PAY_PER_CALL') {
    const freeText = await vscode.window.showInputBox({
      title,
      prompt: 'Production calls a month that are not billed',
      value: String(sameType ? (current?.freeCallsPerMonth ?? 0) : 0),
      ignoreFocusOut: true,
      validateInput: (v) => {
        const n = parseCallCount(v);
        return typeof n === 'number' ? undefined : n.error;
      },
    });
    if (freeText === undefined) return undefined;
    const n = parseCallCount(freeText);
    freeCallsPerMonth = typeof n === 'number' ? n : 0;
  }
  return { billingType, amount: price.amount, currency: price.currency, freeCallsPerMonth };
}
