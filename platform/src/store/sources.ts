// The versions a service's source is pulled from: one by its number, or the latest, within the
// caller's organization.
import type { Queryable } from './db';
import type { VersionRecord } from './versions';

const COLUMNS = 'v.id, v.service_id, v.version, v.release_notes, v.schema_hash, v.build_path, v.created_at';

/** Version `version` of the service (the latest by semver when null), if the service is the organization's. */
export async function versionOfService(
  q: Queryable,
  organizationId: string,
  serviceId: string,
  version: string | null,
): Promise<VersionRecord | undefined> {
  const rows =
    version === null
      ? await q.query<VersionRecord>(
          `SELECT ${COLUMNS}
             FROM versions v JOIN services s ON s.id = v.service_id AND s.organization_id = $1
            WHERE v.service_id = $2
            ORDER BY CASE WHEN v.version ~ '^[0-9]{1,15}\\.[0-9]{1,15}\\.[0-9]{1,15}$' THEN string_to_array(v.version, '.')::bigint[] END DESC NULLS LAST,
                     v.created_at DESC, v.id DESC
            LIMIT 1`,
          [organizationId, serviceId],
        )
      : await q.query<VersionRecord>(
          `SELECT ${COLUMNS}
             FROM versions v JOIN services s ON s.id = v.service_id AND s.organization_id = $1
            WHERE v.service_id = $2 AND v.version = $3`,
          [organizationId, serviceId, version],
        );
  return rows[0];
}
