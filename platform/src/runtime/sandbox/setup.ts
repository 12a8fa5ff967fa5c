// How the platform sets up its deployments' isolation at start: finds what the machine offers,
// says in one line what it runs with (and how to get the sandbox when it has none), fails when the
// sandbox is required and missing, and, unsandboxed, keeps further organizations from signing up
// unless the operator allowed it: their code could read everyone's data.
import type { Auth } from '../../auth/auth';
import { conflict } from '../../errors';
import { organizationCount } from '../../store/accounts';
import type { Db } from '../../store/db';
import { detectSandbox, SandboxSetting } from './detect';
import { DeploymentLauncher, LauncherStatus } from './launcher';
import { DEFAULT_LIMITS, PlatformLimits } from './limits';

export interface SandboxOptions {
  /** `auto` (default): sandbox when possible; `required`: refuse to start without; `off`. */
  sandbox?: SandboxSetting;
  limits?: Partial<PlatformLimits>;
  /** Unsandboxed, let organizations beyond the first sign up. */
  allowUnsandboxedTenants?: boolean;
}

export function createLauncher(options: SandboxOptions, dataDir: string, log: (line: string) => void): DeploymentLauncher {
  const setting = options.sandbox ?? 'auto';
  const support = detectSandbox(setting);
  const limits: PlatformLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (support.kind === 'none' && setting === 'required') {
    throw new Error(`--sandbox required, but deployments cannot be sandboxed here: ${support.missing.join('; ')}.`);
  }
  const launcher = new DeploymentLauncher(support, limits, dataDir);
  log(startLine(launcher.status()));
  return launcher;
}

export function startLine(status: LauncherStatus): string {
  if (status.sandbox === 'none') {
    return `sandbox: NONE — deployments run as plain processes with Node's permission model and rlimits only, which does not stop malicious code: ${status.missing.join('; ')}. Install bubblewrap on Linux for the OS sandbox.`;
  }
  const extra = status.missing.length ? `; ${status.missing.join('; ')}` : '';
  return `sandbox: bubblewrap${status.uidPerDeployment ? ', a uid per deployment' : ''}, cgroups ${status.cgroups}, memory ${status.limits.memoryMiB} MiB (max ${status.limits.maxMemoryMiB}), tmp ${status.limits.tmpMiB} MiB, pids ${status.limits.pids}, request timeout ${status.limits.requestTimeoutMs / 1000} s${extra}`;
}

/** Unsandboxed and not allowed: only the first organization may sign up. */
export function guardSignups(auth: Auth, db: Db, launcher: DeploymentLauncher, options: SandboxOptions): void {
  if (launcher.sandboxed || options.allowUnsandboxedTenants) return;
  const signup = auth.signup.bind(auth);
  auth.signup = async (email, password) => {
    if ((await organizationCount(db)) > 0) {
      throw conflict(
        "This platform runs deployments without an OS sandbox, so it takes no further organizations: their code could read the others' data. The operator can install bubblewrap, or start it with --allow-unsandboxed-tenants.",
      );
    }
    return signup(email, password);
  };
}
