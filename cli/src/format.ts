// How the CLI words deployments and log lines, and reads the options of `logs`: pure functions.
import type { DeploymentStatus, EnvironmentName, InstanceEnvironmentName, LogLine, ServiceEnvironmentName } from '../../apiclient/src';
import { usageError } from './errors';

/** A service's environments. */
export const ENVIRONMENTS: readonly ServiceEnvironmentName[] = ['private', 'demo'];
/** A service-instance's, in the order a version is promoted through them. */
export const INSTANCE_ENVIRONMENTS: readonly InstanceEnvironmentName[] = ['development', 'staging', 'production'];
/** What `logs` prints without -n, and the most the platform answers at once. */
export const DEFAULT_LOG_LINES = 100;
export const MAX_LOG_LINES = 1000;

/** `<ISO time> <stream> <message>`. */
export function formatLogLine(line: LogLine): string {
  return `${line.at} ${line.stream} ${line.message}`;
}

/** Text on one line: every run of whitespace (newlines too) as one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** "a", "a or b", "a, b or c". */
export function alternatives(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** `-e/--env` of a service: private (the default) or demo. */
export function parseEnvironment(value: string | undefined): ServiceEnvironmentName {
  if (value === undefined) return 'private';
  const name = value.trim().toLowerCase();
  if ((ENVIRONMENTS as readonly string[]).includes(name)) return name as ServiceEnvironmentName;
  throw usageError(`-e/--env is ${alternatives(ENVIRONMENTS)}, not ${JSON.stringify(value)}.`);
}

/**
 * An environment of a service-instance (development, staging or production), given as `option`
 * (`-e/--env`); undefined when it was not given.
 */
export function parseInstanceEnvironment(value: string | undefined, option = '-e/--env'): InstanceEnvironmentName | undefined {
  if (value === undefined) return undefined;
  const name = value.trim().toLowerCase();
  if ((INSTANCE_ENVIRONMENTS as readonly string[]).includes(name)) return name as InstanceEnvironmentName;
  const hint = (ENVIRONMENTS as readonly string[]).includes(name) ? ` (${name} is the service's own: leave out -p/--project)` : '';
  throw usageError(`${option} is ${alternatives(INSTANCE_ENVIRONMENTS)} in a project, not ${JSON.stringify(value)}${hint}.`);
}

/** The environment a promotion from `env` goes to (development to staging, staging to production). */
export function nextEnvironment(env: InstanceEnvironmentName): InstanceEnvironmentName | undefined {
  return INSTANCE_ENVIRONMENTS[INSTANCE_ENVIRONMENTS.indexOf(env) + 1];
}

/** The environment a promotion to `env` comes from. */
export function previousEnvironment(env: InstanceEnvironmentName): InstanceEnvironmentName | undefined {
  const i = INSTANCE_ENVIRONMENTS.indexOf(env);
  return i > 0 ? INSTANCE_ENVIRONMENTS[i - 1] : undefined;
}

/** `-n/--lines`: a whole number from 0 to 1000 (default 100). */
export function parseLineCount(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LOG_LINES;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > MAX_LOG_LINES)
    throw usageError(`-n/--lines is a whole number from 0 to ${MAX_LOG_LINES}, not ${JSON.stringify(value)}.`);
  return n;
}

/** A deployment that has settled, as push and promote answer it. */
export interface SettledDeployment {
  environment: EnvironmentName;
  status: DeploymentStatus;
  error: string | null;
}

/**
 * A deployment's outcome in one line, and whether the version now serves: `Deployed 0.0.2 to
 * private: <url>`; or why it failed and the command that shows the environment's log.
 */
export function deploymentOutcome(
  d: SettledDeployment,
  version: string,
  url: string | undefined,
  logsCommand: string,
): { ok: boolean; message: string } {
  switch (d.status) {
    case 'DEPLOYED':
      return { ok: true, message: `Deployed ${version} to ${d.environment}${url ? `: ${url}` : '.'}` };
    case 'DEPLOYMENT_FAILED': {
      const why = oneLine(d.error ?? '').replace(/\.$/, '') || 'the platform gave no reason';
      return { ok: false, message: `Deploying ${version} to ${d.environment} failed: ${why}. See the log: \`${logsCommand}\`` };
    }
    default:
      // push and promote answer when the deployment has settled; this is a platform that did not wait.
      return { ok: true, message: `The deployment of ${version} to ${d.environment} is ${d.status}: follow it with \`${logsCommand} -f\`` };
  }
}
