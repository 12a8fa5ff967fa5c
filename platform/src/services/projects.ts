// Projects and their service-instances: adding a service deploys its demo version to the
// instance's development environment; removing one stops its processes and drops its databases
// (its plans and usage stay for invoices); plans, client keys and secrets tell the meter, the
// gateway and the runtime what changed. The caller has resolved the project or instance
// (services/own.ts) and checked the input.
import { sha256 } from '../auth/tokens';
import { instanceLines, MonthRange } from '../billing/invoice';
import { ApiError, badInput, conflict } from '../errors';
import type { ServiceParts } from '../parts';
import type { DeploymentOutcome } from '../runtime/deploymentRuntime';
import { environmentByName } from '../store/deployments';
import { refusedCallsOf } from '../store/limits';
import { usageOf } from '../store/metering';
import {
  BillingType,
  ClientKeyRow,
  deleteProject as deleteProjectRow,
  deleteSecret,
  environmentIdsOfProject,
  insertClientKey,
  insertInstance,
  insertProject,
  insertRatePlan,
  instanceEnvironment,
  instanceEnvironments,
  instanceOf,
  InstanceRow,
  instancesOf,
  keyPrefix,
  newClientKey,
  PlanLimitsInput,
  ProjectRow,
  RatePlanRow,
  ratePlansOf,
  removeInstance,
  revokeClientKey,
  SecretRow,
  upsertSecret,
} from '../store/projects';
import { secretPreview } from '../store/sealing';
import type { ServiceRow } from '../store/services';

/** A rate plan as checked by the API. */
export type PlanSettings = { billingType: BillingType; amount: number; currency: string; freeCalls: number } & PlanLimitsInput;

export async function createProject(parts: Pick<ServiceParts, 'db'>, organizationId: string, name: string): Promise<ProjectRow> {
  const row = await insertProject(parts.db, organizationId, name);
  if (!row) throw conflict(`You already have a project named "${name}". Choose another name, or use that project.`);
  return row;
}

/** Deletes a project; with instances only when `force`, removing them (and their databases) first. */
export async function deleteProject(parts: ServiceParts, project: ProjectRow, force?: boolean | null): Promise<string> {
  const instances = await instancesOf(parts.db, project.organization_id, [project.id]);
  if (instances.length && !force) {
    throw badInput(
      `The project ${project.id} has ${instances.length} service-instance(s) (${instances.map((i) => i.service_id).join(', ')}); deleting it removes them with their databases. Pass force: true (CLI: -f) to confirm.`,
      'force',
    );
  }
  for (const i of instances) await removeInstanceEverywhere(parts, i);
  const envs = await environmentIdsOfProject(parts.db, project.id);
  await deleteProjectRow(parts.db, project.organization_id, project.id);
  parts.gateway.forget(envs.map((e) => e.endpoint_id));
  parts.gateway.clientKeysChanged(project.id);
  return project.id;
}

/** Adds a service to a project under a plan, and deploys its demo version to the instance's development. */
export async function addServiceToProject(
  parts: ServiceParts,
  project: ProjectRow,
  service: ServiceRow,
  plan: PlanSettings,
): Promise<InstanceRow> {
  const demo = await environmentByName(parts.db, service.id, 'demo');
  if (!demo?.current_version_id)
    throw badInput(
      `Nothing serves ${service.id}'s demo environment: promote it first (\`codestore promote\`), then add it to a project.`,
      'serviceId',
    );
  const id = await parts.db.transaction((tx) => insertInstance(tx, project.id, service.id, plan));
  if (!id) throw conflict(`The project ${project.id} has the service ${service.id} already.`);
  const row = (await instanceOf(parts.db, project.organization_id, project.id, service.id))!;
  const dev = (await instanceEnvironment(parts.db, id, 'development'))!;
  await parts.runtime.deployTo(dev.id, demo.current_version_id);
  return row;
}

/** Marks an instance removed, stops its environments and drops their databases. */
export async function removeInstanceEverywhere(parts: ServiceParts, row: InstanceRow): Promise<void> {
  const envs = await instanceEnvironments(parts.db, row.id);
  await parts.db.transaction((tx) => removeInstance(tx, row.id));
  parts.gateway.forget(envs.map((e) => e.endpoint_id));
  parts.meter.forget(row.id);
  await parts.runtime.removeEnvironments(envs.map((e) => e.id));
}

