// What every command gets: its parsed options and arguments (the CLI framework parses them, see
// program.ts), and the platform client they name.
import { DEFAULT_PLATFORM_URL, normalizeUrl, PlatformClient } from '../../apiclient/src';
import { loadLogin } from './credentials';
import { CliError } from './errors';

/** Options by their long name (`release-notes`, `json`): a string, true, or undefined when not given. */
export type Values = Record<string, string | boolean | undefined>;

export interface CommandInput {
  values: Values;
  /** The positional arguments, in order. */
  args: string[];
}

export type CommandHandler = (input: CommandInput) => Promise<number>;

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
    throw new CliError(
      `Not logged in to the platform at ${url}: log in with \`codestore auth:login\` (or create an account with \`codestore auth:signup\`).`,
    );
  }
  // --org names one by id or name for this command (resolved by the org commands' helper); else the remembered one.
  const org = str(values, 'org');
  return new PlatformClient({ url, token: login?.token, organization: org ?? login?.organization?.id });
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
