// The schema of a pushed version, read from its build once: versions never change, so a
// version's schema is cached for as long as the platform runs (bounded, oldest dropped first).
import * as fs from 'fs';
import * as path from 'path';
import type { GraphQLSchema } from 'graphql';
import { servedSchema } from '../../../core/src/usage/servedSchema';
import type { BuildManifest } from '../build/manifest';
import type { Queryable } from '../store/db';
import { versionById } from '../store/versions';

const MAX_CACHED = 256;

export class VersionSchemas {
  private readonly cache = new Map<string, Promise<GraphQLSchema | undefined>>();

  constructor(private readonly db: Queryable) {}

  /** The version's served schema; undefined when the version or its build is gone. */
  of(versionId: string): Promise<GraphQLSchema | undefined> {
    return this.cached(versionId, () => this.load(versionId));
  }

  private cached(key: string, load: () => Promise<GraphQLSchema | undefined>): Promise<GraphQLSchema | undefined> {
    let found = this.cache.get(key);
    if (found) {
      this.cache.delete(key);
      this.cache.set(key, found);
      return found;
    }
    found = load();
    found.catch(() => this.cache.delete(key));
    this.cache.set(key, found);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return found;
  }

  /** The SDL of a version, as pushed. */
  async sdlOf(versionId: string): Promise<string | undefined> {
    const row = await versionById(this.db, versionId);
    return row?.build_path ? buildSdl(row.build_path) : undefined;
  }

  /** The served schema of a build folder (what a deployment runs), cached like a version's. */
  ofBuild(buildPath: string): Promise<GraphQLSchema | undefined> {
    return this.cached(`build:${buildPath}`, async () => {
      const sdl = await buildSdl(buildPath);
      return sdl === undefined ? undefined : servedSchema(sdl);
    });
  }

  private async load(versionId: string): Promise<GraphQLSchema | undefined> {
    const sdl = await this.sdlOf(versionId);
    return sdl === undefined ? undefined : servedSchema(sdl);
  }
}

/** The SDL a build folder serves; undefined when the build is gone. */
async function buildSdl(buildPath: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await fs.promises.readFile(path.join(buildPath, 'manifest.json'), 'utf8')) as BuildManifest;
    return await fs.promises.readFile(path.join(buildPath, ...manifest.schema.split('/')), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

const perStore = new WeakMap<object, VersionSchemas>();

/** The one cache of version schemas of a store: the API, the gateway's recorder and checks share it. */
export function versionSchemasOf(db: Queryable): VersionSchemas {
  let found = perStore.get(db);
  if (!found) perStore.set(db, (found = new VersionSchemas(db)));
  return found;
}
