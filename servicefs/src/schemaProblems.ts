// A service's schema problems as rows with file, line and column: the GraphQL rules, the platform's
// rules and resolver files whose field is gone. `codestore check` prints them; the platform's check
// of a push reports them.
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import type { SchemaDiagnostic } from '../../core/src/schema/diagnostics';
import { checkPlatformRules, ResolverFiles } from '../../core/src/schema/platformRules';
import { SCHEMA_PATH } from '../../core/src/service-folder/paths';
import { LineMap, Problem } from './problems';

export interface SchemaProblems {
  problems: Problem[];
  /** An error other than a missing resolver: the database layer cannot be generated. */
  blocking: boolean;
}

/** The analysed schema of a service (with the platform's prelude). */
export function analyseServiceSchema(text: string): SchemaAnalysis {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(text);
  return analysis;
}

export function schemaProblems(analysis: SchemaAnalysis, resolvers: ResolverFiles): SchemaProblems {
  const platform = checkPlatformRules(analysis, resolvers);
  const diagnostics: SchemaDiagnostic[] = [...analysis.diagnostics(), ...platform.diagnostics];
  const lines = new LineMap(analysis.documentText);
  const problems: Problem[] = [];
  let blocking = false;
  for (const d of diagnostics) {
    const s = lines.position(d.start);
    const e = lines.position(d.end);
    problems.push({
      file: SCHEMA_PATH,
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
      severity: d.severity === 'hint' ? 'information' : d.severity,
      code: d.code,
      message: d.message,
    });
    if (d.severity === 'error' && d.code !== 'missing-resolver') blocking = true;
  }
  for (const o of platform.orphanResolvers) {
    problems.push({ file: o.file, line: 1, column: 1, severity: 'warning', code: o.code, message: o.message });
  }
  return { problems, blocking };
}
