// The platform API client, shared by the CLI and the VS Code extension.
export { CLI_HINTS, DEFAULT_PLATFORM_URL, normalizeUrl, PlatformClient } from './client';
export type { PlatformClientOptions, PlatformHints, RequestOptions } from './client';
export { PlatformError } from './errors';
export type { PlatformErrorCode, PlatformErrorDetails } from './errors';
export { OPERATIONS, PROJECT_FIELDS, SERVICE_FIELDS } from './operations';
export type * from './types';
