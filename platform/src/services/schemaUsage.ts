// What the clients of a service's environments call, and a candidate schema checked against it:
// the environments a service's versions serve in (its own two and its instances' in the caller's
// projects), the recorder flushed before the store is read, usage added up per coordinate and per
// operation. The caller has resolved the service (services/own.ts).
import type { GraphQLSchema } from 'graphql';
import type { ServiceParts } from '../parts';
import { environmentByName } from '../store/deployments';
import { instanceEnvironments, instancesOf, projectsOf } from '../store/projects';
import { schemaUsageOf } from '../store/schemaUsage';
import { checkEnvironment, EnvironmentCheck } from '../usage/schemaCheck';
import { versionSchemasOf } from '../usage/versions';
import { ownProject, Scope } from './own';

/** One environment a service's versions serve in: its own two, and those of its instances. */
export interface ServedEnvironment {
  id: string;
  name: string;
  projectId?: string;
  currentVersionId: string | null;
}

/** The service's environments, optionally only one project's and/or one name's. */
export async function servedEnvironments(
  scope: Scope,
  serviceId: string,
  filter: { projectId?: string | null; environment?: string | null } = {},
): Promise<ServedEnvironment[]> {
  const { organizationId } = await scope.caller();
  const out: ServedEnvironment[] = [];
  if (!filter.projectId) {
    for (const name of ['private', 'demo'] as const) {
      if (filter.environment && filter.environment !== name) continue;
      const env = await environmentByName(scope.db, serviceId, name);
      if (env) out.push({ id: env.id, name, currentVersionId: env.current_version_id });
    }
  }
  const projects = filter.projectId ? [await ownProject(scope, filter.projectId)] : await projectsOf(scope.db, organizationId);
  const instances = (
    await instancesOf(
      scope.db,
      organizationId,
      projects.map((p) => p.id),
    )
  ).filter((i) => i.service_id === serviceId);
  for (const inst of instances) {
    for (const env of await instanceEnvironments(scope.db, inst.id)) {
      if (filter.environment && filter.environment !== env.name) continue;
      out.push({ id: env.id, name: env.name, projectId: inst.project_id, currentVersionId: env.current_version_id });
    }
  }
  return out;
}

/** `candidate` checked against what each environment serves and its usage over `days`. */
export async function checkAgainst(
  parts: Pick<ServiceParts, 'db' | 'usage'>,
  envs: readonly ServedEnvironment[],
  candidate: GraphQLSchema,
  days: number,
): Promise<Array<{ env: ServedEnvironment; check: EnvironmentCheck }>> {
  await parts.usage?.flush();
  const schemas = versionSchemasOf(parts.db);
  const out = [];
  for (const env of envs)
    out.push({ env, check: await checkEnvironment(parts.db, schemas, env.id, env.currentVersionId, candidate, days) });
  return out;
}

export interface CoordinateUsage {
  coordinate: string;
  calls: number;
  clients: string[];
  /** Operation names (or `anonymous <hash>`), most called first. */
  operations: string[];
}

export interface OperationUsage {
  name: string | null;
  hash: string;
  client: string;
  calls: number;
  coordinates: string[];
}

/** Each environment's usage over `days`: by coordinate (sorted) and by operation and client (most called first), with the SDL it serves. */
export async function usageByEnvironment(
  parts: Pick<ServiceParts, 'db' | 'usage'>,
  envs: readonly ServedEnvironment[],
  days: number,
): Promise<Array<{ env: ServedEnvironment; coordinates: CoordinateUsage[]; operations: OperationUsage[]; schema: string | null }>> {
  await parts.usage?.flush();
  const rows = await schemaUsageOf(
    parts.db,
    envs.map((e) => e.id),
    days,
  );
  const schemas = versionSchemasOf(parts.db);
  const out = [];
  for (const env of envs) {
    const byCoordinate = new Map<string, { calls: number; clients: Set<string>; operations: Map<string, number> }>();
    const operations = new Map<string, OperationUsage>();
    for (const r of rows) {
      if (r.environment_id !== env.id) continue;
      let u = byCoordinate.get(r.coordinate);
      if (!u) byCoordinate.set(r.coordinate, (u = { calls: 0, clients: new Set(), operations: new Map() }));
      u.calls += r.calls;
      u.clients.add(r.client);
      const name = r.operation_name ?? `anonymous ${r.operation_hash.slice(0, 8)}`;
      u.operations.set(name, (u.operations.get(name) ?? 0) + r.calls);
      const key = `${r.operation_hash}\u0000${r.client}`;
      let op = operations.get(key);
      if (!op) operations.set(key, (op = { name: r.operation_name, hash: r.operation_hash, client: r.client, calls: 0, coordinates: [] }));
      // Every call of an operation used each of its coordinates once: its calls are any row's.
      op.calls = Math.max(op.calls, r.calls);
      op.coordinates.push(r.coordinate);
    }
    out.push({
      env,
      operations: [...operations.values()]
        .map((o) => ({ ...o, coordinates: o.coordinates.sort() }))
        .sort((a, b) => b.calls - a.calls || a.hash.localeCompare(b.hash)),
      coordinates: [...byCoordinate]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([coordinate, u]) => ({
          coordinate,
          calls: u.calls,
          clients: [...u.clients].sort(),
          operations: [...u.operations].sort((a, b) => b[1] - a[1]).map(([name]) => name),
        })),
      schema: env.currentVersionId ? ((await schemas.sdlOf(env.currentVersionId)) ?? null) : null,
    });
  }
  return out;
}
