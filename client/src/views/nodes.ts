// The explorer's trees as plain data, built from the platform's answers (no `vscode`): one node type
// for every tree, turned into TreeItems in one place (trees.ts). `ref` says what a node is about;
// commands run on a tree item get the node and read its ref.
import type {
  Environment,
  InstanceEnvironmentName,
  Invoice,
  MemberRole,
  Project,
  Service,
  ServiceEnvironmentName,
  ServiceInstance,
  Usage,
  Version,
} from '../../../apiclient/src/types';
import {
  describeLimits,
  describePlan,
  environmentState,
  firstLine,
  formatCount,
  formatMoney,
  formatTotals,
  IconSpec,
  isSettling,
  shortTime,
  statusIcon,
} from '../format';

/** What a node stands for; the commands of its context menu take it from here. */
export type NodeRef =
  | { kind: 'service'; serviceId: string; serviceName: string }
  | { kind: 'serviceEnvironment'; serviceId: string; serviceName: string; environment: ServiceEnvironmentName; path: string }
  | { kind: 'versions'; serviceId: string }
  | { kind: 'version'; serviceId: string; version: string }
  | { kind: 'project'; projectId: string; projectName: string }
  | { kind: 'instance'; projectId: string; projectName: string; serviceId: string; serviceName: string }
  | {
      kind: 'instanceEnvironment';
      projectId: string;
      projectName: string;
      serviceId: string;
      serviceName: string;
      environment: InstanceEnvironmentName;
      path: string;
    }
  | { kind: 'member'; email: string; role: MemberRole }
  | { kind: 'invitation'; email: string; role: MemberRole; code: string }
  | { kind: 'activity'; id: string }
  | { kind: 'detail' }
  | { kind: 'message' };

export type Collapsible = 'none' | 'collapsed' | 'expanded';

export interface TreeNode {
  /** Unique in its tree and stable across refreshes, so VS Code keeps what is expanded. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: IconSpec;
  /** For `view/item/context` menus: `viewItem == service`, `viewItem =~ /^instanceEnvironment:/`. */
  contextValue: string;
  collapsible: Collapsible;
  children?: TreeNode[];
  /** Run when the item is clicked. */
  command?: { command: string; title: string; arguments?: unknown[] };
  ref: NodeRef;
}

/** Context values, as the `when` clauses of package.json's menus test them. */
export const CONTEXT = {
  service: 'service',
  serviceEnvironment: (env: ServiceEnvironmentName) => `serviceEnvironment:${env}`,
  versions: 'serviceVersions',
  version: 'serviceVersion',
  project: 'project',
  instance: 'serviceInstance',
  instanceEnvironment: (env: InstanceEnvironmentName) => `instanceEnvironment:${env}`,
  ratePlanProject: 'ratePlanProject',
  ratePlanInstance: 'ratePlanInstance',
  detail: 'detail',
  message: 'message',
} as const;

/** A line of text in a tree: a hint, an error, an empty list. */
export function messageNode(
  id: string,
  label: string,
  options: { icon?: IconSpec; tooltip?: string; command?: TreeNode['command'] } = {},
): TreeNode {
  return { id, label, contextValue: CONTEXT.message, collapsible: 'none', ref: { kind: 'message' }, ...options };
}

function endpoint(platformUrl: string, env: Environment): string {
  return platformUrl.replace(/\/+$/, '') + env.path;
}

/** An environment: its status icon, `0.0.3 DEPLOYED` (or why it failed), the endpoint in the tooltip. */
function environmentNode(id: string, env: Environment, platformUrl: string, contextValue: string, ref: NodeRef): TreeNode {
  const latest = env.latestDeployment;
  const lines = [`${env.name}: ${environmentState(env)}`, `Endpoint: ${endpoint(platformUrl, env)}`];
  if (env.currentVersion) lines.push(`Serving ${env.currentVersion.version} (built ${shortTime(env.currentVersion.createdAt)} UTC)`);
  if (latest) lines.push(`Latest deployment: ${latest.version.version} ${latest.status}, ${shortTime(latest.createdAt)} UTC`);
  if (latest?.status === 'DEPLOYMENT_FAILED') lines.push(`Error: ${(latest.error ?? 'the platform gave no reason').trim()}`);
  const failed = latest?.status === 'DEPLOYMENT_FAILED' ? ` — ${firstLine(latest.error) || 'failed'}` : '';
  return {
    id,
    label: env.name,
    description: `${environmentState(env)}${failed}`,
    tooltip: lines.join('\n'),
    icon: statusIcon(latest?.status ?? env.status),
    contextValue,
    collapsible: 'none',
    ref,
  };
}

