// Deployments and environments as the runtime sees them: what each environment serves, the
// deployment attempts and their statuses, and the gateway's view of an endpoint. Calls that take
// an organization id answer only within it; the runtime's own calls (restore, gateway) take ids
// the platform itself resolved.
import { Queryable } from './db';
import { newId } from './ids';
import type { DeploymentStatus, EnvironmentName } from './services';

/** What the runtime needs to run an environment's deployment. */
export interface RunnableDeployment {
  deployment_id: string;
  environment_id: string;
  environment: EnvironmentName;
  endpoint_id: string;
  service_id: string;
  version: string;
  build_path: string;
}

/** The gateway's view of an endpoint. */
export interface EndpointRoute {
  environment_id: string;
  environment: EnvironmentName;
  service_id: string;
  developer_key_sha256: string;
  /** For a service-instance's environment. */
  instance_id: string | null;
  project_id: string | null;
}

export async function insertDeployment(q: Queryable, environmentId: string, versionId: string): Promise<string> {
  const id = newId('dep');
  await q.query(`INSERT INTO deployments (id, environment_id, version_id, status) VALUES ($1, $2, $3, 'DEPLOYMENT_INITIALIZED')`, [
    id,
    environmentId,
    versionId,
  ]);
  return id;
}

export async function setDeploymentStatus(q: Queryable, id: string, status: DeploymentStatus, error: string | null = null): Promise<void> {
  const finished = status === 'DEPLOYED' || status === 'DEPLOYMENT_FAILED';
  await q.query(
    `UPDATE deployments SET status = $2, error = $3, finished_at = CASE WHEN $4::boolean THEN clock_timestamp() ELSE finished_at END WHERE id = $1`,
    [id, status, error, finished],
  );
}

/** The deployment is DEPLOYED and its environment's current one, in one transaction. */
export async function markDeployed(q: Queryable, environmentId: string, deploymentId: string): Promise<void> {
  await setDeploymentStatus(q, deploymentId, 'DEPLOYED');
  await q.query('UPDATE environments SET current_deployment_id = $2 WHERE id = $1', [environmentId, deploymentId]);
}

const RUNNABLE = `SELECT d.id AS deployment_id, e.id AS environment_id, e.name AS environment, e.endpoint_id, e.service_id,
                         v.version, v.build_path
                    FROM deployments d
                    JOIN environments e ON e.id = d.environment_id
                    JOIN versions v ON v.id = d.version_id`;

/** Every environment's current deployment: what a platform start brings back. */
export async function currentDeployments(q: Queryable): Promise<RunnableDeployment[]> {
  return q.query<RunnableDeployment>(`${RUNNABLE} WHERE e.current_deployment_id = d.id ORDER BY e.created_at, e.id`);
}

/** Deployments a stopped platform left unfinished, with what their environment serves instead. */
export async function unfinishedDeployments(q: Queryable): Promise<Array<RunnableDeployment & { current_build_path: string | null }>> {
  return q.query(
    `SELECT x.*, cv.build_path AS current_build_path FROM (${RUNNABLE} WHERE d.status IN ('DEPLOYMENT_INITIALIZED', 'DEPLOYMENT_IN_PROGRESS')) x
       JOIN environments e2 ON e2.id = x.environment_id
       LEFT JOIN deployments cd ON cd.id = e2.current_deployment_id
       LEFT JOIN versions cv ON cv.id = cd.version_id
      ORDER BY x.deployment_id`,
  );
}

export async function runnableDeployment(q: Queryable, deploymentId: string): Promise<RunnableDeployment | undefined> {
  return (await q.query<RunnableDeployment>(`${RUNNABLE} WHERE d.id = $1`, [deploymentId]))[0];
}

export async function endpointRoute(q: Queryable, endpointId: string): Promise<EndpointRoute | undefined> {
  return (
    await q.query<EndpointRoute>(
      `SELECT e.id AS environment_id, e.name AS environment, e.service_id, s.developer_key_sha256, e.instance_id, i.project_id
       FROM environments e JOIN services s ON s.id = e.service_id LEFT JOIN instances i ON i.id = e.instance_id
      WHERE e.endpoint_id = $1`,
      [endpointId],
    )
  )[0];
}

