// GET /source/<serviceId>?version=<v>: the archive a version was pushed with (application/gzip).
// Authenticated like a push (bearer token, `x-codestore-organization`), with the permission of
// `Query.serviceSource`, scoped to the caller's organization: another organization's service is
// "not found". Without `version`, the latest.
import * as fs from 'fs';
import { Caller, ORGANIZATION_HEADER } from '../auth/auth';
import { allows, forbidden, needOf, PERMISSIONS } from '../api/permissions';
import type { PlatformParts } from '../parts';
import { RouteHandler, sendError, sendFailure } from '../server';
import { versionSource } from '../services/source';

/** Headers of the answer beside the archive: which version it is, and its sha256 (hex). */
export const SOURCE_VERSION_HEADER = 'x-codestore-version';
export const SOURCE_SHA256_HEADER = 'x-codestore-sha256';

export function createSourceHandler(parts: PlatformParts): RouteHandler {
  const permission = PERMISSIONS['Query.serviceSource'];
  return async (req, res, serviceId) => {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'Download a source with GET /source/<serviceId>?version=<version>.', {
        allow: 'GET, HEAD',
      });
    }
    const version = new URL(req.url ?? '/', 'http://platform').searchParams.get('version');
    let source;
    try {
      const org = req.headers[ORGANIZATION_HEADER];
      const caller: Caller = await parts.auth.authenticate(req.headers.authorization, typeof org === 'string' ? org : undefined);
      const need = needOf(permission, { serviceId, version });
      if (need !== 'public' && need !== 'account' && !allows(caller.role, need))
        throw forbidden('serviceSource', need, caller.role, caller.organizationName);
      source = await versionSource(parts.db, caller.organizationId, serviceId, version || null);
    } catch (e) {
      return sendFailure(res, e, parts.logError);
    }
    const headers = {
      'content-type': 'application/gzip',
      'content-length': source.sizeBytes,
      'content-disposition': `attachment; filename="${source.service.id}-${source.version.version}.tar.gz"`,
      'cache-control': 'private, no-store',
      [SOURCE_VERSION_HEADER]: source.version.version,
      [SOURCE_SHA256_HEADER]: source.sha256,
    };
    if (req.method === 'HEAD') {
      res.writeHead(200, headers).end();
      return;
    }
    const stream = fs.createReadStream(source.file);
    await new Promise<void>((resolve) => {
      stream.once('open', () => {
        res.writeHead(200, headers);
        stream.pipe(res);
      });
      stream.once('error', (e) => {
        if (!res.headersSent) sendFailure(res, e, parts.logError);
        else res.destroy(e);
        resolve();
      });
      stream.once('end', () => resolve());
      res.once('close', () => {
        stream.destroy();
        resolve();
      });
    });
  };
}
