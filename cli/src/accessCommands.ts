// project:client:add/list/remove (the keys calls to a project's production endpoints send) and
// secret:add/list/remove (an instance environment's secrets, given to the service as environment
// variables). Neither a key nor a secret's value is ever printed after it was set.
import { CommandInput, platformClient, printJson, str } from './context';
import { usageError } from './errors';
import { environmentOf, projectIdOf, serviceOf } from './projectCommands';
import { canPrompt, promptSecret } from './prompt';
import { table } from './serviceCommands';

export async function clientAdd({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:client:add', values);
  const name = str(values, 'name');
  if (!name) throw usageError('project:client:add needs -n/--name <name> (what the key is for, like "web app").');
  const client = platformClient(values, true);
  const { clientKey, key } = await client.addClientKey(projectId, name);
  if (values.json) {
    printJson({ clientKey, key });
    return 0;
  }
  process.stdout.write(`Created client key "${clientKey.name}" (${clientKey.id}) for project ${projectId}.\n`);
  process.stdout.write(
    `The key is shown only now: keep it. Calls to the project's production endpoints send it as x-user-authorization:\n  ${key}\n`,
  );
  return 0;
}

export async function clientList({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:client:list', values);
  const client = platformClient(values, true);
  const keys = await client.clientKeys(projectId);
  if (values.json) {
    printJson(keys);
    return 0;
  }
  if (!keys.length) {
    process.stdout.write(
      `Project ${projectId} has no client keys yet. Create one with \`codestore project:client:add -p ${projectId} -n <name>\`.\n`,
    );
    return 0;
  }
  const rows = keys.map((k) => [k.id, k.name, `${k.prefix}...`, k.createdAt, k.revokedAt ? `revoked ${k.revokedAt}` : 'active']);
  process.stdout.write(table([['ID', 'NAME', 'KEY', 'CREATED', 'STATUS'], ...rows]));
  return 0;
}

export async function clientRemove({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:client:remove', values);
  const keyId = str(values, 'key');
  if (!keyId)
    throw usageError(`project:client:remove needs -k/--key <id> (\`codestore project:client:list -p ${projectId}\` shows the ids).`);
  const client = platformClient(values, true);
  const removed = await client.removeClientKey(projectId, keyId);
  if (values.json) printJson({ removed, projectId });
  else process.stdout.write(`Revoked client key ${removed} of project ${projectId}: calls with it are refused from now on.\n`);
  return 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

/** -v/--value; else what is piped to stdin (without its final newline); else asked for on a terminal, not echoed. */
async function secretValue(name: string, given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  if (!process.stdin.isTTY) {
    const value = (await readStdin()).replace(/\r?\n$/, '');
    if (!value) throw usageError(`secret:add read no value for ${name} on stdin: pass -v/--value <value>, or pipe the value in.`);
    return value;
  }
  if (canPrompt()) return promptSecret(`Value of ${name} (not shown): `);
  throw usageError(`secret:add needs the value of ${name}: -v/--value <value>, or pipe it in.`);
}

export async function secretAdd({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('secret:add', values);
  const serviceId = serviceOf('secret:add', values);
  const environment = environmentOf('secret:add', values);
  const name = str(values, 'key');
  if (!name) throw usageError('secret:add needs -k/--key <name>: the environment variable the service reads it from, like API_TOKEN.');
  const client = platformClient(values, true);
  const value = await secretValue(name, str(values, 'value'));
  if (!values.json && process.stderr.isTTY)
    process.stderr.write(`Setting ${name} and restarting ${serviceId}'s ${environment} environment in project ${projectId}...\n`);
  const secret = await client.addSecret(projectId, serviceId, environment, name, value);
  if (values.json) printJson(secret);
  else
    process.stdout.write(
      `Set secret ${secret.name} of ${serviceId}'s ${environment} environment in project ${projectId}: ${secret.preview}. The service reads it as the environment variable ${secret.name}.\n`,
    );
  return 0;
}

export async function secretList({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('secret:list', values);
  const serviceId = serviceOf('secret:list', values);
  const environment = environmentOf('secret:list', values);
  const client = platformClient(values, true);
  const secrets = await client.secrets(projectId, serviceId, environment);
  if (values.json) {
    printJson(secrets);
    return 0;
  }
  if (!secrets.length) {
    process.stdout.write(`No secrets in ${serviceId}'s ${environment} environment in project ${projectId}.\n`);
    return 0;
  }
  process.stdout.write(table([['NAME', 'VALUE', 'UPDATED'], ...secrets.map((s) => [s.name, s.preview, s.updatedAt])]));
  return 0;
}

export async function secretRemove({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('secret:remove', values);
  const serviceId = serviceOf('secret:remove', values);
  const environment = environmentOf('secret:remove', values);
  const name = str(values, 'key');
  if (!name) throw usageError('secret:remove needs -k/--key <name>.');
  const client = platformClient(values, true);
  const removed = await client.removeSecret(projectId, serviceId, environment, name);
  if (values.json) printJson({ removed });
  else process.stdout.write(`Removed secret ${removed} from ${serviceId}'s ${environment} environment in project ${projectId}.\n`);
  return 0;
}
