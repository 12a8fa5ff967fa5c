// A push's problems in the Problems panel: the platform's check locates each in a file of the
// service folder (1-based line and column).
import * as path from 'path';
import * as vscode from 'vscode';
import type { PushProblem } from '../../../apiclient/src/types';
import type { Ctx } from '../ctx';

/** Problems of a push, as diagnostics on the files of the service folder (1-based positions from the platform). */
export function showProblems(ctx: Ctx, folder: vscode.Uri, problems: PushProblem[]): void {
  ctx.pushProblems.forEach((uri) => {
    if (uri.fsPath.startsWith(folder.fsPath + path.sep)) ctx.pushProblems.delete(uri);
  });
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const p of problems) {
    const line = Math.max(0, p.line - 1);
    const character = Math.max(0, p.column - 1);
    const range = new vscode.Range(line, character, line, character);
    const severity =
      p.severity === 'error'
        ? vscode.DiagnosticSeverity.Error
        : p.severity === 'warning'
          ? vscode.DiagnosticSeverity.Warning
          : vscode.DiagnosticSeverity.Information;
    const d = new vscode.Diagnostic(range, p.message, severity);
    d.source = 'code.store push';
    d.code = p.code;
    const list = byFile.get(p.file) ?? [];
    list.push(d);
    byFile.set(p.file, list);
  }
  for (const [file, list] of byFile) ctx.pushProblems.set(vscode.Uri.joinPath(folder, ...file.split('/')), list);
}
