// Services, their environments, versions and deployments in the store. Every read and write takes
// the caller's organization: a service of another organization is not found, never forbidden.
import { Queryable } from './db';
import { newEndpointId, newId, newServiceId } from './ids';

export const ENVIRONMENT_NAMES = ['private', 'demo'] as const;
/** A service's own environments, then a service-instance's. */
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number] | 'development' | 'staging' | 'production';
export type DeploymentStatus = 'DEPLOYMENT_INITIALIZED' | 'DEPLOYMENT_IN_PROGRESS' | 'DEPLOYED' | 'DEPLOYMENT_FAILED';

export interface ServiceRow {
  id: string;
  organization_id: string;
  name: string;
  created_at: Date;
}

export interface VersionRow {
  id: string;
  service_id: string;
  version: string;
  release_notes: string | null;
  schema_hash: string;
  created_at: Date;
}

export interface DeploymentView {
  id: string;
  status: DeploymentStatus;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
  version: VersionRow;
}

/** An environment with what it serves and its latest deployment attempt. */
export interface EnvironmentView {
  id: string;
  service_id: string;
  /** For a service-instance's environment. */
  instance_id: string | null;
  name: EnvironmentName;
  endpoint_id: string;
  created_at: Date;
  /** The deployment serving requests now, if any. */
  current: DeploymentView | null;
  /** The newest deployment, whatever its status (the same as `current` when that one is newest). */
  latest: DeploymentView | null;
}

const SERVICE_COLUMNS = 'id, organization_id, name, created_at';

export async function servicesOf(q: Queryable, organizationId: string): Promise<ServiceRow[]> {
  return q.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE organization_id = $1 ORDER BY created_at, id`, [
    organizationId,
  ]);
}

export async function serviceById(q: Queryable, organizationId: string, id: string): Promise<ServiceRow | undefined> {
  return (
    await q.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE organization_id = $1 AND id = $2`, [organizationId, id])
  )[0];
}

export async function serviceByName(q: Queryable, organizationId: string, name: string): Promise<ServiceRow | undefined> {
  return (
    await q.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM services WHERE organization_id = $1 AND lower(name) = lower($2)`, [
      organizationId,
      name,
    ])
  )[0];
}

/**
 * A new service with its private and demo environments; undefined when the organization already
 * has a service of that name. A serviceId that collides is drawn again.
 */
export async function insertService(
  tx: Queryable,
  organizationId: string,
  name: string,
  developerKeySha256: string,
): Promise<ServiceRow | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    // ON CONFLICT DO NOTHING, not a caught error: on PostgreSQL an error aborts the whole transaction.
    const rows = await tx.query<ServiceRow>(
      `INSERT INTO services (id, organization_id, name, developer_key_sha256) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING ${SERVICE_COLUMNS}`,
      [newServiceId(name), organizationId, name, developerKeySha256],
    );
    if (rows[0]) {
      for (const env of ENVIRONMENT_NAMES) {
        await tx.query('INSERT INTO environments (id, service_id, name, endpoint_id) VALUES ($1, $2, $3, $4)', [
          newId('env'),
          rows[0].id,
          env,
          newEndpointId(),
        ]);
      }
      return rows[0];
    }
    if (await serviceByName(tx, organizationId, name)) return undefined;
  }
  throw new Error('Could not draw a free serviceId in 5 attempts.');
}

/** Whether the service existed (in this organization) and is now gone, with its environments, versions and deployments. */
export async function deleteService(q: Queryable, organizationId: string, id: string): Promise<boolean> {
  const rows = await q.query('DELETE FROM services WHERE organization_id = $1 AND id = $2 RETURNING id', [organizationId, id]);
  return rows.length > 0;
}

const VERSION_COLUMNS = 'id, service_id, version, release_notes, schema_hash, created_at';

/** The versions of these services, newest first. */
export async function versionsOf(q: Queryable, organizationId: string, serviceIds: readonly string[]): Promise<VersionRow[]> {
  return q.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS.split(', ')
      .map((c) => `v.${c}`)
      .join(', ')}
       FROM versions v JOIN services s ON s.id = v.service_id AND s.organization_id = $1
      WHERE v.service_id = ANY($2)
      ORDER BY v.service_id, v.created_at DESC, v.id DESC`,
    [organizationId, serviceIds],
  );
}

