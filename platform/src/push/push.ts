// POST /push/<serviceId>: the service folder as a gzipped tar. Authenticated by bearer token and
// scoped to the caller's organization; the archive is extracted into a fresh directory, checked
// with the language server's core, built, and recorded as the service's next patch version.
// Pushes of one service run one at a time; a refused push records nothing and leaves nothing.
import * as fs from 'fs';
import type * as http from 'http';
import * as path from 'path';
import { ArchiveError, DEFAULT_ARCHIVE_LIMITS, extractArchive } from '../build/archive';
import { BuildError, buildService, BuildManifest } from '../build/build';
import { checkService } from '../build/check';
import type { Problem } from '../build/check';
import { ApiError, serviceNotFound } from '../errors';
import type { PlatformParts } from '../parts';
import { RouteHandler, sendError, sendFailure, sendJson } from '../server';
import type { DeploymentOutcome } from '../runtime/runtime';
import { randomChars } from '../store/ids';
import { serviceById, ServiceRow } from '../store/services';
import { insertVersion, latestVersion, nextPatch, VersionRecord } from '../store/versions';
import { BUILD_SERVICE_MANIFEST } from '../runtime/sandbox/limits';
import { Caller, ORGANIZATION_HEADER } from '../auth/auth';
import { allows, forbidden, needOf, PUSH_PERMISSION } from '../api/permissions';
import { recordActivity } from '../store/teams';

/** The largest archive body taken: the archive limit of extractArchive. */
export const PUSH_BODY_LIMIT = DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes;
/** Release notes longer than this are refused. */
export const RELEASE_NOTES_MAX = 10_000;
const CONTENT_TYPES = new Set(['application/gzip', 'application/x-gzip', 'application/octet-stream']);

/** What a successful push answers (201). */
export interface PushResult {
  id: string;
  version: string;
  schemaHash: string;
  releaseNotes: string | null;
  createdAt: Date;
  /** Whether the version now serves the private environment. */
  deployed: boolean;
  /** The deployment to private, settled (DEPLOYED or DEPLOYMENT_FAILED with its error). */
  deployment: DeploymentOutcome | null;
  /** Warnings of the check (a push with errors is refused). */
  warnings: PushProblem[];
}

export type PushProblem = Pick<Problem, 'file' | 'line' | 'column' | 'severity' | 'code' | 'message'>;

export interface VersionBuilt {
  service: ServiceRow;
  version: VersionRecord;
  buildPath: string;
  manifest: BuildManifest;
}

/** Called once a pushed version is built and recorded: deploys it to the service's private environment. */
export async function onVersionBuilt(parts: PlatformParts, built: VersionBuilt): Promise<DeploymentOutcome> {
  return parts.runtime.deploy(built.service.id, 'private', built.version.id);
}

/** Where a service's pushes and builds live under the platform's data directory. */
export function serviceDataDir(dataDir: string, serviceId: string): string {
  return path.join(dataDir, 'services', serviceId);
}

