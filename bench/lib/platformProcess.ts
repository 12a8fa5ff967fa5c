// A platform run as `codestore platform start` in a process of its own, and the memory (PSS) of it
// and of the processes under it, read from /proc/<pid>/smaps_rollup.
import { ChildProcess, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformProcess, startPlatformProcessWith } from '../../test/platform/helpers/process';

const REPO = path.resolve(__dirname, '..', '..');

/** Every descendant of `pid` (children, their children, ...). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    let kids: number[] = [];
    try {
      kids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(p)], { encoding: 'utf8' })
        .split('\n')
        .map((l) => Number(l.trim()))
        .filter(Boolean);
    } catch {
      /* none */
    }
    out.push(...kids);
    stack.push(...kids);
  }
  return out;
}

/** A process's proportional set size in kB (0 when it is gone). */
export function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function commandLineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '?';
  }
}

/** `codestore platform start` of `product` (this checkout, or a baseline's) on a free port, with `env` added. */
export function startPlatformProcess(
  dataDir: string,
  extra: string[],
  env: NodeJS.ProcessEnv = {},
  product = REPO,
): Promise<PlatformProcess> {
  return startPlatformProcessWith(dataDir, extra, env, product);
}

export async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}