/** Versions by id (the caller has checked they are its organization's). */
export async function versionsByIds(q: Queryable, ids: readonly string[]): Promise<VersionRow[]> {
  return q.query<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM versions WHERE id = ANY($1)`, [ids]);
}

type Flat = Record<string, unknown>;

/** The environments of these services (private first), each with its current and latest deployment. */
export async function environmentsOf(q: Queryable, organizationId: string, serviceIds: readonly string[]): Promise<EnvironmentView[]> {
  return environmentViews(q, organizationId, serviceIds, 'service');
}

/** The environments of these service-instances (development, staging, production). */
export async function instanceEnvironmentsOf(
  q: Queryable,
  organizationId: string,
  instanceIds: readonly string[],
): Promise<EnvironmentView[]> {
  return environmentViews(q, organizationId, instanceIds, 'instance');
}

async function environmentViews(
  q: Queryable,
  organizationId: string,
  ids: readonly string[],
  of: 'service' | 'instance',
): Promise<EnvironmentView[]> {
  const deploymentColumns = (d: string, v: string) =>
    [
      `${d}.id AS ${d}_id`,
      `${d}.status AS ${d}_status`,
      `${d}.error AS ${d}_error`,
      `${d}.created_at AS ${d}_created_at`,
      `${d}.finished_at AS ${d}_finished_at`,
      ...VERSION_COLUMNS.split(', ').map((c) => `${v}.${c} AS ${v}_${c}`),
    ].join(', ');
  const rows = await q.query<Flat>(
    `SELECT e.id, e.service_id, e.instance_id, e.name, e.endpoint_id, e.created_at, ${deploymentColumns('cur', 'cv')}, ${deploymentColumns('lat', 'lv')}
       FROM environments e
       JOIN services s ON s.id = e.service_id AND s.organization_id = $1
       LEFT JOIN deployments cur ON cur.id = e.current_deployment_id
       LEFT JOIN versions cv ON cv.id = cur.version_id
       LEFT JOIN LATERAL (
         SELECT * FROM deployments d WHERE d.environment_id = e.id ORDER BY d.created_at DESC, d.id DESC LIMIT 1
       ) lat ON true
       LEFT JOIN versions lv ON lv.id = lat.version_id
      WHERE ${of === 'service' ? 'e.service_id = ANY($2) AND e.instance_id IS NULL' : 'e.instance_id = ANY($2)'}
      ORDER BY ${of === 'service' ? 'e.service_id' : 'e.instance_id'},
               CASE e.name WHEN 'private' THEN 0 WHEN 'demo' THEN 1 WHEN 'development' THEN 2 WHEN 'staging' THEN 3 ELSE 4 END`,
    [organizationId, ids],
  );
  return rows.map((r) => ({
    id: r.id as string,
    service_id: r.service_id as string,
    instance_id: r.instance_id as string | null,
    name: r.name as EnvironmentName,
    endpoint_id: r.endpoint_id as string,
    created_at: r.created_at as Date,
    current: deploymentOf(r, 'cur', 'cv'),
    latest: deploymentOf(r, 'lat', 'lv'),
  }));
}

function deploymentOf(r: Flat, d: string, v: string): DeploymentView | null {
  if (r[`${d}_id`] == null) return null;
  const version = Object.fromEntries(VERSION_COLUMNS.split(', ').map((c) => [c, r[`${v}_${c}`]])) as unknown as VersionRow;
  return {
    id: r[`${d}_id`] as string,
    status: r[`${d}_status`] as DeploymentStatus,
    error: r[`${d}_error`] as string | null,
    created_at: r[`${d}_created_at`] as Date,
    finished_at: r[`${d}_finished_at`] as Date | null,
    version,
  };
}

/** Replaces a service's developer key (its sha256): the old key is refused from the next call. */
export async function setDeveloperKey(q: Queryable, serviceId: string, developerKeySha256: string): Promise<void> {
  await q.query('UPDATE services SET developer_key_sha256 = $2 WHERE id = $1', [serviceId, developerKeySha256]);
}
