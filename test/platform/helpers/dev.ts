// `codestore dev` as its own process for tests: started on a free port, its output kept, queried
// over real HTTP, and the processes it started found (to check that Ctrl-C leaves none).
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN } from './platform';

export interface DevProcess {
  proc: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
}

/** `codestore dev <dir> --port 0 ...extra`; resolves once it serves (the line `Serving <name> at <url>`). */
export function startDev(dir: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<DevProcess> {
  const proc = spawn(process.execPath, [BIN, 'dev', dir, '--port', '0', ...extra], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`codestore dev did not serve in 120 s:\n${out}\n${err}`)), 120_000);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = / at (http:\/\/\S+) \(playground/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1], stdout: () => out, stderr: () => err });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`codestore dev exited with ${code}:\n${out}\n${err}`));
    });
  });
}

export async function graphql(url: string, query: string, variables: object = {}): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

/** Calls `check` until it returns a value (not undefined), at most `ms`; throws with the last failure. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms${last ? ` (${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every live process descended from `pid` (Linux /proc). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(path.join('/proc', name, 'stat'), 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is gone for every purpose but its parent's wait.
    return !/^\S+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The embedded development database's superuser URL (password and port from its data folder). */
export function devDatabaseUrl(serviceDir: string): string {
  const data = path.join(serviceDir, '.codestore', 'dev');
  const password = fs.readFileSync(path.join(data, 'postgres.secret'), 'utf8').trim();
  const port = fs
    .readFileSync(path.join(data, 'postgres', 'postmaster.pid'), 'utf8')
    .split('\n')[3]
    .trim();
  return `postgres://codestore:${password}@127.0.0.1:${port}/development`;
}
