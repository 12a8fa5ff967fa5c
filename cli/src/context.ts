// Options of the platform commands: each command's own, plus --platform, --json and --help.
import { parseArgs } from 'util';
import { DEFAULT_PLATFORM_URL, normalizeUrl, PlatformClient } from '../../client/src/api';
import { loadLogin } from './credentials';
import { CliError, usageError } from './errors';

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
export type Values = Record<string, string | boolean | undefined>;

const COMMON: OptionSpec = {
  platform: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface ParsedCommand {
  values: Values;
  args: string[];
}

/** Parses `argv` strictly: an unknown option or an extra argument is a usage error naming the command. */
export function parseCommand(command: string, argv: string[], options: OptionSpec = {}, maxArgs = 0): ParsedCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError(`${(e as Error).message.split('. ')[0]} (${command}). Run \`codestore help\` for its options.`);
  }
  if (parsed.positionals.length > maxArgs) {
    throw usageError(`${command} takes ${maxArgs ? `at most ${maxArgs} argument(s)` : 'no arguments'}; got ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')}. Run \`codestore help\`.`);
  }
  return { values: parsed.values as Values, args: parsed.positionals };
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** `--platform`, else `CODESTORE_PLATFORM_URL`, else http://127.0.0.1:4000. */
export function platformUrl(values: Values): string {
  return normalizeUrl(str(values, 'platform') || process.env.CODESTORE_PLATFORM_URL || DEFAULT_PLATFORM_URL);
}

/** A client for the platform; with `requireLogin`, one that carries the stored token or a clear error. */
export function platformClient(values: Values, requireLogin: boolean): PlatformClient {
  const url = platformUrl(values);
  const login = loadLogin(url);
  if (requireLogin && !login) {
    throw new CliError(`Not logged in to the platform at ${url}: log in with \`codestore auth:login\` (or create an account with \`codestore auth:signup\`).`);
  }
  return new PlatformClient({ url, token: login?.token });
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
