// POST /push/<serviceId>: the service folder as a gzipped tar. Authenticated by bearer token and
// scoped to the caller's organization; what a push does is services/push.ts. This route reads the
// request (type, size, release notes, body) and answers JSON: 201 with the version, 422 with the
// check's problems, 400 for an archive it refuses.
import type * as http from 'http';
import { ArchiveError, DEFAULT_ARCHIVE_LIMITS } from '../build/archive';
import { ApiError } from '../errors';
import type { PlatformParts } from '../parts';
import { RouteHandler, sendError, sendFailure, sendJson } from '../server';
import { Caller, ORGANIZATION_HEADER } from '../auth/auth';
import { allows, forbidden, needOf, PUSH_PERMISSION } from '../api/permissions';
import { ownService } from '../services/own';
import { Pushes, PushOptions } from '../services/push';
import type { ServiceRow } from '../store/services';

export type { PushProblem, PushResult, VersionBuilt } from '../services/push';

/** The largest archive body taken: the archive limit of extractArchive. */
export const PUSH_BODY_LIMIT = DEFAULT_ARCHIVE_LIMITS.maxArchiveBytes;
/** Release notes longer than this are refused. */
export const RELEASE_NOTES_MAX = 10_000;
const CONTENT_TYPES = new Set(['application/gzip', 'application/x-gzip', 'application/octet-stream']);

class PayloadTooLarge extends Error {}

export function createPushHandler(parts: PlatformParts, options: PushOptions): RouteHandler {
  const pushes = new Pushes(parts, options);
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
      const who = caller;
      service = await ownService({ db: parts.db, caller: async () => who }, serviceId);
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
      const outcome = await pushes.push({ organizationId: caller.organizationId, email: caller.email }, service, body, releaseNotes);
      if (outcome.kind === 'problems') return sendJson(res, 422, { problems: outcome.problems });
      return sendJson(res, 201, outcome.result);
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
