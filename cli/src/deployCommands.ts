// promote and logs. In a service folder (a codestore.yaml at or above the working directory) they
// default to its service. With -p/--project, `logs` reads the log of the service's instance in
// that project.
import { setTimeout as sleep } from 'timers/promises';
import { EnvironmentName, LogLine, PlatformClient } from '../../apiclient/src';
import { CommandInput, platformClient, printJson, str, Values } from './context';
import { CliError, usageError } from './errors';
import { deploymentOutcome, formatLogLine, MAX_LOG_LINES, parseEnvironment, parseInstanceEnvironment, parseLineCount } from './format';
import { inServiceFolderOf, serviceIdFor } from './manifest';

/** How often `logs -f` asks for new lines. */
export const FOLLOW_INTERVAL_MS = 500;

/**
 * The `codestore logs` command that shows an environment's log, as short as it can be from here;
 * with `projectId`, the log of the service's instance in that project.
 */
export function logsCommand(values: Values, serviceId: string, environment: EnvironmentName, projectId?: string): string {
  const parts = ['codestore logs'];
  if (projectId) parts.push(`-p ${projectId}`);
  if (!inServiceFolderOf(serviceId)) parts.push(projectId ? `-s ${serviceId}` : serviceId);
  parts.push(`-e ${environment}`);
  const platform = str(values, 'platform');
  if (platform) parts.push(`--platform ${platform}`);
  return parts.join(' ');
}

/** The full URL of a service's environment, or undefined when the platform does not say. */
export async function endpointUrl(client: PlatformClient, serviceId: string, environment: EnvironmentName): Promise<string | undefined> {
  try {
    const env = (await client.serviceInfo(serviceId)).environments.find((e) => e.name === environment);
    return env && client.endpointUrl(env);
  } catch {
    // The deployment is what was asked for; its URL is a courtesy.
    return undefined;
  }
}

export async function promote({ values, args }: CommandInput): Promise<number> {
  const serviceId = serviceIdFor('promote', args[0]);
  const client = platformClient(values, true);
  if (!values.json && process.stderr.isTTY) process.stderr.write(`Deploying what ${serviceId} serves in private to demo...\n`);
  const deployment = await client.promote(serviceId, { force: values.force === true });
  const url = await endpointUrl(client, serviceId, deployment.environment);
  const outcome = deploymentOutcome(deployment, deployment.version.version, url, logsCommand(values, serviceId, deployment.environment));
  if (values.json) printJson({ ...deployment, url: url ?? null });
  if (!outcome.ok) throw new CliError(outcome.message);
  if (!values.json) process.stdout.write(outcome.message + '\n');
  return 0;
}

export async function logs({ values, args }: CommandInput): Promise<number> {
  const projectId = str(values, 'project');
  // A project's instance has development, staging and production; development by default.
  const environment =
    projectId !== undefined ? (parseInstanceEnvironment(str(values, 'env')) ?? 'development') : parseEnvironment(str(values, 'env'));
  const count = parseLineCount(str(values, 'lines'));
  const given = str(values, 'service');
  if (given !== undefined && args[0] !== undefined && given !== args[0])
    throw usageError(`logs names one service: ${JSON.stringify(args[0])} or -s ${JSON.stringify(given)}, not both.`);
  const serviceId = serviceIdFor(
    'logs',
    given ?? args[0],
    projectId !== undefined ? '`codestore logs -p <projectId> -s <serviceId>`' : undefined,
  );
  const client = platformClient(values, true);
  const where =
    projectId !== undefined
      ? `${serviceId}'s ${environment} environment in project ${projectId}`
      : `${serviceId}'s ${environment} environment`;
  const print = (lines: LogLine[]) => {
    if (!lines.length) return;
    process.stdout.write(lines.map((l) => (values.json ? JSON.stringify(l) : formatLogLine(l)) + '\n').join(''));
  };

  if (!values.follow) {
    if (count === 0) return 0;
    const page = await client.logs(serviceId, environment, { limit: count, projectId });
    print(page.lines);
    if (!page.lines.length && !values.json) process.stderr.write(`No log lines in ${where} yet.\n`);
    return 0;
  }

  // Following: print the newest lines, then poll with the cursor until Ctrl-C (or a closed stdout).
  const stop = new AbortController();
  const onStop = () => stop.abort();
  process.once('SIGINT', onStop);
  process.stdout.on('error', onStop);
  try {
    // With -n 0, one line is fetched only for its cursor.
    const first = await client.logs(serviceId, environment, { limit: Math.max(count, 1), signal: stop.signal, projectId });
    if (count > 0) print(first.lines);
    let cursor = first.cursor;
    let full = false;
    while (!stop.signal.aborted) {
      if (!full) await sleep(FOLLOW_INTERVAL_MS, undefined, { signal: stop.signal });
      // Without a cursor the log was empty when we began: every line there is new.
      const page = await client.logs(serviceId, environment, { after: cursor, limit: MAX_LOG_LINES, signal: stop.signal, projectId });
      print(page.lines);
      cursor = page.cursor ?? cursor;
      // A full page may have more behind it: ask again at once.
      full = page.lines.length >= MAX_LOG_LINES;
    }
  } catch (e) {
    // Stopped: whatever was in flight was cancelled, and nothing is left to say.
    if (!stop.signal.aborted) throw e;
  } finally {
    process.off('SIGINT', onStop);
    process.stdout.off('error', onStop);
  }
  return 0;
}
