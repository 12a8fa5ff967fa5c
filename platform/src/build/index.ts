// Push, check, build: what the platform does with a pushed service archive.
//   const { dir } = await extractArchive(body, path.join(pushes, pushId));
//   const check = await checkService(dir, { serviceId });      // problems with file/line/column
//   if (check.ok) await buildService(dir, path.join(builds, serviceId, version));
export { ArchiveError, DEFAULT_ARCHIVE_LIMITS, extractArchive } from './archive';
export type { ArchiveErrorCode, ArchiveLimits, ExtractResult } from './archive';
export { CHECK_CODES, checkService } from './check';
export type { CheckOptions, CheckResult, CommittedMigration } from './check';
export { BUILD_FORMAT_VERSION, BUILD_MANIFEST, BuildError, buildService, readBuildManifest } from './build';
export type { BuildErrorCode, BuildManifest, BuildOptions, BuildResult } from './build';
export { formatProblem, sortProblems } from '../../../servicefs/src/problems';
export type { Problem, ProblemSeverity } from '../../../servicefs/src/problems';
export { PLATFORM_MODULES, platformModuleRoot, prewarmTypeCheck, serviceCompilerOptions, typeCheckService } from './typecheck';
export type { TypeCheckOptions, TypeCheckResult } from './typecheck';
