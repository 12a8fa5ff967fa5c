// Whether this machine can sandbox deployment processes, and how: bubblewrap is looked for and
// tried once at start (a container without the rights to make namespaces has bwrap but cannot use
// it), cgroups are looked for, and the result is one plain sentence for the start line and
// `codestore platform status`.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import { CgroupSupport, detectCgroups } from './cgroups';
import { sharedLibraries } from './bwrap';

export type SandboxSetting = 'auto' | 'required' | 'off';

export interface SandboxSupport {
  kind: 'bwrap' | 'none';
  bwrap?: string;
  /** As root: each deployment runs as a uid of its own, switched to with setpriv. */
  setpriv?: string;
  cgroups?: CgroupSupport;
  /** Why there is no OS sandbox (or no cgroups), for the start line. */
  missing: string[];
}

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const file = `${dir}/${name}`;
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** bwrap runs a trivial command with every namespace the platform asks for, or says why not. */
function tryBwrap(bwrap: string, asRoot: boolean): string | undefined {
  const node = fs.realpathSync(process.execPath);
  const args = [
    '--unshare-ipc',
    '--unshare-pid',
    '--unshare-net',
    '--unshare-uts',
    ...(asRoot ? [] : ['--unshare-user']),
    '--die-with-parent',
  ];
  for (const f of new Set([node, ...sharedLibraries(node)])) args.push('--ro-bind', f, f);
  args.push('--proc', '/proc', '--dev', '/dev', '--', node, '-e', 'process.stdout.write("ok")');
  const r = spawnSync(bwrap, args, { encoding: 'utf8', timeout: 15_000, env: {} });
  if (r.status === 0 && r.stdout === 'ok') return undefined;
  return (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
}

export function detectSandbox(setting: SandboxSetting): SandboxSupport {
  const missing: string[] = [];
  if (setting === 'off') return { kind: 'none', missing: ['the OS sandbox is turned off (--sandbox off)'] };
  const cg = detectCgroups();
  const cgroups = 'unavailable' in cg ? undefined : cg;
  if ('unavailable' in cg) missing.push(`no cgroup limits: ${cg.unavailable}`);
  if (process.platform !== 'linux')
    return { kind: 'none', cgroups, missing: [`no OS sandbox on ${process.platform} (bubblewrap is Linux only)`, ...missing] };
  const bwrap = which('bwrap');
  if (!bwrap)
    return {
      kind: 'none',
      cgroups,
      missing: [
        'bubblewrap (bwrap) is not installed: `apt-get install bubblewrap` (Debian/Ubuntu) or `dnf install bubblewrap`',
        ...missing,
      ],
    };
  const asRoot = process.getuid?.() === 0;
  let why: string | undefined;
  try {
    execFileSync('ldd', ['--version'], { stdio: 'ignore' });
    why = tryBwrap(bwrap, asRoot);
  } catch (e) {
    why = (e as Error).message;
  }
  if (why)
    return {
      kind: 'none',
      cgroups,
      missing: [`bwrap cannot make namespaces here (${why}); in a container, allow user namespaces or run it privileged`, ...missing],
    };
  const setpriv = asRoot ? which('setpriv') : undefined;
  if (asRoot && !setpriv) missing.push('setpriv (util-linux) is missing: deployments keep uid 0 inside their sandbox');
  return { kind: 'bwrap', bwrap, setpriv, cgroups, missing };
}
