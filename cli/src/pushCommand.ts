// `codestore push [-r notes] [dir]`: packs the service folder (default: the one the command runs
// in), pushes it to its service (codestore.yaml's serviceId), and prints the new version, or each
// problem the platform's check found as `file:line:column severity message [code]` (exit 1).
import * as fs from 'fs';
import * as path from 'path';
import { PlatformError } from '../../client/src/api';
import { ArchiveError, packServiceFolder } from '../../platform/src/build/archive';
import { formatProblem } from '../../platform/src/build/problems';
import { parseCommand, platformClient, printJson, str } from './args';
import { CliError } from './errors';
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
  try {
    const pushed = await client.push(serviceId, archive, str(values, 'release-notes'));
    if (values.json) {
      printJson(pushed);
      return 0;
    }
    for (const w of pushed.warnings) process.stdout.write(formatProblem(w) + '\n');
    process.stdout.write(`Pushed ${serviceId}: version ${pushed.version} (schema ${pushed.schemaHash.slice(0, 12)}). Not deployed yet.\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof PlatformError) || e.code !== 'CHECK_FAILED') throw e;
    if (values.json) printJson({ problems: e.problems });
    else for (const p of e.problems) process.stdout.write(formatProblem(p) + '\n');
    process.stderr.write(`codestore: ${e.message} Fix them and push again.\n`);
    return 1;
  }
}
