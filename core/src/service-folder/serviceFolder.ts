// A service folder's manifest (`codestore.yaml`) and the stub of a new resolver file. The paths are
// in ./paths (dependency-free), re-exported here.
import { parse as parseYaml } from 'yaml';

export * from './paths';

export interface ServiceManifest {
  serviceId?: string;
  /** Any other keys the file holds, kept as they are. */
  [key: string]: unknown;
}

/** Parses `codestore.yaml`; an empty or invalid file yields an error message, never a throw. */
export function parseManifest(text: string): { manifest: ServiceManifest; error?: string } {
  try {
    const value = parseYaml(text) as unknown;
    if (value === null || value === undefined) return { manifest: {} };
    if (typeof value !== 'object' || Array.isArray(value))
      return { manifest: {}, error: 'codestore.yaml must be a mapping (for example `serviceId: my-service`).' };
    return { manifest: value as ServiceManifest };
  } catch (e) {
    return { manifest: {}, error: `codestore.yaml is not valid YAML: ${(e as Error).message}` };
  }
}

/** A typed stub for a new resolver file. */
export function resolverStub(field: string, rootType: string, argsType = 'Record<string, never>'): string {
  return `import type { DataSource } from 'typeorm';

/** Resolves \`${rootType}.${field}\`. */
export default async function ${field}(
  parent: unknown,
  args: ${argsType},
  context: { db: { connection: DataSource } },
): Promise<unknown> {
  throw new Error('${rootType}.${field} is not implemented yet');
}
`;
}
