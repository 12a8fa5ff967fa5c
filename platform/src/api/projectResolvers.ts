// The resolvers of projects, service-instances, client keys, secrets, rate plans, usage and
// invoices. Every root field checks the caller first; every lookup takes the caller's organization.
import { formatRateLimit, parseRateLimit } from '../gateway/limits';
import { refusedCallsOf } from '../store/limits';
import type { PlanLimitsInput } from '../store/projects';
import { instanceLines, monthRange, usageOf } from '../billing/invoice';
import { readBuildManifest } from '../build/build';
import { sha256 } from '../auth/tokens';
import { ApiError, badInput, conflict } from '../errors';
import type { DeploymentOutcome } from '../runtime/runtime';
import {
  BillingType,
  clientKeysOf,
  ClientKeyRow,
  removeInstance,
  deleteProject,
  deleteSecret,
  environmentIdsOfProject,
  INSTANCE_ENVIRONMENTS,
  InstanceEnvironment,
  instanceEnvironment,
  instanceEnvironments,
  InstanceEnvironmentRow,
  instanceOf,
  InstanceRow,
  instancesOf,
  insertClientKey,
  insertInstance,
  insertProject,
  insertRatePlan,
  keyPrefix,
  newClientKey,
  projectById,
  ProjectRow,
  projectsOf,
  RatePlanRow,
  ratePlansOf,
  revokeClientKey,
  secretsOf,
  upsertSecret,
  versionByNumber,
} from '../store/projects';
import { environmentByName } from '../store/deployments';
import { secretPreview } from '../store/sealing';
import { serviceById } from '../store/services';
import type { ApiContext } from './context';
import { environment as environmentOf, ownDeployment as ownDeploymentOf } from './shapes';
import { guardVersionMove } from './usageResolvers';

const ID_MAX = 128;
export const PROJECT_NAME_MAX = 64;
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names a service must not be able to set: they steer Node or the platform. */
const RESERVED_SECRET = /^(CODESTORE_|NODE_|npm_)|^(PATH|HOME|TZ|LANG|LC_ALL|TMPDIR|UV_THREADPOOL_SIZE)$/i;
export const SECRET_VALUE_MAX = 32 * 1024;
const NEXT: Record<string, InstanceEnvironment> = { development: 'staging', staging: 'production' };

type Mapper = (parent: any, args: any, ctx: ApiContext) => unknown;

function projectName(input: string): string {
  const name = input.normalize('NFC').trim();
  if (!name) throw badInput('A project needs a name (for example "shop").', 'name');
  if (name.length > PROJECT_NAME_MAX)
    throw badInput(`A project name has at most ${PROJECT_NAME_MAX} characters; this one has ${name.length}.`, 'name');
  if (!NAME.test(name))
    throw badInput(
      `"${name}" is not a project name: use letters, digits, spaces, ".", "-" and "_", starting with a letter or digit.`,
      'name',
    );
  return name;
}

function projectNotFound(id: string): ApiError {
  return new ApiError(
    'NOT_FOUND',
    `No project "${id.slice(0, ID_MAX)}" in your organization. \`codestore project:list\` shows your projects.`,
    { id: id.slice(0, ID_MAX) },
  );
}

async function ownProject(ctx: ApiContext, id: string): Promise<ProjectRow> {
  const caller = await ctx.caller();
  const row = id.length <= ID_MAX ? await projectById(ctx.db, caller.organizationId, id) : undefined;
  if (!row) throw projectNotFound(id);
  return row;
}

async function ownInstance(ctx: ApiContext, projectId: string, serviceId: string): Promise<InstanceRow> {
  const project = await ownProject(ctx, projectId);
  const row = serviceId.length <= ID_MAX ? await instanceOf(ctx.db, project.organization_id, project.id, serviceId) : undefined;
  if (!row) {
    throw new ApiError(
      'NOT_FOUND',
      `The project ${project.id} has no service "${serviceId.slice(0, ID_MAX)}". \`codestore project:service:list -p ${project.id}\` lists its services.`,
      { id: serviceId.slice(0, ID_MAX) },
    );
  }
  return row;
}

function instanceEnvironmentName(name: string, field = 'environment'): InstanceEnvironment {
  if (!(INSTANCE_ENVIRONMENTS as readonly string[]).includes(name)) {
    throw badInput(`A service-instance's environments are development, staging and production, not ${name}.`, field);
  }
  return name as InstanceEnvironment;
}

