// What the numbers were measured on: date, node, CPU, cores, memory, and the commit under test.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface MachineInfo {
  date: string;
  node: string;
  platform: string;
  nproc: number;
  cpuModel: string;
  memTotalMb: number;
  commit?: string;
  dirty?: boolean;
  /** 1/5/15-minute load averages when the run started and when it ended (the machine may be shared). */
  loadAvgStart: number[];
  loadAvgEnd?: number[];
}

export function machineInfo(repoRoot: string): MachineInfo {
  let nproc = os.cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) || nproc;
  } catch {
    /* keep os.cpus() */
  }
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpuModel = m[1].trim();
  } catch {
    /* not Linux */
  }
  let commit: string | undefined;
  let dirty: boolean | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--', 'core', 'server'], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
  } catch {
    /* not a git checkout */
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    nproc,
    cpuModel,
    memTotalMb: Math.round(os.totalmem() / 1024 / 1024),
    commit,
    dirty,
    loadAvgStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Every file under `dir` (recursively), absolute paths; a missing folder has none. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Writes a benchmark's report as `<name>.md` and `<name>.json` under `dir`, and prints it. */
export function writeReport(dir: string, name: string, markdown: string, report: unknown): void {
  fs.mkdirSync(dir, { recursive: true });
  const md = path.join(dir, `${name}.md`);
  const json = path.join(dir, `${name}.json`);
  fs.writeFileSync(md, markdown + '\n');
  fs.writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(markdown + '\n');
  process.stdout.write(`\nWrote ${path.relative(process.cwd(), md)} and ${path.relative(process.cwd(), json)}\n`);
}