function versionNode(service: Service, version: Version): TreeNode {
  const serving = service.environments.filter((e) => e.currentVersion?.id === version.id).map((e) => e.name);
  const notes = version.releaseNotes ? firstLine(version.releaseNotes) : '';
  return {
    id: `service/${service.id}/version/${version.id}`,
    label: version.version,
    description: [serving.length ? `serving ${serving.join(', ')}` : '', shortTime(version.createdAt), notes].filter(Boolean).join(' · '),
    tooltip: [
      `${version.version}, built ${shortTime(version.createdAt)} UTC`,
      `Schema ${version.schemaHash.slice(0, 12)}`,
      version.releaseNotes ?? '',
    ]
      .filter(Boolean)
      .join('\n'),
    icon: { id: serving.length ? 'tag' : 'versions' },
    contextValue: CONTEXT.version,
    collapsible: 'none',
    ref: { kind: 'version', serviceId: service.id, version: version.version },
  };
}

/** The Services tree: each service → its private and demo environments, and its versions. */
export function serviceNodes(services: Service[], platformUrl: string, workspaceServiceIds: ReadonlySet<string> = new Set()): TreeNode[] {
  return services.map((service) => {
    const envs = service.environments.map((env) =>
      environmentNode(
        `service/${service.id}/env/${env.name}`,
        env,
        platformUrl,
        CONTEXT.serviceEnvironment(env.name as ServiceEnvironmentName),
        {
          kind: 'serviceEnvironment',
          serviceId: service.id,
          serviceName: service.name,
          environment: env.name as ServiceEnvironmentName,
          path: env.path,
        },
      ),
    );
    const versions: TreeNode = {
      id: `service/${service.id}/versions`,
      label: 'Versions',
      description: service.versions.length
        ? `${service.versions.length}, newest ${service.versions[0].version}`
        : 'none yet: push the service',
      icon: { id: 'versions' },
      contextValue: CONTEXT.versions,
      collapsible: service.versions.length ? 'collapsed' : 'none',
      children: service.versions.map((v) => versionNode(service, v)),
      ref: { kind: 'versions', serviceId: service.id },
    };
    const settling = service.environments.some((e) => isSettling(e.latestDeployment?.status ?? e.status));
    const inWorkspace = workspaceServiceIds.has(service.id);
    return {
      id: `service/${service.id}`,
      label: service.name,
      description: inWorkspace ? `${service.id} · in workspace` : service.id,
      tooltip: `${service.name} (${service.id}), created ${shortTime(service.createdAt)} UTC${inWorkspace ? '\nIts folder is in this workspace: push it from here.' : ''}`,
      icon: settling ? { id: 'sync~spin' } : { id: 'server-process' },
      contextValue: CONTEXT.service,
      collapsible: 'expanded',
      children: [...envs, versions],
      ref: { kind: 'service', serviceId: service.id, serviceName: service.name },
    };
  });
}

function instanceRef(project: Project, instance: ServiceInstance) {
  return { projectId: project.id, projectName: project.name, serviceId: instance.service.id, serviceName: instance.service.name };
}

/** The Projects tree: each project → its service-instances → development, staging, production. */
export function projectNodes(projects: Project[], platformUrl: string): TreeNode[] {
  return projects.map((project) => ({
    id: `project/${project.id}`,
    label: project.name,
    description: `${project.id} · ${project.instances.length} service${project.instances.length === 1 ? '' : 's'}`,
    tooltip: `${project.name} (${project.id}), created ${shortTime(project.createdAt)} UTC`,
    icon: { id: 'project' },
    contextValue: CONTEXT.project,
    collapsible: 'expanded',
    children: project.instances.length
      ? project.instances.map((instance): TreeNode => ({
          id: `project/${project.id}/instance/${instance.service.id}`,
          label: instance.service.name,
          description: `${instance.service.id} · ${describePlan(instance.ratePlan)}`,
          tooltip: `${instance.service.name} (${instance.service.id}) in ${project.name}\nRate plan: ${describePlan(instance.ratePlan)} since ${shortTime(instance.ratePlan.effectiveFrom)} UTC`,
          icon: instance.environments.some((e) => isSettling(e.latestDeployment?.status ?? e.status))
            ? { id: 'sync~spin' }
            : { id: 'server-environment' },
          contextValue: CONTEXT.instance,
          collapsible: 'expanded',
          children: instance.environments.map((env) =>
            environmentNode(
              `project/${project.id}/instance/${instance.service.id}/env/${env.name}`,
              env,
              platformUrl,
              CONTEXT.instanceEnvironment(env.name as InstanceEnvironmentName),
              {
                kind: 'instanceEnvironment',
                ...instanceRef(project, instance),
                environment: env.name as InstanceEnvironmentName,
                path: env.path,
              },
            ),
          ),
          ref: { kind: 'instance', ...instanceRef(project, instance) },
        }))
      : [messageNode(`project/${project.id}/empty`, 'No services yet: add one from the Services view', { icon: { id: 'info' } })],
    ref: { kind: 'project', projectId: project.id, projectName: project.name },
  }));
}

/** A project's billing this month: its invoice and each instance's usage (by serviceId). */
export interface ProjectBilling {
  invoice?: Invoice;
  usage: Record<string, Usage>;
  /** Why the billing could not be read, if it could not. */
  error?: string;
}

