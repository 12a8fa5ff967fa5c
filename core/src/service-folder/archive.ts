// The archive a pushed service travels as (a gzipped tar of its folder): its error codes, its limits
// and which paths it may hold. The packer (apiclient) refuses what the platform's extraction would.

export type ArchiveErrorCode =
  /** The bytes are not a gzip stream. */
  | 'not-gzip'
  /** The gzip stream or the tar inside it ends early. */
  | 'truncated'
  /** A damaged gzip stream, an invalid tar header, or no tar at all inside the gzip. */
  | 'malformed'
  /** The compressed archive is larger than `maxArchiveBytes`. */
  | 'archive-too-large'
  /** The files unpack to more than `maxTotalBytes`. */
  | 'too-large'
  /** More than `maxEntries` entries. */
  | 'too-many-entries'
  /** One file is larger than `maxEntryBytes`. */
  | 'entry-too-large'
  /** A path starting with `/`, a drive letter (`C:`) or `//`. */
  | 'absolute-path'
  /** A path with a `..` segment. */
  | 'path-traversal'
  /** A path with a backslash (a separator on Windows). */
  | 'backslash-path'
  /** An empty or overlong path, or one with NUL, control characters or `:`. */
  | 'invalid-path'
  | 'symlink'
  | 'hardlink'
  /** A character or block device. */
  | 'device'
  | 'fifo'
  /** Any other entry type (sparse files, GNU dump dirs, vendor extensions, oversized metadata). */
  | 'unsupported-entry'
  /** The same path twice. */
  | 'duplicate-entry'
  /** A path below a file, or a directory where a file is (`a` as a file and `a/b`). */
  | 'conflicting-entry'
  /** extractArchive: the destination exists already. */
  | 'destination-exists'
  /** packServiceFolder: the folder has no codestore.yaml. */
  | 'not-a-service-folder'
  /** Reading or writing the file system failed. */
  | 'io';

export class ArchiveError extends Error {
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
    readonly entry?: string,
  ) {
    super(message);
    this.name = 'ArchiveError';
  }
}

export interface ArchiveLimits {
  /** Size of the compressed archive. */
  maxArchiveBytes: number;
  /** Entries of every kind, directories included. */
  maxEntries: number;
  /** Size of one file. */
  maxEntryBytes: number;
  /** Sum of the sizes of every file. */
  maxTotalBytes: number;
  /** Length of a path, in bytes. */
  maxPathBytes: number;
  /** Number of segments of a path. */
  maxPathDepth: number;
}

export const DEFAULT_ARCHIVE_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxArchiveBytes: 20 * 1024 * 1024,
  maxEntries: 5000,
  maxEntryBytes: 5 * 1024 * 1024,
  maxTotalBytes: 50 * 1024 * 1024,
  maxPathBytes: 512,
  maxPathDepth: 32,
});

/** Why a path from an archive cannot be written, if it cannot. */
export function pathError(p: string, lim: ArchiveLimits, isDir: boolean): ArchiveError | undefined {
  const shown = printable(p);
  if (!p) return new ArchiveError('invalid-path', 'An archive entry has an empty path.', p);
  if (p.includes('\\')) {
    return new ArchiveError(
      'backslash-path',
      `"${shown}" contains a backslash, a path separator on Windows: archive paths must use "/" only.`,
      p,
    );
  }
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) {
    return new ArchiveError('absolute-path', `"${shown}" is an absolute path: archive paths must be relative to the service folder.`, p);
  }
  const segments = p.split('/');
  if (segments.includes('..')) {
    return new ArchiveError('path-traversal', `"${shown}" has a ".." segment: archive paths must stay inside the service folder.`, p);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f:]/.test(p)) {
    return new ArchiveError('invalid-path', `"${shown}" contains a control character or ":"; refused.`, p);
  }
  if (Buffer.byteLength(p) > lim.maxPathBytes) {
    return new ArchiveError('invalid-path', `"${shown.slice(0, 80)}…" is longer than ${lim.maxPathBytes} bytes; refused.`, p);
  }
  const parts = segments.filter((s) => s !== '' && s !== '.');
  if (parts.length > lim.maxPathDepth) {
    return new ArchiveError('invalid-path', `"${shown}" is nested more than ${lim.maxPathDepth} levels deep; refused.`, p);
  }
  if (parts.some((s) => Buffer.byteLength(s) > 255)) {
    return new ArchiveError('invalid-path', `"${shown.slice(0, 80)}…" has a name longer than 255 bytes; refused.`, p);
  }
  if (
    process.platform === 'win32' &&
    parts.some((s) => /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(s) || /[. ]$/.test(s) || /[<>"|?*]/.test(s))
  ) {
    return new ArchiveError('invalid-path', `"${shown}" is not a valid file name on Windows; refused.`, p);
  }
  if (!parts.length && !isDir) return new ArchiveError('invalid-path', `"${shown}" names no file.`, p);
  if (p.endsWith('/') && !isDir) return new ArchiveError('invalid-path', `"${shown}" ends with "/" but is not a directory.`, p);
  return undefined;
}

/** A path as it can be shown in a message: control characters escaped, length bounded. */
export function printable(p: string): string {
  // eslint-disable-next-line no-control-regex
  const s = p.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** A file system failure while packing or unpacking. */
export function ioError(e: unknown, where: string): ArchiveError {
  return new ArchiveError('io', `Cannot read or write ${where}: ${(e as Error).message}`);
}
