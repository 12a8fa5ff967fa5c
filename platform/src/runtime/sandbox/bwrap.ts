// The bubblewrap command line of one deployment process: a mount namespace with only what the
// process needs (read-only: the Node binary and the libraries it loads, the runtime bundle and the
// node_modules it requires, the build; read-write: a size-bounded tmpfs and the directory it shares
// with the gateway), and new PID, IPC, UTS, network and cgroup namespaces. As root, the process
// then drops to an unprivileged uid of its own (setpriv, bound in like node), with no capabilities
// and no way to gain any (no_new_privs).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Where things are inside the sandbox. */
export const SANDBOX_PATHS = {
  runtimeRoot: '/app/runtime',
  build: '/app/build',
  /** Shared with the platform: the gateway's socket, the database proxy's, the egress proxy's. */
  run: '/run/codestore',
  /** An embedded (PGlite) environment's folder, read-write. */
  data: '/data',
  tmp: '/tmp',
} as const;

export interface SandboxSpec {
  bwrap: string;
  /** node, resolved. */
  node: string;
  nodeArgs: string[];
  /** The platform's folder with dist/runtime.js and node_modules. */
  moduleRoot: string;
  buildDir: string;
  /** Host folder bound at SANDBOX_PATHS.run. */
  runDir: string;
  /** Host folder bound read-write at SANDBOX_PATHS.data (embedded databases only). */
  dataDir?: string;
  tmpBytes: number;
  /** When the platform is root: the uid/gid the process runs as. */
  uid?: number;
  setpriv?: string;
}

const libCache = new Map<string, string[]>();

/** The shared libraries an executable loads (ldd), with the dynamic loader. */
export function sharedLibraries(executable: string): string[] {
  let libs = libCache.get(executable);
  if (libs) return libs;
  const out = execFileSync('ldd', [executable], { encoding: 'utf8' });
  libs = [];
  for (const line of out.split('\n')) {
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]);
  }
  libCache.set(executable, libs);
  return libs;
}

/**
 * Makes the folders above `dest` readable by anyone (bwrap would make them 0700 as root, and the
 * process's own uid could not reach what is bound below them).
 */
function parents(args: string[], made: Set<string>, dest: string): void {
  const parts = dest.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    if (made.has(dir)) continue;
    made.add(dir);
    args.push('--perms', '0755', '--dir', dir);
  }
}

export function bwrapArgs(spec: SandboxSpec): string[] {
  const made = new Set<string>();
  const roBind = (source: string, dest = source) => {
    parents(args, made, dest);
    args.push('--ro-bind', source, dest);
  };
  const args = [
    '--unshare-ipc',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-uts',
    '--unshare-cgroup-try',
    // Not root: an unprivileged user namespace is how bwrap gets to make the others.
    ...(spec.uid === undefined ? ['--unshare-user'] : []),
    '--die-with-parent',
    '--new-session',
    '--hostname',
    'codestore',
  ];
  // No --clearenv: bwrap's own environment is made from scratch by the launcher (never the
  // platform's) and passed on as it is; --setenv would put the service's secrets on a command line
  // any user of the machine can read in /proc.
  const binaries = [spec.node, ...(spec.setpriv ? [spec.setpriv] : [])];
  const files = new Set<string>(binaries);
  for (const b of binaries) for (const lib of sharedLibraries(b)) files.add(lib);
  for (const f of files) roBind(f);
  args.push('--proc', '/proc', '--dev', '/dev');
  args.push('--perms', '1777', '--size', String(spec.tmpBytes), '--tmpfs', SANDBOX_PATHS.tmp);
  const runtime = SANDBOX_PATHS.runtimeRoot;
  roBind(path.join(spec.moduleRoot, 'node_modules'), `${runtime}/node_modules`);
  roBind(path.join(spec.moduleRoot, 'dist', 'runtime.js'), `${runtime}/dist/runtime.js`);
  const map = path.join(spec.moduleRoot, 'dist', 'runtime.js.map');
  if (fs.existsSync(map)) roBind(map, `${runtime}/dist/runtime.js.map`);
  roBind(spec.buildDir, SANDBOX_PATHS.build);
  parents(args, made, SANDBOX_PATHS.run);
  args.push('--ro-bind', spec.runDir, SANDBOX_PATHS.run);
  if (spec.dataDir) args.push('--bind', spec.dataDir, SANDBOX_PATHS.data);
  // Nothing else is writable: the root of the sandbox is bwrap's own read-only tmpfs.
  args.push('--remount-ro', '/');
  args.push('--chdir', SANDBOX_PATHS.tmp, '--');
  if (spec.uid !== undefined && spec.setpriv) {
    args.push(
      spec.setpriv,
      `--reuid=${spec.uid}`,
      `--regid=${spec.uid}`,
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      '--',
    );
  }
  args.push(spec.node, ...spec.nodeArgs, `${runtime}/dist/runtime.js`);
  return args;
}

/** The uid a sandboxed environment runs as when the platform is root: its own, derived from its id. */
export function sandboxUid(environmentId: string): number {
  let h = 0x811c9dc5;
  for (const ch of environmentId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  // Above the ranges distributions give users and systemd's dynamic users.
  return 200_000 + (h % 800_000);
}
