// Resource limits for deployment processes through Linux cgroups: memory (with swap, so a
// process cannot page its way past its limit), CPU weight and a pids limit (fork bombs). cgroup
// v1 (one hierarchy per controller) and v2 (one unified hierarchy) are both supported; the
// platform makes its groups below the groups it runs in itself, so what it does is bounded by
// what it was given, and removes each group once its process is gone.
import * as fs from 'fs';
import * as path from 'path';

export interface CgroupLimits {
  memoryBytes: number;
  /** Relative CPU weight, 1..10000 in v2's scale (100 = a normal process). */
  cpuWeight: number;
  /** Processes and threads together (Node itself runs about a dozen threads). */
  pids: number;
}

/** One deployment process's group (in each controller's hierarchy on v1). */
export interface Cgroup {
  /** Files the starting process writes its pid into, before it starts anything else. */
  readonly procsFiles: string[];
  /** Whether the kernel killed a process of the group for its memory limit. */
  oomKilled(): boolean;
  /** Peak memory use in bytes, where the kernel says it. */
  peakMemory(): number | undefined;
  /** Kills what is left in the group, then removes it. */
  remove(): Promise<void>;
}

export interface CgroupSupport {
  readonly version: 1 | 2;
  /** Which limits are enforced: some controllers may be missing. */
  readonly controllers: Array<'memory' | 'cpu' | 'pids'>;
  create(name: string, limits: CgroupLimits): Cgroup;
  /** Removes the platform's own parent groups (at shutdown). */
  close(): void;
}

function readOwnCgroups(): Map<string, string> {
  // Lines are `id:controllers:path`; v2's is `0::path`.
  const byController = new Map<string, string>();
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    for (const c of m[1].split(',')) byController.set(c, m[2]);
  }
  return byController;
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function rmdirWhenEmpty(dir: string, procsFile: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw e;
    }
    // Something still runs in it (a process the sandbox's init had not reaped yet): kill it.
    for (const pid of readPids(procsFile)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Removes the groups platforms that are gone left below `base` (`codestore-<pid>`, a platform
 * killed before it could clean up): only empty ones, and only of a dead pid.
 */
function removeLeftovers(base: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(base);
  } catch {
    return;
  }
  for (const name of entries) {
    const m = /^codestore-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
      continue;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPERM') continue;
    }
    const dir = path.join(base, name);
    try {
      for (const child of fs.readdirSync(dir))
        if (child.startsWith('d-')) {
          try {
            fs.rmdirSync(path.join(dir, child));
          } catch {
            /* still in use */
          }
        }
      fs.rmdirSync(dir);
    } catch {
      /* in use */
    }
  }
}

