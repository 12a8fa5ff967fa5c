// The resolvers of projects, service-instances, client keys, secrets, rate plans, usage and
// invoices: input checks and answer shapes; the services layer (services/projects.ts,
// services/deployments.ts) does the work. Every lookup takes the caller's organization (services/own.ts).
import { formatRateLimit, parseRateLimit } from '../gateway/limits';
import { monthRange } from '../billing/invoice';
import { badInput } from '../errors';
import { BillingType, ClientKeyRow, clientKeysOf, InstanceRow, ProjectRow, projectsOf, RatePlanRow, secretsOf } from '../store/projects';
import { instanceEnvironmentName, ownInstance, ownInstanceEnvironment, ownProject, ownService } from '../services/own';
import {
  addClientKey,
  addServiceToProject,
  createProject,
  deleteProject,
  instanceUsage,
  invoice,
  PlanSettings,
  removeClientKey,
  removeInstanceEverywhere,
  removeSecret,
  setRatePlan,
  setSecret,
} from '../services/projects';
import { promoteInstance, rollInstance } from '../services/deployments';
import type { ResolverMap } from './context';
import { deploymentShape, environment as environmentOf } from './shapes';

export const PROJECT_NAME_MAX = 64;
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names a service must not be able to set: they steer Node or the platform. */
const RESERVED_SECRET = /^(CODESTORE_|NODE_|npm_)|^(PATH|HOME|TZ|LANG|LC_ALL|TMPDIR|UV_THREADPOOL_SIZE)$/i;
export const SECRET_VALUE_MAX = 32 * 1024;

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

interface PlanInput {
  billingType: BillingType;
  amount?: number | null;
  currency?: string | null;
  freeCallsPerMonth?: number | null;
  rateLimit?: string | null;
  quotaPerMonth?: number | null;
  quotaOverage?: boolean | null;
}

function ratePlan(input: PlanInput | null | undefined): PlanSettings {
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

export const projectResolvers: ResolverMap = {
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
      const usage = await instanceUsage(ctx.parts, inst, range);
      return {
        projectId: inst.project_id,
        serviceId: inst.service_id,
        month: range.month,
        ...usage,
        byPlan: usage.byPlan.map((u) => ({ plan: plan(u.plan), calls: u.calls })),
      };
    },
    invoice: async (_p, args: { projectId: string; month?: string | null }, ctx) => {
      const proj = await ownProject(ctx, args.projectId);
      const range = monthRange(args.month);
      const bill = await invoice(ctx.parts, proj, range);
      return {
        projectId: proj.id,
        month: range.month,
        lines: bill.lines.map((l) => ({
          serviceId: l.instance.service_id,
          serviceName: l.instance.service_name,
          plan: plan(l.plan),
          calls: l.calls,
          billedCalls: l.billedCalls,
          total: l.total,
        })),
        totals: bill.totals,
      };
    },
  },
  Mutation: {
    createProject: async (_p, args: { name: string }, ctx) =>
      project(await createProject(ctx.parts, (await ctx.caller()).organizationId, projectName(args.name))),
    deleteProject: async (_p, args: { id: string; force?: boolean | null }, ctx) =>
      deleteProject(ctx.parts, await ownProject(ctx, args.id), args.force),
    addServiceToProject: async (_p, args: { projectId: string; serviceId: string; plan?: PlanInput | null }, ctx) => {
      const proj = await ownProject(ctx, args.projectId);
      const service = await ownService(ctx, args.serviceId);
      return instance(await addServiceToProject(ctx.parts, proj, service, ratePlan(args.plan)));
    },
    removeServiceFromProject: async (_p, args: { projectId: string; serviceId: string; dropDatabases?: boolean | null }, ctx) => {
      const row = await ownInstance(ctx, args.projectId, args.serviceId);
      if (!args.dropDatabases) {
        throw badInput(
          `Removing ${row.service_id} from ${row.project_id} drops its development, staging and production databases. Pass dropDatabases: true (CLI: -f) to confirm.`,
          'dropDatabases',
        );
      }
      await removeInstanceEverywhere(ctx.parts, row);
      return row.service_id;
    },
    promoteInstance: async (_p, args: { projectId: string; serviceId: string; from: string; to: string; force?: boolean | null }, ctx) => {
      const from = instanceEnvironmentName(args.from, 'from');
      const to = instanceEnvironmentName(args.to, 'to');
      const inst = await ownInstance(ctx, args.projectId, args.serviceId);
      const outcome = await promoteInstance(ctx.parts, await ctx.caller(), inst, from, to, args.force);
      return deploymentShape(ctx, outcome.id);
    },
    rollInstance: async (
      _p,
      args: { projectId: string; serviceId: string; environment: string; version: string; force?: boolean | null },
      ctx,
    ) => {
      const { instance: inst, env } = await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment);
      const outcome = await rollInstance(ctx.parts, await ctx.caller(), inst, env, args.version, args.force);
      return deploymentShape(ctx, outcome.id);
    },
    setRatePlan: async (_p, args: { projectId: string; serviceId: string; plan: PlanInput }, ctx) => {
      const inst = await ownInstance(ctx, args.projectId, args.serviceId);
      await setRatePlan(ctx.parts, inst, ratePlan(args.plan));
      return instance(inst);
    },
    addClientKey: async (_p, args: { projectId: string; name: string }, ctx) => {
      const proj = await ownProject(ctx, args.projectId);
      const name = args.name.normalize('NFC').trim();
      if (!name || name.length > 64)
        throw badInput('A client key needs a name of 1 to 64 characters (whose key it is, for example "acme-mobile").', 'name');
      const added = await addClientKey(ctx.parts, proj, name);
      return { clientKey: clientKey(added.row), key: added.key };
    },
    removeClientKey: async (_p, args: { projectId: string; id: string }, ctx) =>
      removeClientKey(ctx.parts, await ownProject(ctx, args.projectId), args.id),
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
      const { secret } = await setSecret(ctx.parts, env, args.name, args.value);
      return { name: secret.name, preview: secret.preview, updatedAt: secret.updated_at };
    },
    removeSecret: async (_p, args: { projectId: string; serviceId: string; environment: string; name: string }, ctx) => {
      const { env } = await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment);
      return removeSecret(ctx.parts, env, args.name);
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