/** What an instance owes this month, from the invoice lines of its plans (per currency). */
export function amountDue(invoice: Invoice | undefined, serviceId: string): string | undefined {
  if (!invoice) return undefined;
  const byCurrency = new Map<string, number>();
  for (const line of invoice.lines) {
    if (line.serviceId !== serviceId) continue;
    byCurrency.set(line.plan.currency, (byCurrency.get(line.plan.currency) ?? 0) + line.total);
  }
  return formatTotals([...byCurrency].map(([currency, amount]) => ({ amount, currency })));
}

/** The Rate plans tree: each project (its total due) → each instance's plan → this month's calls and amount due. */
export function ratePlanNodes(projects: Project[], billing: ReadonlyMap<string, ProjectBilling>): TreeNode[] {
  return projects
    .filter((p) => p.instances.length)
    .map((project) => {
      const b = billing.get(project.id);
      const month = b?.invoice?.month;
      return {
        id: `rates/${project.id}`,
        label: project.name,
        description: b?.invoice ? `${month}: ${formatTotals(b.invoice.totals)} due` : b?.error ? 'billing unavailable' : '',
        tooltip: b?.error
          ? `Cannot read the billing of ${project.name}: ${b.error}`
          : `${project.name} (${project.id})${month ? `, ${month} (UTC)` : ''}`,
        icon: { id: 'project' },
        contextValue: CONTEXT.ratePlanProject,
        collapsible: 'expanded',
        children: project.instances.map((instance): TreeNode => {
          const usage = b?.usage[instance.service.id];
          const due = amountDue(b?.invoice, instance.service.id);
          const base = `rates/${project.id}/${instance.service.id}`;
          const plan = instance.ratePlan;
          const details: TreeNode[] = [];
          if (usage) {
            details.push({
              id: `${base}/calls`,
              label: `${formatCount(usage.production)} production call${usage.production === 1 ? '' : 's'}`,
              description: `${usage.month} · staging ${formatCount(usage.staging)} · development ${formatCount(usage.development)}`,
              tooltip: `Calls in ${usage.month} (UTC). Production calls are the billed ones.`,
              icon: { id: 'pulse' },
              contextValue: CONTEXT.detail,
              collapsible: 'none',
              ref: { kind: 'detail' },
            });
          }
          if (due !== undefined) {
            const lines = b?.invoice?.lines.filter((l) => l.serviceId === instance.service.id) ?? [];
            const billed = lines.reduce((n, l) => n + l.billedCalls, 0);
            details.push({
              id: `${base}/due`,
              label: `Amount due: ${due}`,
              description: plan.billingType === 'PAY_PER_CALL' ? `${formatCount(billed)} billed call${billed === 1 ? '' : 's'}` : undefined,
              tooltip: lines.length
                ? lines
                    .map(
                      (l) =>
                        `${describePlan(l.plan)}: ${formatCount(l.calls)} calls, ${formatCount(l.billedCalls)} billed, ${formatMoney(l.total, l.plan.currency)}`,
                    )
                    .join('\n')
                : 'Nothing billed this month.',
              icon: { id: 'credit-card' },
              contextValue: CONTEXT.detail,
              collapsible: 'none',
              ref: { kind: 'detail' },
            });
          }
          if (!details.length)
            details.push(
              messageNode(`${base}/none`, b?.error ? 'Billing unavailable' : 'No usage yet', { icon: { id: 'info' }, tooltip: b?.error }),
            );
          const history = instance.ratePlanHistory.map((p) => `${shortTime(p.effectiveFrom)}  ${describePlan(p)}`).join('\n');
          return {
            id: base,
            label: instance.service.name,
            description: [
              describePlan(plan),
              describeLimits(plan, usage?.production),
              usage && !plan.quotaPerMonth ? `${formatCount(usage.production)} calls` : '',
              due !== undefined ? `${due} due` : '',
            ]
              .filter(Boolean)
              .join(' · '),
            tooltip: `${instance.service.name} in ${project.name}\nRate plan since ${shortTime(plan.effectiveFrom)} UTC: ${describePlan(plan)}${describeLimits(plan) ? `\nLimits: ${describeLimits(plan, usage?.production)}` : ''}${history ? `\nHistory (UTC):\n${history}` : ''}`,
            icon: { id: 'tag' },
            contextValue: CONTEXT.ratePlanInstance,
            collapsible: 'expanded',
            children: details,
            ref: { kind: 'instance', ...instanceRef(project, instance) },
          };
        }),
        ref: { kind: 'project', projectId: project.id, projectName: project.name },
      };
    });
}

/** True when any environment of these services or projects has a deployment that has not settled. */
export function anySettling(services: readonly Service[], projects: readonly Project[]): boolean {
  const envs = [...services.flatMap((s) => s.environments), ...projects.flatMap((p) => p.instances.flatMap((i) => i.environments))];
  return envs.some((e) => isSettling(e.latestDeployment?.status ?? e.status));
}
