// The shape of a service folder, as the original code.store laid it out: `codestore.yaml` at the
// root, the schema at `src/schema.graphql`, one resolver file per Query/Mutation field.
import { parse as parseYaml } from 'yaml';

export const SERVICE_MANIFEST = 'codestore.yaml';
export const SCHEMA_PATH = 'src/schema.graphql';
export const RESOLVERS_DIR = 'src/resolvers';

export interface ServiceManifest {
  serviceId?: string;
  /** Any other keys the file holds, kept as they are. */
  [key: string]: unknown;
}

export function resolverPath(operation: 'queries' | 'mutations', field: string): string {
  return `${RESOLVERS_DIR}/${operation}/${field}.ts`;
}

/** Parses `codestore.yaml`; an empty or invalid file yields an error message, never a throw. */
export function parseManifest(text: string): { manifest: ServiceManifest; error?: string } {
  try {
    const value = parseYaml(text) as unknown;
    if (value === null || value === undefined) return { manifest: {} };
    if (typeof value !== 'object' || Array.isArray(value)) return { manifest: {}, error: 'codestore.yaml must be a mapping (for example `serviceId: my-service`).' };
    return { manifest: value as ServiceManifest };
  } catch (e) {
    return { manifest: {}, error: `codestore.yaml is not valid YAML: ${(e as Error).message}` };
  }
}

/** The field a resolver file path belongs to, or undefined when the path is not a resolver. */
export function resolverOf(relativePath: string): { operation: 'queries' | 'mutations'; field: string } | undefined {
  const m = /^src\/resolvers\/(queries|mutations)\/([_A-Za-z][_0-9A-Za-z]*)\.ts$/.exec(relativePath.replace(/\\/g, '/'));
  return m ? { operation: m[1] as 'queries' | 'mutations', field: m[2] } : undefined;
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
