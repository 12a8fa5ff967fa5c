// What the gateway needs to know of a build before it lets a request through: its schema's shape
// (which fields are lists), its cost limits and its CORS origins, read from the build's own
// codestore.yaml and schema once per build (a build never changes).
import { promises as fs } from 'fs';
import * as path from 'path';
import { parseManifest, SCHEMA_PATH, SERVICE_MANIFEST } from '../../../core/src/service-folder/serviceFolder';
import { BUILD_MANIFEST } from '../build/manifest';
import { CostLimits, costLimitsOf } from './cost';
import { checkOriginPattern, normalizeOrigin } from './cors';
import { SchemaShape, schemaShape } from './document';

export interface BuildSettings {
  /** Names the schema in the document cache. */
  readonly schemaKey: string;
  readonly schema: SchemaShape;
  readonly limits: CostLimits;
  /** `cors.origins` of codestore.yaml. */
  readonly origins: readonly string[];
  /** What was wrong in codestore.yaml (ignored, and logged once). */
  readonly problems: readonly string[];
}

/** Reads `cors` from a parsed codestore.yaml. */
export function corsOriginsOf(manifest: Record<string, unknown>): { origins: string[]; problems: string[] } {
  const cors = manifest.cors;
  if (cors === undefined || cors === null) return { origins: [], problems: [] };
  const list = typeof cors === 'object' && !Array.isArray(cors) ? (cors as Record<string, unknown>).origins : undefined;
  if (!Array.isArray(list))
    return { origins: [], problems: ['`cors` in codestore.yaml must be `cors: { origins: [https://app.example.com, ...] }`.'] };
  const origins: string[] = [];
  const problems: string[] = [];
  for (const o of list) {
    const error = checkOriginPattern(o as string);
    if (error) problems.push(`cors.origins in codestore.yaml: ${error}.`);
    else origins.push(normalizeOrigin(o as string));
  }
  return { origins, problems };
}

/** Everything the gateway reads from codestore.yaml, with what was wrong in it. */
export function settingsOfManifest(text: string): { limits: CostLimits; origins: string[]; problems: string[] } {
  const { manifest, error } = parseManifest(text);
  const cost = costLimitsOf(manifest);
  const cors = corsOriginsOf(manifest);
  return { limits: cost.limits, origins: cors.origins, problems: [...(error ? [error] : []), ...cost.problems, ...cors.problems] };
}

export async function readBuildSettings(buildPath: string): Promise<BuildSettings> {
  const [manifestText, schemaText, buildManifest] = await Promise.all([
    fs.readFile(path.join(buildPath, SERVICE_MANIFEST), 'utf8').catch(() => ''),
    fs.readFile(path.join(buildPath, ...SCHEMA_PATH.split('/')), 'utf8'),
    fs.readFile(path.join(buildPath, BUILD_MANIFEST), 'utf8').then(
      (t) => JSON.parse(t) as { rootTypes?: { query?: string; mutation?: string } },
      () => ({ rootTypes: undefined }),
    ),
  ]);
  const { limits, origins, problems } = settingsOfManifest(manifestText);
  return { schemaKey: buildPath, schema: schemaShape(schemaText, buildManifest.rootTypes), limits, origins, problems };
}

/** Build settings by build path, read once each; a failed read is tried again next time. */
export class BuildSettingsCache {
  private readonly entries = new Map<string, Promise<BuildSettings>>();
  private readonly ready = new Map<string, BuildSettings>();

  constructor(private readonly capacity = 256) {}

  /** The settings when already read (no promise on the hot path), else undefined. */
  peek(buildPath: string): BuildSettings | undefined {
    return this.ready.get(buildPath);
  }

  get(buildPath: string): Promise<BuildSettings> {
    let entry = this.entries.get(buildPath);
    if (!entry) {
      entry = readBuildSettings(buildPath).then((s) => {
        this.ready.set(buildPath, s);
        return s;
      });
      entry.catch(() => this.entries.delete(buildPath));
      this.entries.set(buildPath, entry);
      if (this.entries.size > this.capacity) {
        const oldest = this.entries.keys().next().value as string;
        this.entries.delete(oldest);
        this.ready.delete(oldest);
      }
    }
    return entry;
  }
}
