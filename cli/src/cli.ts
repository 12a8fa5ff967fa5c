// The codestore command line. Thin: every command runs the same core as the language server.
import * as fs from 'fs';
import * as path from 'path';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import { checkPlatformRules } from '../../core/src/schema/platformRules';
import { SchemaDiagnostic } from '../../core/src/schema/diagnostics';
import { SCHEMA_PATH, SERVICE_MANIFEST } from '../../core/src/service-folder/serviceFolder';
import { readResolvers } from '../../server/src/workspace';
import { CodegenHost } from '../../server/src/codegen';
import * as access from './accessCommands';
import * as auth from './authCommands';
import * as billing from './billingCommands';
import * as deploy from './deployCommands';
import { runCommand } from './errors';
import { platform } from './platformCommand';
import * as project from './projectCommands';
import * as service from './serviceCommands';

/** The commands that talk to the platform: each parses its own options and runs asynchronously. */
const PLATFORM_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  'auth:signup': auth.signup,
  'auth:login': auth.login,
  'auth:logout': auth.logout,
  'auth:whoami': auth.whoami,
  'service:create': service.create,
  'service:list': service.list,
  'service:info': service.info,
  'service:remove': service.remove,
  platform,
  push: (argv) => import('./pushCommand').then((m) => m.push(argv)),
  promote: deploy.promote,
  logs: deploy.logs,
  'project:create': project.create,
  'project:list': project.list,
  'project:info': project.info,
  'project:delete': project.remove,
  'project:service:add': project.serviceAdd,
  'project:service:list': project.serviceList,
  'project:service:info': project.serviceInfo,
  'project:service:remove': project.serviceRemove,
  'project:service:promote': project.servicePromote,
  'project:service:roll': project.serviceRoll,
  'project:service:plan': project.servicePlan,
  'project:client:add': access.clientAdd,
  'project:client:list': access.clientList,
  'project:client:remove': access.clientRemove,
  'secret:add': access.secretAdd,
  'secret:list': access.secretList,
  'secret:remove': access.secretRemove,
  usage: billing.usage,
  invoice: billing.invoice,
};

