// What a deployment may use: the platform's defaults and maxima (options of `platform start`),
// and a service's own settings in its codestore.yaml (`runtime:`), each held within the maximum.
//
//   runtime:
//     memoryMiB: 256            # default 512, at most the platform's --max-memory (2048)
//     requestTimeoutSeconds: 10 # default 30, at most the platform's --max-request-timeout (120)
//     egress: true              # outbound HTTP(S) through the platform's egress proxy; default false
import * as fs from 'fs';
import * as path from 'path';
import { parseDocument } from 'yaml';

export interface PlatformLimits {
  /** A deployment's memory unless its service asks for another amount, MiB. */
  memoryMiB: number;
  maxMemoryMiB: number;
  requestTimeoutMs: number;
  maxRequestTimeoutMs: number;
  /** Size of the private tmpfs, MiB. */
  tmpMiB: number;
  /** Processes and threads per deployment. */
  pids: number;
  /** cgroup v2 scale (100 is a normal process); the platform itself keeps its normal weight. */
  cpuWeight: number;
  /** Log lines per second per environment (bursts up to a second's worth more). */
  logLinesPerSecond: number;
  /** A deployment whose event loop leaves a liveness ping unanswered this long is killed. */
  livenessTimeoutMs: number;
  /** Whether any service may opt in to outbound network through the egress proxy. */
  egressAllowed: boolean;
  /** Internal addresses the egress proxy lets through all the same (default none). */
  egressAllowInternal: string[];
}

export const DEFAULT_LIMITS: PlatformLimits = {
  memoryMiB: 512,
  maxMemoryMiB: 2048,
  requestTimeoutMs: 30_000,
  maxRequestTimeoutMs: 120_000,
  tmpMiB: 64,
  pids: 128,
  cpuWeight: 50,
  logLinesPerSecond: 200,
  livenessTimeoutMs: 5_000,
  egressAllowed: true,
  egressAllowInternal: [],
};

/**
 * PGlite's WebAssembly PostgreSQL lives in the deployment process (about 470 MB resident): an
 * embedded-database deployment gets this much on top of its service's memory.
 */
export const PGLITE_MEMORY_MIB = 768;

export interface ServiceLimits {
  memoryMiB: number;
  requestTimeoutMs: number;
  egress: boolean;
  /** What was asked for beyond the platform's maxima (said in the deployment's log). */
  notes: string[];
}

/** The file a build carries its service's codestore.yaml as. */
export const BUILD_SERVICE_MANIFEST = 'codestore.yaml';

/** The limits of the build in `buildDir`, from its codestore.yaml's `runtime:` mapping. */
export function serviceLimits(buildDir: string, platform: PlatformLimits): ServiceLimits {
  const limits: ServiceLimits = { memoryMiB: platform.memoryMiB, requestTimeoutMs: platform.requestTimeoutMs, egress: false, notes: [] };
  let runtime: unknown;
  try {
    const text = fs.readFileSync(path.join(buildDir, BUILD_SERVICE_MANIFEST), 'utf8');
    runtime = (parseDocument(text).toJS() as { runtime?: unknown } | null)?.runtime;
  } catch {
    return limits;
  }
  if (!runtime || typeof runtime !== 'object') return limits;
  const r = runtime as Record<string, unknown>;
  const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (positive(r.memoryMiB)) {
    const asked = Math.round(r.memoryMiB as number);
    limits.memoryMiB = Math.max(64, Math.min(asked, platform.maxMemoryMiB));
    if (asked !== limits.memoryMiB)
      limits.notes.push(`runtime.memoryMiB ${asked} is outside 64..${platform.maxMemoryMiB}: using ${limits.memoryMiB}`);
  }
  if (positive(r.requestTimeoutSeconds)) {
    const asked = (r.requestTimeoutSeconds as number) * 1000;
    limits.requestTimeoutMs = Math.min(asked, platform.maxRequestTimeoutMs);
    if (asked !== limits.requestTimeoutMs)
      limits.notes.push(
        `runtime.requestTimeoutSeconds ${asked / 1000} is above the platform's ${platform.maxRequestTimeoutMs / 1000}: using it`,
      );
  }
  if (r.egress === true) {
    limits.egress = platform.egressAllowed;
    if (!platform.egressAllowed) limits.notes.push('runtime.egress: this platform allows no outbound network');
  }
  return limits;
}
