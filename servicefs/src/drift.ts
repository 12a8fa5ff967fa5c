// How the generated files on disk differ from what the schema generates: the one check behind
// `codestore generate --check`, the platform's check of a push, and the writer's deletions.
import type { ServiceGeneration } from '../../core/src/codegen/generate';
import { ENTITIES_DIR, GENERATED_MARK, PENDING_MIGRATION_PATH } from '../../core/src/service-folder/paths';
import { listDir, readText } from './folder';
import { LineMap } from './problems';

export type Drift =
  /** The schema generates the file and it is not there. */
  | { kind: 'missing'; path: string }
  /** The file differs from what the schema generates, first at `line`/`column` (1-based). */
  | { kind: 'stale'; path: string; line: number; column: number }
  /** A generated file the schema no longer generates (it starts with the generated mark). */
  | { kind: 'obsolete'; path: string }
  /** The schema changes the database and no migration for it was committed. */
  | { kind: 'migration-needed' };

/**
 * Everything out of date, in a stable order. The pending migration is the editor's scratch file:
 * it is never drift.
 */
export function generatedDrift(root: string, generation: ServiceGeneration): Drift[] {
  const out: Drift[] = [];
  for (const file of generation.files) {
    if (file.path === PENDING_MIGRATION_PATH) continue;
    const current = readText(root, file.path);
    if (current === undefined) out.push({ kind: 'missing', path: file.path });
    else if (current !== file.content) out.push({ kind: 'stale', path: file.path, ...firstDifference(current, file.content) });
  }
  for (const rel of obsoleteCandidates(root, generation)) {
    if (readText(root, rel)?.startsWith(GENERATED_MARK)) out.push({ kind: 'obsolete', path: rel });
  }
  if (!generation.plan.empty) out.push({ kind: 'migration-needed' });
  return out;
}

/**
 * Paths that must not exist after the generation: its removals, and entity files of types that are
 * gone. Only those starting with the generated mark are generated; the caller checks before deleting.
 */
export function obsoleteCandidates(root: string, generation: ServiceGeneration): string[] {
  const owned = new Set(generation.files.map((f) => f.path));
  const out = [...generation.remove];
  for (const name of listDir(root, ENTITIES_DIR)) {
    const rel = `${ENTITIES_DIR}/${name}`;
    if (name.endsWith('.ts') && !owned.has(rel)) out.push(rel);
  }
  return out;
}

/** 1-based line and column of the first character where two texts differ. */
function firstDifference(a: string, b: string): { line: number; column: number } {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return new LineMap(a).position(i);
}
