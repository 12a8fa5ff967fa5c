// A service folder as it is on disk: its manifest, its resolver files, the committed migrations the
// code generation starts from. Every host (language server, CLI, platform check) reads it here.
import * as fs from 'fs';
import * as path from 'path';
import type { ServiceFiles } from '../../core/src/codegen/plan';
import type { ResolverFiles } from '../../core/src/schema/platformRules';
import { MIGRATIONS_DIR, RESOLVERS_DIR, SERVICE_MANIFEST, SNAPSHOT_PATH } from '../../core/src/service-folder/paths';
import { parseManifest } from '../../core/src/service-folder/serviceFolder';

export interface ServiceFolder {
  /** Absolute. */
  root: string;
  serviceId?: string;
  manifestError?: string;
  resolvers: ResolverFiles;
}

/** The service folder at `root` (which holds codestore.yaml; a manifest removed meanwhile reads as empty). */
export function loadServiceFolder(root: string): ServiceFolder {
  const { manifest, error } = parseManifest(readText(root, SERVICE_MANIFEST) ?? '');
  return {
    root,
    serviceId: typeof manifest.serviceId === 'string' ? manifest.serviceId : undefined,
    manifestError: error,
    resolvers: readResolvers(root),
  };
}

/** Field names with a resolver file, per operation (`src/resolvers/{queries,mutations}/<field>.ts`). */
export function readResolvers(root: string): ResolverFiles {
  const read = (op: string) => {
    const out = new Set<string>();
    try {
      for (const f of fs.readdirSync(path.join(root, RESOLVERS_DIR, op))) {
        const m = /^([_A-Za-z][_0-9A-Za-z]*)\.ts$/.exec(f);
        if (m && !f.endsWith('.d.ts')) out.add(m[1]);
      }
    } catch {
      // No such folder: no resolvers.
    }
    return out;
  };
  return { queries: read('queries'), mutations: read('mutations') };
}

/**
 * A regular file of the service folder (`rel` with "/" separators), or undefined when it is absent
 * or not a regular file: a pushed folder's symbolic link is never followed.
 */
export function readText(root: string, rel: string): string | undefined {
  try {
    const abs = path.join(root, ...rel.split('/'));
    if (!fs.lstatSync(abs).isFile()) return undefined;
    return fs.readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

/** Names in a folder of the service folder, sorted; none when it does not exist. */
export function listDir(root: string, rel: string): string[] {
  try {
    return fs.readdirSync(path.join(root, ...rel.split('/'))).sort();
  } catch {
    return [];
  }
}

/** What the code generation starts from: the snapshot, or without one the committed migrations' sources as the baseline. */
export function readServiceFiles(root: string): ServiceFiles {
  const snapshot = readText(root, SNAPSHOT_PATH);
  const migrations = listDir(root, MIGRATIONS_DIR);
  if (snapshot !== undefined) return { snapshot, migrations };
  const migrationSources: Record<string, string> = {};
  for (const f of migrations) {
    if (!f.endsWith('.ts')) continue;
    const text = readText(root, `${MIGRATIONS_DIR}/${f}`);
    if (text !== undefined) migrationSources[f] = text;
  }
  return { snapshot, migrations, migrationSources };
}
