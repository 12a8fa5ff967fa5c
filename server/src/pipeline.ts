// What the language server keeps for one open schema document, and the pipeline it runs after an
// edit: diagnostics, then (for a service's src/schema.graphql) the migration plan's warnings, then
// code generation after a pause. All of a document's state is in its DocumentPipeline, so closing
// the document drops it; nothing here needs an LSP connection (the host gives what it needs).
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { MigrationWarning } from '../../core/src/codegen/migrations/types';
import type { EditHint } from '../../core/src/schema/analysis';
import type { ServiceFiles } from '../../core/src/codegen/plan';
import type { ServiceFolder } from '../../servicefs/src/folder';
import { GenerateResult, ServerSettings } from '../protocol/protocol';
import type { WorkerRequest, WorkerResponse } from './codegenWorker';
import { computeDiagnostics, isServiceSchema } from './service/diagnostics';
import type { SchemaDocument } from './service/document';
import { migrationDiagnostics } from './service/migrationWarnings';
import { breakingUsageDiagnostics, usageHints } from './service/usage';

type PlanModule = typeof import('../../core/src/codegen/plan');
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** What a pipeline needs from the server around it. */
export interface PipelineHost {
  settings(): Required<ServerSettings>;
  /** The document as it is now (its analysis brought up to date), or undefined when it is gone. */
  documentOf(uri: string): SchemaDocument | undefined;
  /** The version the editor has now, undefined when the document is not open. */
  versionOf(uri: string): number | undefined;
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void;
  /** The migration planner when loaded; else starts loading it and returns undefined (the host revalidates once it is there). */
  planner(): PlanModule | undefined;
  readServiceFiles(root: string): ServiceFiles;
  codegen(request: WithoutId<WorkerRequest>): Promise<WorkerResponse>;
  /** Validates the document again soon (after a commit changed the snapshot). */
  revalidate(uri: string): void;
  log(level: 'error' | 'info', message: string): void;
  showError(message: string): void;
}

/** The last migration plan's outcome: its warnings, or why it could not be made. */
export type PlanOutcome = { warnings: MigrationWarning[] } | { error: string };

