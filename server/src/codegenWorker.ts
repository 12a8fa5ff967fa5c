// The code generation process: the language server hands it a service's schema text and it
// writes the database layer. Generation loads ts-morph (with the TypeScript compiler) and costs
// CPU after each valid edit; here it neither grows the language server's memory nor blocks it.
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import type { MigrationWarning } from '../../core/src/codegen/migrations/types';
import { CodegenHost } from '../../servicefs/src/codegen';

export type WorkerRequest =
  | { id: number; kind: 'write'; root: string; schema: string; commit: boolean }
  /** Generate without writing, while the language server validates the same text: a write of it that follows is then quick. */
  | { id: number; kind: 'prepare'; root: string; schema: string }
  | { id: number; kind: 'forget'; file: string };

export type WorkerResponse =
  | { id: number; ok: true; written: string[]; deleted: string[]; migration?: string; planEmpty: boolean; warnings: MigrationWarning[] }
  /** `snapshot`: the committed snapshot is not readable (the message says what to do). */
  | { id: number; ok: false; error: string; snapshot?: boolean };

const host = new CodegenHost();
const analyses = new Map<string, SchemaAnalysis>();

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  if (request.kind === 'forget') {
    host.forget(request.file);
    return { id: request.id, ok: true, written: [], deleted: [], planEmpty: true, warnings: [] };
  }
  // A prepare superseded by a later request for the folder (typing outran generation) is skipped.
  if (request.kind === 'prepare' && newest.get(request.root) !== request.id)
    return { id: request.id, ok: true, written: [], deleted: [], planEmpty: true, warnings: [] };
  let analysis = analyses.get(request.root);
  if (!analysis) {
    analysis = new SchemaAnalysis({ prelude: true });
    analyses.set(request.root, analysis);
  }
  analysis.update(request.schema);
  if (request.kind === 'prepare') {
    await host.prepare({ root: request.root }, analysis.documentWithPrelude());
    return { id: request.id, ok: true, written: [], deleted: [], planEmpty: true, warnings: [] };
  }
  const result = await host.write({ root: request.root }, analysis.documentWithPrelude(), request.commit);
  return {
    id: request.id,
    ok: true,
    written: result.written,
    deleted: result.deleted,
    migration: result.generation.committed?.path,
    planEmpty: result.generation.plan.empty,
    warnings: result.generation.plan.warnings,
  };
}

// Requests run one at a time, in order: two writes of the same folder never interleave.
let queue: Promise<unknown> = Promise.resolve();
/** The last request that arrived per folder. */
const newest = new Map<string, number>();
process.on('message', (request: WorkerRequest) => {
  if (request.kind !== 'forget') newest.set(request.root, request.id);
  queue = queue.then(async () => {
    let response: WorkerResponse;
    try {
      response = await handle(request);
    } catch (e) {
      response = {
        id: request.id,
        ok: false,
        error: (e as Error)?.message ?? String(e),
        snapshot: (e as Error)?.name === 'SnapshotError' || (e as { isSnapshotError?: boolean })?.isSnapshotError === true,
      };
    }
    process.send?.(response);
  });
});
process.on('disconnect', () => process.exit(0));
