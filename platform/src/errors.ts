// The errors the platform answers with on purpose: a code a program can switch on and a message
// that tells a person what to do. Anything else that escapes is an internal error and is masked.

export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  /** The caller's role in the organization does not allow the operation (`need` says which role would). */
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  /** A version move whose schema breaks operations clients called (pass force to go on). */
  | 'BREAKS_CLIENTS'
  | 'INTERNAL_SERVER_ERROR';

export class ApiError extends Error {
  /** graphql-js copies an original error's `extensions` onto the GraphQLError it wraps it in. */
  readonly extensions: { code: ApiErrorCode } & Record<string, unknown>;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.extensions = { ...extra, code };
  }
}

export const unauthenticated = (message: string) => new ApiError('UNAUTHENTICATED', message);
export const badInput = (message: string, field?: string) => new ApiError('BAD_USER_INPUT', message, field ? { field } : {});
export const conflict = (message: string) => new ApiError('CONFLICT', message);

/** The one answer for an id the caller cannot see, whether it does not exist or is another organization's. */
export function serviceNotFound(id: string): ApiError {
  return new ApiError('NOT_FOUND', `No service "${id}" in your organization. List your services to see their ids.`, { id });
}