export async function ownInstanceEnvironment(
  ctx: ApiContext,
  projectId: string,
  serviceId: string,
  name: string,
): Promise<{ instance: InstanceRow; env: InstanceEnvironmentRow }> {
  const instance = await ownInstance(ctx, projectId, serviceId);
  const env = await instanceEnvironment(ctx.db, instance.id, instanceEnvironmentName(name));
  if (!env) throw new Error(`The instance ${instance.id} has no ${name} environment.`);
  return { instance, env };
}

interface PlanInput {
  billingType: BillingType;
  amount?: number | null;
  currency?: string | null;
  freeCallsPerMonth?: number | null;
  rateLimit?: string | null;
  quotaPerMonth?: number | null;
  quotaOverage?: boolean | null;
}

function ratePlan(
  input: PlanInput | null | undefined,
): { billingType: BillingType; amount: number; currency: string; freeCalls: number } & PlanLimitsInput {
  const billingType = input?.billingType ?? 'NOT_BILLABLE';
  const amount = input?.amount ?? 0;
  const currency = (input?.currency ?? 'EUR').trim().toUpperCase();
  const freeCalls = input?.freeCallsPerMonth ?? 0;
  if (!Number.isInteger(amount) || amount < 0)
    throw badInput(`amount is a whole number of minor units (cents), 0 or more, not ${amount}.`, 'plan');
  if (billingType === 'NOT_BILLABLE' && amount !== 0) throw badInput('A NOT_BILLABLE plan has no amount.', 'plan');
  if (billingType !== 'NOT_BILLABLE' && amount === 0)
    throw badInput(
      `A ${billingType} plan needs an amount in minor units (cents): the ${billingType === 'MONTHLY' ? 'monthly fee' : 'price of one call'}.`,
      'plan',
    );
  if (!/^[A-Z]{3}$/.test(currency)) throw badInput(`currency is an ISO 4217 code such as EUR or USD, not "${currency}".`, 'plan');
  if (!Number.isInteger(freeCalls) || freeCalls < 0) throw badInput(`freeCallsPerMonth is 0 or more, not ${freeCalls}.`, 'plan');
  if (freeCalls > 0 && billingType !== 'PAY_PER_CALL') throw badInput('Free calls apply to PAY_PER_CALL plans only.', 'plan');
  const rateLimit = input?.rateLimit != null ? parseRateLimit(input.rateLimit) : undefined;
  if (input?.rateLimit != null && !rateLimit)
    throw badInput(`rateLimit is calls per second or minute, like 10/s or 600/min, not "${input.rateLimit.slice(0, 40)}".`, 'plan');
  const quota = input?.quotaPerMonth ?? undefined;
  if (quota !== undefined && (!Number.isInteger(quota) || quota < 1))
    throw badInput(`quotaPerMonth is a whole number of calls, 1 or more, not ${quota}.`, 'plan');
  const quotaOverage = input?.quotaOverage ?? false;
  if (quotaOverage && billingType !== 'PAY_PER_CALL')
    throw badInput('Overage is billed per call: quotaOverage needs a PAY_PER_CALL plan.', 'plan');
  if (quotaOverage && quota === undefined) throw badInput('quotaOverage needs a quotaPerMonth to go over.', 'plan');
  return { billingType, amount, currency, freeCalls, rateLimit, quota, quotaOverage };
}

const plan = (p: RatePlanRow) => ({
  id: p.id,
  billingType: p.billing_type,
  amount: Number(p.amount),
  currency: p.currency,
  freeCallsPerMonth: p.free_calls,
  effectiveFrom: p.effective_from,
  rateLimit: p.rate_limit !== null && p.rate_period !== null ? formatRateLimit({ calls: p.rate_limit, per: p.rate_period }) : null,
  quotaPerMonth: p.quota,
  quotaOverage: p.quota_overage,
});
const project = (p: ProjectRow) => ({ id: p.id, name: p.name, createdAt: p.created_at });
const instance = (i: InstanceRow) => ({
  id: i.id,
  projectId: i.project_id,
  service: { id: i.service_id, name: i.service_name },
  createdAt: i.created_at,
});
const clientKey = (k: ClientKeyRow) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.created_at, revokedAt: k.revoked_at });

/**
 * Deploys a version to an instance environment. When the environment serves a version with
 * migrations the new one lacks (a roll back), those are reverted first with the serving build.
 */
