// `codestore push [-r notes] [-y] [dir]`: brings the service folder's database layer up to date (the
// generated files written and the pending migration committed, as `codestore generate` does), packs
// the folder (default: the one the command runs in), pushes it to its service (codestore.yaml's
// serviceId), and prints the new version and how its deployment to private went (exit 1 when it
// failed), or each problem the platform's check found as `file:line:column severity message [code]`
// (exit 1).
import * as path from 'path';
import { PlatformError, PushedDeployment } from '../../apiclient/src';
import { ArchiveError, packServiceFolder } from '../../apiclient/src/pack';
import { formatProblem } from '../../servicefs/src/problems';
import { CommandInput, platformClient, printJson, str, Values } from './context';
import { endpointUrl, logsCommand } from './deployCommands';
import { CliError, usageError } from './errors';
import { generateDatabaseLayer, Regeneration } from './folderCommands';
import { deploymentOutcome } from './format';
import { manifestServiceId, serviceFolderArg } from './manifest';
import { PushSteps } from './pushSteps';
import { canPrompt, confirm } from './prompt';

/** Writes the generated files and commits the pending migration; a migration that drops data needs a yes. */
async function regenerate(folder: string, values: Values, steps: PushSteps): Promise<Regeneration | undefined> {
  steps.start('Generating the database layer');
  const result = await generateDatabaseLayer(folder, async (destructive) => {
    if (values.yes) return true;
    const list = destructive.map((s) => `  ${s}`).join('\n');
    if (!canPrompt()) {
      throw usageError(
        `The pending migration drops data when it runs: ${destructive.join('; ')}. Push it with --yes, or keep the data (rename with @renamedFrom instead of removing).`,
      );
    }
    steps.pause();
    process.stderr.write(`The pending migration drops data when it runs:\n${list}\n`);
    return confirm('Commit it and push?');
  });
  if (!result) return undefined;
  steps.done(result.migration ? `Committed ${result.migration}` : undefined);
  return result;
}

/** The lines that say what push regenerated: nothing when nothing changed. */
function regeneratedLines(r: Regeneration): string[] {
  const files = [...r.written.filter((f) => f !== r.migration), ...r.deleted.map((f) => `${f} (deleted)`)];
  const out: string[] = [];
  if (r.migration) out.push(`Committed migration ${r.migration}.`);
  if (files.length) out.push(`Regenerated ${files.join(', ')}.`);
  for (const w of r.warnings) out.push(`warning ${w.message} [${w.code}]`);
  return out;
}

export async function push({ values, args }: CommandInput): Promise<number> {
  const folder = serviceFolderArg('push', args[0]);
  const serviceId = manifestServiceId(folder);
  if (!serviceId)
    throw new CliError(
      `${path.join(folder, 'codestore.yaml')} has no serviceId: create the service with \`codestore service:create\` in that folder first.`,
    );
  const client = platformClient(values, true);
  const steps = new PushSteps(!values.json && !!process.stderr.isTTY);

  // A schema with errors is pushed as it is: the platform's check lists them where they are.
  const regenerated = await regenerate(folder, values, steps).catch((e) => {
    if (e instanceof CliError && /^the schema has \d+ error/.test(e.message)) {
      steps.done('skipped: the schema has errors');
      return null;
    }
    steps.fail();
    throw e;
  });
  if (regenerated === undefined) {
    process.stderr.write('Nothing was committed or pushed.\n');
    return 1;
  }
  if (regenerated && !values.json) for (const line of regeneratedLines(regenerated)) process.stdout.write(line + '\n');

  let archive: Buffer;
  steps.start('Packing');
  try {
    archive = await packServiceFolder(folder);
  } catch (e) {
    steps.fail();
    if (e instanceof ArchiveError) throw new CliError(`Cannot pack ${folder}: ${e.message}`);
    throw e;
  }
  steps.done(`${(archive.length / 1024).toFixed(1)} KB`);
  let pushed;
  try {
    pushed = await steps.follow(client, serviceId, (onUploaded) =>
      client.push(serviceId, archive, str(values, 'release-notes'), { onUploaded }),
    );
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
    const regeneration = regenerated
      ? { written: regenerated.written, deleted: regenerated.deleted, migration: regenerated.migration ?? null }
      : null;
    printJson({ ...(deployment ? { ...pushed, deployment: { ...deployment, url: url ?? null } } : pushed), regenerated: regeneration });
  } else {
    for (const w of pushed.warnings) process.stdout.write(formatProblem(w) + '\n');
    process.stdout.write(`Pushed ${serviceId}: version ${pushed.version} (schema ${pushed.schemaHash.slice(0, 12)}).\n`);
    if (!deployment) process.stdout.write('Not deployed: this platform does not deploy pushes.\n');
    else if (outcome?.ok) process.stdout.write(outcome.message + '\n');
  }
  if (outcome && !outcome.ok) throw new CliError(outcome.message);
  return 0;
}
