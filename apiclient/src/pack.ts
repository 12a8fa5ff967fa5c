// Packs a service folder for a push: the bytes the CLI and the extension send to the platform.
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { create as createTar } from 'tar';
import {
  ArchiveError,
  ArchiveErrorCode,
  ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  ioError,
  pathError,
} from '../../core/src/service-folder/archive';
import { SERVICE_MANIFEST } from '../../core/src/service-folder/paths';

export { ArchiveError } from '../../core/src/service-folder/archive';
export type { ArchiveErrorCode, ArchiveLimits } from '../../core/src/service-folder/archive';

const gzip = promisify(zlib.gzip) as (buf: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;

/** Folders and files never packed: dependencies, version control, build outputs, editor litter. */
export const PACK_EXCLUDED_NAMES: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  'coverage',
  '.DS_Store',
  'Thumbs.db',
  '.nyc_output',
  '.turbo',
  '.cache',
  'tsconfig.tsbuildinfo',
  // `codestore dev`'s builds and development database.
  '.codestore',
]);

export interface PackOptions {
  /** Refuse to pack what the platform would refuse to unpack (defaults: DEFAULT_ARCHIVE_LIMITS). */
  limits?: Partial<ArchiveLimits>;
  /** More names (files or folders, at any depth) to leave out. */
  exclude?: Iterable<string>;
}

/**
 * The service folder as a gzipped tar: regular files only, paths relative to the folder, sorted,
 * with fixed times and no owners, so the same folder always packs to the same bytes. Leaves out
 * PACK_EXCLUDED_NAMES; refuses symbolic links and special files (the platform would), and a
 * folder without codestore.yaml.
 */
export async function packServiceFolder(dir: string, options: PackOptions = {}): Promise<Buffer> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const excluded = new Set([...PACK_EXCLUDED_NAMES, ...(options.exclude ?? [])]);
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, SERVICE_MANIFEST))) {
    throw new ArchiveError('not-a-service-folder', `${root} is not a service folder: it has no codestore.yaml.`);
  }
  const files: string[] = [];
  let total = 0;
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    let names: string[];
    try {
      names = fs.readdirSync(abs);
    } catch (e) {
      throw ioError(e, rel || '.');
    }
    for (const name of names.sort()) {
      if (excluded.has(name)) continue;
      const childRel = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(abs, name));
      if (st.isSymbolicLink()) {
        throw new ArchiveError(
          'symlink',
          `"${childRel}" is a symbolic link: the platform accepts regular files only. Replace it with the file it points to.`,
          childRel,
        );
      } else if (st.isDirectory()) {
        walk(childRel);
      } else if (st.isFile()) {
        checkPath(childRel, limits);
        if (st.size > limits.maxEntryBytes) {
          throw new ArchiveError(
            'entry-too-large',
            `"${childRel}" is ${st.size} bytes; the platform accepts files up to ${limits.maxEntryBytes} bytes.`,
            childRel,
          );
        }
        total += st.size;
        if (total > limits.maxTotalBytes) {
          throw new ArchiveError(
            'too-large',
            `The service folder holds more than ${limits.maxTotalBytes} bytes (at "${childRel}"); the platform accepts up to that. Leave generated or large files out.`,
            childRel,
          );
        }
        files.push(childRel);
        if (files.length > limits.maxEntries) {
          throw new ArchiveError(
            'too-many-entries',
            `The service folder holds more than ${limits.maxEntries} files; the platform accepts up to that.`,
            childRel,
          );
        }
      } else {
        throw new ArchiveError(specialCode(st), `"${childRel}" is not a regular file: the platform accepts regular files only.`, childRel);
      }
    }
  };
  walk('');

  // Only files are listed (parents are implied); fixed mtime and no owner, for reproducible bytes.
  const pack = createTar({ cwd: root, portable: true, mtime: new Date(0), noDirRecurse: true, follow: false }, files);
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  const out = await gzip(Buffer.concat(chunks), { level: 9 });
  if (out.length > limits.maxArchiveBytes) {
    throw new ArchiveError(
      'archive-too-large',
      `The archive is ${out.length} bytes; the platform accepts up to ${limits.maxArchiveBytes}.`,
    );
  }
  return out;
}

function checkPath(rel: string, lim: ArchiveLimits): void {
  const err = pathError(rel, lim, false);
  if (err) throw err;
}

function specialCode(st: fs.Stats): ArchiveErrorCode {
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  if (st.isFIFO()) return 'fifo';
  return 'unsupported-entry';
}