async function deployVersion(ctx: ApiContext, env: InstanceEnvironmentRow, versionId: string): Promise<DeploymentOutcome> {
  const [target] = await ctx.db.query<{ build_path: string }>('SELECT build_path FROM versions WHERE id = $1', [versionId]);
  let revert: { buildPath: string; keep: string[] } | undefined;
  if (env.current_version_id && env.current_version_id !== versionId) {
    const [current] = await ctx.db.query<{ build_path: string }>('SELECT build_path FROM versions WHERE id = $1', [env.current_version_id]);
    const keep = readBuildManifest(target.build_path).migrations.map((m) => m.className);
    const applied = readBuildManifest(current.build_path).migrations.map((m) => m.className);
    if (applied.some((m) => !keep.includes(m))) revert = { buildPath: current.build_path, keep };
  }
  return ctx.runtime.deployTo(env.id, versionId, { revert });
}

async function removeInstanceEverywhere(ctx: ApiContext, row: InstanceRow): Promise<void> {
  const envs = await instanceEnvironments(ctx.db, row.id);
  await ctx.db.transaction((tx) => removeInstance(tx, row.id));
  ctx.gateway.forget(envs.map((e) => e.endpoint_id));
  ctx.meter.forget(row.id);
  await ctx.runtime.removeEnvironments(envs.map((e) => e.id));
}