const USAGE = `Usage: codestore <command> [options]     (alias: cs)

Service folder:
  check [serviceDir]   Validate a service's schema with the language server's rules
                       (GraphQL rules and the platform's). Exits 1 when there are errors.
  generate [serviceDir]
                       Write the TypeORM entities, resolver types and data source, and
                       commit a migration when the schema differs from the snapshot.
      --check          Write nothing; exit 1 when any generated file is out of date.

Account (on the platform):
  auth:signup          Create an account (and its organization) and log in.
  auth:login           Log in; the token is kept in your config directory.
      -e, --email <email>   -p, --password <password>   (asked for on a terminal when missing)
  auth:logout          Revoke the token and forget it.
  auth:whoami          Show the account and organization you are logged in as.

Services (in a service folder, they default to its codestore.yaml's serviceId):
  service:create [name]   Create a service with its private and demo environments; in a
                          service folder, write its serviceId into codestore.yaml.
  service:list            List your services and what runs in their environments.
  service:info [serviceId]
                          Each environment's status, the version it serves, its endpoint
                          URL, and why its latest deployment failed, if it did.
  service:remove [serviceId] [-y, --yes]

Deployments (these default to the service folder's service too; a call to an environment's
endpoint sends the developer key as the x-user-authorization header):
  push [-r <release notes>] [serviceDir]
                          Check, build and record a new version of the service, and deploy
                          it to its private environment. Exits 1 when the deployment fails.
  promote [serviceId]     Deploy what private serves to demo. Exits 1 when it fails (demo
                          keeps serving what it served).
  logs [serviceId]        Print an environment's log: \`<time> <stream> <message>\`, the
                          stream being stdout, stderr, request or platform.
      -e, --env <private|demo>   The environment (default private).
      -n, --lines <n>            How many of the newest lines (default 100, at most 1000).
      -f, --follow               Then print new lines as they come, until Ctrl-C.
      -p, --project <projectId>  The log of the service's instance in that project; then -e is
                                 development (the default), staging or production, and
                                 -s, --service <serviceId> may name the service.

Projects (-s/--service defaults to the service folder's service; -p/--project is the project's
id, which project:create prints and project:list shows):
  project:create <name>   Create a project (or -n, --name <name>).
  project:list            List your projects and their services.
  project:info [-p <projectId>]
                          Each service of the project with its rate plan and environments
                          (without -p: your only project).
  project:delete -p <projectId> [-f, --force]
                          Delete a project; one with services only with -f, which removes them
                          with their databases.
  project:service:add -p <projectId> -s <serviceId> [rate plan]
                          Add a service to the project: what its demo environment serves is
                          deployed to the instance's development environment. Rate plan:
      -t, --type <NOT_BILLABLE|MONTHLY|PAY_PER_CALL>   (default NOT_BILLABLE)
      -v, --value <amount>       The monthly fee, or the price of one call, in major units
                                 (29.99, 0.05).
      --currency <code>          ISO 4217 (default EUR).
      --free <calls>             PAY_PER_CALL: production calls a month that are not billed.
  project:service:list -p <projectId>
  project:service:info -p <projectId> -s <serviceId>
                          Each environment's status, version and endpoint URL; the rate plan.
  project:service:remove -p <projectId> -s <serviceId> -f
                          Remove the service from the project: drops its 3 databases, so -f
                          must confirm it.
  project:service:promote -p <projectId> -s <serviceId> -e <from> -t <to>
                          Deploy what serves development to staging, or staging to production
                          (either of -e and -t says the other).
  project:service:roll -p <projectId> -s <serviceId> -e <env> -v <version>
                          Deploy a version of the service, earlier or later, to an environment
                          (migrations it does not have are reverted).
  project:service:plan -p <projectId> -s <serviceId> -t <type> [-v <amount>]
                          Change the rate plan, from the next call on (-t, -v, --currency and
                          --free as for project:service:add).
  project:client:add -p <projectId> -n <name>
                          Create a client key for the project's production endpoints (calls send
                          it as x-user-authorization; development and staging take the
                          developer key). The key is shown only once.
  project:client:list -p <projectId>
  project:client:remove -p <projectId> -k <keyId>
                          Revoke a client key: calls with it are refused from then on.

Secrets (of one environment of a service in a project; the service reads them as environment
variables, and the environment's process restarts with them):
  secret:add -p <projectId> -s <serviceId> -e <env> -k <NAME> [-v <value>]
                          Without -v the value is read from stdin (or asked for on a terminal).
  secret:list -p <projectId> -s <serviceId> -e <env>
                          Names and previews (the first characters and the length), never values.
  secret:remove -p <projectId> -s <serviceId> -e <env> -k <NAME>

Billing (calendar months in UTC; amounts in major units with their currency, \`--json\` gives the
platform's minor units):
  usage -p <projectId> -s <serviceId> [--month YYYY-MM]
                          Calls to the service in each environment of the project, and
                          production calls by rate plan (default: this month).
  invoice -p <projectId> [--month YYYY-MM]
                          A line per service and rate plan, and the totals.

Platform:
  platform start [--port 4000] [--host 127.0.0.1] [--data <dir>] [--database-url <url>]
                       Run the code.store platform on this machine (embedded database by
                       default; --data defaults to $CODESTORE_PLATFORM_DATA or ~/.codestore/platform).
                       Sandbox and limits: --sandbox auto|required|off, --memory, --request-timeout
                       (\`codestore platform start --help\`).
  platform status [--data <dir>] [--json]
                       Version, database, sandbox mode and limits of the running platform.

  help                 Show this help.

Options:
  --json               Print the result as JSON (every command that reads or creates; \`logs\`
                       prints one JSON object per line).
  --platform <url>     The platform (default $CODESTORE_PLATFORM_URL or http://127.0.0.1:4000).

Logins are kept per platform in <config dir>/credentials.json (mode 0600); the config dir is
$CODESTORE_CONFIG_DIR, else ~/.config/codestore.
`;

export function main(argv: string[]): number {
  const [command, ...rest] = argv;
  const platformCommand = command !== undefined && Object.hasOwn(PLATFORM_COMMANDS, command) ? PLATFORM_COMMANDS[command] : undefined;
  if (platformCommand) {
    // `platform` has its own help.
    if (command !== 'platform' && (rest.includes('--help') || rest.includes('-h'))) {
      process.stdout.write(USAGE);
      return 0;
    }
    // The exit code is set when the command ends; until then, 0.
    runCommand(() => platformCommand(rest));
    return 0;
  }
  const json = rest.includes('--json');
  const args = rest.filter((a) => !a.startsWith('--'));
  switch (command) {
    case 'check':
      return check(path.resolve(args[0] ?? '.'), json);
    case 'generate':
      void generate(path.resolve(args[0] ?? '.'), rest.includes('--check'), json).then((code) => { process.exitCode = code; }, (e) => {
        process.stderr.write(`codestore: ${(e as Error).message}\n`);
        process.exitCode = 1;
      });
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`codestore: unknown command "${command}". Run \`codestore help\` for the list.\n`);
      return 2;
  }
}

