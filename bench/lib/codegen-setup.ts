// Shared pieces of the code generation benchmark (bench/codegen.ts): a snapshot of the built CLI
// and server, service folders made from the generated 300-entity schema, the one-field edits,
// timed child processes (always with a timeout, always killed on the way out), and waiting for
// generated files to reach disk.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { filesUnder } from './machine';

export const REPO = path.resolve(__dirname, '..', '..');

// ---------------------------------------------------------------------------------------------
// The build under test

export interface BuildSnapshot {
  /** `<tmp>/bin/codestore.js`: the repository's bin script, next to the copied dist/. */
  cli: string;
  /** `<tmp>/dist/server.js`. */
  server: string;
  /** `<tmp>/dist/cli.js`. */
  cliBundle: string;
  description: string;
  /** Sources newer than the build (the build may be stale). */
  newerSources: string[];
}

/**
 * Copies bin/codestore.js and dist/*.js into `dir` and runs them from there: others may rebuild
 * dist/ while the benchmark runs, and every measurement must use the same build. The bin script
 * finds the bundle as `../dist/cli.js`, so it works unchanged from the copy.
 */
export function snapshotBuild(dir: string, repo = REPO): BuildSnapshot {
  const dist = path.join(repo, 'dist');
  for (const f of ['cli.js', 'server.js']) {
    if (!fs.existsSync(path.join(dist, f))) throw new Error(`dist/${f} is missing: run \`npm run build\` first (\`npm run bench\` builds)`);
  }
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  for (const f of fs.readdirSync(dist)) {
    if (f.endsWith('.js') && !f.startsWith('extension')) fs.copyFileSync(path.join(dist, f), path.join(dir, 'dist', f));
  }
  fs.copyFileSync(
    path.join(fs.existsSync(path.join(repo, 'bin/codestore.js')) ? repo : REPO, 'bin/codestore.js'),
    path.join(dir, 'bin/codestore.js'),
  );
  const describe = (f: string) => {
    const stat = fs.statSync(path.join(dist, f));
    const hash = createHash('sha1')
      .update(fs.readFileSync(path.join(dir, 'dist', f)))
      .digest('hex')
      .slice(0, 10);
    return `dist/${f} built ${stat.mtime.toISOString()}, ${(stat.size / 1024 / 1024).toFixed(2)} MB, sha1 ${hash}`;
  };
  // webpack leaves an output file alone when its content is the same, so the build's time is that of
  // the newest bundle file, not of cli.js or server.js.
  const built = Math.max(
    ...fs
      .readdirSync(dist)
      .filter((f) => f.endsWith('.js'))
      .map((f) => fs.statSync(path.join(dist, f)).mtimeMs),
  );
  const newerSources: string[] = [];
  for (const d of ['core/src', 'server/src', 'cli/src']) {
    if (!fs.existsSync(path.join(repo, d))) continue; // a copy of dist/ alone
    for (const p of filesUnder(path.join(repo, d)))
      if (p.endsWith('.ts') && fs.statSync(p).mtimeMs > built) newerSources.push(path.relative(repo, p));
  }
  return {
    cli: path.join(dir, 'bin/codestore.js'),
    server: path.join(dir, 'dist/server.js'),
    cliBundle: path.join(dir, 'dist/cli.js'),
    description: `${describe('cli.js')}; ${describe('server.js')} (run from a copy, so a concurrent rebuild cannot change it mid-run)`,
    newerSources,
  };
}

// ---------------------------------------------------------------------------------------------
// Service folders

export function copyFolder(from: string, to: string): string {
  fs.rmSync(to, { recursive: true, force: true });
  fs.cpSync(from, to, { recursive: true });
  return to;
}

