// auth:signup, auth:login, auth:logout, auth:whoami.
import { PlatformError } from '../../apiclient/src';
import { CommandInput, platformClient, printJson, str } from './context';
import { forgetLogin, saveLogin } from './credentials';
import { CliError, usageError } from './errors';
import { canPrompt, promptLine, promptSecret } from './prompt';

async function credentials(
  command: string,
  values: Record<string, string | boolean | undefined>,
  confirmPassword: boolean,
): Promise<{ email: string; password: string }> {
  const missing = ['email', 'password'].filter((k) => str(values, k) === undefined);
  if (missing.length && !canPrompt()) {
    throw usageError(`${command} needs ${missing.map((k) => `-${k[0]}/--${k}`).join(' and ')} (there is no terminal to ask on).`);
  }
  const email = str(values, 'email') ?? (await promptLine('Email: '));
  let password = str(values, 'password');
  if (password === undefined) {
    password = await promptSecret('Password: ');
    if (confirmPassword && (await promptSecret('Password again: ')) !== password)
      throw new CliError('The passwords differ; nothing was done.');
  }
  return { email, password };
}

export async function signup({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, false);
  const { email, password } = await credentials('auth:signup', values, true);
  const session = await client.signup(email, password);
  saveLogin(client.url, { token: session.token, email: session.account.email });
  if (values.json) printJson({ platform: client.url, account: session.account, organization: session.organization });
  else
    process.stdout.write(
      `Signed up as ${session.account.email} (organization "${session.organization.name}") and logged in to ${client.url}.\n`,
    );
  return 0;
}

export async function login({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, false);
  const { email, password } = await credentials('auth:login', values, false);
  const session = await client.login(email, password);
  saveLogin(client.url, { token: session.token, email: session.account.email });
  if (values.json) printJson({ platform: client.url, account: session.account, organization: session.organization });
  else process.stdout.write(`Logged in to ${client.url} as ${session.account.email} (organization "${session.organization.name}").\n`);
  return 0;
}

export async function logout({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, false);
  if (!client.token) {
    if (values.json) printJson({ platform: client.url, loggedOut: false });
    else process.stdout.write(`Not logged in to ${client.url}; nothing to do.\n`);
    return 0;
  }
  try {
    await client.logout();
  } catch (e) {
    // A token the platform no longer takes is as good as revoked; anything else is worth saying.
    if (!(e instanceof PlatformError && e.needsLogin)) {
      forgetLogin(client.url);
      throw new CliError(`Logged out on this machine, but the platform did not revoke the token: ${(e as Error).message}`);
    }
  }
  forgetLogin(client.url);
  if (values.json) printJson({ platform: client.url, loggedOut: true });
  else process.stdout.write(`Logged out of ${client.url}.\n`);
  return 0;
}

export async function whoami({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, true);
  const viewer = await client.whoami();
  if (values.json) printJson({ platform: client.url, ...viewer });
  else process.stdout.write(`${viewer.account.email} (organization "${viewer.organization.name}") on ${client.url}\n`);
  return 0;
}
