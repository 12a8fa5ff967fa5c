// The one error the platform client throws: network trouble, a bad login and the platform's own
// errors all become a PlatformError with a message a person can act on and a code a program can test.
import type { PushProblem, SchemaChange } from './types';

/**
 * `UNREACHABLE` (no connection), `TIMEOUT`, `CANCELLED` (aborted by the caller), `BAD_RESPONSE`
 * (not a platform's answer), or the platform's `extensions.code`: `UNAUTHENTICATED`, `NOT_FOUND`,
 * `BAD_USER_INPUT`, `CONFLICT`, ...
 */
export type PlatformErrorCode =
  | 'UNREACHABLE'
  | 'TIMEOUT'
  /** The caller aborted the request (its AbortSignal). */
  | 'CANCELLED'
  | 'BAD_RESPONSE'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR'
  /** A push whose check found errors: `problems` has them. */
  | 'CHECK_FAILED'
  /** A promote or roll whose schema breaks operations clients called: `changes` has them; pass force to go on. */
  | 'BREAKS_CLIENTS'
  /** A push whose archive was refused (malformed, too large, paths outside the folder, links): `reason` is the archive's code. */
  | 'BAD_ARCHIVE'
  | (string & {});

export interface PlatformErrorDetails {
  /** The platform URL the request went to. */
  url: string;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** For UNAUTHENTICATED: TOKEN_MISSING, TOKEN_INVALID, TOKEN_REVOKED, TOKEN_EXPIRED, TOKEN_MALFORMED, WRONG_CREDENTIALS. */
  reason?: string;
  /** For BAD_USER_INPUT: the argument at fault. */
  field?: string;
  /** For CHECK_FAILED (a refused push): the check's problems, located in the service folder. */
  problems?: PushProblem[];
  /** For BREAKS_CLIENTS: the breaking changes and what they break. */
  changes?: SchemaChange[];
  cause?: unknown;
}

export class PlatformError extends Error {
  readonly url: string;
  readonly status?: number;
  readonly reason?: string;
  readonly field?: string;
  /** For CHECK_FAILED: what the platform's check of a push found; empty otherwise. */
  readonly problems: PushProblem[];
  /** For BREAKS_CLIENTS: the changes that break recorded operations; empty otherwise. */
  readonly changes: SchemaChange[];

  constructor(
    readonly code: PlatformErrorCode,
    message: string,
    details: PlatformErrorDetails,
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PlatformError';
    this.url = details.url;
    this.status = details.status;
    this.reason = details.reason;
    this.field = details.field;
    this.problems = details.problems ?? [];
    this.changes = details.changes ?? [];
  }

  /** True when logging in (again) is the fix. */
  get needsLogin(): boolean {
    return this.code === 'UNAUTHENTICATED' && this.reason !== 'WRONG_CREDENTIALS';
  }
}
