// project:create, project:list, project:info, project:delete and the project:service:* commands:
// a project's service-instances (development, staging, production), their deployments and rate
// plans. -s/--service defaults to the service folder's service.
import type { Deployment, InstanceEnvironmentName, PlatformClient, Project, ServiceInstance } from '../../apiclient/src';
import { CommandInput, platformClient, printJson, str, Values } from './context';
import { logsCommand } from './deployCommands';
import { CliError, usageError } from './errors';
import {
  alternatives,
  deploymentOutcome,
  INSTANCE_ENVIRONMENTS,
  nextEnvironment,
  parseInstanceEnvironment,
  previousEnvironment,
} from './format';
import { serviceIdFor } from './manifest';
import { describePlan, ratePlanInput } from './plans';
import { environmentLines, environmentState, table } from './serviceCommands';

/** `-p/--project`, which the command cannot do without. */
export function projectIdOf(command: string, values: Values): string {
  const id = str(values, 'project');
  if (id) return id;
  throw usageError(`${command} needs -p/--project <projectId> (\`codestore project:list\` shows your projects).`);
}

/** `-s/--service`, else the service folder's serviceId. */
export function serviceOf(command: string, values: Values): string {
  return serviceIdFor(command, str(values, 'service'), `\`codestore ${command} -s <serviceId>\``);
}

/** `-e/--env`, which the command cannot do without: development, staging or production. */
export function environmentOf(command: string, values: Values): InstanceEnvironmentName {
  const env = parseInstanceEnvironment(str(values, 'env'));
  if (env) return env;
  throw usageError(`${command} needs -e/--env: ${alternatives(INSTANCE_ENVIRONMENTS)}.`);
}

/** An instance as --json prints it: the API's, with each environment's full endpoint URL. */
export function instanceJson(client: PlatformClient, instance: ServiceInstance) {
  return { ...instance, environments: instance.environments.map((e) => ({ ...e, url: client.endpointUrl(e) })) };
}

function projectJson(client: PlatformClient, project: Project) {
  return { ...project, instances: project.instances.map((i) => instanceJson(client, i)) };
}

/** The project and its instance of the service, or an error that says how to add it. */
export async function instanceOf(
  client: PlatformClient,
  projectId: string,
  serviceId: string,
): Promise<{ project: Project; instance: ServiceInstance }> {
  const project = await client.projectInfo(projectId);
  const instance = project.instances.find((i) => i.service.id === serviceId);
  if (!instance) {
    throw new CliError(
      `Project "${project.name}" (${project.id}) has no service ${serviceId}: add it with \`codestore project:service:add -p ${project.id} -s ${serviceId}\`.`,
    );
  }
  return { project, instance };
}

/** The full URL of an instance's environment, or undefined when the platform does not say. */
async function instanceUrl(client: PlatformClient, projectId: string, serviceId: string, environment: string): Promise<string | undefined> {
  try {
    const { instance } = await instanceOf(client, projectId, serviceId);
    const env = instance.environments.find((e) => e.name === environment);
    return env && client.endpointUrl(env);
  } catch {
    // The deployment is what was asked for; its URL is a courtesy.
    return undefined;
  }
}

/** Prints a settled deployment of an instance (--json: with its URL); a failed one is the command's error. */
async function reportDeployment(
  values: Values,
  client: PlatformClient,
  projectId: string,
  serviceId: string,
  deployment: Deployment,
): Promise<number> {
  const url = deployment.status === 'DEPLOYED' ? await instanceUrl(client, projectId, serviceId, deployment.environment) : undefined;
  const outcome = deploymentOutcome(
    deployment,
    deployment.version.version,
    url,
    logsCommand(values, serviceId, deployment.environment, projectId),
  );
  if (values.json) printJson({ ...deployment, url: url ?? null });
  if (!outcome.ok) throw new CliError(outcome.message);
  if (!values.json) process.stdout.write(outcome.message + '\n');
  return 0;
}

function progress(values: Values, message: string): void {
  if (!values.json && process.stderr.isTTY) process.stderr.write(message + '\n');
}

export async function create({ values, args }: CommandInput): Promise<number> {
  const name = args[0] ?? str(values, 'name');
  if (args[0] !== undefined && str(values, 'name') !== undefined)
    throw usageError('project:create takes one name: `codestore project:create <name>` or -n <name>, not both.');
  if (!name) throw usageError('Name the project: `codestore project:create <name>` (or -n <name>).');
  const client = platformClient(values, true);
  const project = await client.createProject(name);
  if (values.json) {
    printJson(projectJson(client, project));
    return 0;
  }
  process.stdout.write(
    `Created project "${project.name}": ${project.id}\nAdd a service to it with \`codestore project:service:add -p ${project.id} -s <serviceId>\`.\n`,
  );
  return 0;
}