/** Runs `fn` after every earlier `fn` of the same key has settled. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

class PayloadTooLarge extends Error {}

export function createPushHandler(parts: PlatformParts, hooks: { onVersionBuilt?: typeof onVersionBuilt } = {}): RouteHandler {
  const lock = new KeyedLock();
  const built = hooks.onVersionBuilt ?? onVersionBuilt;
  return async (req, res, serviceId) => {
    // Any answer given before the body is read closes the connection (the rest of the body is dropped).
    const refuse = (status: number, code: string, message: string) => {
      req.resume();
      sendError(res, status, code, message, { connection: 'close' });
    };
    if (req.method !== 'POST') return refuse(405, 'METHOD_NOT_ALLOWED', 'Push with POST /push/<serviceId>.');
    let service: ServiceRow;
    let caller: Caller;
    try {
      const org = req.headers[ORGANIZATION_HEADER];
      caller = await parts.auth.authenticate(req.headers.authorization, typeof org === 'string' ? org : undefined);
      const need = needOf(PUSH_PERMISSION, {});
      if (need !== 'public' && need !== 'account' && !allows(caller.role, need))
        throw forbidden('push', need, caller.role, caller.organizationName);
      const found = await serviceById(parts.db, caller.organizationId, serviceId);
      if (!found) throw serviceNotFound(serviceId);
      service = found;
    } catch (e) {
      req.resume();
      res.setHeader('connection', 'close');
      return sendFailure(res, e, parts.logError);
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!CONTENT_TYPES.has(type)) {
      return refuse(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `Send the service folder as a gzipped tar with Content-Type: application/gzip (got ${type || 'none'}).`,
      );
    }
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > PUSH_BODY_LIMIT) {
      return refuse(413, 'PAYLOAD_TOO_LARGE', `The archive has ${declared} bytes; the platform takes at most ${PUSH_BODY_LIMIT}.`);
    }
    let releaseNotes: string | null;
    try {
      releaseNotes = readReleaseNotes(req.headers['x-release-notes']);
    } catch (e) {
      return refuse(400, 'BAD_USER_INPUT', (e as Error).message);
    }
    let body: Buffer;
    try {
      body = await readBody(req, PUSH_BODY_LIMIT);
    } catch (e) {
      if (e instanceof PayloadTooLarge) return refuse(413, 'PAYLOAD_TOO_LARGE', e.message);
      throw e;
    }

    try {
      const outcome = await lock.run(service.id, () => push(parts, service, body, releaseNotes));
      if (outcome.kind === 'problems') return sendJson(res, 422, { problems: outcome.problems });
      const deployment = await built(parts, outcome.built).catch((e) => {
        parts.logError(`deploying ${service.id} ${outcome.built.version.version}`, e);
        return null;
      });
      const v = outcome.built.version;
      const result: PushResult = {
        id: v.id,
        version: v.version,
        schemaHash: v.schema_hash,
        releaseNotes: v.release_notes,
        createdAt: v.created_at,
        deployed: deployment?.status === 'DEPLOYED',
        deployment: deployment ?? null,
        warnings: outcome.warnings,
      };
      await recordActivity(parts.db, {
        organizationId: caller.organizationId,
        actorEmail: caller.email,
        action: 'push',
        target: `service ${service.id}`,
        details: `${v.version} ${deployment?.status ?? 'not deployed'}${deployment?.error ? `: ${deployment.error.slice(0, 200)}` : ''}`,
      }).catch((e) => parts.logError('recording a push in the activity feed', e));
      return sendJson(res, 201, result);
    } catch (e) {
      if (e instanceof ArchiveError) {
        return sendJson(res, 400, {
          errors: [
            {
              message: e.message,
              extensions: { code: 'BAD_ARCHIVE', reason: e.code, ...(e.entry !== undefined ? { entry: e.entry } : {}) },
            },
          ],
        });
      }
      return sendFailure(res, e, parts.logError);
    }
  };
}

type Outcome = { kind: 'problems'; problems: PushProblem[] } | { kind: 'built'; built: VersionBuilt; warnings: PushProblem[] };

async function push(parts: PlatformParts, service: ServiceRow, body: Buffer, releaseNotes: string | null): Promise<Outcome> {
  const root = serviceDataDir(parts.dataDir, service.id);
  const pushDir = path.join(root, 'pushes', `push_${Date.now().toString(36)}_${randomChars(10)}`);
  try {
    try {
      await extractArchive(body, pushDir);
    } catch (e) {
      if (e instanceof ArchiveError && e.code === 'io') throw new Error(e.message);
      throw e;
    }
    const check = await checkService(pushDir, { serviceId: service.id });
    const problems = check.problems.map(problemRow);
    if (!check.ok) return { kind: 'problems', problems };

    const version = nextPatch(await latestVersion(parts.db, service.id));
    const buildPath = path.join(root, 'versions', version);
    // A build without a version row is a leftover of an interrupted push: nothing refers to it.
    await fs.promises.rm(buildPath, { recursive: true, force: true });
    let manifest: BuildManifest;
    try {
      ({ manifest } = await buildService(pushDir, buildPath));
      // The deployment's limits (`runtime:` in codestore.yaml) are read from its build.
      await fs.promises.copyFile(path.join(pushDir, 'codestore.yaml'), path.join(buildPath, BUILD_SERVICE_MANIFEST));
    } catch (e) {
      if (e instanceof BuildError && e.problems.length) return { kind: 'problems', problems: e.problems.map(problemRow) };
      throw e;
    }
    try {
      const row = await insertVersion(parts.db, {
        serviceId: service.id,
        version,
        releaseNotes,
        schemaHash: manifest.schemaHash,
        buildPath,
      });
      return { kind: 'built', built: { service, version: row, buildPath, manifest }, warnings: problems };
    } catch (e) {
      await fs.promises.rm(buildPath, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    }
  } finally {
    await fs.promises.rm(pushDir, { recursive: true, force: true }).catch(() => undefined);
    // Leave no empty folders behind a refused push.
    for (const dir of [path.join(root, 'pushes'), root]) {
      try {
        await fs.promises.rmdir(dir);
      } catch {
        break;
      }
    }
  }
}

function problemRow(p: Problem): PushProblem {
  return { file: p.file, line: p.line, column: p.column, severity: p.severity, code: p.code, message: p.message };
}

/** `x-release-notes`, percent-decoded when it is (headers are latin-1; the client encodes). */
function readReleaseNotes(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const raw = Array.isArray(header) ? header.join(', ') : header;
  let notes = raw;
  try {
    notes = decodeURIComponent(raw);
  } catch {
    /* sent as is */
  }
  notes = notes.trim();
  if (notes.length > RELEASE_NOTES_MAX)
    throw new ApiError('BAD_USER_INPUT', `Release notes are limited to ${RELEASE_NOTES_MAX} characters.`);
  return notes || null;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        reject(new PayloadTooLarge(`The archive has more than ${limit} bytes; the platform takes at most that.`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
    req.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
    req.on('aborted', () => {
      if (!done) {
        done = true;
        reject(new Error('The client aborted the push.'));
      }
    });
  });
}
