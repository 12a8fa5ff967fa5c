// The API's shapes of versions, deployments and environments, shared by the resolvers of services
// and of projects.
import { ApiError } from '../errors';
import { deploymentById } from '../store/deployments';
import { DeploymentView, EnvironmentName, EnvironmentView, VersionRow, versionsByIds } from '../store/services';
import type { ApiContext } from './context';

const ID_MAX = 128;

export const version = (row: VersionRow) => ({
  id: row.id,
  version: row.version,
  releaseNotes: row.release_notes,
  schemaHash: row.schema_hash,
  createdAt: row.created_at,
});
export const deployment = (d: DeploymentView, environment: EnvironmentName) => ({
  id: d.id,
  environment,
  status: d.status,
  version: version(d.version),
  error: d.error,
  createdAt: d.created_at,
  finishedAt: d.finished_at,
});
export const environment = (e: EnvironmentView) => ({
  /** Not in the schema: what `Environment.idle` asks the runtime about. */
  environmentId: e.id,
  name: e.name,
  endpointId: e.endpoint_id,
  path: `/s/${e.endpoint_id}/graphql`,
  status: e.latest?.status ?? null,
  currentVersion: e.current ? version(e.current.version) : null,
  latestDeployment: e.latest ? deployment(e.latest, e.name) : null,
});

/** One deployment of the caller's organization, or NOT_FOUND. */
export async function ownDeployment(ctx: ApiContext, id: string) {
  const caller = await ctx.caller();
  const row = id.length <= ID_MAX ? await deploymentById(ctx.db, caller.organizationId, id) : undefined;
  if (!row) throw new ApiError('NOT_FOUND', `No deployment "${id.slice(0, ID_MAX)}" in your organization.`, { id: id.slice(0, ID_MAX) });
  const [v] = await versionsByIds(ctx.db, [row.version_id]);
  return {
    id: row.id,
    environment: row.environment,
    status: row.status,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    version: version(v),
  };
}