/** The service's schema, analysed; or undefined after saying why not. */
function loadService(dir: string): { text: string; analysis: SchemaAnalysis } | undefined {
  if (!fs.existsSync(path.join(dir, SERVICE_MANIFEST))) {
    process.stderr.write(`codestore: ${dir} is not a service folder (no ${SERVICE_MANIFEST}). Run it in a service folder or pass its path.\n`);
    return undefined;
  }
  const schemaFile = path.join(dir, SCHEMA_PATH);
  let text: string;
  try {
    text = fs.readFileSync(schemaFile, 'utf8');
  } catch {
    process.stderr.write(`codestore: cannot read ${schemaFile}. A service keeps its schema at ${SCHEMA_PATH}.\n`);
    return undefined;
  }
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(text);
  return { text, analysis };
}

async function generate(dir: string, checkOnly: boolean, json: boolean): Promise<number> {
  const loaded = loadService(dir);
  if (!loaded) return 2;
  const service = { root: dir, resolvers: readResolvers(dir) };
  const errors = [...loaded.analysis.diagnostics(), ...checkPlatformRules(loaded.analysis, service.resolvers).diagnostics]
    .filter((d) => d.severity === 'error' && d.code !== 'missing-resolver');
  if (errors.length) {
    process.stderr.write(`codestore: the schema has ${errors.length} error(s); nothing was generated. Run \`codestore check\` to see them.\n`);
    return 1;
  }
  const host = new CodegenHost();
  const doc = loaded.analysis.documentWithPrelude();
  if (checkOnly) {
    const { stale } = await host.check(service, doc);
    if (json) process.stdout.write(JSON.stringify({ upToDate: !stale.length, stale }, null, 2) + '\n');
    else process.stdout.write(stale.length ? `Out of date:\n${stale.map((s) => `  ${s}`).join('\n')}\nRun \`codestore generate\` and commit the result.\n` : 'Generated files are up to date.\n');
    return stale.length ? 1 : 0;
  }
  const result = await host.write(service, doc, true);
  const warnings = result.generation.plan.warnings;
  if (json) process.stdout.write(JSON.stringify({ written: result.written, deleted: result.deleted, migration: result.generation.committed?.path, warnings }, null, 2) + '\n');
  else {
    for (const w of warnings) process.stdout.write(`warning ${w.message} [${w.code}]\n`);
    for (const f of result.written) process.stdout.write(`wrote ${f}\n`);
    for (const f of result.deleted) process.stdout.write(`deleted ${f}\n`);
    if (!result.written.length && !result.deleted.length) process.stdout.write('Everything is up to date.\n');
  }
  return 0;
}

function check(dir: string, json: boolean): number {
  const loaded = loadService(dir);
  if (!loaded) return 2;
  const { text, analysis } = loaded;
  const platform = checkPlatformRules(analysis, readResolvers(dir));
  const diagnostics: SchemaDiagnostic[] = [...analysis.diagnostics(), ...platform.diagnostics].sort((a, b) => a.start - b.start);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const position = (offset: number) => {
    let lo = 0, hi = lineStarts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (lineStarts[mid] <= offset) lo = mid; else hi = mid - 1; }
    return { line: lo + 1, column: offset - lineStarts[lo] + 1 };
  };
  const rows = [
    ...diagnostics.map((d) => ({ file: SCHEMA_PATH, ...position(d.start), severity: d.severity, code: d.code, message: d.message })),
    ...platform.orphanResolvers.map((o) => ({ file: o.file, line: 1, column: 1, severity: 'warning' as const, code: 'orphan-resolver', message: `No field "${o.field}" in the schema for this resolver: add the field or delete the file.` })),
  ];
  if (json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else {
    for (const r of rows) process.stdout.write(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.message} [${r.code}]\n`);
    const errors = rows.filter((r) => r.severity === 'error').length;
    process.stdout.write(errors || rows.length ? `${errors} error(s), ${rows.length - errors} warning(s)\n` : 'The schema is valid.\n');
  }
  return rows.some((r) => r.severity === 'error') ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
