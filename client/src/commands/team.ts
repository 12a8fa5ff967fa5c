// The Members view's actions (invite, change a role, remove) and the Activity view's "show more".
// The platform checks every role; a refusal is shown as its message, which names the role needed.
import * as vscode from 'vscode';
import type { Invitation, Member, MemberRole } from '../../../apiclient/src/types';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { shortTime } from '../format';
import { refOf } from '../pickers';
import { INVITABLE_ROLES, otherRoles, withArticle } from '../team';
import type { CommandTable } from './types';

const ROLE_HELP: Record<MemberRole, string> = {
  owner: 'everything, including roles',
  admin: 'members (not owners), rate plans, client keys, production secrets, invoices',
  developer: 'services (create, push, promote, remove), projects, logs, secrets',
};

/** Automation (tests, other extensions) may pass what is otherwise asked. */
function field(arg: unknown, name: string): string | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const value = (arg as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

async function organizationName(ctx: Ctx): Promise<string> {
  if (!ctx.team.state.organization) await ctx.team.refresh();
  return ctx.team.state.organization?.name ?? 'this organization';
}

/** The member a command is about: the tree item's, else picked from the organization's members. */
async function memberOf(ctx: Ctx, arg: unknown, title: string): Promise<Pick<Member, 'email' | 'role'> | undefined> {
  const ref = refOf(arg);
  if (ref?.kind === 'member') return { email: ref.email, role: ref.role };
  const members = await (await ctx.session.client()).members();
  const given = field(arg, 'email');
  if (given) {
    const found = members.find((m) => m.email.toLowerCase() === given.toLowerCase());
    if (!found) throw new UserError(`${given} is not a member of ${await organizationName(ctx)}.`);
    return found;
  }
  const self = ctx.team.state.email?.toLowerCase();
  const others = members.filter((m) => m.email.toLowerCase() !== self);
  if (!others.length) throw new UserError(`You are the only member of ${await organizationName(ctx)}: invite someone first.`);
  const picked = await vscode.window.showQuickPick(
    others.map((m) => ({ label: m.email, description: m.role, member: m })),
    { title, placeHolder: 'Which member?' },
  );
  return picked?.member;
}

async function inviteMember(ctx: Ctx, arg: unknown): Promise<void> {
  const name = await organizationName(ctx);
  const title = 'code.store: Invite Member';
  const email =
    field(arg, 'email') ??
    (await vscode.window.showInputBox({
      title,
      prompt: `The email of the account to invite to ${name}`,
      placeHolder: 'teammate@example.com',
      ignoreFocusOut: true,
      validateInput: (v) => (/^[^\s@]+@[^\s@]+$/.test(v.trim()) ? undefined : 'Type an email address.'),
    }));
  if (!email) return;
  let role = field(arg, 'role') as 'developer' | 'admin' | undefined;
  if (!role) {
    const picked = await vscode.window.showQuickPick(
      INVITABLE_ROLES.map((r) => ({ label: r, description: ROLE_HELP[r], role: r })),
      { title, placeHolder: `${email.trim()} joins ${name} as…` },
    );
    if (!picked) return;
    role = picked.role;
  }
  const invitation = await (await ctx.session.client()).inviteMember(email.trim(), role);
  ctx.team.addInvitation(invitation);
  void ctx.team.refresh();
  void showInvitation(invitation, name);
}

/** The one-time code, shown once: with a button to copy it (the Members view keeps it for this window). */
async function showInvitation(invitation: Invitation, organization: string): Promise<void> {
  const choice = await vscode.window.showInformationMessage(
    `code.store: invited ${invitation.email} to ${organization} as ${withArticle(invitation.role)}. Their one-time code (valid until ${shortTime(invitation.expiresAt)} UTC): ${invitation.code}`,
    'Copy Code',
  );
  if (choice === 'Copy Code') await copyCode(invitation.code, invitation.email);
}

async function copyCode(code: string, email: string): Promise<void> {
  await vscode.env.clipboard.writeText(code);
  void vscode.window.showInformationMessage(
    `code.store: copied the invitation code of ${email}; they join with "codestore org:join <code>".`,
  );
}

async function copyInvitationCode(arg: unknown): Promise<void> {
  const ref = refOf(arg);
  if (ref?.kind !== 'invitation') throw new UserError('Copy Invitation Code works on an invitation in the Members view.');
  await copyCode(ref.code, ref.email);
}

async function changeMemberRole(ctx: Ctx, arg: unknown): Promise<void> {
  const title = 'code.store: Change Role';
  const member = await memberOf(ctx, arg, title);
  if (!member) return;
  let role = field(arg, 'role') as MemberRole | undefined;
  if (!role || !otherRoles(member.role).includes(role)) {
    const picked = await vscode.window.showQuickPick(
      otherRoles(member.role).map((r) => ({ label: r, description: ROLE_HELP[r], role: r })),
      { title, placeHolder: `${member.email} is ${withArticle(member.role)}; make them…` },
    );
    if (!picked) return;
    role = picked.role;
  }
  const changed = await (await ctx.session.client()).setMemberRole(member.email, role);
  void ctx.team.refresh();
  void vscode.window.showInformationMessage(`code.store: ${changed.email} is now ${withArticle(changed.role)}.`);
}

async function removeMember(ctx: Ctx, arg: unknown): Promise<void> {
  const member = await memberOf(ctx, arg, 'code.store: Remove Member');
  if (!member) return;
  const name = await organizationName(ctx);
  if (field(arg, 'confirm') !== 'yes') {
    const choice = await vscode.window.showWarningMessage(
      `Remove ${member.email} from ${name}?`,
      { modal: true, detail: 'Their logins stop working in this organization at once; what they made stays.' },
      'Remove',
    );
    if (choice !== 'Remove') return;
  }
  const removed = await (await ctx.session.client()).removeMember(member.email);
  void ctx.team.refresh();
  void vscode.window.showInformationMessage(`code.store: removed ${removed} from ${name}.`);
}

export const teamCommands: CommandTable = {
  'codestore.inviteMember': { run: (ctx) => (arg) => inviteMember(ctx, arg) },
  'codestore.copyInvitationCode': { run: () => (arg) => copyInvitationCode(arg) },
  'codestore.changeMemberRole': { run: (ctx) => (arg) => changeMemberRole(ctx, arg) },
  'codestore.removeMember': { run: (ctx) => (arg) => removeMember(ctx, arg) },
  'codestore.showMoreActivity': { run: (ctx) => () => ctx.team.showMoreActivity() },
};
