// The resolvers of schema.graphql: accounts and services here, projects in projectResolvers.ts.
// Each root field checks the caller first; every store call takes the caller's organization.
import type { Session } from '../auth/auth';
import { newDeveloperKey, sha256 } from '../auth/tokens';
import { badInput, conflict, serviceNotFound } from '../errors';
import { environmentByName, environmentsOfService, latestLogId, logsOf } from '../store/deployments';
import { activeInstancesOfService } from '../store/projects';
import type { AccountRow, OrganizationRow } from '../store/accounts';
import { deleteService, EnvironmentName, insertService, serviceById, ServiceRow, servicesOf } from '../store/services';
import type { ApiContext } from './context';
import { ownInstanceEnvironment as instanceEnvironmentFor, projectResolvers } from './projectResolvers';
import { corsResolvers } from './corsResolvers';
import { parseRequestLine } from '../gateway/requestLog';
import { environment, ownDeployment, version } from './shapes';
import { guardVersionMove, usageResolvers } from './usageResolvers';
import { teamResolvers } from './teamResolvers';
import { sourceResolvers } from './sourceResolvers';

/** Field resolvers by type and field; schema.ts checks that every root field has one. */
export type ResolverMap = Record<string, Record<string, (parent: any, args: any, ctx: ApiContext) => unknown>>;

export const SERVICE_NAME_MAX = 64;
const SERVICE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;
/** Ids are short; a longer argument is no id of ours, and need not reach the store. */
const ID_MAX = 128;

const account = (row: AccountRow) => ({ id: row.id, email: row.email, createdAt: row.created_at });
const organization = (row: OrganizationRow) => ({ id: row.id, name: row.name, createdAt: row.created_at });
const session = (s: Session) => ({ token: s.token, account: account(s.account), organization: organization(s.organization) });
/** Service's own columns; its environments and versions come from the request's batch loaders. */
const service = (row: ServiceRow) => ({ id: row.id, name: row.name, createdAt: row.created_at });

export function serviceName(input: string): string {
  // NFC: a name typed as "e + combining accent" is the same name as one typed as "é".
  const name = input.normalize('NFC').trim();
  if (!name) throw badInput('A service needs a name (for example "blog").', 'name');
  if (name.length > SERVICE_NAME_MAX)
    throw badInput(`A service name has at most ${SERVICE_NAME_MAX} characters; this one has ${name.length}.`, 'name');
  if (!SERVICE_NAME.test(name))
    throw badInput(
      `"${name}" is not a service name: use letters, digits, spaces, ".", "-" and "_", starting with a letter or digit.`,
      'name',
    );
  return name;
}

async function serviceEnvironment(ctx: ApiContext, serviceId: string, name: EnvironmentName): Promise<{ id: string }> {
  const row = await ownService(ctx, serviceId);
  if (name !== 'private' && name !== 'demo')
    throw badInput(`A service's environments are private and demo; ${name} is a service-instance's (pass its projectId).`, 'environment');
  const env = await environmentByName(ctx.db, row.id, name);
  if (!env) throw serviceNotFound(serviceId);
  return env;
}

async function ownService(ctx: ApiContext, id: string): Promise<ServiceRow> {
  const caller = await ctx.caller();
  const row = id.length <= ID_MAX ? await serviceById(ctx.db, caller.organizationId, id) : undefined;
  if (!row) throw serviceNotFound(id.slice(0, ID_MAX));
  return row;
}