function readPids(procsFile: string): number[] {
  try {
    return fs.readFileSync(procsFile, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The cgroup support this process has, or why it has none. */
export function detectCgroups(root = '/sys/fs/cgroup'): CgroupSupport | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: 'cgroups are a Linux feature' };
  let own: Map<string, string>;
  try {
    own = readOwnCgroups();
  } catch (e) {
    return { unavailable: `cannot read /proc/self/cgroup (${(e as Error).message})` };
  }
  const tag = `codestore-${process.pid}`;
  if (fs.existsSync(path.join(root, 'memory', 'memory.limit_in_bytes')) || fs.existsSync(path.join(root, 'memory', 'cgroup.procs'))) {
    const parents = new Map<'memory' | 'cpu' | 'pids', string>();
    for (const c of ['memory', 'cpu', 'pids'] as const) {
      const mount = path.join(root, c);
      const base = path.join(mount, own.get(c) ?? '/');
      if (fs.existsSync(path.join(base, 'cgroup.procs')) && writable(base)) parents.set(c, path.join(base, tag));
    }
    if (!parents.has('memory')) return { unavailable: `the memory cgroup (${root}/memory) is not writable by this user` };
    return cgroupV1(parents);
  }
  if (fs.existsSync(path.join(root, 'cgroup.controllers'))) {
    const base = path.join(root, own.get('') ?? '/');
    if (!writable(base))
      return {
        unavailable: `the cgroup ${base} is not writable by this user (delegate it, e.g. systemd-run --user --scope -p Delegate=yes)`,
      };
    return cgroupV2(path.join(base, tag), base);
  }
  return { unavailable: `no cgroup hierarchy under ${root}` };
}

function cgroupV1(parents: Map<'memory' | 'cpu' | 'pids', string>): CgroupSupport {
  for (const dir of parents.values()) removeLeftovers(path.dirname(dir));
  // Charges stay where they are made; a child's memory counts towards its parents (v1 default on most kernels).
  return {
    version: 1,
    controllers: [...parents.keys()],
    create(name, limits) {
      const dirs = new Map<string, string>();
      for (const [c, parent] of parents) {
        // Made on first use: looking for cgroups leaves nothing behind.
        fs.mkdirSync(parent, { recursive: true });
        const dir = path.join(parent, name);
        fs.mkdirSync(dir, { recursive: true });
        dirs.set(c, dir);
      }
      const mem = dirs.get('memory')!;
      fs.writeFileSync(path.join(mem, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // Without swap accounting a process could page out past its limit; where it exists it is bounded too.
      const memsw = path.join(mem, 'memory.memsw.limit_in_bytes');
      if (fs.existsSync(memsw)) fs.writeFileSync(memsw, String(limits.memoryBytes));
      const cpu = dirs.get('cpu');
      // v1's shares: 1024 is a normal process; v2's weight 100 is.
      if (cpu) fs.writeFileSync(path.join(cpu, 'cpu.shares'), String(Math.max(2, Math.round(limits.cpuWeight * 10.24))));
      const pids = dirs.get('pids');
      if (pids) fs.writeFileSync(path.join(pids, 'pids.max'), String(limits.pids));
      return {
        procsFiles: [...dirs.values()].map((d) => path.join(d, 'cgroup.procs')),
        oomKilled() {
          try {
            return /^oom_kill [1-9]/m.test(fs.readFileSync(path.join(mem, 'memory.oom_control'), 'utf8'));
          } catch {
            return false;
          }
        },
        peakMemory() {
          try {
            return Number(fs.readFileSync(path.join(mem, 'memory.max_usage_in_bytes'), 'utf8'));
          } catch {
            return undefined;
          }
        },
        async remove() {
          for (const dir of dirs.values()) await rmdirWhenEmpty(dir, path.join(dir, 'cgroup.procs'));
        },
      };
    },
    close() {
      for (const dir of parents.values()) {
        try {
          fs.rmdirSync(dir);
        } catch {
          /* in use or gone */
        }
      }
    },
  };
}

function cgroupV2(parent: string, base: string): CgroupSupport | { unavailable: string } {
  const available = fs.readFileSync(path.join(base, 'cgroup.controllers'), 'utf8').trim().split(/\s+/);
  const wanted = (['memory', 'cpu', 'pids'] as const).filter((c) => available.includes(c));
  if (!wanted.includes('memory')) return { unavailable: `the memory controller is not delegated to ${base}` };
  removeLeftovers(base);
  try {
    fs.mkdirSync(parent, { recursive: true });
    // A v2 group with processes cannot hand controllers to its children ("no internal processes"):
    // the platform's group hands them to its new child, which holds no process itself.
    fs.writeFileSync(path.join(base, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
    fs.writeFileSync(path.join(parent, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
  } catch (e) {
    try {
      fs.rmdirSync(parent);
    } catch {
      /* not made */
    }
    return { unavailable: `cannot enable the memory controller below ${base} (${(e as Error).message})` };
  }
  return {
    version: 2,
    controllers: [...wanted],
    create(name, limits) {
      const dir = path.join(parent, name);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'memory.max'), String(limits.memoryBytes));
      if (fs.existsSync(path.join(dir, 'memory.swap.max'))) fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
      if (wanted.includes('cpu')) fs.writeFileSync(path.join(dir, 'cpu.weight'), String(Math.min(10000, Math.max(1, limits.cpuWeight))));
      if (wanted.includes('pids')) fs.writeFileSync(path.join(dir, 'pids.max'), String(limits.pids));
      const procs = path.join(dir, 'cgroup.procs');
      return {
        procsFiles: [procs],
        oomKilled() {
          try {
            return /^oom_kill [1-9]/m.test(fs.readFileSync(path.join(dir, 'memory.events'), 'utf8'));
          } catch {
            return false;
          }
        },
        peakMemory() {
          try {
            return Number(fs.readFileSync(path.join(dir, 'memory.peak'), 'utf8'));
          } catch {
            return undefined;
          }
        },
        async remove() {
          // cgroup.kill (5.14+) ends every process of the group at once.
          try {
            fs.writeFileSync(path.join(dir, 'cgroup.kill'), '1');
          } catch {
            /* older kernel: killed one by one */
          }
          await rmdirWhenEmpty(dir, procs);
        },
      };
    },
    close() {
      try {
        fs.rmdirSync(parent);
      } catch {
        /* in use or gone */
      }
    },
  };
}
