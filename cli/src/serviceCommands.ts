// service:create, service:list, service:info, service:remove. In a service folder (a codestore.yaml
// at or above the working directory) they default to its service.
import * as path from 'path';
import { Environment, PlatformClient, PlatformError, Service } from '../../apiclient/src';
import { ensureProjectFiles, formatLack, ProjectFilesResult } from '../../servicefs/src/project';
import { CommandInput, platformClient, printJson, str } from './context';
import { CliError, usageError } from './errors';
import { findServiceFolder, manifestServiceId, serviceIdFor, serviceIdWriter } from './manifest';
import { canPrompt, confirm } from './prompt';

/** A service as --json prints it: the API's, with each environment's full endpoint URL. */
function serviceJson(client: PlatformClient, service: Service) {
  return { ...service, environments: service.environments.map((e) => ({ ...e, url: client.endpointUrl(e) })) };
}

/** One environment in a few words: what runs, and what the latest deployment did. */
export function environmentState(env: Environment): string {
  const latest = env.latestDeployment;
  if (!latest) return 'not deployed';
  const state = `${latest.version.version} ${latest.status}`;
  const serving = env.currentVersion;
  const shown = serving && serving.id !== latest.version.id ? `${state}, ${serving.version} serving` : state;
  return env.idle ? `${shown}, idle` : shown;
}

/** An environment's status for service:info: the latest deployment's, with its version when that is not what serves. */
function environmentStatus(env: Environment): string {
  const latest = env.latestDeployment;
  if (!latest) return 'not deployed';
  const status = latest.version.id === env.currentVersion?.id ? latest.status : `${latest.status} ${latest.version.version}`;
  return env.idle ? `${status} (idle)` : status;
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

/**
 * One line per environment (`  <name>  <status>  serving <version>  <url>`), each followed by why
 * its latest deployment failed, if it did; `indent` goes before each line.
 */
export function environmentLines(client: PlatformClient, environments: Environment[], indent = '  '): string[] {
  const rows = environments.map((e) => [
    e.name,
    environmentStatus(e),
    e.currentVersion ? `serving ${e.currentVersion.version}` : e.latestDeployment ? 'serving nothing' : '',
    client.endpointUrl(e),
  ]);
  const lines = rows.length ? table(rows).trimEnd().split('\n') : [];
  // Why a deployment failed goes under the status column.
  const under = indent + ' '.repeat(Math.max(0, ...rows.map((r) => r[0].length)) + 2);
  const out: string[] = [];
  environments.forEach((e, i) => {
    out.push(`${indent}${lines[i]}`);
    const latest = e.latestDeployment;
    if (latest?.status !== 'DEPLOYMENT_FAILED') return;
    const [first, ...rest] = (latest.error ?? 'the platform gave no reason').trim().split(/\r?\n/);
    out.push(`${under}error: ${first}`, ...rest.map((l) => `${under}  ${l}`));
  });
  return out;
}

export async function create({ values, args }: CommandInput): Promise<number> {
  const client = platformClient(values, true);
  const folder = findServiceFolder();
  // Check the manifest can be written before the service exists, not after.
  const writeServiceId = folder ? serviceIdWriter(folder) : undefined;
  const previousId = folder ? manifestServiceId(folder) : undefined;
  if (folder && previousId) {
    const existing = await client.serviceInfo(previousId).catch((e) => {
      if (e instanceof PlatformError && e.code === 'NOT_FOUND') return undefined;
      throw e;
    });
    if (existing) {
      throw new CliError(
        `${folder} is already the service "${existing.name}" (${existing.id}). To make it a new service, remove serviceId from its codestore.yaml first.`,
      );
    }
  }
  const name = args[0] ?? str(values, 'name') ?? (folder ? path.basename(folder) : undefined);
  if (!name)
    throw usageError("Name the service: `codestore service:create <name>` (or run it in a service folder to use the folder's name).");
  const { service, developerKey } = await client.createService(name);
  const manifest = writeServiceId?.(service.id);
  // The service exists now: a folder that cannot take its project files is a warning, not a failure.
  let project: ProjectFilesResult | undefined;
  try {
    project = folder ? ensureProjectFiles(folder, name) : undefined;
  } catch (e) {
    process.stderr.write(`warning cannot write the project files into ${folder}: ${(e as Error).message}\n`);
  }
  if (values.json) {
    printJson({
      service: serviceJson(client, service),
      developerKey,
      manifest: manifest ?? null,
      ...(project ? { projectFiles: project } : {}),
    });
    return 0;
  }
  process.stdout.write(`Created service "${service.name}": ${service.id}\n`);
  for (const env of service.environments) process.stdout.write(`  ${env.name.padEnd(8)} ${client.endpointUrl(env)}\n`);
  process.stdout.write(
    `Developer key (shown only now; requests to private and demo send it as x-user-authorization):\n  ${developerKey}\n`,
  );
  if (manifest)
    process.stdout.write(
      `Wrote serviceId: ${service.id} to ${manifest}${previousId ? ` (it was ${previousId}, which this platform does not know)` : ''}.\n`,
    );
  for (const f of project?.written ?? []) process.stdout.write(`Wrote ${f}.\n`);
  for (const l of project?.lacks ?? []) process.stdout.write(`warning ${formatLack(l)}\n`);
  if (project?.written.includes('package.json'))
    process.stdout.write('Run `npm install` in the service folder to type-check it and run its migrations.\n');
  return 0;
}

export async function list({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, true);
  const services = await client.listServices();
  if (values.json) {
    printJson(services.map((s) => serviceJson(client, s)));
    return 0;
  }
  if (!services.length) {
    process.stdout.write('No services yet. Create one with `codestore service:create <name>`.\n');
    return 0;
  }
  const env = (s: Service, name: string) => {
    const e = s.environments.find((x) => x.name === name);
    return e ? environmentState(e) : '-';
  };
  process.stdout.write(
    table([['ID', 'NAME', 'PRIVATE', 'DEMO'], ...services.map((s) => [s.id, s.name, env(s, 'private'), env(s, 'demo')])]),
  );
  return 0;
}

export async function info({ values, args }: CommandInput): Promise<number> {
  const id = serviceIdFor('service:info', args[0]);
  const client = platformClient(values, true);
  const service = await client.serviceInfo(id);
  if (values.json) {
    printJson(serviceJson(client, service));
    return 0;
  }
  const out = [`${service.name} (${service.id}), created ${service.createdAt}`, ...environmentLines(client, service.environments)];
  if (!service.versions.length) out.push('No versions yet: push the service to make one.');
  else {
    out.push('Versions:');
    for (const v of service.versions)
      out.push(`  ${v.version.padEnd(10)} ${v.createdAt}${v.releaseNotes ? `  ${v.releaseNotes.split('\n')[0]}` : ''}`);
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

export async function remove({ values, args }: CommandInput): Promise<number> {
  const id = serviceIdFor('service:remove', args[0]);
  const client = platformClient(values, true);
  if (!values.yes) {
    if (!canPrompt())
      throw usageError(`service:remove deletes ${id} with its environments, versions and deployments: pass --yes to confirm.`);
    const service = await client.serviceInfo(id);
    if (!(await confirm(`Remove service "${service.name}" (${service.id}) with its environments, versions and deployments?`))) {
      process.stderr.write('Nothing was removed.\n');
      return 1;
    }
  }
  const removed = await client.removeService(id);
  if (values.json) printJson({ removed });
  else process.stdout.write(`Removed service ${removed}.\n`);
  return 0;
}
