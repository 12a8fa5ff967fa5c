// A build's manifest.json: what a build holds and how it runs. Read by the runtime and the services
// layer without loading the compiler that made the build.
import * as fs from 'fs';
import * as path from 'path';

export const BUILD_MANIFEST = 'manifest.json';
export const BUILD_FORMAT_VERSION = 1;

export interface BuildManifest {
  formatVersion: number;
  serviceId?: string;
  /** sha256 (hex) of src/schema.graphql as pushed. */
  schemaHash: string;
  /** Paths below are relative to the build folder. */
  schema: string;
  /** The root type names of the schema (`schema { query: ... }` may rename them). */
  rootTypes: { query: string; mutation: string };
  /** Field → built resolver file, for each Query and Mutation field that has a resolver. */
  resolvers: { Query: Record<string, string>; Mutation: Record<string, string> };
  /** `src/data/entities/index.js` (exports `entities`), when the service has entities. */
  entities?: string;
  /** `src/data/data-source.js`, when generated. */
  dataSource?: string;
  /** Committed migrations in the order they run. */
  migrations: { file: string; className: string; timestamp: number }[];
  /** sha256 (hex) of every other file of the build, by path, sorted. */
  files: Record<string, string>;
  /** sha256 (hex) over `files`: equal builds have equal hashes. */
  buildHash: string;
}

/** Reads a build's manifest.json back. */
export function readBuildManifest(outDir: string): BuildManifest {
  return JSON.parse(fs.readFileSync(path.join(outDir, BUILD_MANIFEST), 'utf8')) as BuildManifest;
}
