// What the platform's check of a pushed service reports: one row per problem, located in a file of
// the service folder (1-based line and column, as editors show them), with a stable code.

export type ProblemSeverity = 'error' | 'warning' | 'information';

export interface Problem {
  /** Relative to the service folder, with "/" separators (e.g. `src/resolvers/queries/post.ts`). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units (as editors count). */
  column: number;
  /** Where the problem's range ends, when it has one (1-based, exclusive column). */
  endLine?: number;
  endColumn?: number;
  severity: ProblemSeverity;
  /** Stable identifier: a schema rule's code, `ts<number>` for TypeScript, or one of CHECK_CODES. */
  code: string;
  message: string;
}

/** Maps offsets in a text to 1-based lines and columns. */
export class LineMap {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

const SEVERITY_ORDER: Record<ProblemSeverity, number> = { error: 0, warning: 1, information: 2 };

/** Sorted by file, then position, then severity and code: the same problems always list the same way. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/** One line per problem, `file:line:column severity message [code]`, as the CLI prints them. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column} ${p.severity} ${p.message} [${p.code}]`;
}
