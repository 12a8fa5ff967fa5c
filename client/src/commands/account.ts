// Logging in and out, the platform URL, and the local platform process.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { localAddress } from '../localPlatform';
import { DEFAULT_PLATFORM_URL, PLATFORM_URL_SETTING } from '../session';
import type { CommandTable } from './types';

/** Automation (tests, other extensions) may pass the credentials; people are asked. */
interface Credentials {
  email?: string;
  password?: string;
}

function credentialsOf(arg: unknown): Credentials {
  if (!arg || typeof arg !== 'object') return {};
  const { email, password } = arg as Credentials;
  return { email: typeof email === 'string' ? email : undefined, password: typeof password === 'string' ? password : undefined };
}

async function logIn(ctx: Ctx, arg: unknown, signup: boolean): Promise<void> {
  const url = await ctx.session.url();
  const title = signup ? 'code.store: Sign Up' : 'code.store: Log In';
  const given = credentialsOf(arg);
  const email =
    given.email ??
    (await vscode.window.showInputBox({
      title,
      prompt: signup ? `The email of your new account on ${url}` : `The email of your account on ${url}`,
      placeHolder: 'you@example.com',
      value: ctx.session.accountEmail(url),
      ignoreFocusOut: true,
      validateInput: (v) => (/^\S+@\S+$/.test(v.trim()) ? undefined : 'Type an email address.'),
    }));
  if (!email) return;
  let password = given.password;
  if (password === undefined) {
    password = await vscode.window.showInputBox({
      title,
      prompt: 'Password',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : 'Type the password.'),
    });
    if (!password) return;
    if (signup) {
      const again = await vscode.window.showInputBox({ title, prompt: 'The password again', password: true, ignoreFocusOut: true });
      if (again === undefined) return;
      if (again !== password)
        throw new UserError('The passwords differ; nothing was done.', [{ title: 'Try Again', command: 'codestore.signup' }]);
    }
  }
  const session = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: signup ? 'code.store: signing up…' : 'code.store: logging in…' },
    () => ctx.session.login(email.trim(), password!, signup),
  );
  // The session's change resets the model.
  void vscode.window.showInformationMessage(
    signup
      ? `code.store: signed up as ${session.account.email} (organization "${session.organization.name}") and logged in to ${url}.`
      : `code.store: logged in to ${url} as ${session.account.email}.`,
  );
}

async function logOut(ctx: Ctx): Promise<void> {
  const url = await ctx.session.url();
  const failure = await ctx.session.logout();
  if (failure)
    void vscode.window.showWarningMessage(`code.store: logged out here, but the platform did not revoke the token: ${failure.message}`);
  else void vscode.window.showInformationMessage(`code.store: logged out of ${url}.`);
}

async function choosePlatformUrl(ctx: Ctx, arg: unknown): Promise<void> {
  let url = typeof arg === 'string' ? arg : undefined;
  if (!url) {
    const current = ctx.session.configuredUrl();
    const OTHER = 'Another URL…';
    const items = [
      { label: DEFAULT_PLATFORM_URL, description: 'the local platform' + (current === DEFAULT_PLATFORM_URL ? ' (current)' : '') },
      ...(current !== DEFAULT_PLATFORM_URL ? [{ label: current, description: '(current)' }] : []),
      { label: OTHER, description: '' },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'code.store: Platform URL',
      placeHolder: 'The platform the extension talks to',
    });
    if (!picked) return;
    url = picked.label;
    if (url === OTHER) {
      url = await vscode.window.showInputBox({
        title: 'code.store: Platform URL',
        prompt: 'http(s)://host:port of a code.store platform',
        value: current,
        ignoreFocusOut: true,
        validateInput: (v) => {
          try {
            const u = new URL(v.trim());
            return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'The URL starts with http:// or https://.';
          } catch {
            return 'Type a URL like http://127.0.0.1:4000.';
          }
        },
      });
      if (!url) return;
    }
  }
  await vscode.workspace
    .getConfiguration('codestore')
    .update(PLATFORM_URL_SETTING, url.trim().replace(/\/+$/, ''), vscode.ConfigurationTarget.Global);
  // The session hears the change and the model reads the new platform.
}

