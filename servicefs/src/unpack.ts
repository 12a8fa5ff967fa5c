// Unpacks a service archive into a folder on the user's disk (a pulled service's source): checked and
// written by extractArchive, then moved into place without ever writing through a link that is there.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { ArchiveError, ArchiveLimits, extractArchive } from './archive';

export interface UnpackOptions {
  limits?: Partial<ArchiveLimits>;
  /** Runs on the extracted files before they are moved into `dir` (a throw leaves `dir` as it was). */
  prepare?: (extracted: string) => void | Promise<void>;
}

export interface UnpackResult {
  dir: string;
  /** Files of the archive, relative to `dir`, in archive order. */
  files: string[];
  /** Files of `dir` the archive replaced. */
  replaced: string[];
}

/**
 * Unpacks the gzipped tar `archive` into `dir`, made when missing. Every entry is checked first
 * (extractArchive: no absolute paths, no `..`, no links or special files, bounded sizes), into a
 * fresh folder inside `dir`; then each file is renamed into place. A file of the archive replaces a
 * file, or a link (the link itself, never what it points to), at its path in `dir`; a directory of
 * the archive merges with a directory there; other files of `dir` stay. A file of the archive where
 * `dir` has a directory is refused before anything moves. Whether `dir` may have files at all is the
 * caller's to decide.
 */
export async function unpackInto(archive: Buffer, dir: string, options: UnpackOptions = {}): Promise<UnpackResult> {
  const dest = path.resolve(dir);
  const existed = fs.existsSync(dest);
  if (existed && !fs.statSync(dest).isDirectory()) throw new ArchiveError('destination-exists', `${dest} is a file, not a folder.`);
  try {
    fs.mkdirSync(dest, { recursive: true });
  } catch (e) {
    throw new ArchiveError('io', `Cannot make ${dest}: ${(e as Error).message}`);
  }
  const staging = path.join(dest, `.codestore-unpack-${randomBytes(6).toString('hex')}`);
  try {
    const { files } = await extractArchive(archive, staging, options.limits);
    await options.prepare?.(staging);
    const moves = planMoves(staging, dest);
    const replaced: string[] = [];
    for (const move of moves) {
      if (move.replaces) {
        replaced.push(move.rel);
        // A link or a file where the archive has a directory: the link goes, not what it points to.
        if (move.replaces === 'other') await fs.promises.rm(move.to, { force: true });
      }
      await fs.promises.rename(move.from, move.to);
    }
    return { dir: dest, files, replaced };
  } catch (e) {
    if (!existed) await fs.promises.rm(dest, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true }).catch(() => undefined);
  }
}

interface Move {
  from: string;
  to: string;
  rel: string;
  /** What is at `to` now: `file` (replaced by a rename), `other` (a link or file removed first), or nothing. */
  replaces?: 'file' | 'other';
}

/** The renames that put `staging`'s tree into `dest`, checked before any is made. */
function planMoves(staging: string, dest: string): Move[] {
  const moves: Move[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(staging, rel)).sort()) {
      const childRel = rel ? `${rel}/${name}` : name;
      const from = path.join(staging, ...childRel.split('/'));
      const to = path.join(dest, ...childRel.split('/'));
      const isDir = fs.lstatSync(from).isDirectory();
      let there: fs.Stats | undefined;
      try {
        there = fs.lstatSync(to);
      } catch {
        there = undefined;
      }
      if (!there) moves.push({ from, to, rel: childRel });
      else if (isDir && there.isDirectory()) walk(childRel);
      else if (isDir) moves.push({ from, to, rel: childRel, replaces: 'other' });
      else if (there.isDirectory())
        throw new ArchiveError(
          'conflicting-entry',
          `"${childRel}" is a file of the service, but ${to} is a folder: move it away first.`,
          childRel,
        );
      else moves.push({ from, to, rel: childRel, replaces: 'file' });
    }
  };
  walk('');
  return moves;
}
