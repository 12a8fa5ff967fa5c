// CORS at the gateway: which browser origins may call an environment, and the headers that say
// so. Keys travel in `x-user-authorization`, never in cookies, so credentials are not allowed.
import type { OutgoingHttpHeaders } from 'http';

/** The request headers a browser may send to a service endpoint. */
export const CORS_ALLOWED_HEADERS = 'content-type, x-user-authorization';
export const CORS_ALLOWED_METHODS = 'GET, POST, OPTIONS';
/** How long a browser may reuse a preflight's answer (seconds). */
export const CORS_MAX_AGE = 600;
/** What every environment but production accepts without being told: pages served from this machine. */
export const LOCAL_ORIGINS: readonly string[] = ['http://localhost:*', 'http://127.0.0.1:*'];

/**
 * An origin pattern: `scheme://host[:port]`, where the port may be `*` (any port, or none) and the
 * host may start with `*.` (any subdomain). Returns an error message for anything else.
 */
export function checkOriginPattern(pattern: string): string | undefined {
  if (typeof pattern !== 'string') return 'an origin must be a string like https://app.example.com';
  const m = /^(https?):\/\/(\*\.)?([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:(\d{1,5}|\*))?$/.exec(pattern.toLowerCase());
  if (!m)
    return `"${pattern.slice(0, 100)}" is not an origin: write scheme://host[:port], like https://app.example.com or http://localhost:*, without a path`;
  return undefined;
}

/** Lower-cases an origin pattern (schemes and hosts are case-insensitive). */
export function normalizeOrigin(pattern: string): string {
  return pattern.trim().toLowerCase().replace(/\/+$/, '');
}

/** Whether the browser's `Origin` matches one of the patterns. */
export function originAllowed(origin: string, patterns: readonly string[]): boolean {
  const o = origin.toLowerCase();
  const m = /^(https?):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?$/.exec(o);
  if (!m) return false;
  const [, scheme, host, port] = m;
  for (const p of patterns) {
    const pm = /^(https?):\/\/(\*\.)?([^/:]+|\[[^\]]+\])(?::(\d+|\*))?$/.exec(p);
    if (!pm || pm[1] !== scheme) continue;
    const [, , anySub, pHost, pPort] = pm;
    if (anySub ? !host.endsWith(`.${pHost}`) : host !== pHost) continue;
    if (pPort === '*' || pPort === port) return true;
  }
  return false;
}

/** The origins an environment accepts: the local ones unless it is production, and those set for it. */
export function environmentOrigins(environment: string, listed: readonly string[]): readonly string[] {
  return environment === 'production' ? listed : [...LOCAL_ORIGINS, ...listed];
}

/** The headers an allowed origin's answer carries. `Vary: Origin` because the answer depends on it. */
export function corsHeaders(origin: string): OutgoingHttpHeaders {
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

export function preflightHeaders(origin: string): OutgoingHttpHeaders {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': CORS_ALLOWED_METHODS,
    'access-control-allow-headers': CORS_ALLOWED_HEADERS,
    'access-control-max-age': String(CORS_MAX_AGE),
  };
}

/** What a refused preflight says: how to let the origin in, depending on whose environment it is. */
export function refusedOriginMessage(origin: string, environment: string, instance: boolean): string {
  const how = instance
    ? `\`codestore project:service:cors -p <project> -s <service> -e ${environment} --add ${origin}\``
    : `\`cors: { origins: [${origin}] }\` in the service's codestore.yaml, then push`;
  return `The origin ${origin.slice(0, 200)} may not call the ${environment} environment of this service from a browser. Allow it with ${how}.`;
}
