// Every command of the CLI: its name, help group, arguments, options, an example, and the module
// that runs it (loaded only when the command runs, so `codestore --version` and `--help` stay fast).
import type { CommandHandler } from './context';

export interface OptionSpec {
  /** Commander's flags: `-p, --project <projectId>`, `-f, --force`. */
  flags: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** Other names it answers to (the original code.store CLI's). */
  aliases?: string[];
  group: string;
  /** One line for `codestore help`. */
  summary: string;
  /** More, for `codestore <command> --help`. */
  description?: string;
  /** Positional arguments: `[serviceId]`, `<name>`; at most these many are taken. */
  args?: string[];
  /** The usage line after the command's name, when its options are what it is called with. */
  usage?: string;
  options?: OptionSpec[];
  examples: string[];
  /** Talks to the platform: takes --platform. */
  remote?: boolean;
  /** Takes --json (default true). */
  json?: boolean;
  run: () => Promise<CommandHandler>;
}

export const GROUPS = {
  teams: 'Organizations (the one commands act in: `org:switch`; --org names another once):',
  folder: 'Service folder:',
  account: 'Account (on the platform):',
  services: "Services (in a service folder, they default to its codestore.yaml's serviceId; an id or a name):",
  deployments: "Deployments (these default to the service folder's service too):",
  projects: "Projects (-p/--project and -s/--service take an id or a name; -s defaults to the service folder's service):",
  secrets: 'Secrets (of one environment of a service in a project, read as environment variables):',
  billing: 'Billing (calendar months in UTC; amounts in major units, --json gives minor units):',
  platform: 'Platform:',
} as const;

const PROJECT: OptionSpec = {
  flags: '-p, --project <project>',
  description: 'the project: its id or its name (`codestore project:list` shows them)',
};
const SERVICE: OptionSpec = {
  flags: '-s, --service <service>',
  description: "the service: its id or its name (default: the service folder's)",
};
const INSTANCE_ENV: OptionSpec = { flags: '-e, --env <env>', description: 'development, staging or production' };
const FORCE = (what: string): OptionSpec => ({ flags: '-f, --force', description: what });
const PLAN: OptionSpec[] = [
  { flags: '-t, --type <type>', description: 'the rate plan: NOT_BILLABLE, MONTHLY or PAY_PER_CALL (default NOT_BILLABLE)' },
  { flags: '-v, --value <amount>', description: 'the monthly fee, or the price of one call, in major units (29.99, 0.05)' },
  { flags: '--currency <code>', description: 'ISO 4217 (default EUR)' },
  { flags: '--free <calls>', description: 'PAY_PER_CALL: production calls a month that are not billed' },
  { flags: '--rate-limit <n/unit>', description: 'calls per client key: 10/s or 600/min (refused over it with 429)' },
  { flags: '--quota <n/month>', description: 'calls a month per instance: 10000/month (refused over it, unless --overage)' },
  { flags: '--overage', description: "PAY_PER_CALL: bill calls over the quota at the plan's price instead of refusing them" },
];
const MONTH: OptionSpec = { flags: '--month <YYYY-MM>', description: 'the calendar month (default: this month)' };
const CREDENTIALS: OptionSpec[] = [
  { flags: '-e, --email <email>', description: 'asked for on a terminal when missing' },
  { flags: '-p, --password <password>', description: 'asked for on a terminal (not echoed) when missing' },
];

const folder = () => import('./folderCommands');
const auth = () => import('./authCommands');
const services = () => import('./serviceCommands');
const deploy = () => import('./deployCommands');
const projects = () => import('./projectCommands');
const teams = () => import('./teamCommands');
const access = () => import('./accessCommands');
const billing = () => import('./billingCommands');

export const COMMANDS: CommandSpec[] = [
  {
    name: 'check',
    group: GROUPS.folder,
    args: ['[serviceDir]'],
    summary: "Validate a service's schema with the language server's rules (exit 1 on errors)",
    description:
      "Validates src/schema.graphql with the GraphQL rules and the platform's, resolvers included. Exits 1 when there are errors.",
    examples: ['codestore check', 'codestore check ./blog --json'],
    run: () => folder().then((m) => m.check),
  },
  {
    name: 'generate',
    group: GROUPS.folder,
    args: ['[serviceDir]'],
    summary: 'Write the entities, resolver types and data source, and commit a migration for a schema change',
    description:
      'Writes the TypeORM entities, resolver types and data source, and commits a migration when the schema differs from the snapshot (a service without a snapshot: from what its migrations build); writes the package.json, tsconfig.json and .gitignore the folder lacks, and says what existing ones lack.',
    options: [{ flags: '--check', description: 'write nothing; exit 1 when any generated file is out of date' }],
    examples: ['codestore generate', 'codestore generate --check'],
    run: () => folder().then((m) => m.generate),
  },
  {
    name: 'dev',
    aliases: ['service:dev'],
    group: GROUPS.folder,
    args: ['[serviceDir]'],
    options: [
      {
        flags: '--port <port>',
        description: "where it serves (default: codestore.yaml's localConfiguration.application.port, else 3000; 0: a free port)",
      },
      { flags: '--host <host>', description: 'the address it listens on (default 127.0.0.1)' },
      {
        flags: '--inspect [host:port]',
        description: 'run the service under the Node.js inspector (default 127.0.0.1:9229), for a debugger',
      },
      { flags: '-y, --yes', description: 'commit and apply a migration that drops tables or columns without asking' },
    ],
    json: false,
    summary: 'Launch your service locally, reloaded on save',
    description:
      "Serves the service on this machine with the platform's build and runtime: GraphQL at /graphql and a playground at /. The database is codestore.yaml's localConfiguration.database, else a development database of its own on an embedded PostgreSQL server in <serviceDir>/.codestore/ (never pushed, never committed). On save a resolver change is served at once; a schema change regenerates the database layer (as `codestore generate` does; a migration that drops data is asked about) and migrates the development database. Errors are shown with their file and line and the previous build keeps serving. Ctrl-C stops it.",
    examples: ['codestore dev', 'codestore dev ./blog --port 4001', 'codestore dev --inspect'],
    run: () => import('./devCommand').then((m) => m.dev),
  },
  {
    name: 'auth:signup',
    group: GROUPS.account,
    remote: true,
    options: CREDENTIALS,
    summary: 'Create an account (and its organization) and log in',
    examples: ['codestore auth:signup -e ada@example.com'],
    run: () => auth().then((m) => m.signup),
  },
  {
    name: 'auth:login',
    group: GROUPS.account,
    remote: true,
    options: CREDENTIALS,
    summary: 'Log in; the token is kept in your config directory',
    examples: ['codestore auth:login -e ada@example.com', 'codestore auth:login --platform https://codestore.example.com'],
    run: () => auth().then((m) => m.login),
  },
  {
    name: 'auth:logout',
    group: GROUPS.account,
    remote: true,
    summary: 'Revoke the token and forget it',
    examples: ['codestore auth:logout'],
    run: () => auth().then((m) => m.logout),
  },
  {
    name: 'auth:password',
    group: GROUPS.account,
    remote: true,
    options: [
      { flags: '--current <password>', description: 'asked for on a terminal when missing' },
      { flags: '--new <password>', description: 'at least 8 characters; asked for on a terminal when missing' },
    ],
    summary: 'Change your password (other sessions stay logged in)',
    examples: ['codestore auth:password'],
    run: () => teams().then((m) => m.password),
  },
  {
    name: 'auth:logout-all',
    group: GROUPS.account,
    remote: true,
    summary: 'Log out everywhere: revoke every token of the account, this one too',
    examples: ['codestore auth:logout-all'],
    run: () => teams().then((m) => m.logoutEverywhere),
  },
  {
    name: 'org:list',
    group: GROUPS.teams,
    remote: true,
    summary: 'The organizations you belong to, with your role; * marks the one commands act in',
    examples: ['codestore org:list'],
    run: () => teams().then((m) => m.list),
  },
  {
    name: 'org:switch',
    group: GROUPS.teams,
    remote: true,
    args: ['<organization>'],
    summary: 'Make commands act in this organization (its id or name)',
    examples: ['codestore org:switch acme'],
    run: () => teams().then((m) => m.switchTo),
  },
  {
    name: 'org:invite',
    group: GROUPS.teams,
    remote: true,
    usage: '-e <email> [-r developer|admin]',
    options: [
      { flags: '-e, --email <email>', description: 'who is invited' },
      { flags: '-r, --role <role>', description: 'developer (the default) or admin' },
    ],
    summary: 'Invite someone: a one-time code, valid 7 days (needs admin)',
    examples: ['codestore org:invite -e ada@example.com', 'codestore org:invite -e ada@example.com -r admin --json'],
    run: () => teams().then((m) => m.invite),
  },
  {
    name: 'org:join',
    group: GROUPS.teams,
    remote: true,
    args: ['<code>'],
    summary: 'Join the organization an invitation code is for (logged in with the invited email)',
    examples: ['codestore org:join inv_...'],
    run: () => teams().then((m) => m.join),
  },
  {
    name: 'org:members',
    group: GROUPS.teams,
    remote: true,
    summary: 'The members of the organization and their roles',
    examples: ['codestore org:members'],
    run: () => teams().then((m) => m.members),
  },
  {
    name: 'org:role',
    group: GROUPS.teams,
    remote: true,
    usage: '-e <email> -r <role>',
    options: [
      { flags: '-e, --email <email>', description: 'the member' },
      { flags: '-r, --role <role>', description: 'owner, admin or developer' },
    ],
    summary: "Change a member's role (needs owner)",
    examples: ['codestore org:role -e ada@example.com -r admin'],
    run: () => teams().then((m) => m.setRole),
  },
  {
    name: 'org:remove',
    group: GROUPS.teams,
    remote: true,
    usage: '-e <email>',
    options: [{ flags: '-e, --email <email>', description: 'the member' }],
    summary: 'Remove a member: their logins stop working here at once (needs admin)',
    examples: ['codestore org:remove -e ada@example.com'],
    run: () => teams().then((m) => m.remove),
  },
  {
    name: 'org:leave',
    group: GROUPS.teams,
    remote: true,
    summary: 'Leave the organization commands act in',
    examples: ['codestore org:leave'],
    run: () => teams().then((m) => m.leave),
  },
  {
    name: 'activity',
    group: GROUPS.teams,
    remote: true,
    options: [{ flags: '-n, --lines <n>', description: 'how many entries (1 to 500, default 50)' }],
    summary: 'Who did what in the organization: pushes, promotes, plans, keys, members, secrets',
    examples: ['codestore activity -n 20'],
    run: () => teams().then((m) => m.activity),
  },
  {
    name: 'service:key:rotate',
    group: GROUPS.services,
    remote: true,
    args: ['[service]'],
    summary: 'Issue a new developer key for the service; the old one is refused at once',
    examples: ['codestore service:key:rotate', 'codestore service:key:rotate blog'],
    run: () => teams().then((m) => m.rotateKey),
  },
  {
    name: 'schema:check',
    group: GROUPS.folder,
    remote: true,
    args: ['[serviceDir]'],
    options: [
      { flags: '-p, --project <project>', description: "only this project's instance (its id)" },
      { flags: '-s, --service <service>', description: "the service (default: the folder's)" },
      { flags: '-e, --env <env>', description: 'only this environment: private, demo, development, staging or production' },
      { flags: '--days <n>', description: 'the window of recorded calls (1 to 90, default 30)' },
    ],
    summary: "Check the folder's schema against what clients called in each environment; exit 1 if it breaks them",
    examples: ['codestore schema:check', 'codestore schema:check -p shop -e production --days 7 --json'],
    run: () => import('./schemaCheckCommand').then((m) => m.schemaCheck),
  },
  {
    name: 'auth:whoami',
    group: GROUPS.account,
    remote: true,
    summary: 'Show the account and organization you are logged in as',
    examples: ['codestore auth:whoami'],
    run: () => auth().then((m) => m.whoami),
  },
  {
    name: 'service:create',
    group: GROUPS.services,
    remote: true,
    args: ['[name]'],
    options: [{ flags: '-n, --name <name>', description: "the service's name (default: the service folder's name)" }],
    summary: 'Create a service with its private and demo environments',
    description:
      'Creates a service with its private and demo environments; in a service folder, writes its serviceId into codestore.yaml and the package.json, tsconfig.json and .gitignore it lacks.',
    examples: ['codestore service:create blog'],
    run: () => services().then((m) => m.create),
  },
  {
    name: 'service:list',
    group: GROUPS.services,
    remote: true,
    summary: 'List your services and what runs in their environments',
    examples: ['codestore service:list', 'codestore service:list --json'],
    run: () => services().then((m) => m.list),
  },
  {
    name: 'service:info',
    group: GROUPS.services,
    remote: true,
    args: ['[service]'],
    summary: "Each environment's status, version and endpoint URL, and why a deployment failed",
    examples: ['codestore service:info', 'codestore service:info blog'],
    run: () => services().then((m) => m.info),
  },
  {
    name: 'service:pull',
    group: GROUPS.services,
    remote: true,
    args: ['[service]', '[dir]'],
    options: [
      { flags: '-v, --version <version>', description: 'the version to pull (default: the latest; `codestore service:info` lists them)' },
      FORCE("write into a folder that has files: the service's files replace those of the same paths, other files stay"),
    ],
    summary: "Download the source of a service's latest version (or --version) into a folder ready to open",
    description:
      "Downloads the service folder a version was pushed with (default: the latest) and unpacks it into <dir> (default: the service's name in the current folder), its codestore.yaml naming the service, so the folder pushes to it as it is. A folder that has files is refused unless --force. This is how a teammate starts on a service.",
    examples: ['codestore service:pull blog', 'codestore service:pull blog ./blog-0.0.3 --version 0.0.3'],
    run: () => import('./pullCommand').then((m) => m.pull),
  },
  {
    name: 'service:remove',
    group: GROUPS.services,
    remote: true,
    args: ['[service]'],
    options: [{ flags: '-y, --yes', description: 'confirm (asked on a terminal otherwise)' }],
    summary: 'Remove a service with its environments, versions and deployments',
    examples: ['codestore service:remove blog --yes'],
    run: () => services().then((m) => m.remove),
  },
  {
    name: 'push',
    group: GROUPS.deployments,
    remote: true,
    args: ['[serviceDir]'],
    options: [
      { flags: '-r, --release-notes <notes>', description: 'what changed in this version' },
      { flags: '-y, --yes', description: 'push a migration that drops tables or columns without asking' },
    ],
    summary: 'Regenerate the database layer, then check, build and deploy a new version to private',
    description:
      'Writes the generated files and commits the pending migration (as `codestore generate` does; a migration that drops data is asked about on a terminal, or needs --yes), then packs the service folder; the platform checks, builds and records a new version and deploys it to the private environment. Exits 1 when the check or the deployment fails.',
    examples: ['codestore push', 'codestore push -r "Adds post summaries" ./blog'],
    run: () => import('./pushCommand').then((m) => m.push),
  },
  {
    name: 'promote',
    group: GROUPS.deployments,
    remote: true,
    args: ['[service]'],
    options: [FORCE('deploy even when the version breaks operations clients called recently (`codestore schema:check` shows what)')],
    summary: 'Deploy what private serves to demo (demo keeps serving when it fails)',
    examples: ['codestore promote', 'codestore promote blog'],
    run: () => deploy().then((m) => m.promote),
  },
  {
    name: 'logs',
    group: GROUPS.deployments,
    remote: true,
    args: ['[service]'],
    options: [
      { flags: '-e, --env <env>', description: 'private (the default) or demo; with -p: development (the default), staging or production' },
      { flags: '-n, --lines <n>', description: 'how many of the newest lines (default 100, at most 1000)' },
      { flags: '-f, --follow', description: 'then print new lines as they come, until Ctrl-C' },
      { flags: '-p, --project <project>', description: "the log of the service's instance in that project (id or name)" },
      SERVICE,
    ],
    summary: "Print an environment's log: `<time> <stream> <message>`",
    description:
      "Prints an environment's log, a line `<time> <stream> <message>` each, the stream being stdout, stderr, request or platform (--json: one object a line).",
    examples: ['codestore logs -f', 'codestore logs blog -e demo -n 20', 'codestore logs -p shop -e production'],
    run: () => deploy().then((m) => m.logs),
  },
  {
    name: 'project:create',
    group: GROUPS.projects,
    remote: true,
    args: ['[name]'],
    options: [{ flags: '-n, --name <name>', description: "the project's name" }],
    summary: 'Create a project',
    examples: ['codestore project:create shop'],
    run: () => projects().then((m) => m.create),
  },
  {
    name: 'project:list',
    group: GROUPS.projects,
    remote: true,
    summary: 'List your projects and their services',
    examples: ['codestore project:list'],
    run: () => projects().then((m) => m.list),
  },
  {
    name: 'project:info',
    group: GROUPS.projects,
    remote: true,
    options: [PROJECT],
    summary: 'Each service of the project with its rate plan and environments (without -p: your only project)',
    examples: ['codestore project:info -p shop'],
    run: () => projects().then((m) => m.info),
  },
  {
    name: 'project:delete',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> [-f]',
    options: [PROJECT, FORCE('delete a project that has services, with their databases')],
    summary: 'Delete a project; one with services only with -f',
    examples: ['codestore project:delete -p shop -f'],
    run: () => projects().then((m) => m.remove),
  },
  {
    name: 'project:service:add',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <projectId> -s <serviceId> [-t <type> -v <amount>]',
    options: [PROJECT, SERVICE, ...PLAN],
    summary: "Add a service to the project: what its demo serves is deployed to the instance's development",
    examples: [
      'codestore project:service:add -p shop -s blog',
      'codestore project:service:add -p shop -s blog -t PAY_PER_CALL -v 0.05 --free 1000',
    ],
    run: () => projects().then((m) => m.serviceAdd),
  },
  {
    name: 'project:service:list',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project>',
    options: [PROJECT],
    summary: "The project's services with their rate plans and environments",
    examples: ['codestore project:service:list -p shop'],
    run: () => projects().then((m) => m.serviceList),
  },
  {
    name: 'project:service:info',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> -s <service>',
    options: [PROJECT, SERVICE],
    summary: "Each environment's status, version and endpoint URL; the rate plan",
    examples: ['codestore project:service:info -p shop -s blog'],
    run: () => projects().then((m) => m.serviceInfo),
  },
  {
    name: 'project:service:remove',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> -s <service> -f',
    options: [PROJECT, SERVICE, FORCE("confirm: the instance's 3 databases are dropped")],
    summary: 'Remove the service from the project, dropping its 3 databases (-f confirms)',
    examples: ['codestore project:service:remove -p shop -s blog -f'],
    run: () => projects().then((m) => m.serviceRemove),
  },
  {
    name: 'project:service:promote',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> -s <service> -e <from> -t <to>',
    options: [
      PROJECT,
      SERVICE,
      { flags: '-e, --env <from>', description: 'development or staging' },
      { flags: '-t, --to <to>', description: 'staging or production (either of -e and -t says the other)' },
      FORCE('deploy even when the version breaks operations clients called recently (`codestore schema:check` shows what)'),
    ],
    summary: 'Deploy what serves development to staging, or staging to production',
    examples: ['codestore project:service:promote -p shop -s blog -t production'],
    run: () => projects().then((m) => m.servicePromote),
  },
  {
    name: 'project:service:roll',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> -s <service> -e <env> -v <version>',
    options: [
      PROJECT,
      SERVICE,
      INSTANCE_ENV,
      { flags: '-v, --version <version>', description: 'the version to deploy (`codestore service:info` lists them)' },
      FORCE('deploy even when the version breaks operations clients called recently (`codestore schema:check` shows what)'),
    ],
    summary: 'Deploy a version, earlier or later, to an environment (migrations it lacks are reverted)',
    examples: ['codestore project:service:roll -p shop -s blog -e production -v 0.0.3'],
    run: () => projects().then((m) => m.serviceRoll),
  },
  {
    name: 'project:service:plan',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> -s <service> -t <type> [-v <amount>]',
    options: [PROJECT, SERVICE, ...PLAN],
    summary: 'Change the rate plan, from the next call on',
    examples: ['codestore project:service:plan -p shop -s blog -t MONTHLY -v 29.99'],
    run: () => projects().then((m) => m.servicePlan),
  },
  {
    name: 'project:service:cors',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> -s <service> -e <env> [--add <origin>] [--remove <origin>]',
    options: [
      PROJECT,
      SERVICE,
      INSTANCE_ENV,
      { flags: '--add <origins>', description: 'origins to allow (comma-separated): https://app.example.com' },
      { flags: '--remove <origins>', description: 'origins to stop allowing (comma-separated)' },
    ],
    summary: 'The browser origins (CORS) an instance environment allows; without --add/--remove, lists them',
    examples: ['codestore project:service:cors -p shop -s blog -e production --add https://shop.example.com'],
    run: () => import('./corsCommand').then((m) => m.serviceCors),
  },
  {
    name: 'project:client:add',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> -n <name>',
    options: [PROJECT, { flags: '-n, --name <name>', description: 'what the key is for, like "web app"' }],
    summary: "Create a client key for the project's production endpoints (shown only once)",
    examples: ['codestore project:client:add -p shop -n "web app"'],
    run: () => access().then((m) => m.clientAdd),
  },
  {
    name: 'project:client:list',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project>',
    options: [PROJECT],
    summary: "The project's client keys",
    examples: ['codestore project:client:list -p shop'],
    run: () => access().then((m) => m.clientList),
  },
  {
    name: 'project:client:remove',
    group: GROUPS.projects,
    remote: true,
    usage: '-p <project> -k <keyId>',
    options: [PROJECT, { flags: '-k, --key <keyId>', description: "the key's id (`codestore project:client:list` shows them)" }],
    summary: 'Revoke a client key: calls with it are refused from then on',
    examples: ['codestore project:client:remove -p shop -k ck_0123'],
    run: () => access().then((m) => m.clientRemove),
  },
  {
    name: 'secret:add',
    group: GROUPS.secrets,
    remote: true,
    usage: '-p <project> -s <service> -e <env> -k <NAME> [-v <value>]',
    options: [
      PROJECT,
      SERVICE,
      INSTANCE_ENV,
      { flags: '-k, --key <NAME>', description: 'the environment variable the service reads it from' },
      { flags: '-v, --value <value>', description: 'the value (default: read from stdin, or asked for on a terminal)' },
    ],
    summary: "Set a secret; the environment's process restarts with it",
    examples: ['codestore secret:add -p shop -s blog -e production -k API_TOKEN < token.txt'],
    run: () => access().then((m) => m.secretAdd),
  },
  {
    name: 'secret:list',
    group: GROUPS.secrets,
    remote: true,
    usage: '-p <project> -s <service> -e <env>',
    options: [PROJECT, SERVICE, INSTANCE_ENV],
    summary: 'Names and previews (the first characters and the length), never values',
    examples: ['codestore secret:list -p shop -s blog -e production'],
    run: () => access().then((m) => m.secretList),
  },
  {
    name: 'secret:remove',
    group: GROUPS.secrets,
    remote: true,
    usage: '-p <project> -s <service> -e <env> -k <NAME>',
    options: [PROJECT, SERVICE, INSTANCE_ENV, { flags: '-k, --key <NAME>', description: "the secret's name" }],
    summary: 'Remove a secret',
    examples: ['codestore secret:remove -p shop -s blog -e production -k API_TOKEN'],
    run: () => access().then((m) => m.secretRemove),
  },
  {
    name: 'usage',
    group: GROUPS.billing,
    remote: true,
    usage: '-p <project> -s <service> [--month YYYY-MM]',
    options: [PROJECT, SERVICE, MONTH],
    summary: 'Calls to the service in each environment of the project, production calls by rate plan',
    examples: ['codestore usage -p shop -s blog --month 2026-11'],
    run: () => billing().then((m) => m.usage),
  },
  {
    name: 'invoice',
    group: GROUPS.billing,
    remote: true,
    usage: '-p <project> [--month YYYY-MM]',
    options: [PROJECT, MONTH],
    summary: 'A line per service and rate plan, and the totals',
    examples: ['codestore invoice -p shop'],
    run: () => billing().then((m) => m.invoice),
  },
  {
    name: 'completion',
    group: GROUPS.platform,
    json: false,
    summary: 'Print a bash completion script for codestore and cs',
    examples: ['source <(codestore completion)', 'codestore completion > /etc/bash_completion.d/codestore'],
    run: () =>
      import('./completion').then((m) => (input: Parameters<typeof m.completion>[0]) => m.completion(input, COMMANDS, PLATFORM_COMMAND)),
  },
];

/** `codestore platform start ...` parses its own options (it runs the platform bundle). */
export const PLATFORM_COMMAND = {
  name: 'platform',
  group: GROUPS.platform,
  summary: 'platform start [--port 4000] [--host 127.0.0.1] [--data <dir>] [--database-url <url>]: run the platform on this machine',
};
