// A version's source: the archive its push sent, kept beside its build, so a teammate can pull the
// service folder and push it again. The API says what there is (`Query.serviceSource`); the route
// GET /source/<serviceId>?version=<v> sends the bytes.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ApiError, serviceNotFound } from '../errors';
import type { Queryable } from '../store/db';
import { serviceById, ServiceRow } from '../store/services';
import { versionOfService } from '../store/sources';
import type { VersionRecord } from '../store/versions';

/** The pushed archive, in the version's build folder. */
export const SOURCE_ARCHIVE = 'source.tar.gz';
/** Ids and version numbers are short; a longer argument is none of ours, and need not reach the store. */
const ARG_MAX = 128;

export interface VersionSource {
  service: ServiceRow;
  version: VersionRecord;
  /** The archive on disk. */
  file: string;
  sizeBytes: number;
  /** sha256 (hex) of the archive. */
  sha256: string;
  /** Where the platform's HTTP server sends it (relative to the platform's URL). */
  downloadPath: string;
}

/**
 * Keeps the archive a push sent (at most the push route's body limit) in the new version's build
 * folder, before the version is recorded: a build without a version row is removed with it.
 */
export async function keepSource(buildPath: string, archive: Buffer): Promise<void> {
  await fs.promises.writeFile(path.join(buildPath, SOURCE_ARCHIVE), archive, { mode: 0o644 });
}

/** The path the route answers on: GET it with the caller's token. */
export function sourceDownloadPath(serviceId: string, version: string): string {
  return `/source/${encodeURIComponent(serviceId)}?version=${encodeURIComponent(version)}`;
}

/**
 * The source of `version` (the latest when null) of the organization's service `serviceId`.
 * NOT_FOUND when the service is not the organization's, when it has no such version, or when the
 * version's source was not kept (pushed before the platform kept sources).
 */
export async function versionSource(
  db: Queryable,
  organizationId: string,
  serviceId: string,
  version: string | null,
): Promise<VersionSource> {
  const service = serviceId.length <= ARG_MAX ? await serviceById(db, organizationId, serviceId) : undefined;
  if (!service) throw serviceNotFound(serviceId.slice(0, ARG_MAX));
  if (version !== null && (version.length > ARG_MAX || !version.trim()))
    throw new ApiError('BAD_USER_INPUT', 'version is a version number of the service, like 0.0.3.', { field: 'version' });
  const row = await versionOfService(db, organizationId, service.id, version === null ? null : version.trim());
  if (!row) {
    if (version === null)
      throw new ApiError('NOT_FOUND', `${service.id} has no version yet: push it first (\`codestore push\`).`, { id: service.id });
    throw new ApiError(
      'NOT_FOUND',
      `${service.id} has no version ${version.trim()}. \`codestore service:info ${service.id}\` lists its versions.`,
      { id: service.id, field: 'version' },
    );
  }
  const file = row.build_path ? path.join(row.build_path, SOURCE_ARCHIVE) : undefined;
  const digest = file ? await digestOf(file) : undefined;
  if (!file || !digest) {
    throw new ApiError(
      'NOT_FOUND',
      `The source of ${service.id} ${row.version} is not on this platform: it was pushed before the platform kept sources. Push the service again from a folder that has it; that version can be pulled.`,
      { id: service.id, field: 'version', reason: 'SOURCE_NOT_KEPT' },
    );
  }
  return { service, version: row, file, ...digest, downloadPath: sourceDownloadPath(service.id, row.version) };
}

/** Size and sha256 of the file, or undefined when there is none. */
async function digestOf(file: string): Promise<{ sizeBytes: number; sha256: string } | undefined> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  try {
    for await (const chunk of fs.createReadStream(file) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      sizeBytes += chunk.length;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}
