// A service travels as a gzipped tar of its folder (core/src/service-folder/archive.ts;
// apiclient/src/pack.ts packs it). Extracting treats every archive as hostile (the platform a push,
// the CLI a pulled source): each entry is checked here (tar's parser only splits the stream into
// entries, its defaults are not trusted), only plain files and directories are ever written, and a
// refused archive leaves nothing behind.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { Parser, type ReadEntry } from 'tar';
import { ArchiveError, ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, ioError, pathError, printable } from '../../core/src/service-folder/archive';

export { ArchiveError, DEFAULT_ARCHIVE_LIMITS } from '../../core/src/service-folder/archive';
export type { ArchiveErrorCode, ArchiveLimits } from '../../core/src/service-folder/archive';

const gunzip = promisify(zlib.gunzip) as (buf: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;

export interface ExtractResult {
  /** The destination, now holding the files. */
  dir: string;
  /** Files written, relative to `dir`, in archive order. */
  files: string[];
  /** Entries in the archive, directories included. */
  entries: number;
  /** Bytes of file content written. */
  bytes: number;
}

type Planned = { kind: 'file'; rel: string; data: Buffer; executable: boolean } | { kind: 'dir'; rel: string };

/**
 * Unpacks a gzipped tar into `destDir`, which must not exist yet. Every entry is checked before
 * anything is written; the files go to a fresh temporary folder beside `destDir` that is renamed
 * into place only when everything was written. On any refusal it throws an ArchiveError and
 * leaves neither `destDir` nor the temporary folder.
 */
export async function extractArchive(buffer: Buffer, destDir: string, limits: Partial<ArchiveLimits> = {}): Promise<ExtractResult> {
  const lim: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  const dest = path.resolve(destDir);
  if (fs.existsSync(dest)) throw new ArchiveError('destination-exists', `Cannot extract into ${dest}: it exists already.`);

  const planned = await readArchive(buffer, lim);

  const parent = path.dirname(dest);
  try {
    fs.mkdirSync(parent, { recursive: true });
  } catch (e) {
    throw ioError(e, parent);
  }
  const tmp = path.join(parent, `.${path.basename(dest)}.extract-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    await fs.promises.mkdir(tmp, { mode: 0o700 });
  } catch (e) {
    throw ioError(e, tmp);
  }
  try {
    const files = await writePlanned(tmp, planned);
    await fs.promises.chmod(tmp, 0o755);
    try {
      await fs.promises.rename(tmp, dest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTEMPTY' || code === 'EISDIR' || code === 'ENOTDIR') {
        throw new ArchiveError('destination-exists', `Cannot extract into ${dest}: it appeared while the archive was being unpacked.`);
      }
      throw e;
    }
    return { dir: dest, files, entries: planned.entries, bytes: planned.bytes };
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw e instanceof ArchiveError ? e : ioError(e, dest);
  }
}

/** Decompresses and parses the whole archive into memory (bounded by the limits), checking every entry. */
async function readArchive(buffer: Buffer, lim: ArchiveLimits): Promise<{ items: Planned[]; entries: number; bytes: number }> {
  if (buffer.length > lim.maxArchiveBytes) {
    throw new ArchiveError(
      'archive-too-large',
      `The archive is ${buffer.length} bytes; the platform accepts up to ${lim.maxArchiveBytes}.`,
    );
  }
  if (buffer.length < 2 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) {
    throw new ArchiveError('not-gzip', 'The archive is not gzip-compressed: push a .tar.gz of the service folder.');
  }
  // Headers and padding take at most a few blocks per entry beyond the file contents.
  const maxTar = lim.maxTotalBytes + (lim.maxEntries + 2) * 4 * 512 + 64 * 1024;
  let tarBytes: Buffer;
  try {
    tarBytes = await gunzip(buffer, { maxOutputLength: maxTar });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new ArchiveError('too-large', `The archive unpacks to more than ${lim.maxTotalBytes} bytes; the platform accepts up to that.`);
    }
    if (code === 'Z_BUF_ERROR') throw new ArchiveError('truncated', 'The archive is truncated: the gzip stream ends early. Push it again.');
    throw new ArchiveError('malformed', `The archive is not a valid gzip stream (${(e as Error).message}).`);
  }
  // A compressed stream inside the compressed stream: tar's parser would unpack it again.
  if (
    tarBytes.length >= 2 &&
    ((tarBytes[0] === 0x1f && tarBytes[1] === 0x8b) || tarBytes.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])))
  ) {
    throw new ArchiveError('malformed', 'The archive is compressed twice: push a .tar.gz (one gzip around a tar).');
  }

  return new Promise((resolve, reject) => {
    const items: Planned[] = [];
    const seen: Seen = { files: new Set(), dirs: new Set() };
    let entries = 0;
    let bytes = 0;
    let failure: ArchiveError | undefined;
    let settled = false;
    const fail = (err: ArchiveError) => {
      if (failure) return;
      failure = err;
      parser.abort(err);
    };
    let sawEof = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      // A tar ends with two zero blocks; without them the stream was cut (maybe inside a header).
      if (!failure && !sawEof)
        failure = new ArchiveError(
          'truncated',
          'The archive is truncated: the tar stream ends without its end-of-archive marker. Push it again.',
        );
      if (failure) reject(failure);
      else resolve({ items, entries, bytes });
    };

    const parser = new Parser({
      strict: true,
      // Compressed content is handled above; tar must not sniff brotli or zstd on its own.
      brotli: false,
      zstd: false,
      maxMetaEntrySize: 64 * 1024,
      onReadEntry: (entry: ReadEntry) => {
        if (failure) {
          entry.resume();
          return;
        }
        entries++;
        if (entries > lim.maxEntries) {
          entry.resume();
          return fail(
            new ArchiveError(
              'too-many-entries',
              `The archive has more than ${lim.maxEntries} entries (at "${printable(entry.path)}"); the platform accepts up to that.`,
              entry.path,
            ),
          );
        }
        const problem = checkEntry(entry, lim);
        if (problem) {
          entry.resume();
          return fail(problem);
        }
        const rel = normalizedPath(entry.path);
        if (rel === '') {
          entry.resume();
          return;
        } // "./": the root itself.
        const isDir = isDirectoryEntry(entry);
        const conflict = conflictOf(rel, isDir ? 'dir' : 'file', seen);
        if (conflict) {
          entry.resume();
          return fail(conflict);
        }
        if (isDir) {
          items.push({ kind: 'dir', rel });
          entry.resume();
          return;
        }
        const size = entry.size;
        if (bytes + size > lim.maxTotalBytes) {
          entry.resume();
          return fail(
            new ArchiveError(
              'too-large',
              `The archive unpacks to more than ${lim.maxTotalBytes} bytes (at "${printable(rel)}"); the platform accepts up to that.`,
              rel,
            ),
          );
        }
        const chunks: Buffer[] = [];
        let got = 0;
        entry.on('data', (c: Buffer) => {
          if (failure) return;
          got += c.length;
          if (got > size || got > lim.maxEntryBytes) {
            fail(new ArchiveError('entry-too-large', `"${printable(rel)}" holds more data than its header says; refused.`, rel));
            return;
          }
          chunks.push(c);
        });
        entry.on('end', () => {
          if (failure) return;
          if (got !== size) {
            fail(
              new ArchiveError(
                'truncated',
                `The archive is truncated: "${printable(rel)}" should hold ${size} bytes, it holds ${got}.`,
                rel,
              ),
            );
            return;
          }
          bytes += size;
          items.push({ kind: 'file', rel, data: Buffer.concat(chunks, got), executable: ((entry.mode ?? 0) & 0o111) !== 0 });
        });
      },
    });
    // Entries tar skips on its own (unknown types, oversized pax headers) would be silently lost.
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      fail(
        new ArchiveError(
          'unsupported-entry',
          `"${printable(entry.path)}" is a ${describeType(entry.type)} entry, which the platform does not accept.`,
          entry.path,
        ),
      );
    });
    parser.on('error', (err: Error & { entry?: ReadEntry }) => {
      if (!failure) {
        const msg = err.message;
        const at = err.entry?.path;
        if (/Truncated input/i.test(msg)) {
          failure = at
            ? new ArchiveError('truncated', `The archive is truncated: it ends inside "${printable(at)}". Push it again.`, at)
            : new ArchiveError('truncated', 'The archive is truncated: the tar stream ends inside an entry. Push it again.');
        } else if (/Unrecognized archive format/i.test(msg))
          failure = new ArchiveError('malformed', 'The archive holds no tar entries: push a .tar.gz of the service folder.');
        else failure = new ArchiveError('malformed', `The archive is not a valid tar stream (${msg.replace(/^TAR_[A-Z_]+: /, '')}).`);
      }
      finish();
    });
    parser.on('eof', () => {
      sawEof = true;
    });
    parser.on('abort', () => finish());
    parser.on('end', () => finish());
    parser.on('close', () => finish());
    try {
      parser.end(tarBytes);
    } catch (e) {
      if (!failure) failure = new ArchiveError('malformed', `The archive is not a valid tar stream (${(e as Error).message}).`);
      finish();
    }
  });
}

/** Writes the checked entries under `root` (a fresh, empty directory). Returns the files written. */
async function writePlanned(root: string, planned: { items: Planned[] }): Promise<string[]> {
  const files: string[] = [];
  const made = new Set<string>(['']);
  const ensureDir = async (rel: string) => {
    if (made.has(rel)) return;
    const parent = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';
    await ensureDir(parent);
    const abs = inside(root, rel);
    try {
      await fs.promises.mkdir(abs, { mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !(await fs.promises.lstat(abs)).isDirectory()) {
        throw new ArchiveError('conflicting-entry', `"${printable(rel)}" is needed as a directory, but the archive has a file there.`, rel);
      }
    }
    made.add(rel);
  };
  for (const item of planned.items) {
    if (item.kind === 'dir') {
      await ensureDir(item.rel);
      continue;
    }
    const parent = item.rel.includes('/') ? item.rel.slice(0, item.rel.lastIndexOf('/')) : '';
    await ensureDir(parent);
    try {
      // 'wx': never through an existing path (a second entry cannot overwrite the first).
      await fs.promises.writeFile(inside(root, item.rel), item.data, { flag: 'wx', mode: item.executable ? 0o755 : 0o644 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' || (e as NodeJS.ErrnoException).code === 'EISDIR') {
        throw new ArchiveError('conflicting-entry', `"${printable(item.rel)}" exists already in the archive as a directory.`, item.rel);
      }
      throw ioError(e, item.rel);
    }
    files.push(item.rel);
  }
  return files;
}

/** The problem with an entry's type, size or path, if any. */
function checkEntry(entry: ReadEntry, lim: ArchiveLimits): ArchiveError | undefined {
  const p = entry.path;
  // The type after pax overrides, and the type in the header block: both must be plain.
  for (const type of new Set<string>([entry.type, entry.header.type])) {
    switch (type) {
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
      case 'Directory':
        break;
      case 'SymbolicLink':
        return new ArchiveError(
          'symlink',
          `"${printable(p)}" is a symbolic link (to "${printable(entry.linkpath ?? '')}"): the platform accepts regular files and directories only.`,
          p,
        );
      case 'Link':
        return new ArchiveError(
          'hardlink',
          `"${printable(p)}" is a hard link (to "${printable(entry.linkpath ?? '')}"): the platform accepts regular files and directories only.`,
          p,
        );
      case 'CharacterDevice':
      case 'BlockDevice':
        return new ArchiveError(
          'device',
          `"${printable(p)}" is a device file: the platform accepts regular files and directories only.`,
          p,
        );
      case 'FIFO':
        return new ArchiveError('fifo', `"${printable(p)}" is a FIFO: the platform accepts regular files and directories only.`, p);
      default:
        return new ArchiveError(
          'unsupported-entry',
          `"${printable(p)}" is a ${describeType(type)} entry, which the platform does not accept.`,
          p,
        );
    }
  }
  if (entry.linkpath) {
    return new ArchiveError(
      'unsupported-entry',
      `"${printable(p)}" carries a link target ("${printable(entry.linkpath)}"); the platform accepts regular files and directories only.`,
      p,
    );
  }
  const pathProblem = pathError(p, lim, isDirectoryEntry(entry));
  if (pathProblem) return pathProblem;
  if (!isDirectoryEntry(entry)) {
    const size = Math.max(entry.size ?? 0, entry.header.size ?? 0);
    if (!Number.isSafeInteger(size) || size > lim.maxEntryBytes) {
      return new ArchiveError(
        'entry-too-large',
        `"${printable(p)}" is ${size} bytes; the platform accepts files up to ${lim.maxEntryBytes} bytes.`,
        p,
      );
    }
  } else if ((entry.size ?? 0) > 0) {
    return new ArchiveError('unsupported-entry', `"${printable(p)}" is a directory with content; the platform does not accept it.`, p);
  }
  return undefined;
}

function isDirectoryEntry(entry: ReadEntry): boolean {
  return entry.type === 'Directory' || (entry.type === 'OldFile' && entry.path.endsWith('/'));
}

/** `./a//b/` → `a/b` (only after pathError accepted it). */
function normalizedPath(p: string): string {
  return p
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

/** The paths seen so far: files, and directories (listed, or implied by a path below them). */
interface Seen {
  files: Set<string>;
  dirs: Set<string>;
}

/** A second entry at a path, an entry below a file, or a file where a directory is. Records the entry when there is none. */
function conflictOf(rel: string, kind: 'file' | 'dir', seen: Seen): ArchiveError | undefined {
  if (seen.files.has(rel)) {
    return new ArchiveError('duplicate-entry', `"${printable(rel)}" appears more than once in the archive; refused.`, rel);
  }
  if (kind === 'file' && seen.dirs.has(rel)) {
    return new ArchiveError('conflicting-entry', `"${printable(rel)}" is a file, but the archive has entries below it.`, rel);
  }
  const parts = rel.split('/');
  const ancestors: string[] = [];
  for (let i = 1; i < parts.length; i++) {
    const ancestor = parts.slice(0, i).join('/');
    if (seen.files.has(ancestor)) {
      return new ArchiveError(
        'conflicting-entry',
        `"${printable(rel)}" is below "${printable(ancestor)}", which the archive has as a file.`,
        rel,
      );
    }
    ancestors.push(ancestor);
  }
  for (const a of ancestors) seen.dirs.add(a);
  if (kind === 'file') seen.files.add(rel);
  else seen.dirs.add(rel);
  return undefined;
}

/** An absolute path under root for a checked relative path; asserts it stays inside. */
function inside(root: string, rel: string): string {
  const abs = path.resolve(root, ...rel.split('/'));
  if (abs !== root && !abs.startsWith(root + path.sep)) {
    throw new ArchiveError('path-traversal', `"${printable(rel)}" would be written outside the destination; refused.`, rel);
  }
  return abs;
}

function describeType(type: string): string {
  const names: Record<string, string> = {
    GNUDumpDir: 'GNU dump directory',
    SparseFile: 'sparse file',
    SolarisACL: 'Solaris ACL',
    Inode: 'inode',
    ContinuationFile: 'multi-volume continuation',
    TapeVolumeHeader: 'tape volume header',
    MultiVolume: 'multi-volume',
    ExtendedHeader: 'oversized pax header',
    GlobalExtendedHeader: 'oversized global pax header',
    NextFileHasLongPath: 'oversized long-path',
    NextFileHasLongLinkpath: 'oversized long-link',
    OldGnuLongPath: 'oversized long-path',
  };
  return names[type] ?? `"${printable(String(type))}" (unsupported type)`;
}
