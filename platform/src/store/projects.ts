// Projects, their service-instances (each with development, staging and production
// environments), client keys, secrets and rate plans. Every read and write takes the caller's
// organization: another organization's project is not found, never forbidden.
import { Queryable } from './db';
import { newEndpointId, newId, newServiceId, randomChars } from './ids';
import type { EnvironmentName } from './services';

export const INSTANCE_ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export type InstanceEnvironment = (typeof INSTANCE_ENVIRONMENTS)[number];
export type BillingType = 'NOT_BILLABLE' | 'MONTHLY' | 'PAY_PER_CALL';

export interface ProjectRow {
  id: string;
  organization_id: string;
  name: string;
  created_at: Date;
}
export interface InstanceRow {
  id: string;
  project_id: string;
  service_id: string;
  service_name: string;
  created_at: Date;
  removed_at: Date | null;
}
export interface RatePlanRow {
  id: string;
  instance_id: string;
  billing_type: BillingType;
  amount: string;
  currency: string;
  free_calls: number;
  effective_from: Date;
  rate_limit: number | null;
  rate_period: 'second' | 'minute' | null;
  quota: number | null;
  quota_overage: boolean;
}

/** A plan's rate limit per client key and monthly quota (with overage billed, for PAY_PER_CALL). */
export interface PlanLimitsInput {
  rateLimit?: { calls: number; per: 'second' | 'minute' };
  quota?: number;
  quotaOverage?: boolean;
}
export interface ClientKeyRow {
  id: string;
  project_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}
export interface SecretRow {
  environment_id: string;
  name: string;
  sealed: string;
  preview: string;
  updated_at: Date;
}

const PROJECT_COLUMNS = 'id, organization_id, name, created_at';