export async function list({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, true);
  const projects = await client.listProjects();
  if (values.json) {
    printJson(projects.map((p) => projectJson(client, p)));
    return 0;
  }
  if (!projects.length) {
    process.stdout.write('No projects yet. Create one with `codestore project:create <name>`.\n');
    return 0;
  }
  const services = (p: Project) => p.instances.map((i) => i.service.id).join(', ') || '-';
  process.stdout.write(table([['ID', 'NAME', 'SERVICES'], ...projects.map((p) => [p.id, p.name, services(p)])]));
  return 0;
}

export async function info({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, true);
  let project: Project;
  const id = str(values, 'project');
  if (id) project = await client.projectInfo(id);
  else {
    // Without -p, the organization's only project.
    const projects = await client.listProjects();
    if (!projects.length) throw new CliError('No projects yet. Create one with `codestore project:create <name>`.');
    if (projects.length > 1)
      throw usageError(`Which project? Pass -p <projectId>: you have ${projects.length} (${projects.map((p) => p.id).join(', ')}).`);
    project = projects[0];
  }
  if (values.json) {
    printJson(projectJson(client, project));
    return 0;
  }
  const out = [`${project.name} (${project.id}), created ${project.createdAt}`];
  if (!project.instances.length)
    out.push(`No services yet: add one with \`codestore project:service:add -p ${project.id} -s <serviceId>\`.`);
  for (const instance of project.instances) {
    out.push(
      `  ${instance.service.name} (${instance.service.id}): ${describePlan(instance.ratePlan)}`,
      ...environmentLines(client, instance.environments, '    '),
    );
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

export async function remove({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:delete', values);
  const client = platformClient(values, true);
  if (!values.force) {
    const project = await client.projectInfo(projectId);
    const n = project.instances.length;
    if (n) {
      const which = project.instances.map((i) => i.service.id).join(', ');
      throw usageError(
        `Project "${project.name}" (${project.id}) has ${n} service-instance${n === 1 ? '' : 's'} (${which}): deleting it removes ${n === 1 ? 'it' : 'them'} with ${n === 1 ? 'its' : 'their'} databases. Add -f to delete it.`,
      );
    }
  }
  const deleted = await client.deleteProject(projectId, !!values.force);
  if (values.json) printJson({ deleted });
  else process.stdout.write(`Deleted project ${deleted}.\n`);
  return 0;
}

/** The rate plan the plan options (-t, -v, --currency, --free, --rate-limit, --quota, --overage) give; undefined without -t. */
function planOptions(values: Values) {
  return ratePlanInput({
    type: str(values, 'type'),
    value: str(values, 'value'),
    currency: str(values, 'currency'),
    free: str(values, 'free'),
    rateLimit: str(values, 'rate-limit'),
    quota: str(values, 'quota'),
    overage: values.overage === true,
  });
}

export async function serviceAdd({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:service:add', values);
  const serviceId = serviceOf('project:service:add', values);
  const plan = planOptions(values);
  const client = platformClient(values, true);
  progress(values, `Adding ${serviceId} to project ${projectId} and deploying what its demo environment serves to development...`);
  const instance = await client.addServiceToProject(projectId, serviceId, plan);
  const dev = instance.environments.find((e) => e.name === 'development');
  const latest = dev?.latestDeployment;
  const outcome =
    latest &&
    deploymentOutcome(
      latest,
      latest.version.version,
      latest.status === 'DEPLOYED' ? client.endpointUrl(dev) : undefined,
      logsCommand(values, serviceId, 'development', projectId),
    );
  if (values.json) printJson(instanceJson(client, instance));
  else {
    process.stdout.write(
      `Added ${instance.service.name} (${instance.service.id}) to project ${instance.projectId}, rate plan ${describePlan(instance.ratePlan)}.\n`,
    );
    if (!outcome) process.stdout.write(`Nothing is deployed to development yet${dev ? `: ${client.endpointUrl(dev)}` : ''}.\n`);
    else if (outcome.ok) process.stdout.write(outcome.message + '\n');
    process.stdout.write(
      `Calls to development and staging send the developer key as x-user-authorization; production takes a client key (\`codestore project:client:add -p ${instance.projectId} -n <name>\`).\n`,
    );
  }
  if (outcome && !outcome.ok) throw new CliError(outcome.message);
  return 0;
}

export async function serviceList({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:service:list', values);
  const client = platformClient(values, true);
  const project = await client.projectInfo(projectId);
  if (values.json) {
    printJson(project.instances.map((i) => instanceJson(client, i)));
    return 0;
  }
  if (!project.instances.length) {
    process.stdout.write(
      `Project "${project.name}" (${project.id}) has no services yet: add one with \`codestore project:service:add -p ${project.id} -s <serviceId>\`.\n`,
    );
    return 0;
  }
  const env = (i: ServiceInstance, name: string) => {
    const e = i.environments.find((x) => x.name === name);
    return e ? environmentState(e) : '-';
  };
  const rows = project.instances.map((i) => [
    i.service.id,
    i.service.name,
    describePlan(i.ratePlan),
    ...INSTANCE_ENVIRONMENTS.map((name) => env(i, name)),
  ]);
  process.stdout.write(table([['SERVICE', 'NAME', 'RATE PLAN', ...INSTANCE_ENVIRONMENTS.map((e) => e.toUpperCase())], ...rows]));
  return 0;
}

export async function serviceInfo({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:service:info', values);
  const serviceId = serviceOf('project:service:info', values);
  const client = platformClient(values, true);
  const { project, instance } = await instanceOf(client, projectId, serviceId);
  if (values.json) {
    printJson(instanceJson(client, instance));
    return 0;
  }
  const out = [
    `${instance.service.name} (${instance.service.id}) in project "${project.name}" (${project.id}), added ${instance.createdAt}`,
    `Rate plan: ${describePlan(instance.ratePlan)}, since ${instance.ratePlan.effectiveFrom}`,
    ...environmentLines(client, instance.environments),
  ];
  const earlier = instance.ratePlanHistory.filter((p) => p.id !== instance.ratePlan.id);
  if (earlier.length) out.push('Earlier rate plans:', ...earlier.map((p) => `  from ${p.effectiveFrom}  ${describePlan(p)}`));
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

export async function serviceRemove({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:service:remove', values);
  const serviceId = serviceOf('project:service:remove', values);
  if (!values.force) {
    throw usageError(
      `Removing ${serviceId} from project ${projectId} drops its 3 databases (development, staging and production) with their data. Add -f to remove it.`,
    );
  }
  const client = platformClient(values, true);
  progress(values, `Removing ${serviceId} from project ${projectId}...`);
  const removed = await client.removeServiceFromProject(projectId, serviceId, true);
  if (values.json) printJson({ removed, projectId });
  else
    process.stdout.write(`Removed ${removed} from project ${projectId}; its development, staging and production databases were dropped.\n`);
  return 0;
}

export async function servicePromote({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:service:promote', values);
  const serviceId = serviceOf('project:service:promote', values);
  let from = parseInstanceEnvironment(str(values, 'env'), '-e/--env');
  let to = parseInstanceEnvironment(str(values, 'to'), '-t/--to');
  // One end says the other: development goes to staging, staging to production.
  from ??= to && previousEnvironment(to);
  to ??= from && nextEnvironment(from);
  if (!from || !to) {
    throw usageError('project:service:promote needs -e/--env <from> and -t/--to <to>: development to staging, or staging to production.');
  }
  const client = platformClient(values, true);
  progress(values, `Deploying what ${serviceId} serves in ${from} to ${to} in project ${projectId}...`);
  return reportDeployment(
    values,
    client,
    projectId,
    serviceId,
    await client.promoteInstance(projectId, serviceId, from, to, { force: values.force === true }),
  );
}

export async function serviceRoll({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:service:roll', values);
  const serviceId = serviceOf('project:service:roll', values);
  const environment = environmentOf('project:service:roll', values);
  const version = str(values, 'version')?.trim();
  if (!version) throw usageError(`project:service:roll needs -v/--version <version> (\`codestore service:info ${serviceId}\` lists them).`);
  const client = platformClient(values, true);
  progress(values, `Deploying ${serviceId} ${version} to ${environment} in project ${projectId}...`);
  return reportDeployment(
    values,
    client,
    projectId,
    serviceId,
    await client.rollInstance(projectId, serviceId, environment, version, { force: values.force === true }),
  );
}

export async function servicePlan({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:service:plan', values);
  const serviceId = serviceOf('project:service:plan', values);
  const plan = planOptions(values);
  if (!plan)
    throw usageError(
      'project:service:plan needs -t/--type NOT_BILLABLE, MONTHLY or PAY_PER_CALL (with -v/--value <price> for the last two).',
    );
  const client = platformClient(values, true);
  const instance = await client.setRatePlan(projectId, serviceId, plan);
  if (values.json) printJson(instanceJson(client, instance));
  else
    process.stdout.write(
      `Rate plan of ${instance.service.id} in project ${instance.projectId}: ${describePlan(instance.ratePlan)}, from ${instance.ratePlan.effectiveFrom}.\n`,
    );
  return 0;
}
