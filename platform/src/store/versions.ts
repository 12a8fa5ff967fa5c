// Versions of a service as pushes record them: the next patch version and the new row. The caller
// has already resolved the service within its organization (see serviceById).
import { Queryable } from './db';
import { newId } from './ids';
import { VersionRow } from './services';

export interface VersionRecord extends VersionRow {
  build_path: string | null;
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** The highest version of the service (by semver, not by time), or undefined before its first push. */
export async function latestVersion(q: Queryable, serviceId: string): Promise<string | undefined> {
  const rows = await q.query<{ version: string }>('SELECT version FROM versions WHERE service_id = $1', [serviceId]);
  let best: number[] | undefined;
  for (const { version } of rows) {
    const m = SEMVER.exec(version);
    if (!m) continue;
    const parts = m.slice(1).map(Number);
    if (!best || compare(parts, best) > 0) best = parts;
  }
  return best?.join('.');
}

function compare(a: number[], b: number[]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** The patch bump of `latest`: 0.0.1 for the first push, then 0.0.2, ... */
export function nextPatch(latest: string | undefined): string {
  const m = latest ? SEMVER.exec(latest) : null;
  if (!m) return '0.0.1';
  return `${m[1]}.${m[2]}.${Number(m[3]) + 1}`;
}

export async function insertVersion(
  q: Queryable,
  row: { serviceId: string; version: string; releaseNotes: string | null; schemaHash: string; buildPath: string },
): Promise<VersionRecord> {
  const [inserted] = await q.query<VersionRecord>(
    `INSERT INTO versions (id, service_id, version, release_notes, schema_hash, build_path)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, service_id, version, release_notes, schema_hash, build_path, created_at`,
    [newId('ver'), row.serviceId, row.version, row.releaseNotes, row.schemaHash, row.buildPath],
  );
  return inserted;
}

/** A version's build folder and number (any organization's: callers pass ids they resolved). */
export async function versionById(
  q: Queryable,
  versionId: string,
): Promise<{ id: string; version: string; build_path: string | null } | undefined> {
  const [row] = await q.query<{ id: string; version: string; build_path: string | null }>(
    'SELECT id, version, build_path FROM versions WHERE id = $1',
    [versionId],
  );
  return row;
}
