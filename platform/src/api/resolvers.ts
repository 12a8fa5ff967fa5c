// The resolvers of schema.graphql: accounts and services here, projects in projectResolvers.ts.
// Each checks its input, looks the caller's things up (services/own.ts), has the services layer do
// the work and shapes the answer; roles are checked around it (schema.ts).
import type { Session } from '../auth/auth';
import { badInput } from '../errors';
import { latestLogId, logsOf } from '../store/deployments';
import type { AccountRow, OrganizationRow } from '../store/accounts';
import { EnvironmentName, ServiceRow, servicesOf } from '../store/services';
import { ownInstanceEnvironment, ownService, ownServiceEnvironment } from '../services/own';
import { createService, removeService } from '../services/services';
import { promote } from '../services/deployments';
import type { ResolverMap } from './context';
import { projectResolvers } from './projectResolvers';
import { corsResolvers } from './corsResolvers';
import { parseRequestLine } from '../gateway/requestLog';
import { deploymentShape, environment, version } from './shapes';
import { usageResolvers } from './usageResolvers';
import { teamResolvers } from './teamResolvers';
import { sourceResolvers } from './sourceResolvers';

export type { ResolverMap } from './context';

export const SERVICE_NAME_MAX = 64;
const SERVICE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u;

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

const serviceResolvers: ResolverMap = {
  Query: {
    viewer: async (_p, _a, ctx) => {
      const v = await ctx.auth.viewer(await ctx.caller());
      return { account: account(v.account), organization: organization(v.organization) };
    },
    services: async (_p, _a, ctx) => (await servicesOf(ctx.db, (await ctx.caller()).organizationId)).map(service),
    service: async (_p, args: { id: string }, ctx) => service(await ownService(ctx, args.id)),
    deployment: async (_p, args: { id: string }, ctx) => deploymentShape(ctx, args.id),
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
          ? (await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment)).env
          : await ownServiceEnvironment(ctx, args.serviceId, args.environment);
      // Lines written a moment ago are in the store before they are read.
      await ctx.parts.logs.flush();
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
      const created = await createService(ctx.parts, caller.organizationId, serviceName(args.name));
      return { service: service(created.service), developerKey: created.developerKey };
    },
    removeService: async (_p, args: { id: string }, ctx) => removeService(ctx.parts, await ownService(ctx, args.id)),
    promote: async (_p, args: { serviceId: string; force?: boolean | null }, ctx) => {
      const row = await ownService(ctx, args.serviceId);
      const outcome = await promote(ctx.parts, await ctx.caller(), row, args.force);
      return deploymentShape(ctx, outcome.id);
    },
  },
  Service: {
    environments: async (parent: { id: string }, _a, ctx) => (await ctx.environments.load(parent.id)).map(environment),
    versions: async (parent: { id: string }, _a, ctx) => (await ctx.versions.load(parent.id)).map(version),
  },
  Environment: {
    idle: (parent: { environmentId: string }, _a, ctx) => ctx.parts.runtime.isIdle(parent.environmentId),
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