const serviceResolvers: ResolverMap = {
  Query: {
    viewer: async (_p, _a, ctx) => {
      const v = await ctx.auth.viewer(await ctx.caller());
      return { account: account(v.account), organization: organization(v.organization) };
    },
    services: async (_p, _a, ctx) => (await servicesOf(ctx.db, (await ctx.caller()).organizationId)).map(service),
    service: async (_p, args: { id: string }, ctx) => service(await ownService(ctx, args.id)),
    deployment: async (_p, args: { id: string }, ctx) => ownDeployment(ctx, args.id),
    logs: async (
      _p,
      args: { serviceId: string; environment: EnvironmentName; after?: string | null; limit?: number | null; projectId?: string | null },
      ctx,
    ) => {
      const limit = args.limit ?? 200;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badInput(`limit is 1 to 1000, not ${limit}.`, 'limit');
      const after = args.after ?? undefined;
      if (after !== undefined && !/^\d{1,18}$/.test(after))
        throw badInput('after takes the cursor of an earlier page of this log.', 'after');
      const env =
        args.projectId != null
          ? (await instanceEnvironmentFor(ctx, args.projectId, args.serviceId, args.environment)).env
          : await serviceEnvironment(ctx, args.serviceId, args.environment);
      // Lines written a moment ago are in the store before they are read.
      await ctx.logs.flush();
      const lines = await logsOf(ctx.db, env.id, after, limit);
      return {
        lines: lines.map((l) => ({
          id: l.id,
          at: l.at,
          deploymentId: l.deployment_id,
          stream: l.stream,
          message: l.message,
          request: l.stream === 'request' ? (parseRequestLine(l.message) ?? null) : null,
        })),
        cursor: lines.length ? lines[lines.length - 1].id : (after ?? (await latestLogId(ctx.db, env.id))),
      };
    },
  },
  Mutation: {
    signup: async (_p, args: { email: string; password: string }, ctx) =>
      session(await ctx.throttled(() => ctx.auth.signup(args.email, args.password, ctx.clientAddress))),
    login: async (_p, args: { email: string; password: string }, ctx) =>
      session(await ctx.throttled(() => ctx.auth.login(args.email, args.password, ctx.clientAddress))),
    logout: async (_p, _a, ctx) => {
      await ctx.auth.logout(await ctx.account());
      return true;
    },
    createService: async (_p, args: { name: string }, ctx) => {
      const caller = await ctx.caller();
      const name = serviceName(args.name);
      const developerKey = newDeveloperKey();
      const row = await ctx.db.transaction((tx) => insertService(tx, caller.organizationId, name, sha256(developerKey)));
      if (!row) throw conflict(`You already have a service named "${name}". Choose another name, or use that service.`);
      return { service: service(row), developerKey };
    },
    removeService: async (_p, args: { id: string }, ctx) => {
      const row = await ownService(ctx, args.id);
      const active = await activeInstancesOfService(ctx.db, row.id);
      if (active.length) {
        throw conflict(
          `${row.id} is in project(s) ${[...new Set(active.map((a) => a.project_id))].join(', ')}: remove it from them first (\`codestore project:service:remove -p <project> -s ${row.id} -f\`).`,
        );
      }
      const envs = await environmentsOfService(ctx.db, row.id);
      const instances = await ctx.db.query<{ id: string }>('SELECT id FROM instances WHERE service_id = $1', [row.id]);
      if (!(await deleteService(ctx.db, row.organization_id, row.id))) throw serviceNotFound(args.id);
      for (const i of instances) ctx.meter.forget(i.id);
      ctx.gateway.forget(envs.map((e) => e.endpoint_id));
      await ctx.runtime.removeEnvironments(envs.map((e) => e.id));
      await ctx.runtime.removeServiceFiles(row.id);
      return row.id;
    },
    promote: async (_p, args: { serviceId: string; force?: boolean | null }, ctx) => {
      const row = await ownService(ctx, args.serviceId);
      const from = await environmentByName(ctx.db, row.id, 'private');
      if (!from?.current_version_id) {
        throw badInput(
          `Nothing serves ${row.id}'s private environment yet: push it first (\`codestore push\`), then promote.`,
          'serviceId',
        );
      }
      const demo = await environmentByName(ctx.db, row.id, 'demo');
      if (demo)
        await guardVersionMove(
          ctx,
          { id: demo.id, currentVersionId: demo.current_version_id, label: `${row.id}'s demo environment` },
          from.current_version_id,
          args.force,
          'pass force: true (CLI: `codestore promote --force`)',
        );
      const outcome = await ctx.runtime.deploy(row.id, 'demo', from.current_version_id);
      return ownDeployment(ctx, outcome.id);
    },
  },
  Service: {
    environments: async (parent: { id: string }, _a, ctx) => (await ctx.environments.load(parent.id)).map(environment),
    versions: async (parent: { id: string }, _a, ctx) => (await ctx.versions.load(parent.id)).map(version),
  },
  Environment: {
    idle: (parent: { environmentId: string }, _a, ctx) => ctx.runtime.isIdle(parent.environmentId),
  },
};

/** Every resolver of the API: services', then projects', then the gateway's settings. */
export const resolvers: ResolverMap = Object.fromEntries(
  [
    ...new Set([
      ...Object.keys(serviceResolvers),
      ...Object.keys(projectResolvers),
      ...Object.keys(corsResolvers),
      ...Object.keys(usageResolvers),
      ...Object.keys(teamResolvers),
      ...Object.keys(sourceResolvers),
    ]),
  ].map((type) => [
    type,
    {
      ...serviceResolvers[type],
      ...projectResolvers[type],
      ...corsResolvers[type],
      ...usageResolvers[type],
      ...teamResolvers[type],
      ...sourceResolvers[type],
    },
  ]),
);