export const projectResolvers: Record<string, Record<string, Mapper>> = {
  Query: {
    projects: async (_p, _a, ctx) => (await projectsOf(ctx.db, (await ctx.caller()).organizationId)).map(project),
    project: async (_p, args: { id: string }, ctx) => project(await ownProject(ctx, args.id)),
    secrets: async (_p, args: { projectId: string; serviceId: string; environment: string }, ctx) => {
      const { env } = await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment);
      return (await secretsOf(ctx.db, env.id)).map((s) => ({ name: s.name, preview: s.preview, updatedAt: s.updated_at }));
    },
    clientKeys: async (_p, args: { projectId: string }, ctx) =>
      (await clientKeysOf(ctx.db, (await ownProject(ctx, args.projectId)).id)).map(clientKey),
    usage: async (_p, args: { projectId: string; serviceId: string; month?: string | null }, ctx) => {
      const inst = await ownInstance(ctx, args.projectId, args.serviceId);
      const range = monthRange(args.month);
      await ctx.meter.flush();
      const rows = await usageOf(ctx.db, [inst.id], range);
      const plans = await ratePlansOf(ctx.db, [inst.id]);
      const sum = (env: string) => rows.filter((r) => r.environment === env).reduce((n, r) => n + Number(r.calls), 0);
      const byPlan = plans
        .map((p) => ({
          plan: plan(p),
          calls: rows.filter((r) => r.environment === 'production' && r.plan_id === p.id).reduce((n, r) => n + Number(r.calls), 0),
        }))
        .filter((u) => u.calls > 0)
        .reverse();
      await ctx.gateway.flush();
      const refused = await refusedCallsOf(ctx.db, inst.id, range.first);
      return {
        projectId: inst.project_id,
        serviceId: inst.service_id,
        month: range.month,
        production: sum('production'),
        development: sum('development'),
        staging: sum('staging'),
        byPlan,
        refused,
      };
    },
    invoice: async (_p, args: { projectId: string; month?: string | null }, ctx) => {
      const proj = await ownProject(ctx, args.projectId);
      const range = monthRange(args.month);
      await ctx.meter.flush();
      // Removed instances too: the months they ran in are billed.
      const instances = await instancesOf(ctx.db, proj.organization_id, [proj.id], true);
      const ids = instances.map((i) => i.id);
      const plans = await ratePlansOf(ctx.db, ids);
      const usage = await usageOf(ctx.db, ids, range);
      const lines = instances.flatMap((i) =>
        instanceLines(
          plans.filter((p) => p.instance_id === i.id),
          usage.filter((u) => u.instance_id === i.id),
          range,
          i.removed_at,
        ).map((l) => ({
          serviceId: i.service_id,
          serviceName: i.service_name,
          plan: plan(l.plan),
          calls: l.calls,
          billedCalls: l.billedCalls,
          total: l.total,
        })),
      );
      const totals = new Map<string, number>();
      for (const l of lines) if (l.total > 0) totals.set(l.plan.currency, (totals.get(l.plan.currency) ?? 0) + l.total);
      return {
        projectId: proj.id,
        month: range.month,
        lines,
        totals: [...totals].sort().map(([currency, amount]) => ({ currency, amount })),
      };
    },
  },
  Mutation: {
    createProject: async (_p, args: { name: string }, ctx) => {
      const caller = await ctx.caller();
      const name = projectName(args.name);
      const row = await insertProject(ctx.db, caller.organizationId, name);
      if (!row) throw conflict(`You already have a project named "${name}". Choose another name, or use that project.`);
      return project(row);
    },
    deleteProject: async (_p, args: { id: string; force?: boolean | null }, ctx) => {
      const proj = await ownProject(ctx, args.id);
      const instances = await instancesOf(ctx.db, proj.organization_id, [proj.id]);
      if (instances.length && !args.force) {
        throw badInput(
          `The project ${proj.id} has ${instances.length} service-instance(s) (${instances.map((i) => i.service_id).join(', ')}); deleting it removes them with their databases. Pass force: true (CLI: -f) to confirm.`,
          'force',
        );
      }
      for (const i of instances) await removeInstanceEverywhere(ctx, i);
      const envs = await environmentIdsOfProject(ctx.db, proj.id);
      await deleteProject(ctx.db, proj.organization_id, proj.id);
      ctx.gateway.forget(envs.map((e) => e.endpoint_id));
      ctx.gateway.clientKeysChanged(proj.id);
      return proj.id;
    },
    addServiceToProject: async (_p, args: { projectId: string; serviceId: string; plan?: PlanInput | null }, ctx) => {
      const proj = await ownProject(ctx, args.projectId);
      const service = args.serviceId.length <= ID_MAX ? await serviceById(ctx.db, proj.organization_id, args.serviceId) : undefined;
      if (!service)
        throw new ApiError(
          'NOT_FOUND',
          `No service "${args.serviceId.slice(0, ID_MAX)}" in your organization. List your services to see their ids.`,
          { id: args.serviceId.slice(0, ID_MAX) },
        );
      const planInput = ratePlan(args.plan);
      const demo = await environmentByName(ctx.db, service.id, 'demo');
      if (!demo?.current_version_id)
        throw badInput(
          `Nothing serves ${service.id}'s demo environment: promote it first (\`codestore promote\`), then add it to a project.`,
          'serviceId',
        );
      const id = await ctx.db.transaction((tx) => insertInstance(tx, proj.id, service.id, planInput));
      if (!id) throw conflict(`The project ${proj.id} has the service ${service.id} already.`);
      const row = (await instanceOf(ctx.db, proj.organization_id, proj.id, service.id))!;
      const dev = (await instanceEnvironment(ctx.db, id, 'development'))!;
      await ctx.runtime.deployTo(dev.id, demo.current_version_id);
      return instance(row);
    },
    removeServiceFromProject: async (_p, args: { projectId: string; serviceId: string; dropDatabases?: boolean | null }, ctx) => {
      const row = await ownInstance(ctx, args.projectId, args.serviceId);
      if (!args.dropDatabases) {
        throw badInput(
          `Removing ${row.service_id} from ${row.project_id} drops its development, staging and production databases. Pass dropDatabases: true (CLI: -f) to confirm.`,
          'dropDatabases',
        );
      }
      await removeInstanceEverywhere(ctx, row);
      return row.service_id;
    },
    promoteInstance: async (_p, args: { projectId: string; serviceId: string; from: string; to: string; force?: boolean | null }, ctx) => {
      const from = instanceEnvironmentName(args.from, 'from');
      const to = instanceEnvironmentName(args.to, 'to');
      const inst = await ownInstance(ctx, args.projectId, args.serviceId);
      if (NEXT[from] !== to)
        throw badInput(`An instance promotes development to staging, and staging to production; not ${from} to ${to}.`, 'to');
      const source = (await instanceEnvironment(ctx.db, inst.id, from))!;
      if (!source.current_version_id)
        throw badInput(`Nothing serves ${from} of ${inst.service_id} in ${inst.project_id}: nothing to promote.`, 'from');
      const target = (await instanceEnvironment(ctx.db, inst.id, to))!;
      await guardVersionMove(
        ctx,
        { id: target.id, currentVersionId: target.current_version_id, label: `${to} of ${inst.service_id} in ${inst.project_id}` },
        source.current_version_id,
        args.force,
        'pass force: true (CLI: `codestore project:service:promote --force`)',
      );
      const outcome = await deployVersion(ctx, target, source.current_version_id);
      return ownDeploymentOf(ctx, outcome.id);
    },
    rollInstance: async (
      _p,
      args: { projectId: string; serviceId: string; environment: string; version: string; force?: boolean | null },
      ctx,
    ) => {
      const { instance: inst, env } = await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment);
      const version =
        args.version.length <= 32 ? await versionByNumber(ctx.db, inst.service_id, args.version.trim().replace(/^v/, '')) : undefined;
      if (!version?.build_path)
        throw badInput(`${inst.service_id} has no version ${args.version}: \`codestore service:info\` lists its versions.`, 'version');
      await guardVersionMove(
        ctx,
        { id: env.id, currentVersionId: env.current_version_id, label: `${env.name} of ${inst.service_id} in ${inst.project_id}` },
        version.id,
        args.force,
        'pass force: true (CLI: `codestore project:service:roll --force`)',
      );
      const outcome = await deployVersion(ctx, env, version.id);
      return ownDeploymentOf(ctx, outcome.id);
    },
    setRatePlan: async (_p, args: { projectId: string; serviceId: string; plan: PlanInput }, ctx) => {
      const inst = await ownInstance(ctx, args.projectId, args.serviceId);
      const row = await insertRatePlan(ctx.db, inst.id, ratePlan(args.plan));
      ctx.meter.setPlan(inst.id, row.id);
      return instance(inst);
    },
    addClientKey: async (_p, args: { projectId: string; name: string }, ctx) => {
      const proj = await ownProject(ctx, args.projectId);
      const name = args.name.normalize('NFC').trim();
      if (!name || name.length > 64)
        throw badInput('A client key needs a name of 1 to 64 characters (whose key it is, for example "acme-mobile").', 'name');
      const key = newClientKey();
      const row = await insertClientKey(ctx.db, proj.id, name, sha256(key), keyPrefix(key));
      ctx.gateway.clientKeysChanged(proj.id);
      return { clientKey: clientKey(row), key };
    },
    removeClientKey: async (_p, args: { projectId: string; id: string }, ctx) => {
      const proj = await ownProject(ctx, args.projectId);
      if (args.id.length > ID_MAX || !(await revokeClientKey(ctx.db, proj.id, args.id))) {
        throw new ApiError(
          'NOT_FOUND',
          `The project ${proj.id} has no client key "${args.id.slice(0, ID_MAX)}". \`codestore project:client:list\` lists them.`,
          { id: args.id.slice(0, ID_MAX) },
        );
      }
      ctx.gateway.clientKeysChanged(proj.id);
      return args.id;
    },
    addSecret: async (_p, args: { projectId: string; serviceId: string; environment: string; name: string; value: string }, ctx) => {
      const { env } = await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment);
      if (!SECRET_NAME.test(args.name) || args.name.length > 128)
        throw badInput(
          `A secret's name is an environment variable name (letters, digits and _, not starting with a digit), not "${args.name.slice(0, 128)}".`,
          'name',
        );
      if (RESERVED_SECRET.test(args.name))
        throw badInput(`${args.name} is reserved for the platform and Node; choose another name.`, 'name');
      if (!args.value) throw badInput('A secret needs a value; to drop one, remove it.', 'value');
      if (args.value.length > SECRET_VALUE_MAX) throw badInput(`A secret's value has at most ${SECRET_VALUE_MAX} characters.`, 'value');
      if (args.value.includes('\0')) throw badInput("A secret's value cannot contain a NUL character.", 'value');
      const row = await upsertSecret(ctx.db, env.id, args.name, ctx.sealer.seal(args.value), secretPreview(args.value));
      await ctx.runtime.redeploy(env.id, env.current_version_id);
      return { name: row.name, preview: row.preview, updatedAt: row.updated_at };
    },
    removeSecret: async (_p, args: { projectId: string; serviceId: string; environment: string; name: string }, ctx) => {
      const { env } = await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment);
      if (!(await deleteSecret(ctx.db, env.id, args.name)))
        throw new ApiError('NOT_FOUND', `No secret ${args.name.slice(0, 128)} in ${args.environment}.`, { name: args.name.slice(0, 128) });
      await ctx.runtime.redeploy(env.id, env.current_version_id);
      return args.name;
    },
  },
  Project: {
    instances: async (parent: { id: string }, _a, ctx) => (await ctx.instances.load(parent.id)).map(instance),
  },
  ServiceInstance: {
    ratePlan: async (parent: { id: string }, _a, ctx) => plan((await ctx.ratePlans.load(parent.id))[0]),
    ratePlanHistory: async (parent: { id: string }, _a, ctx) => (await ctx.ratePlans.load(parent.id)).map(plan),
    environments: async (parent: { id: string }, _a, ctx) => (await ctx.instanceEnvironments.load(parent.id)).map(environmentOf),
  },
};
