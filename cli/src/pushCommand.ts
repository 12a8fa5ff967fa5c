// `codestore push [-r notes] [dir]`: packs the service folder (default: the one the command runs
// in), pushes it to its service (codestore.yaml's serviceId), and prints the new version and how
// its deployment to private went (exit 1 when it failed), or each problem the platform's check
// found as `file:line:column severity message [code]` (exit 1).
import * as fs from 'fs';
import * as path from 'path';
import { PlatformError, PushedDeployment } from '../../apiclient/src';
import { ArchiveError, packServiceFolder } from '../../apiclient/src/pack';
import { formatProblem } from '../../servicefs/src/problems';
import { parseCommand, platformClient, printJson, str } from './args';
import { endpointUrl, logsCommand } from './deployCommands';
import { CliError } from './errors';
import { deploymentOutcome } from './format';
import { findServiceFolder, manifestServiceId } from './manifest';

export async function push(argv: string[]): Promise<number> {
  const { values, args } = parseCommand('push', argv, { 'release-notes': { type: 'string', short: 'r' } }, 1);
  let folder: string | undefined;
  if (args[0]) {
    folder = path.resolve(args[0]);
    if (!fs.existsSync(path.join(folder, 'codestore.yaml'))) throw new CliError(`${folder} is not a service folder (no codestore.yaml).`);
  } else {
    folder = findServiceFolder();
    if (!folder) throw new CliError('Not in a service folder (no codestore.yaml here or above): run `codestore push` in one, or pass its path.');
  }
  const serviceId = manifestServiceId(folder);
  if (!serviceId) throw new CliError(`${path.join(folder, 'codestore.yaml')} has no serviceId: create the service with \`codestore service:create\` in that folder first.`);
  const client = platformClient(values, true);
  let archive: Buffer;
  try {
    archive = await packServiceFolder(folder);
  } catch (e) {
    if (e instanceof ArchiveError) throw new CliError(`Cannot pack ${folder}: ${e.message}`);
    throw e;
  }
  let pushed;
  try {
    pushed = await client.push(serviceId, archive, str(values, 'release-notes'));
  } catch (e) {
    if (!(e instanceof PlatformError) || e.code !== 'CHECK_FAILED') throw e;
    if (values.json) printJson({ problems: e.problems });
    else for (const p of e.problems) process.stdout.write(formatProblem(p) + '\n');
    process.stderr.write(`codestore: ${e.message} Fix them and push again.\n`);
    return 1;
  }
  // The platform deploys the new version to private before it answers (a platform from before
  // deployments answers without one).
  const deployment: PushedDeployment | undefined = pushed.deployment ?? undefined;
  const url = deployment?.status === 'DEPLOYED' ? await endpointUrl(client, serviceId, deployment.environment) : undefined;
  const outcome = deployment && deploymentOutcome(deployment, pushed.version, url, logsCommand(values, serviceId, deployment.environment));
  if (values.json) {
    printJson(deployment ? { ...pushed, deployment: { ...deployment, url: url ?? null } } : pushed);
  } else {
    for (const w of pushed.warnings) process.stdout.write(formatProblem(w) + '\n');
    process.stdout.write(`Pushed ${serviceId}: version ${pushed.version} (schema ${pushed.schemaHash.slice(0, 12)}).\n`);
    if (!deployment) process.stdout.write('Not deployed: this platform does not deploy pushes.\n');
    else if (outcome?.ok) process.stdout.write(outcome.message + '\n');
  }
  if (outcome && !outcome.ok) throw new CliError(outcome.message);
  return 0;
}