export interface EnvironmentRow {
  id: string;
  service_id: string;
  name: EnvironmentName;
  endpoint_id: string;
  current_deployment_id: string | null;
  /** The version the current deployment runs. */
  current_version_id: string | null;
}

/** A service's environment by name; the service must already be resolved within the caller's organization. */
export async function environmentByName(q: Queryable, serviceId: string, name: EnvironmentName): Promise<EnvironmentRow | undefined> {
  return (
    await q.query<EnvironmentRow>(
      `SELECT e.id, e.service_id, e.name, e.endpoint_id, e.current_deployment_id, d.version_id AS current_version_id
       FROM environments e LEFT JOIN deployments d ON d.id = e.current_deployment_id
      WHERE e.service_id = $1 AND e.name = $2 AND e.instance_id IS NULL`,
      [serviceId, name],
    )
  )[0];
}

/** Every environment of a service, its instances' included. */
export async function environmentsOfService(q: Queryable, serviceId: string): Promise<Array<{ id: string; endpoint_id: string }>> {
  return q.query('SELECT id, endpoint_id FROM environments WHERE service_id = $1', [serviceId]);
}

export interface DeploymentRow {
  id: string;
  environment: EnvironmentName;
  service_id: string;
  status: DeploymentStatus;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
  version_id: string;
}

/** One deployment, within the caller's organization. */
export async function deploymentById(q: Queryable, organizationId: string, id: string): Promise<DeploymentRow | undefined> {
  return (
    await q.query<DeploymentRow>(
      `SELECT d.id, e.name AS environment, e.service_id, d.status, d.error, d.created_at, d.finished_at, d.version_id
       FROM deployments d JOIN environments e ON e.id = d.environment_id JOIN services s ON s.id = e.service_id
      WHERE s.organization_id = $1 AND d.id = $2`,
      [organizationId, id],
    )
  )[0];
}

export type LogStream = 'stdout' | 'stderr' | 'request' | 'platform';

export interface LogLine {
  environment_id: string;
  deployment_id: string | null;
  at: Date;
  stream: LogStream;
  message: string;
}

export interface LogRow extends LogLine {
  id: string;
}

/** Appends lines in one statement. */
export async function insertLogs(q: Queryable, lines: readonly LogLine[]): Promise<void> {
  if (!lines.length) return;
  const values: unknown[] = [];
  const rows = lines.map((l, i) => {
    values.push(l.environment_id, l.deployment_id, l.at, l.stream, l.message);
    const b = i * 5;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
  });
  await q.query(`INSERT INTO logs (environment_id, deployment_id, at, stream, message) VALUES ${rows.join(', ')}`, values);
}

/**
 * Lines of an environment after the line `after` (exclusive), oldest first; without `after`, the
 * newest `limit`. (`ORDER BY logs.id`: a bare `id` would be the text output column.)
 */
export async function logsOf(q: Queryable, environmentId: string, after: string | undefined, limit: number): Promise<LogRow[]> {
  if (after !== undefined) {
    return q.query<LogRow>(
      `SELECT id::text AS id, environment_id, deployment_id, at, stream, message FROM logs
        WHERE environment_id = $1 AND id > $2::bigint ORDER BY logs.id LIMIT $3`,
      [environmentId, after, limit],
    );
  }
  const rows = await q.query<LogRow>(
    `SELECT id::text AS id, environment_id, deployment_id, at, stream, message FROM logs
      WHERE environment_id = $1 ORDER BY logs.id DESC LIMIT $2`,
    [environmentId, limit],
  );
  return rows.reverse();
}

/** The id of an environment's newest line, or null when it has none. */
export async function latestLogId(q: Queryable, environmentId: string): Promise<string | null> {
  const rows = await q.query<{ id: string }>('SELECT id::text AS id FROM logs WHERE environment_id = $1 ORDER BY logs.id DESC LIMIT 1', [
    environmentId,
  ]);
  return rows[0]?.id ?? null;
}

/** Keeps the newest `keep` lines of an environment. */
export async function trimLogs(q: Queryable, environmentId: string, keep: number): Promise<void> {
  await q.query(
    `DELETE FROM logs WHERE environment_id = $1 AND id <= (
       SELECT id FROM logs WHERE environment_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)`,
    [environmentId, keep],
  );
}