export async function projectsOf(q: Queryable, organizationId: string): Promise<ProjectRow[]> {
  return q.query<ProjectRow>(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE organization_id = $1 ORDER BY created_at, id`, [
    organizationId,
  ]);
}

export async function projectById(q: Queryable, organizationId: string, id: string): Promise<ProjectRow | undefined> {
  return (
    await q.query<ProjectRow>(`SELECT ${PROJECT_COLUMNS} FROM projects WHERE organization_id = $1 AND id = $2`, [organizationId, id])
  )[0];
}

/** A new project; undefined when the organization has one of that name. A colliding id is drawn again. */
export async function insertProject(q: Queryable, organizationId: string, name: string): Promise<ProjectRow | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rows = await q.query<ProjectRow>(
      `INSERT INTO projects (id, organization_id, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING ${PROJECT_COLUMNS}`,
      [newServiceId(name), organizationId, name],
    );
    if (rows[0]) return rows[0];
    const same = await q.query('SELECT 1 FROM projects WHERE organization_id = $1 AND lower(name) = lower($2)', [organizationId, name]);
    if (same.length) return undefined;
  }
  throw new Error('Could not draw a free project id in 5 attempts.');
}

export async function deleteProject(q: Queryable, organizationId: string, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM projects WHERE organization_id = $1 AND id = $2 RETURNING id', [organizationId, id])).length > 0;
}

const INSTANCE_SELECT = `SELECT i.id, i.project_id, i.service_id, s.name AS service_name, i.created_at, i.removed_at
                           FROM instances i JOIN services s ON s.id = i.service_id JOIN projects p ON p.id = i.project_id`;

/** The instances of these projects, oldest first; with `removed`, those removed too (for invoices). */
export async function instancesOf(
  q: Queryable,
  organizationId: string,
  projectIds: readonly string[],
  removed = false,
): Promise<InstanceRow[]> {
  return q.query<InstanceRow>(
    `${INSTANCE_SELECT} WHERE p.organization_id = $1 AND i.project_id = ANY($2) ${removed ? '' : 'AND i.removed_at IS NULL'} ORDER BY i.project_id, i.created_at, i.id`,
    [organizationId, projectIds],
  );
}

export async function instanceOf(
  q: Queryable,
  organizationId: string,
  projectId: string,
  serviceId: string,
): Promise<InstanceRow | undefined> {
  return (
    await q.query<InstanceRow>(
      `${INSTANCE_SELECT} WHERE p.organization_id = $1 AND i.project_id = $2 AND i.service_id = $3 AND i.removed_at IS NULL`,
      [organizationId, projectId, serviceId],
    )
  )[0];
}

/** A new instance with its three environments and first rate plan; undefined when the project has the service already. */
export async function insertInstance(
  tx: Queryable,
  projectId: string,
  serviceId: string,
  plan: { billingType: BillingType; amount: number; currency: string; freeCalls: number } & PlanLimitsInput,
): Promise<string | undefined> {
  const id = newId('ins');
  const rows = await tx.query(
    'INSERT INTO instances (id, project_id, service_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id',
    [id, projectId, serviceId],
  );
  if (!rows.length) return undefined;
  for (const env of INSTANCE_ENVIRONMENTS) {
    await tx.query('INSERT INTO environments (id, service_id, instance_id, name, endpoint_id) VALUES ($1, $2, $3, $4, $5)', [
      newId('env'),
      serviceId,
      id,
      env,
      newEndpointId(),
    ]);
  }
  await insertRatePlan(tx, id, plan);
  return id;
}

export async function insertRatePlan(
  q: Queryable,
  instanceId: string,
  plan: { billingType: BillingType; amount: number; currency: string; freeCalls: number } & PlanLimitsInput,
): Promise<RatePlanRow> {
  const [row] = await q.query<RatePlanRow>(
    `INSERT INTO rate_plans (id, instance_id, billing_type, amount, currency, free_calls, rate_limit, rate_period, quota, quota_overage) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     RETURNING id, instance_id, billing_type, amount::text AS amount, currency, free_calls, effective_from, rate_limit, rate_period, quota, quota_overage`,
    [
      newId('pln'),
      instanceId,
      plan.billingType,
      plan.amount,
      plan.currency,
      plan.freeCalls,
      plan.rateLimit?.calls ?? null,
      plan.rateLimit?.per ?? null,
      plan.quota ?? null,
      plan.quotaOverage ?? false,
    ],
  );
  return row;
}

/** Every plan of these instances, newest first. */
export async function ratePlansOf(q: Queryable, instanceIds: readonly string[]): Promise<RatePlanRow[]> {
  return q.query<RatePlanRow>(
    `SELECT id, instance_id, billing_type, amount::text AS amount, currency, free_calls, effective_from, rate_limit, rate_period, quota, quota_overage
       FROM rate_plans WHERE instance_id = ANY($1) ORDER BY instance_id, effective_from DESC, id DESC`,
    [instanceIds],
  );
}

export interface InstanceEnvironmentRow {
  id: string;
  instance_id: string;
  name: InstanceEnvironment;
  endpoint_id: string;
  current_version_id: string | null;
}

export async function instanceEnvironments(q: Queryable, instanceId: string): Promise<InstanceEnvironmentRow[]> {
  return q.query<InstanceEnvironmentRow>(
    `SELECT e.id, e.instance_id, e.name, e.endpoint_id, d.version_id AS current_version_id
       FROM environments e LEFT JOIN deployments d ON d.id = e.current_deployment_id
      WHERE e.instance_id = $1
      ORDER BY CASE e.name WHEN 'development' THEN 0 WHEN 'staging' THEN 1 ELSE 2 END`,
    [instanceId],
  );
}

export async function environmentIdsOfProject(q: Queryable, projectId: string): Promise<Array<{ id: string; endpoint_id: string }>> {
  return q.query('SELECT e.id, e.endpoint_id FROM environments e JOIN instances i ON i.id = e.instance_id WHERE i.project_id = $1', [
    projectId,
  ]);
}

/** Marks the instance removed and deletes its environments; its plans and usage stay for invoices. */
export async function removeInstance(tx: Queryable, instanceId: string): Promise<void> {
  await tx.query('UPDATE instances SET removed_at = clock_timestamp() WHERE id = $1 AND removed_at IS NULL', [instanceId]);
  await tx.query('DELETE FROM environments WHERE instance_id = $1', [instanceId]);
}

/** The service's instances in projects (not removed), as `project/service` pairs. */
export async function activeInstancesOfService(q: Queryable, serviceId: string): Promise<Array<{ id: string; project_id: string }>> {
  return q.query('SELECT id, project_id FROM instances WHERE service_id = $1 AND removed_at IS NULL ORDER BY created_at', [serviceId]);
}

/** A version of the service by its semver. */
export async function versionByNumber(
  q: Queryable,
  serviceId: string,
  version: string,
): Promise<{ id: string; build_path: string | null } | undefined> {
  return (
    await q.query<{ id: string; build_path: string | null }>('SELECT id, build_path FROM versions WHERE service_id = $1 AND version = $2', [
      serviceId,
      version,
    ])
  )[0];
}

// Client keys

export async function insertClientKey(
  q: Queryable,
  projectId: string,
  name: string,
  keySha256: string,
  prefix: string,
): Promise<ClientKeyRow> {
  const [row] = await q.query<ClientKeyRow>(
    `INSERT INTO client_keys (id, project_id, name, prefix, key_sha256) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, project_id, name, prefix, created_at, revoked_at`,
    [newId('key'), projectId, name, prefix, keySha256],
  );
  return row;
}

export async function clientKeysOf(q: Queryable, projectId: string): Promise<ClientKeyRow[]> {
  return q.query<ClientKeyRow>(
    'SELECT id, project_id, name, prefix, created_at, revoked_at FROM client_keys WHERE project_id = $1 ORDER BY created_at, id',
    [projectId],
  );
}

/** Revokes a key of the project; false when it has no such key. Revoking twice keeps the first time. */
export async function revokeClientKey(q: Queryable, projectId: string, id: string): Promise<boolean> {
  const rows = await q.query(
    'UPDATE client_keys SET revoked_at = coalesce(revoked_at, clock_timestamp()) WHERE project_id = $1 AND id = $2 RETURNING id',
    [projectId, id],
  );
  return rows.length > 0;
}

/** The project's keys that are not revoked, as sha256. */
export async function activeClientKeyHashes(q: Queryable, projectId: string): Promise<string[]> {
  return (
    await q.query<{ key_sha256: string }>('SELECT key_sha256 FROM client_keys WHERE project_id = $1 AND revoked_at IS NULL', [projectId])
  ).map((r) => r.key_sha256);
}

// Secrets

export async function secretsOf(q: Queryable, environmentId: string): Promise<SecretRow[]> {
  return q.query<SecretRow>(
    'SELECT environment_id, name, sealed, preview, updated_at FROM secrets WHERE environment_id = $1 ORDER BY name',
    [environmentId],
  );
}

export async function upsertSecret(q: Queryable, environmentId: string, name: string, sealed: string, preview: string): Promise<SecretRow> {
  const [row] = await q.query<SecretRow>(
    `INSERT INTO secrets (environment_id, name, sealed, preview) VALUES ($1, $2, $3, $4)
     ON CONFLICT (environment_id, name) DO UPDATE SET sealed = EXCLUDED.sealed, preview = EXCLUDED.preview, updated_at = clock_timestamp()
     RETURNING environment_id, name, sealed, preview, updated_at`,
    [environmentId, name, sealed, preview],
  );
  return row;
}

export async function deleteSecret(q: Queryable, environmentId: string, name: string): Promise<boolean> {
  return (await q.query('DELETE FROM secrets WHERE environment_id = $1 AND name = $2 RETURNING name', [environmentId, name])).length > 0;
}

/** The environment of an instance by name (the instance already resolved within the organization). */
export async function instanceEnvironment(
  q: Queryable,
  instanceId: string,
  name: EnvironmentName,
): Promise<InstanceEnvironmentRow | undefined> {
  return (await instanceEnvironments(q, instanceId)).find((e) => e.name === name);
}

export function keyPrefix(key: string): string {
  return key.slice(0, 12);
}

export function newClientKey(): string {
  return `csc_${randomChars(43)}`;
}

/**
 * The production environments of instances whose current rate plan bills (monthly or per call):
 * they never go idle, so a paying client's call never waits for a cold start.
 */
export async function billedProductionEnvironments(db: Queryable): Promise<Set<string>> {
  const rows = await db.query<{ id: string }>(`
    SELECT e.id FROM environments e
      JOIN instances i ON i.id = e.instance_id AND i.removed_at IS NULL
      JOIN LATERAL (SELECT r.billing_type FROM rate_plans r WHERE r.instance_id = i.id AND r.effective_from <= clock_timestamp()
                     ORDER BY r.effective_from DESC LIMIT 1) p ON true
     WHERE e.name = 'production' AND p.billing_type <> 'NOT_BILLABLE'`);
  return new Set(rows.map((r) => r.id));
}

/** Every instance of a service, removed ones too (the meter knows their plans by id). */
export async function instanceIdsOfService(q: Queryable, serviceId: string): Promise<string[]> {
  return (await q.query<{ id: string }>('SELECT id FROM instances WHERE service_id = $1', [serviceId])).map((r) => r.id);
}
