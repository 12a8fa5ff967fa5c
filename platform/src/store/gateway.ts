// What the gateway reads beside an endpoint's route: the build an environment serves (for a
// preflight, which runs nothing), the names of a project's client keys (for its log line), and the
// browser origins set for a service-instance's environments.
import type { Queryable } from './db';

/** The build of the deployment an environment serves now, if any. */
export async function servingBuildPath(q: Queryable, environmentId: string): Promise<string | undefined> {
  return (
    (
      await q.query<{ build_path: string | null }>(
        `SELECT v.build_path FROM environments e JOIN deployments d ON d.id = e.current_deployment_id JOIN versions v ON v.id = d.version_id
      WHERE e.id = $1`,
        [environmentId],
      )
    )[0]?.build_path ?? undefined
  );
}

/** A project's active client keys: sha256 → name. */
export async function activeClientKeyNames(q: Queryable, projectId: string): Promise<Map<string, string>> {
  const rows = await q.query<{ key_sha256: string; name: string }>(
    'SELECT key_sha256, name FROM client_keys WHERE project_id = $1 AND revoked_at IS NULL',
    [projectId],
  );
  return new Map(rows.map((r) => [r.key_sha256, r.name]));
}

export async function corsOriginsOf(q: Queryable, environmentId: string): Promise<string[]> {
  return (
    await q.query<{ origin: string }>('SELECT origin FROM environment_cors_origins WHERE environment_id = $1 ORDER BY origin', [
      environmentId,
    ])
  ).map((r) => r.origin);
}

/** Adds and removes origins of an environment (the caller checked them and the environment's organization). */
export async function changeCorsOrigins(
  q: Queryable,
  environmentId: string,
  add: readonly string[],
  remove: readonly string[],
): Promise<string[]> {
  for (const origin of add) {
    await q.query('INSERT INTO environment_cors_origins (environment_id, origin) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      environmentId,
      origin,
    ]);
  }
  if (remove.length)
    await q.query('DELETE FROM environment_cors_origins WHERE environment_id = $1 AND origin = ANY($2::text[])', [
      environmentId,
      [...remove],
    ]);
  return corsOriginsOf(q, environmentId);
}
