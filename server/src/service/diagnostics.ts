// Diagnostics of a schema document: syntax, every graphql-js SDL rule, schema validation and,
// inside a service folder, the platform's rules (including resolver files on disk).
import * as path from 'path';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import { SchemaDiagnostic, Severity } from '../../../core/src/schema/diagnostics';
import { checkPlatformRules } from '../../../core/src/schema/platformRules';
import { SCHEMA_PATH } from '../../../core/src/service-folder/paths';
import { rangeOfOffsets, SchemaDocument } from './document';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export interface DiagnosticsResult {
  /** Diagnostics for the schema document itself. */
  schema: Diagnostic[];
  /** Diagnostics for other files (resolver files whose field is gone), by URI. */
  related: Map<string, Diagnostic[]>;
}

export function computeDiagnostics(doc: SchemaDocument): DiagnosticsResult {
  const found: SchemaDiagnostic[] = [...doc.analysis.diagnostics()];
  const related = new Map<string, Diagnostic[]>();
  if (doc.service && isServiceSchema(doc)) {
    const check = checkPlatformRules(doc.analysis, doc.service.resolvers);
    found.push(...check.diagnostics);
    for (const orphan of check.orphanResolvers) {
      const uri = URI.file(path.join(doc.service.root, orphan.file)).toString();
      related.set(uri, [
        {
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: DiagnosticSeverity.Warning,
          source: 'codestore',
          code: orphan.code,
          message: orphan.message,
        },
      ]);
    }
    if (doc.service.manifestError) {
      found.push({ start: 0, end: 0, severity: 'warning', code: 'invalid-manifest', message: doc.service.manifestError });
    }
  }
  return { schema: found.map((d) => toLsp(doc, d)), related };
}

/** The service's main schema (src/schema.graphql) gets the resolver rules; other files do not. */
export function isServiceSchema(doc: SchemaDocument): boolean {
  if (!doc.service) return false;
  const file = URI.parse(doc.uri).fsPath;
  return path.relative(doc.service.root, file).split(path.sep).join('/') === SCHEMA_PATH;
}

function toLsp(doc: SchemaDocument, d: SchemaDiagnostic): Diagnostic {
  return {
    range: rangeOfOffsets(doc, d.start, d.end),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'codestore',
    message: d.message,
    data: d.data,
  };
}