async function startPlatform(ctx: Ctx): Promise<void> {
  const url = await ctx.session.url();
  const address = localAddress(url);
  if ('error' in address) throw new UserError(address.error, [{ title: 'Choose Platform URL', command: 'codestore.choosePlatformUrl' }]);
  if (ctx.localPlatform.running) {
    void vscode.window
      .showInformationMessage('code.store: the local platform started from VS Code is running.', 'Show Output')
      .then((c) => {
        if (c) ctx.localPlatform.output.show();
      });
    return;
  }
  await ctx.model.refresh();
  if (ctx.model.state.connection === 'reachable') {
    void vscode.window.showInformationMessage(`code.store: a platform answers at ${url} already.`);
    return;
  }
  const listening = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: 'code.store: starting the local platform (the first start creates its database)…',
      cancellable: true,
    },
    (_progress, token) => ctx.localPlatform.start(url, token),
  );
  await ctx.model.refresh();
  const next = ctx.model.state.loggedIn ? [] : ['Log In', 'Sign Up'];
  void vscode.window
    .showInformationMessage(`code.store: the local platform listens on ${listening}.`, ...next, 'Show Output')
    .then((choice) => {
      if (choice === 'Log In') void vscode.commands.executeCommand('codestore.login');
      else if (choice === 'Sign Up') void vscode.commands.executeCommand('codestore.signup');
      else if (choice === 'Show Output') ctx.localPlatform.output.show();
    });
}

async function stopPlatform(ctx: Ctx): Promise<void> {
  if (!ctx.localPlatform.running) {
    void vscode.window.showInformationMessage(
      'code.store: no platform was started from VS Code (stop one started in a terminal with Ctrl-C there).',
    );
    return;
  }
  ctx.logs.stopAll();
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'code.store: stopping the local platform…' }, () =>
    ctx.localPlatform.stop(),
  );
}

/** Picks the organization the explorer and every command act in. */
async function switchOrganization(ctx: Ctx): Promise<void> {
  const client = await ctx.session.client();
  const memberships = await client.organizations();
  const current = ctx.session.organization(client.url)?.id;
  const picked = await vscode.window.showQuickPick(
    memberships.map((m) => ({
      label: m.organization.name,
      description: `${m.role}${m.own ? ' · your own' : ''}${(current ? m.organization.id === current : m.own) ? ' · current' : ''}`,
      detail: m.organization.id,
      membership: m,
    })),
    { title: 'code.store: Switch Organization', placeHolder: 'Which organization do the views and commands act in?' },
  );
  if (!picked) return;
  const m = picked.membership;
  await ctx.session.switchOrganization(m.own ? undefined : { id: m.organization.id, name: m.organization.name });
  await ctx.model.refresh();
  void vscode.window.showInformationMessage(
    `code.store: now in ${m.organization.name}, where you are ${m.role === 'developer' ? 'a' : 'an'} ${m.role}.`,
  );
}

export const accountCommands: CommandTable = {
  'codestore.switchOrganization': { run: (ctx) => () => switchOrganization(ctx), refresh: true },
  'codestore.login': { run: (ctx) => (arg) => logIn(ctx, arg, false) },
  'codestore.signup': { run: (ctx) => (arg) => logIn(ctx, arg, true) },
  'codestore.logout': { run: (ctx) => () => logOut(ctx) },
  'codestore.choosePlatformUrl': { run: (ctx) => (arg) => choosePlatformUrl(ctx, arg) },
  'codestore.startPlatform': { run: (ctx) => () => startPlatform(ctx) },
  'codestore.stopPlatform': { run: (ctx) => () => stopPlatform(ctx), refresh: true },
  'codestore.showPlatformOutput': { run: (ctx) => () => ctx.localPlatform.output.show() },
  'codestore.showLog': { run: (ctx) => () => ctx.outputChannel.show() },
  'codestore.refresh': {
    run: (ctx) => async () => {
      await Promise.all([ctx.folders.rescan(), ctx.model.refresh({ billing: ctx.model.wantBilling })]);
    },
  },
};
