// The compiler's part of a push: check an extracted service folder and, when it passes, build it.
// Loads TypeScript and the core's code generation, so the platform runs it in a process of its own
// (./checkProcess.ts); tests and tools may call it directly.
import * as fs from 'fs';
import * as path from 'path';
import { BUILD_SERVICE_MANIFEST } from '../runtime/sandbox/limits';
import { BuildError, buildService } from './build';
import { checkService } from './check';
import type { BuildManifest } from './manifest';
import type { Problem } from '../../../servicefs/src/problems';

/** A problem as a push answers it. */
export type PushProblem = Pick<Problem, 'file' | 'line' | 'column' | 'severity' | 'code' | 'message'>;

export interface CheckAndBuildRequest {
  /** The extracted service folder. */
  pushDir: string;
  /** Where the build goes (it must not exist). */
  buildPath: string;
  serviceId: string;
}

/** Refused, with the problems; or built, with the check's warnings. */
export type CheckAndBuildOutcome = { ok: false; problems: PushProblem[] } | { ok: true; manifest: BuildManifest; warnings: PushProblem[] };

/** Checks and builds a push; the function the push runs it through (in this process or another). */
export type CheckAndBuild = (request: CheckAndBuildRequest) => Promise<CheckAndBuildOutcome>;

export const checkAndBuild: CheckAndBuild = async ({ pushDir, buildPath, serviceId }) => {
  const check = await checkService(pushDir, { serviceId });
  const problems = check.problems.map(problemRow);
  if (!check.ok) return { ok: false, problems };
  try {
    const { manifest } = await buildService(pushDir, buildPath);
    // The deployment's limits (`runtime:` in codestore.yaml) are read from its build.
    await fs.promises.copyFile(path.join(pushDir, 'codestore.yaml'), path.join(buildPath, BUILD_SERVICE_MANIFEST));
    return { ok: true, manifest, warnings: problems };
  } catch (e) {
    if (e instanceof BuildError && e.problems.length) return { ok: false, problems: e.problems.map(problemRow) };
    throw e;
  }
};

function problemRow(p: Problem): PushProblem {
  return { file: p.file, line: p.line, column: p.column, severity: p.severity, code: p.code, message: p.message };
}
