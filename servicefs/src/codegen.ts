// Writes a service's generated database layer to disk as the schema changes: only files whose
// content changed, each atomically (write then rename), never a file the generation does not own.
// Loads the generators lazily so the language server starts without them.
import * as fs from 'fs';
import * as path from 'path';
import type { DocumentNode } from 'graphql';
import type { ServiceFiles, ServiceGeneration } from '../../core/src/codegen/generate';
import { GENERATED_MARK, MIGRATIONS_DIR } from '../../core/src/service-folder/paths';
import { generatedDrift, obsoleteCandidates } from './drift';
import { readServiceFiles } from './folder';

/** What the host needs of a service folder: where it is. */
export interface ServiceRoot {
  root: string;
}

type GenerateModule = typeof import('../../core/src/codegen/generate');
let generator: Promise<GenerateModule> | undefined;
export function loadGenerator(): Promise<GenerateModule> {
  generator ??= import(/* webpackChunkName: "codegen" */ '../../core/src/codegen/generate');
  return generator;
}

export interface WriteResult {
  generation: ServiceGeneration;
  written: string[];
  deleted: string[];
}

export class CodegenHost {
  /** Content last written or read per absolute path: saves reading files back. */
  private readonly known = new Map<string, string>();
  /** The last generation prepared and not yet written. */
  private prepared: { root: string; doc: DocumentNode; files: ServiceFiles; generation: ServiceGeneration } | undefined;

  /** Plans without writing: for warnings in the editor. */
  async plan(service: ServiceRoot, doc: DocumentNode): Promise<ServiceGeneration> {
    const { generateService } = await loadGenerator();
    return generateService(doc, readServiceFiles(service.root));
  }

  /**
   * Generates without writing and keeps the result: a write of the same document against the same
   * folder state then writes it at once (the language server prepares while it validates).
   */
  async prepare(service: ServiceRoot, doc: DocumentNode): Promise<void> {
    const { generateService } = await loadGenerator();
    const files = readServiceFiles(service.root);
    this.prepared = { root: service.root, doc, files, generation: generateService(doc, files) };
  }

  /** Generates and writes; `commit` finalizes the pending migration. */
  async write(service: ServiceRoot, doc: DocumentNode, commit = false): Promise<WriteResult> {
    const { generateService } = await loadGenerator();
    const files = readServiceFiles(service.root);
    const prepared = this.prepared;
    this.prepared = undefined;
    const generation =
      !commit && prepared && prepared.root === service.root && prepared.doc === doc && sameFiles(prepared.files, files)
        ? prepared.generation
        : generateService(doc, files, commit ? { commit: { timestamp: Date.now() } } : {});
    const written: string[] = [];
    const deleted: string[] = [];
    for (const file of generation.files) {
      if (this.writeIfChanged(path.join(service.root, file.path), file.content)) written.push(file.path);
    }
    for (const rel of obsoleteCandidates(service.root, generation))
      if (this.removeGenerated(path.join(service.root, rel))) deleted.push(rel);
    return { generation, written, deleted };
  }

  /**
   * What is out of date on disk, without writing (see generatedDrift), one line per path for
   * `codestore generate --check`.
   */
  async check(service: ServiceRoot, doc: DocumentNode): Promise<{ stale: string[]; generation: ServiceGeneration }> {
    const { generateService } = await loadGenerator();
    const generation = generateService(doc, readServiceFiles(service.root));
    const stale = generatedDrift(service.root, generation).map((d) =>
      d.kind === 'migration-needed' ? `${MIGRATIONS_DIR}/ (the schema needs a migration: run \`codestore generate\`)` : d.path,
    );
    return { stale, generation };
  }
  private writeIfChanged(file: string, content: string): boolean {
    let current = this.known.get(file);
    if (current === undefined) {
      try {
        current = fs.readFileSync(file, 'utf8');
      } catch {
        current = undefined;
      }
    }
    if (current === content) {
      this.known.set(file, content);
      return false;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, file);
    this.known.set(file, content);
    return true;
  }

  /** Deletes a file only if the generation wrote it (it starts with the generated mark). */
  private removeGenerated(file: string): boolean {
    let content: string;
    try {
      content = fs.readFileSync(file, 'utf8');
    } catch {
      this.known.delete(file);
      return false;
    }
    if (!content.startsWith(GENERATED_MARK)) return false;
    fs.unlinkSync(file);
    this.known.delete(file);
    return true;
  }

  /** A file changed on disk outside the server: forget what we knew of it. */
  forget(file: string): void {
    this.known.delete(file);
  }
}

/** Whether two reads of a service folder found the same snapshot and migrations. */
function sameFiles(a: ServiceFiles, b: ServiceFiles): boolean {
  if (a.snapshot !== b.snapshot || a.migrations.join('\n') !== b.migrations.join('\n')) return false;
  const sa = a.migrationSources ?? {};
  const sb = b.migrationSources ?? {};
  const keys = Object.keys(sb);
  return keys.length === Object.keys(sa).length && keys.every((k) => sa[k] === sb[k]);
}
