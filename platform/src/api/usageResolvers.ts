// Schema usage and schema checks: what the clients of a service's environments call (for the
// editor) and a candidate schema checked against each environment (for `codestore schema:check`).
// The work is services/schemaUsage.ts's; the guard on version moves is services/deployments.ts's.
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { servedSchema } from '../../../core/src/usage/servedSchema';
import { badInput } from '../errors';
import { versionById } from '../store/versions';
import { ownService } from '../services/own';
import { checkAgainst, ServedEnvironment, servedEnvironments, usageByEnvironment } from '../services/schemaUsage';
import { changeView, DEFAULT_CHECK_DAYS, EnvironmentCheck, MAX_CHECK_DAYS } from '../usage/schemaCheck';
import type { ApiContext, ResolverMap } from './context';

async function versionNumber(ctx: ApiContext, versionId: string | null): Promise<string | null> {
  return versionId ? ((await versionById(ctx.db, versionId))?.version ?? null) : null;
}

function days(input: number | null | undefined): number {
  const n = input ?? DEFAULT_CHECK_DAYS;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CHECK_DAYS)
    throw badInput(`days is a whole number from 1 to ${MAX_CHECK_DAYS} (usage is kept ${MAX_CHECK_DAYS} days).`, 'days');
  return n;
}

async function checkShape(ctx: ApiContext, env: ServedEnvironment, check: EnvironmentCheck) {
  return {
    environment: env.name,
    projectId: env.projectId ?? null,
    servedVersion: await versionNumber(ctx, env.currentVersionId),
    days: check.days,
    changes: check.changes.map((c) => changeView(c, check.days)),
    breaking: check.blocking.length > 0,
  };
}

export const usageResolvers: ResolverMap = {
  Query: {
    schemaCheck: async (
      _p,
      args: { serviceId: string; schema: string; projectId?: string | null; environment?: string | null; days?: number | null },
      ctx,
    ) => {
      const service = await ownService(ctx, args.serviceId);
      const window = days(args.days);
      let candidate: GraphQLSchema;
      try {
        candidate = servedSchema(args.schema);
      } catch (e) {
        throw badInput(
          `The schema does not parse: ${(e as GraphQLError).message}. Fix it (the editor shows where), then check again.`,
          'schema',
        );
      }
      const checks = await checkAgainst(ctx.parts, await servedEnvironments(ctx, service.id, args), candidate, window);
      const out = [];
      for (const { env, check } of checks) out.push(await checkShape(ctx, env, check));
      return out;
    },
    schemaUsage: async (_p, args: { serviceId: string; days?: number | null }, ctx) => {
      const service = await ownService(ctx, args.serviceId);
      const window = days(args.days);
      const usage = await usageByEnvironment(ctx.parts, await servedEnvironments(ctx, service.id), window);
      const out = [];
      for (const u of usage) {
        out.push({
          operations: u.operations,
          environment: u.env.name,
          projectId: u.env.projectId ?? null,
          servedVersion: await versionNumber(ctx, u.env.currentVersionId),
          days: window,
          schema: u.schema,
          coordinates: u.coordinates,
        });
      }
      return out;
    },
  },
};
