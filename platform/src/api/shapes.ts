// The API's shapes of versions, deployments and environments, shared by the resolvers of services
// and of projects.
import { ownDeployment } from '../services/own';
import { DeploymentView, EnvironmentName, EnvironmentView, VersionRow, versionsByIds } from '../store/services';
import type { ApiContext } from './context';

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

/** One deployment of the caller's organization as the API shows it, or NOT_FOUND. */
export async function deploymentShape(ctx: ApiContext, id: string) {
  const row = await ownDeployment(ctx, id);
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