/** The committed migration files (`<13 digits>-<Name>.ts`) of a service folder. */
export function committedMigrations(dir: string): string[] {
  try {
    return fs
      .readdirSync(path.join(dir, 'src/data/migrations'))
      .filter((f) => /^\d{13}-.*\.ts$/.test(f))
      .sort();
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// One-field edits

export interface FieldEdit {
  entity: string;
  field: string;
  /** GraphQL type of the new field (nullable scalar: the migration adds a nullable column, no warning). */
  type: string;
  /** Where the new line goes: the start of the line after `type <entity> {` (0-based). */
  line: number;
  /** The inserted text (a whole line). */
  text: string;
}

const FIELD_TYPES = ['Int', 'String', 'Boolean', 'Float', 'DateTime'];

/**
 * A new nullable scalar field as the first field of `entity`. Field names are zero-padded
 * (`benchField007`) so that no name is a prefix of another: a file "contains the field" exactly
 * when it contains its name.
 */
export function fieldEdit(text: string, entity: string, index: number, prefix = 'benchField'): FieldEdit {
  const lines = text.split('\n');
  const at = lines.indexOf(`type ${entity} {`);
  if (at < 0) throw new Error(`no "type ${entity} {" line in the schema`);
  const field = `${prefix}${String(index).padStart(3, '0')}`;
  const type = FIELD_TYPES[index % FIELD_TYPES.length];
  return { entity, field, type, line: at + 1, text: `  ${field}: ${type}\n` };
}

export function applyFieldEdit(text: string, edit: FieldEdit): string {
  const lines = text.split('\n');
  lines.splice(edit.line, 0, edit.text.replace(/\n$/, ''));
  return lines.join('\n');
}

/** `count` entities spread evenly over `entities` (distinct while count ≤ entities.length). */
export function spreadEntities(entities: string[], count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(entities[Math.floor(((i + 0.5) * entities.length) / count) % entities.length]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Child processes

const live = new Set<ChildProcess>();

/** Kills every child this module started that is still running. */
export function killAllChildren(): void {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  live.clear();
}

let ticks: number | undefined;
/**
 * CPU time (user + system, ms) of this process's terminated and waited-for children so far
 * (cutime + cstime of /proc/self/stat; 10 ms resolution). Undefined off Linux.
 */
export function childrenCpuMs(): number | undefined {
  try {
    ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // from field 3 (state)
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticks;
  } catch {
    return undefined;
  }
}

export interface ChildRun {
  /** Spawn → exit, ms (the exit event, not the end of stdio). */
  ms: number;
  /** CPU time of the child (user + system, ms), when it could be read. */
  cpuMs?: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

/** Runs a command to exit; SIGKILLs it after `timeoutMs`. Never rejects. */
export function timedRun(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ChildRun> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.stdout!.on('data', (d) => {
      stdout = (stdout + String(d)).slice(-20_000);
    });
    child.stderr!.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-20_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }, options.timeoutMs);
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, ms: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      live.delete(child);
      // libuv has reaped the child when 'exit' fires: its CPU time is in cutime/cstime now.
      const cpu1 = childrenCpuMs();
      const cpuMs = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
      // Let the last stdio chunks arrive (they are not part of the time).
      setImmediate(() => resolve({ ms, cpuMs, code, signal, timedOut, stdout, stderr }));
    };
    child.on('exit', (code, signal) => finish(code, signal, performance.now() - t0));
    child.on('error', (e) => {
      stderr += `\nfailed to start: ${e.message}`;
      finish(null, null, performance.now() - t0);
    });
  });
}

/** The first line of a child's error output worth showing. */
export function childProblem(run: ChildRun): string {
  if (run.timedOut) return 'timed out (killed)';
  const text = (run.stderr.trim() || run.stdout.trim()).split('\n').filter(Boolean);
  return `exit ${run.code ?? run.signal}${text.length ? `: ${text.slice(-3).join(' | ').slice(0, 300)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Waiting for generated files

/**
 * Resolves with performance.now() at the first moment every file contains its needle, or with
 * undefined at `timeoutMs`. Files are written atomically (temporary file, then rename), so a read
 * sees either the old or the new content, never a partial one. Checks on every fs.watch event of
 * the files' folders and every `pollMs` in between (events can be coalesced or missed).
 */
export function waitForContents(
  targets: Array<{ file: string; needle: string }>,
  timeoutMs: number,
  pollMs = 2,
): Promise<Array<number | undefined>> {
  return new Promise((resolve) => {
    const found: Array<number | undefined> = targets.map(() => undefined);
    const watchers: fs.FSWatcher[] = [];
    let finished = false;
    const check = () => {
      if (finished) return;
      const now = performance.now();
      targets.forEach((t, i) => {
        if (found[i] !== undefined) return;
        let content: string;
        try {
          content = fs.readFileSync(t.file, 'utf8');
        } catch {
          return;
        }
        if (content.includes(t.needle)) found[i] = now;
      });
      if (found.every((x) => x !== undefined)) finish();
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(poll);
      clearTimeout(timer);
      for (const w of watchers) {
        try {
          w.close();
        } catch {
          /* closed */
        }
      }
      resolve(found);
    };
    for (const dir of new Set(targets.map((t) => path.dirname(t.file)))) {
      try {
        const w = fs.watch(dir, () => check());
        w.on('error', () => undefined);
        watchers.push(w);
      } catch {
        /* the folder may not exist yet: polling covers it */
      }
    }
    const poll = setInterval(check, pollMs);
    const timer = setTimeout(finish, timeoutMs);
    check();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Rounds for reports. */
export const round = (x: number | undefined, digits = 1): number | undefined =>
  x === undefined || !Number.isFinite(x) ? undefined : Math.round(x * 10 ** digits) / 10 ** digits;