export class DocumentPipeline {
  /** What the edits since the analysis last caught up left unchanged at both ends. */
  private editHint: EditHint | undefined;
  /** Other documents (orphaned resolver files) this one published diagnostics to. */
  private related = new Set<string>();
  private lastPlan: PlanOutcome | undefined;
  /** The diagnostics last published for a valid version, without the plan's warnings. */
  private lastBase: { version: number; base: Diagnostic[] } | undefined;
  /** The last version that validated without errors. */
  private validVersion: number | undefined;
  /** Warnings of edits that break recorded client operations, for the version they were computed on. */
  private usageWarnings: { version: number; diagnostics: Diagnostic[] } | undefined;
  private planTimer: NodeJS.Timeout | undefined;
  private codegenTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly uri: string,
    private readonly host: PipelineHost,
  ) {}

  /** Records an incremental change (offsets in the text before it). */
  noteEdit(start: number, end: number, lengthBefore: number): void {
    const suffix = lengthBefore - end;
    this.editHint = {
      prefix: Math.min(this.editHint?.prefix ?? Infinity, start),
      suffix: Math.min(this.editHint?.suffix ?? Infinity, suffix),
    };
  }

  /** A change without a range replaced the whole text. */
  noteReplace(): void {
    this.editHint = { prefix: 0, suffix: 0 };
  }

  /** The hint for the next analysis update, once. */
  takeEditHint(): EditHint | undefined {
    const hint = this.editHint;
    this.editHint = undefined;
    return hint;
  }

  /** Validates and publishes, then plans or generates when the schema is valid. */
  validate(): void {
    const version = this.host.versionOf(this.uri);
    if (version === undefined) return;
    const doc = this.host.documentOf(this.uri);
    if (!doc) return;
    this.prepareCodegen(doc);
    let result;
    try {
      result = computeDiagnostics(doc);
    } catch (e) {
      this.host.log('error', `codestore: diagnostics failed: ${(e as Error)?.stack ?? e}`);
      return;
    }
    if (this.host.versionOf(this.uri) !== version) return; // a newer change is on its way
    const valid = !result.schema.some((d) => d.severity === DiagnosticSeverity.Error);
    this.validVersion = valid ? version : undefined;
    const withUsage = valid && doc.service && isServiceSchema(doc) && !!doc.usage?.length;
    if (withUsage) result.schema.push(...usageHints(doc, doc.usage));
    if (valid && doc.service && isServiceSchema(doc)) {
      // The migration plan is slower than validation: publish with the last plan's warnings
      // (placed in this version), then plan again and publish once more if they changed.
      const base = result.schema.slice();
      this.lastBase = { version, base };
      if (this.lastPlan) result.schema.push(...planDiagnostics(doc, this.lastPlan));
      // Writing files plans the migration too: then one plan per edit, in the code generation process.
      const { codegen } = this.host.settings();
      if (codegen === 'onType') this.scheduleCodegen(doc.service);
      else this.schedulePlan(version, base, doc.service);
    }
    this.host.publish(this.uri, result.schema, version);
    if (withUsage) this.checkUsage(doc, version);
    const now = new Set(result.related.keys());
    for (const [other, diagnostics] of result.related) this.host.publish(other, diagnostics);
    for (const other of this.related) if (!now.has(other)) this.host.publish(other, []);
    this.related = now;
  }

  /** Generates now (a command, or on save): writes the entities and the pending migration, or commits it. */
  async generate(service: ServiceFolder, commit: boolean): Promise<GenerateResult> {
    const doc = this.host.documentOf(this.uri);
    if (!doc) return { written: [], deleted: [], skipped: 'The schema is not open or does not exist.' };
    const errors =
      this.validVersion === doc.document.version
        ? []
        : computeDiagnostics(doc).schema.filter((d) => d.severity === DiagnosticSeverity.Error);
    if (errors.length)
      return {
        written: [],
        deleted: [],
        skipped: `The schema has ${errors.length} error(s); fix them first (the generated files keep their last good state).`,
      };
    const version = doc.document.version;
    try {
      const result = await this.host.codegen({ kind: 'write', root: service.root, schema: doc.analysis.documentText, commit });
      const base = this.lastBase;
      if (!result.ok && result.snapshot) {
        if (base?.version === version) this.publishPlan(doc, version, base.base, { error: result.error });
        return { written: [], deleted: [], skipped: result.error };
      }
      if (!result.ok) throw new Error(result.error);
      if (base?.version === version && !commit) this.publishPlan(doc, version, base.base, { warnings: result.warnings });
      if (result.written.length || result.deleted.length) {
        this.host.log(
          'info',
          `codestore: ${commit ? 'committed' : 'generated'} ${[...result.written, ...result.deleted.map((d) => d + ' (deleted)')].join(', ')}`,
        );
      }
      if (commit) this.host.revalidate(this.uri);
      return {
        written: result.written,
        deleted: result.deleted,
        migration: result.migration,
        skipped: commit && result.planEmpty ? 'Nothing to commit: the schema matches the snapshot.' : undefined,
      };
    } catch (e) {
      const message = `Generating the database layer failed: ${(e as Error).message}`;
      this.host.log('error', `codestore: ${(e as Error)?.stack ?? e}`);
      this.host.showError(message);
      return { written: [], deleted: [], skipped: message };
    }
  }

  /** The document closed: stop what is pending and clear what it published. */
  dispose(): void {
    this.closed = true;
    clearTimeout(this.planTimer);
    clearTimeout(this.codegenTimer);
    this.host.publish(this.uri, []);
    for (const other of this.related) this.host.publish(other, []);
    this.related.clear();
  }

  /** Diffs the schema against what each environment serves (off the keystroke's path) and republishes with what breaks recorded operations. */
  private checkUsage(doc: SchemaDocument, version: number): void {
    void breakingUsageDiagnostics(doc, doc.usage).then(
      (diagnostics) => {
        if (this.closed || this.host.versionOf(this.uri) !== version) return;
        const before = this.usageWarnings;
        this.usageWarnings = { version, diagnostics };
        if (!diagnostics.length && !before?.diagnostics.length) return;
        const base = this.lastBase?.version === version ? this.lastBase.base : undefined;
        if (!base) return;
        this.host.publish(this.uri, [...base, ...(this.lastPlan ? planDiagnostics(doc, this.lastPlan) : []), ...diagnostics], version);
      },
      (e) => this.host.log('error', `codestore: checking the schema against recorded usage failed: ${(e as Error)?.stack ?? e}`),
    );
  }

  /** Plans the migration the schema needs now (off the keystroke's path) and republishes on change. */
  private schedulePlan(version: number, base: Diagnostic[], service: ServiceFolder): void {
    clearTimeout(this.planTimer);
    // A timer, not setImmediate: the diagnostics just sent are written to the client first.
    this.planTimer = setTimeout(() => {
      this.planTimer = undefined;
      const planner = this.host.planner();
      if (!planner) return;
      const doc = this.host.documentOf(this.uri);
      if (!doc || doc.document.version !== version) return;
      let outcome: PlanOutcome;
      try {
        outcome = {
          warnings: planner.planService(doc.analysis.documentWithPrelude(), this.host.readServiceFiles(service.root)).plan.warnings,
        };
      } catch (e) {
        if (!(e instanceof planner.SnapshotError)) this.host.log('error', `codestore: ${(e as Error)?.stack ?? e}`);
        outcome = { error: e instanceof planner.SnapshotError ? e.message : `The migration cannot be planned: ${(e as Error).message}` };
      }
      this.publishPlan(doc, version, base, outcome);
    }, 1);
  }

  /**
   * Without a pause before writing, the code generation process generates while this process
   * validates (the two run side by side), so the write that follows a valid result is quick. Only
   * a write follows from a valid result: an invalid text is generated for nothing, never written.
   */
  private prepareCodegen(doc: SchemaDocument): void {
    const { codegen, codegenDelayMs } = this.host.settings();
    if (codegen !== 'onType' || codegenDelayMs > 0 || !doc.service || !isServiceSchema(doc)) return;
    this.host.codegen({ kind: 'prepare', root: doc.service.root, schema: doc.analysis.documentText }).catch(() => undefined);
  }

  /** Writes entities and the pending migration after a pause in valid edits. */
  private scheduleCodegen(service: ServiceFolder): void {
    clearTimeout(this.codegenTimer);
    this.codegenTimer = setTimeout(() => {
      this.codegenTimer = undefined;
      void this.generate(service, false);
    }, this.host.settings().codegenDelayMs);
  }

  /** Records a plan's outcome and republishes the version's diagnostics when its warnings changed. */
  private publishPlan(doc: SchemaDocument, version: number, base: Diagnostic[], outcome: PlanOutcome): void {
    if (this.closed) return;
    const previous = this.lastPlan;
    this.lastPlan = outcome;
    if (JSON.stringify(previous ?? { warnings: [] }) === JSON.stringify(outcome)) return;
    if (doc.document.version !== version) return;
    const usage = this.usageWarnings?.version === version ? this.usageWarnings.diagnostics : [];
    this.host.publish(doc.uri, [...base, ...planDiagnostics(doc, outcome), ...usage], version);
  }
}

function planDiagnostics(doc: SchemaDocument, outcome: PlanOutcome): Diagnostic[] {
  if ('warnings' in outcome) return migrationDiagnostics(doc, outcome.warnings);
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: DiagnosticSeverity.Error,
      source: 'codestore',
      code: 'snapshot',
      message: outcome.error,
    },
  ];
}

/** The pipelines of the open documents, by URI. */
export class Pipelines {
  private readonly byUri = new Map<string, DocumentPipeline>();

  constructor(readonly host: PipelineHost) {}

  open(uri: string): DocumentPipeline {
    let pipeline = this.byUri.get(uri);
    if (!pipeline) {
      pipeline = new DocumentPipeline(uri, this.host);
      this.byUri.set(uri, pipeline);
    }
    return pipeline;
  }

  get(uri: string): DocumentPipeline | undefined {
    return this.byUri.get(uri);
  }

  close(uri: string): void {
    this.byUri.get(uri)?.dispose();
    this.byUri.delete(uri);
  }

  get size(): number {
    return this.byUri.size;
  }
}
