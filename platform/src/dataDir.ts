// The platform's data directory: where it is by default, and a lock so that two platform
// processes never open one embedded store (PGlite is single-process; two writers corrupt it).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * `CODESTORE_PLATFORM_DATA`, else `~/.codestore/platform`; as root `/var/lib/codestore/platform`:
 * the embedded PostgreSQL server then runs as another user, who cannot pass through root's home.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): string {
  if (env.CODESTORE_PLATFORM_DATA) return env.CODESTORE_PLATFORM_DATA;
  if (uid === 0) return path.join('/var', 'lib', 'codestore', 'platform');
  return path.join(os.homedir(), '.codestore', 'platform');
}

export interface DataDirLock {
  release(): void;
}

const LOCK_FILE = 'platform.pid';

/** Whether a process with this pid runs (one of another user's counts too). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dir>/platform.pid`, or throws when a live process holds it. A dead holder's lock is taken over. */
export function lockDataDir(dir: string): DataDirLock {
  // Folders made above it may be passed through (the embedded server's user must reach it), not listed.
  fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o711 });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
        throw new Error(
          `Another platform (process ${holder}${holder === process.pid ? ', this one' : ''}) is using ${dir}. Stop it first, or pass another --data directory. (If no platform runs, delete ${file}.)`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Cannot take the lock ${file}.`);
}