/** A new plan for an instance, counted from the next call. */
export async function setRatePlan(parts: ServiceParts, inst: InstanceRow, plan: PlanSettings): Promise<RatePlanRow> {
  const row = await insertRatePlan(parts.db, inst.id, plan);
  parts.meter.setPlan(inst.id, row.id);
  return row;
}

/** A new client key of a project (shown once); production takes it from the next call. */
export async function addClientKey(parts: ServiceParts, project: ProjectRow, name: string): Promise<{ row: ClientKeyRow; key: string }> {
  const key = newClientKey();
  const row = await insertClientKey(parts.db, project.id, name, sha256(key), keyPrefix(key));
  parts.gateway.clientKeysChanged(project.id);
  return { row, key };
}

/** Revokes a client key: refused from the next call. */
export async function removeClientKey(parts: ServiceParts, project: ProjectRow, id: string): Promise<string> {
  if (id.length > 128 || !(await revokeClientKey(parts.db, project.id, id))) {
    throw new ApiError(
      'NOT_FOUND',
      `The project ${project.id} has no client key "${id.slice(0, 128)}". \`codestore project:client:list\` lists them.`,
      { id: id.slice(0, 128) },
    );
  }
  parts.gateway.clientKeysChanged(project.id);
  return id;
}

/** Sets a secret (sealed) and deploys what the environment serves again, so it takes effect. */
export async function setSecret(
  parts: ServiceParts,
  env: { id: string; current_version_id: string | null },
  name: string,
  value: string,
): Promise<{ secret: SecretRow; deployment: DeploymentOutcome | undefined }> {
  const secret = await upsertSecret(parts.db, env.id, name, parts.sealer.seal(value), secretPreview(value));
  return { secret, deployment: await parts.runtime.redeploy(env.id, env.current_version_id) };
}

/** Removes a secret and deploys what the environment serves again. */
export async function removeSecret(
  parts: ServiceParts,
  env: { id: string; name: string; current_version_id: string | null },
  name: string,
): Promise<string> {
  if (!(await deleteSecret(parts.db, env.id, name)))
    throw new ApiError('NOT_FOUND', `No secret ${name.slice(0, 128)} in ${env.name}.`, { name: name.slice(0, 128) });
  await parts.runtime.redeploy(env.id, env.current_version_id);
  return name;
}

/** An instance's calls in a month, by environment and by the plan production calls were made under. */
export async function instanceUsage(parts: ServiceParts, inst: InstanceRow, range: MonthRange) {
  await parts.meter.flush();
  const rows = await usageOf(parts.db, [inst.id], range.first);
  const plans = await ratePlansOf(parts.db, [inst.id]);
  const sum = (env: string) => rows.filter((r) => r.environment === env).reduce((n, r) => n + Number(r.calls), 0);
  const byPlan = plans
    .map((p) => ({
      plan: p,
      calls: rows.filter((r) => r.environment === 'production' && r.plan_id === p.id).reduce((n, r) => n + Number(r.calls), 0),
    }))
    .filter((u) => u.calls > 0)
    .reverse();
  await parts.gateway.flush();
  const refused = await refusedCallsOf(parts.db, inst.id, range.first);
  return { production: sum('production'), development: sum('development'), staging: sum('staging'), byPlan, refused };
}

/** A project's invoice for a month: a line per instance and plan, totals per currency. */
export async function invoice(parts: ServiceParts, project: ProjectRow, range: MonthRange) {
  await parts.meter.flush();
  // Removed instances too: the months they ran in are billed.
  const instances = await instancesOf(parts.db, project.organization_id, [project.id], true);
  const ids = instances.map((i) => i.id);
  const plans = await ratePlansOf(parts.db, ids);
  const usage = await usageOf(parts.db, ids, range.first);
  const lines = instances.flatMap((i) =>
    instanceLines(
      plans.filter((p) => p.instance_id === i.id),
      usage.filter((u) => u.instance_id === i.id),
      range,
      i.removed_at,
    ).map((l) => ({ instance: i, ...l })),
  );
  const totals = new Map<string, number>();
  for (const l of lines) if (l.total > 0) totals.set(l.plan.currency, (totals.get(l.plan.currency) ?? 0) + l.total);
  return { lines, totals: [...totals].sort().map(([currency, amount]) => ({ currency, amount })) };
}
