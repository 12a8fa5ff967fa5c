// Schema usage and schema checks: what the clients of a service's environments call (for the
// editor) and a candidate schema checked against each environment (for `codestore schema:check`).
// The guard on version moves is the services layer's (services/deployments.ts).
import type { GraphQLError, GraphQLSchema } from 'graphql';
import { servedSchema } from '../../../core/src/usage/servedSchema';
import { badInput } from '../errors';
import { instancesOf, instanceEnvironments, projectsOf } from '../store/projects';
import { environmentByName } from '../store/deployments';
import { schemaUsageOf } from '../store/schemaUsage';
import { versionById } from '../store/versions';
import { ownProject, ownService } from '../services/own';
import { changeView, checkEnvironment, DEFAULT_CHECK_DAYS, EnvironmentCheck, MAX_CHECK_DAYS } from '../usage/schemaCheck';
import { versionSchemasOf } from '../usage/versions';
import type { ApiContext, ResolverMap } from './context';

/** One environment a service's versions serve in: its own two, and those of its instances. */
interface ServedEnvironment {
  id: string;
  name: string;
  projectId?: string;
  currentVersionId: string | null;
}

async function versionNumber(ctx: ApiContext, versionId: string | null): Promise<string | null> {
  return versionId ? ((await versionById(ctx.db, versionId))?.version ?? null) : null;
}

function days(input: number | null | undefined): number {
  const n = input ?? DEFAULT_CHECK_DAYS;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CHECK_DAYS)
    throw badInput(`days is a whole number from 1 to ${MAX_CHECK_DAYS} (usage is kept ${MAX_CHECK_DAYS} days).`, 'days');
  return n;
}

async function environmentsOf(
  ctx: ApiContext,
  serviceId: string,
  filter: { projectId?: string | null; environment?: string | null },
): Promise<ServedEnvironment[]> {
  const caller = await ctx.caller();
  const out: ServedEnvironment[] = [];
  if (!filter.projectId) {
    for (const name of ['private', 'demo'] as const) {
      if (filter.environment && filter.environment !== name) continue;
      const env = await environmentByName(ctx.db, serviceId, name);
      if (env) out.push({ id: env.id, name, currentVersionId: env.current_version_id });
    }
  }
  const projects = filter.projectId ? [await ownProject(ctx, filter.projectId)] : await projectsOf(ctx.db, caller.organizationId);
  const instances = (
    await instancesOf(
      ctx.db,
      caller.organizationId,
      projects.map((p) => p.id),
    )
  ).filter((i) => i.service_id === serviceId);
  for (const inst of instances) {
    for (const env of await instanceEnvironments(ctx.db, inst.id)) {
      if (filter.environment && filter.environment !== env.name) continue;
      out.push({ id: env.id, name: env.name, projectId: inst.project_id, currentVersionId: env.current_version_id });
    }
  }
  return out;
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
      await ctx.parts.usage?.flush();
      const schemas = versionSchemasOf(ctx.db);
      const out = [];
      for (const env of await environmentsOf(ctx, service.id, args)) {
        out.push(await checkShape(ctx, env, await checkEnvironment(ctx.db, schemas, env.id, env.currentVersionId, candidate, window)));
      }
      return out;
    },
    schemaUsage: async (_p, args: { serviceId: string; days?: number | null }, ctx) => {
      const service = await ownService(ctx, args.serviceId);
      const window = days(args.days);
      const envs = await environmentsOf(ctx, service.id, {});
      await ctx.parts.usage?.flush();
      const rows = await schemaUsageOf(
        ctx.db,
        envs.map((e) => e.id),
        window,
      );
      const schemas = versionSchemasOf(ctx.db);
      const out = [];
      for (const env of envs) {
        const byCoordinate = new Map<string, { calls: number; clients: Set<string>; operations: Map<string, number> }>();
        for (const r of rows) {
          if (r.environment_id !== env.id) continue;
          let u = byCoordinate.get(r.coordinate);
          if (!u) byCoordinate.set(r.coordinate, (u = { calls: 0, clients: new Set(), operations: new Map() }));
          u.calls += r.calls;
          u.clients.add(r.client);
          const op = r.operation_name ?? `anonymous ${r.operation_hash.slice(0, 8)}`;
          u.operations.set(op, (u.operations.get(op) ?? 0) + r.calls);
        }
        const operations = new Map<string, { name: string | null; hash: string; client: string; calls: number; coordinates: string[] }>();
        for (const r of rows) {
          if (r.environment_id !== env.id) continue;
          const key = `${r.operation_hash}\u0000${r.client}`;
          let op = operations.get(key);
          if (!op)
            operations.set(key, (op = { name: r.operation_name, hash: r.operation_hash, client: r.client, calls: 0, coordinates: [] }));
          // Every call of an operation used each of its coordinates once: its calls are any row's.
          op.calls = Math.max(op.calls, r.calls);
          op.coordinates.push(r.coordinate);
        }
        out.push({
          operations: [...operations.values()]
            .map((o) => ({ ...o, coordinates: o.coordinates.sort() }))
            .sort((a, b) => b.calls - a.calls || a.hash.localeCompare(b.hash)),
          environment: env.name,
          projectId: env.projectId ?? null,
          servedVersion: await versionNumber(ctx, env.currentVersionId),
          days: window,
          schema: env.currentVersionId ? ((await schemas.sdlOf(env.currentVersionId)) ?? null) : null,
          coordinates: [...byCoordinate]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([coordinate, u]) => ({
              coordinate,
              calls: u.calls,
              clients: [...u.clients].sort(),
              operations: [...u.operations].sort((a, b) => b[1] - a[1]).map(([name]) => name),
            })),
        });
      }
      return out;
    },
  },
};
