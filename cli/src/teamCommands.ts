// Organizations as teams: org:list and org:switch (the organization every command acts in, kept
// with the login; --org overrides it once), members and invitations, the activity feed, and the
// account's own password and sessions.
import type { MemberRole } from '../../apiclient/src';
import { CommandInput, platformClient, platformUrl, printJson, str } from './context';
import { forgetLogin, loadLogin, saveOrganization } from './credentials';
import { CliError, usageError } from './errors';
import { idFor } from './names';
import { canPrompt, promptSecret } from './prompt';

function email(command: string, values: CommandInput['values']): string {
  const value = str(values, 'email');
  if (!value) throw usageError(`${command} needs -e/--email <email>.`);
  return value;
}

function role(command: string, value: string | undefined, allowed: MemberRole[]): MemberRole {
  if (!value || !(allowed as string[]).includes(value))
    throw usageError(`${command}: -r/--role is one of ${allowed.join(', ')}${value ? `, not ${JSON.stringify(value)}` : ''}.`);
  return value as MemberRole;
}

export async function list({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, true);
  const current = loadLogin(platformUrl(values))?.organization?.id;
  const memberships = await client.organizations();
  if (values.json) {
    printJson(memberships.map((m) => ({ ...m, current: current ? m.organization.id === current : m.own })));
    return 0;
  }
  for (const m of memberships) {
    const mark = (current ? m.organization.id === current : m.own) ? '*' : ' ';
    process.stdout.write(`${mark} ${m.organization.name}  ${m.organization.id}  ${m.role}${m.own ? '  (your own)' : ''}\n`);
  }
  return 0;
}

export async function switchTo({ values, args }: CommandInput): Promise<number> {
  const given = args[0];
  if (!given) throw usageError('org:switch needs the organization: its id or its name (`codestore org:list` shows them).');
  const url = platformUrl(values);
  const client = platformClient(values, true);
  const memberships = await client.organizations();
  const id = idFor(
    'organization',
    given,
    memberships.map((m) => m.organization),
    'the argument',
  );
  const m = memberships.find((x) => x.organization.id === id);
  if (!m) throw new CliError(`You are not a member of an organization "${given}": \`codestore org:list\` shows yours.`);
  saveOrganization(url, m.own ? undefined : { id: m.organization.id, name: m.organization.name });
  if (values.json) printJson({ organization: m.organization, role: m.role });
  else
    process.stdout.write(
      `Commands now act in ${m.organization.name} (${m.organization.id}), where you are ${m.role === 'developer' ? 'a' : 'an'} ${m.role}.\n`,
    );
  return 0;
}

export async function invite({ values }: CommandInput): Promise<number> {
  const client = platformClient(values, true);
  const invitation = await client.inviteMember(
    email('org:invite', values),
    role('org:invite', str(values, 'role') ?? 'developer', ['developer', 'admin']) as 'developer' | 'admin',
  );
  if (values.json) {
    printJson({ code: invitation.code, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt });
    return 0;
  }
  process.stdout.write(
    `Invited ${invitation.email} as ${invitation.role}. Give them this code (valid until ${invitation.expiresAt}, shown only now):\n\n  ${invitation.code}\n\nThey join with \`codestore org:join ${invitation.code}\`.\n`,
  );
  return 0;
}

export async function join({ values, args }: CommandInput): Promise<number> {
  const code = args[0];
  if (!code) throw usageError('org:join needs the invitation code (from `codestore org:invite`).');
  const client = platformClient(values, true);
  const m = await client.joinOrganization(code);
  if (values.json) printJson(m);
  else
    process.stdout.write(
      `You joined ${m.organization.name} (${m.organization.id}) as ${m.role}. \`codestore org:switch ${m.organization.id}\` makes commands act in it.\n`,
    );
  return 0;
}

export async function members({ values }: CommandInput): Promise<number> {
  const all = await platformClient(values, true).members();
  if (values.json) printJson(all);
  else for (const m of all) process.stdout.write(`${m.email}  ${m.role}  joined ${m.joinedAt}\n`);
  return 0;
}

export async function setRole({ values }: CommandInput): Promise<number> {
  const m = await platformClient(values, true).setMemberRole(
    email('org:role', values),
    role('org:role', str(values, 'role'), ['owner', 'admin', 'developer']),
  );
  if (values.json) printJson(m);
  else process.stdout.write(`${m.email} is now ${m.role === 'developer' ? 'a' : 'an'} ${m.role}.\n`);
  return 0;
}

export async function remove({ values }: CommandInput): Promise<number> {
  const removed = await platformClient(values, true).removeMember(email('org:remove', values));
  if (values.json) printJson({ removed });
  else process.stdout.write(`Removed ${removed}: their logins no longer work in this organization.\n`);
  return 0;
}

export async function leave({ values }: CommandInput): Promise<number> {
  const url = platformUrl(values);
  const left = await platformClient(values, true).leaveOrganization();
  if (loadLogin(url)?.organization?.id === left) saveOrganization(url, undefined);
  if (values.json) printJson({ left });
  else process.stdout.write(`You left ${left}. Commands act in your own organization again.\n`);
  return 0;
}

export async function activity({ values }: CommandInput): Promise<number> {
  const n = str(values, 'lines');
  const limit = n === undefined ? 50 : Number(n);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw usageError(`-n/--lines is a whole number from 1 to 500, not ${JSON.stringify(n)}.`);
  const entries = await platformClient(values, true).activity(limit);
  if (values.json) {
    printJson(entries);
    return 0;
  }
  for (const e of [...entries].reverse()) {
    process.stdout.write(`${e.at}  ${e.actor}  ${e.action}${e.target ? ` ${e.target}` : ''}${e.details ? `  (${e.details})` : ''}\n`);
  }
  if (!entries.length) process.stdout.write('Nothing happened in this organization yet.\n');
  return 0;
}

export async function rotateKey({ values, args }: CommandInput): Promise<number> {
  const { serviceIdFor } = await import('./manifest');
  const serviceId = serviceIdFor('service:key:rotate', args[0]);
  const rotated = await platformClient(values, true).rotateDeveloperKey(serviceId);
  if (values.json) printJson({ serviceId: rotated.service.id, developerKey: rotated.developerKey });
  else
    process.stdout.write(
      `New developer key of ${rotated.service.id} (the old one is refused from now on; shown only now):\n\n  ${rotated.developerKey}\n`,
    );
  return 0;
}

export async function password({ values }: CommandInput): Promise<number> {
  let current = str(values, 'current');
  let next = str(values, 'new');
  if ((!current || !next) && !canPrompt()) throw usageError('auth:password needs --current and --new (or a terminal to ask on).');
  current ??= await promptSecret('Current password: ');
  next ??= await promptSecret('New password: ');
  await platformClient(values, true).changePassword(current, next);
  process.stdout.write('Password changed. Other sessions stay logged in: `codestore auth:logout --all` ends them.\n');
  return 0;
}

/** auth:logout --all: every token of the account, this one too. */
export async function logoutEverywhere({ values }: CommandInput): Promise<number> {
  const url = platformUrl(values);
  const n = await platformClient(values, true).logoutEverywhere();
  forgetLogin(url);
  if (values.json) printJson({ revoked: n });
  else process.stdout.write(`Logged out everywhere: ${n} session(s) ended.\n`);
  return 0;
}
