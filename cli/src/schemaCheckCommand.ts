// schema:check: the working folder's schema against what each environment of the service (and of
// its instances) serves and what clients called there; exits 1 when something in use would break.
// For a service's own CI, before a push.
import * as fs from 'fs';
import * as path from 'path';
import { SCHEMA_PATH } from '../../core/src/service-folder/paths';
import type { EnvironmentSchemaCheck, InstanceEnvironmentName } from '../../apiclient/src';
import { CommandInput, platformClient, printJson, str } from './context';
import { CliError, usageError } from './errors';
import { findServiceFolder, manifestServiceId } from './manifest';

const ENVIRONMENTS = ['private', 'demo', 'development', 'staging', 'production'];

export async function schemaCheck({ values, args }: CommandInput): Promise<number> {
  const folder = findServiceFolder(path.resolve(args[0] ?? '.'));
  if (!folder) throw new CliError('schema:check runs in a service folder (a codestore.yaml at or above it), or takes its path.', 2);
  const serviceId = str(values, 'service') ?? manifestServiceId(folder);
  if (!serviceId) throw usageError('This service folder has no serviceId yet: pass -s <service>, or `codestore service:create` first.');
  let schema: string;
  try {
    schema = fs.readFileSync(path.join(folder, SCHEMA_PATH), 'utf8');
  } catch {
    throw new CliError(`cannot read ${path.join(folder, SCHEMA_PATH)}.`, 2);
  }
  const environment = str(values, 'env');
  if (environment !== undefined && !ENVIRONMENTS.includes(environment))
    throw usageError(`-e/--env is one of ${ENVIRONMENTS.join(', ')}, not ${JSON.stringify(environment)}.`);
  const daysText = str(values, 'days');
  const days = daysText === undefined ? undefined : Number(daysText);
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 90))
    throw usageError(`--days is a whole number from 1 to 90, not ${JSON.stringify(daysText)}.`);
  const checks = await platformClient(values, true).schemaCheck(serviceId, schema, {
    projectId: str(values, 'project'),
    environment: environment as InstanceEnvironmentName | undefined,
    days,
  });
  const breaking = checks.some((c) => c.breaking);
  if (values.json) {
    printJson({ serviceId, breaking, environments: checks });
    return breaking ? 1 : 0;
  }
  for (const c of checks) process.stdout.write(describe(c));
  process.stdout.write(
    breaking
      ? 'Something clients call would break: keep it (mark it @deprecated) until no client calls it, or promote with --force.\n'
      : 'Nothing clients called would break.\n',
  );
  return breaking ? 1 : 0;
}

function describe(c: EnvironmentSchemaCheck): string {
  const where = c.projectId ? `${c.environment} of ${c.projectId}` : c.environment;
  if (!c.servedVersion) return `${where}: serves nothing\n`;
  const breaking = c.changes.filter((x) => x.level === 'BREAKING');
  const lines = [
    `${where} (serves ${c.servedVersion}): ${c.changes.length ? `${c.changes.length} change(s), ${breaking.length} breaking` : 'no changes'}`,
  ];
  for (const x of c.changes) lines.push(`  ${x.breaksUsage ? 'BREAKS' : x.level.toLowerCase().replace('_', '-')}  ${x.description}`);
  return lines.join('\n') + '\n';
}
