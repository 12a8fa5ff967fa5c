// The command line on commander: the table of commands.ts becomes commander commands, with
// --version, grouped help, `<command> --help` with an example, and did-you-mean for mistyped
// commands and options. A usage mistake is one line `codestore: ...` on stderr and exit 2.
import { Command, CommanderError, Option } from 'commander';
import { CommandSpec, COMMANDS, GROUPS, PLATFORM_COMMAND } from './commands';
import type { Values } from './context';
import { CliError, runCommand } from './errors';

declare const CODESTORE_VERSION: string | undefined;
/** The package's version, put in by the bundler (from the sources: read from package.json). */
function version(): string {
  if (typeof CODESTORE_VERSION === 'string') return CODESTORE_VERSION;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only when run from the sources, where no bundler put the version in
  return (require('../../package.json') as { version: string }).version;
}

const FOOTER = `
Options of every command that reads or creates:
  --json            print the result as JSON (\`logs\`: one JSON object a line)
  --platform <url>  the platform (default $CODESTORE_PLATFORM_URL or http://127.0.0.1:4000)

Logins are kept per platform in <config dir>/credentials.json (mode 0600); the config dir is
$CODESTORE_CONFIG_DIR, else ~/.config/codestore.
Run \`codestore <command> --help\` for a command's options and an example.`;

/** Commander's `error: unknown option '--x'` as this CLI words its errors: `codestore: Unknown option '--x' (push)`. */
function usageLine(message: string, command?: string): string {
  const text = message.replace(/^error: /, '');
  const [first, ...rest] = text.split('\n');
  const line = `codestore: ${first.charAt(0).toUpperCase()}${first.slice(1)}${command ? ` (${command})` : ''}`;
  return [line, ...rest].join('\n');
}

/** `release-notes` from commander's `releaseNotes`: the handlers read options by their long names. */
function longName(option: Option): string {
  return option.long!.replace(/^--/, '');
}

function addCommand(program: Command, spec: CommandSpec, done: (run: () => Promise<number | void>) => void): void {
  const cmd = program
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.description ?? `${spec.summary}.`)
    .helpGroup(spec.group)
    .aliases(spec.aliases ?? [])
    .configureOutput({ outputError: (message, write) => write(usageLine(message, spec.name)) });
  for (const a of spec.args ?? []) cmd.argument(a);
  if (spec.usage) cmd.usage(`${spec.usage} [options]`);
  for (const o of spec.options ?? []) cmd.option(o.flags, o.description);
  if (spec.json !== false) cmd.option('--json', 'print the result as JSON');
  if (spec.remote) {
    cmd.option('--platform <url>', 'the platform (default $CODESTORE_PLATFORM_URL or http://127.0.0.1:4000)');
    cmd.option(
      '--org <organization>',
      'act in this organization this once (its id or name; default: the one `codestore org:switch` chose)',
    );
  }
  cmd.addHelpText('after', `\nExample${spec.examples.length > 1 ? 's' : ''}:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n`);
  // The handlers word "too many arguments" themselves, naming the command.
  cmd.allowExcessArguments(true);
  cmd.action(() => {
    const max = spec.args?.length ?? 0;
    const given = cmd.args;
    const opts = cmd.opts() as Record<string, string | boolean | undefined>;
    const values: Values = {};
    for (const option of cmd.options) values[longName(option)] = opts[option.attributeName()];
    done(async () => {
      if (given.length > max) {
        throw new CliError(
          `${spec.name} takes ${max ? `at most ${max} argument(s)` : 'no arguments'}; got ${given.map((p) => JSON.stringify(p)).join(' ')}. Run \`codestore ${spec.name} --help\`.`,
          2,
        );
      }
      const handler = await spec.run();
      const positionalService = spec.args?.[0] === '[service]';
      if (
        spec.remote &&
        (typeof values.org === 'string' ||
          typeof values.project === 'string' ||
          typeof values.service === 'string' ||
          (positionalService && given[0] !== undefined))
      ) {
        await (await import('./names')).resolveNames(values, given, positionalService);
      }
      return handler({ values, args: given });
    });
  });
}

export function buildProgram(done: (run: () => Promise<number | void>) => void): Command {
  const program = new Command('codestore')
    .usage('<command> [options]     (alias: cs)')
    .description('The code.store command line: schema-first GraphQL services, their platform, projects and billing.')
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    // Options of `codestore` itself come before the command: `project:service:roll -v` is the command's.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .configureHelp({
      sortSubcommands: false,
      subcommandTerm: (c) => [c.name(), ...c.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`))].join(' '),
    })
    .configureOutput({ outputError: (message, write) => write(usageLine(message)) })
    .addHelpText('after', FOOTER)
    .exitOverride();
  for (const spec of COMMANDS) addCommand(program, spec, done);
  // The platform runs its own bundle, which reads its own options and help (see main).
  program
    .command(PLATFORM_COMMAND.name)
    .summary(PLATFORM_COMMAND.summary)
    .helpGroup(GROUPS.platform)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments();
  return program;
}

/** Runs the command line; the exit code is set when the command ends. */
export function main(argv: string[]): number {
  // Output piped into a command that stopped reading (`| head`) ends the command quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  // `platform` hands everything after it to the platform bundle.
  if (argv[0] === 'platform') {
    runCommand(() => import('./platformCommand').then((m) => m.platform(argv.slice(1))));
    return 0;
  }
  let command: (() => Promise<number | void>) | undefined;
  const program = buildProgram((run) => {
    command = run;
  });
  if (!argv.length) {
    program.outputHelp();
    return 0;
  }
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // Help and the version exit 0; a usage mistake was printed (with a suggestion) and exits 2.
    if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  if (command) runCommand(command);
  return 0;
}
