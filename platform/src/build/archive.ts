// The platform extracts pushes with the one safe extraction of a service archive (servicefs), which
// the CLI's pull uses too.
export { ArchiveError, DEFAULT_ARCHIVE_LIMITS, extractArchive } from '../../../servicefs/src/archive';
export type { ArchiveErrorCode, ArchiveLimits, ExtractResult } from '../../../servicefs/src/archive';
