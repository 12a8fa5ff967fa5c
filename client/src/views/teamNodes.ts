// The Members and Activity trees, and the current organization as the status bar and the views'
// descriptions show it, as plain data built from the team state (no `vscode`).
import type { ActivityEntry, Invitation, Member, MemberRole } from '../../../apiclient/src/types';
import { IconSpec, shortTime } from '../format';
import { ACTIVITY_MAX, canManageMembers, openInvitations, TeamState, withArticle } from '../team';
import { messageNode, TreeNode } from './nodes';

/** Context values the Members and Activity views' menus test. */
export const TEAM_CONTEXT = {
  /** Another member, by role: `member:owner`, `member:admin`, `member:developer`. */
  member: (role: MemberRole) => `member:${role}`,
  /** The caller: no role change or removal from here (leaving is `codestore org:leave`). */
  self: 'memberSelf',
  invitation: 'invitation',
  activity: 'activityEntry',
} as const;

/** The context key the menus test for the caller's role in the current organization. */
export const MEMBER_ROLE_KEY = 'codestore.memberRole';

const ROLE_RANK: Record<MemberRole, number> = { owner: 0, admin: 1, developer: 2 };
const ROLE_ICON: Record<MemberRole, string> = { owner: 'star-full', admin: 'shield', developer: 'person' };

/** Members, owners first then by email, and the invitations made from here that wait for their email. */
export function memberNodes(state: Pick<TeamState, 'members' | 'invitations' | 'email' | 'role'>, now: Date): TreeNode[] {
  const members = [...(state.members ?? [])].sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || a.email.localeCompare(b.email));
  const self = state.email?.toLowerCase();
  const nodes = members.map((m) => memberNode(m, m.email.toLowerCase() === self));
  for (const invitation of openInvitations(state.invitations, state.members, now)) nodes.push(invitationNode(invitation));
  if (nodes.length && !canManageMembers(state.role) && state.role)
    nodes.push(
      messageNode('members/hint', `You are ${withArticle(state.role)}: an owner or an admin invites and removes members`, {
        icon: { id: 'info' },
      }),
    );
  return nodes;
}

function memberNode(member: Member, isSelf: boolean): TreeNode {
  return {
    id: `member/${member.email}`,
    label: member.email,
    description: [member.role, isSelf ? 'you' : `joined ${shortTime(member.joinedAt).slice(0, 10)}`].join(' · '),
    tooltip: `${member.email}: ${member.role}${isSelf ? ' (you)' : ''}, member since ${shortTime(member.joinedAt)} UTC`,
    icon: { id: ROLE_ICON[member.role] },
    contextValue: isSelf ? TEAM_CONTEXT.self : TEAM_CONTEXT.member(member.role),
    collapsible: 'none',
    ref: { kind: 'member', email: member.email, role: member.role },
  };
}

function invitationNode(invitation: Invitation): TreeNode {
  return {
    id: `invitation/${invitation.email}`,
    label: invitation.email,
    description: `invited as ${invitation.role} · until ${shortTime(invitation.expiresAt)}`,
    tooltip: `${invitation.email} is invited as ${withArticle(invitation.role)} until ${shortTime(invitation.expiresAt)} UTC.\nCopy the one-time code and give it to them: they join with "codestore org:join <code>".`,
    icon: { id: 'mail' },
    contextValue: TEAM_CONTEXT.invitation,
    collapsible: 'none',
    ref: { kind: 'invitation', email: invitation.email, role: invitation.role, code: invitation.code },
  };
}

/** How the feed words an operation: `push` → "pushed". Unknown ones are spelled out from their name. */
const ACTIONS: Record<string, { verb: string; icon: string }> = {
  push: { verb: 'pushed', icon: 'cloud-upload' },
  promote: { verb: 'promoted to demo', icon: 'arrow-up' },
  createService: { verb: 'created a service', icon: 'add' },
  removeService: { verb: 'removed', icon: 'trash' },
  rotateDeveloperKey: { verb: 'rotated the developer key of', icon: 'key' },
  createProject: { verb: 'created a project', icon: 'add' },
  deleteProject: { verb: 'deleted', icon: 'trash' },
  addServiceToProject: { verb: 'added to a project:', icon: 'briefcase' },
  removeServiceFromProject: { verb: 'removed from a project:', icon: 'trash' },
  promoteInstance: { verb: 'promoted', icon: 'arrow-up' },
  rollInstance: { verb: 'rolled', icon: 'history' },
  setRatePlan: { verb: 'set the rate plan of', icon: 'credit-card' },
  addClientKey: { verb: 'created a client key of', icon: 'key' },
  removeClientKey: { verb: 'removed a client key of', icon: 'key' },
  addSecret: { verb: 'added a secret to', icon: 'lock' },
  removeSecret: { verb: 'removed a secret of', icon: 'lock' },
  changeCorsOrigins: { verb: 'changed the browser origins of', icon: 'globe' },
  inviteMember: { verb: 'invited', icon: 'person-add' },
  joinOrganization: { verb: 'joined', icon: 'sign-in' },
  setMemberRole: { verb: 'changed the role of', icon: 'shield' },
  removeMember: { verb: 'removed member', icon: 'person' },
  leaveOrganization: { verb: 'left', icon: 'sign-out' },
};

/** `removeServiceFromProject` → "remove service from project". */
function spelledOut(action: string): string {
  return action.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/** One entry of the feed: what was done to what (the label), who and when (the description). */
export function describeActivity(entry: ActivityEntry): { label: string; description: string; tooltip: string; icon: IconSpec } {
  const known = ACTIONS[entry.action];
  // `email bob@example.com` reads as the address alone.
  const target = entry.target?.replace(/(^|, )email /g, '$1') ?? '';
  const label = [known?.verb ?? spelledOut(entry.action), target].filter(Boolean).join(' ');
  return {
    label,
    description: `${entry.actor} · ${shortTime(entry.at)}`,
    tooltip: [`${entry.actor} ${label}`, `at ${shortTime(entry.at)} UTC (${entry.action})`, entry.details ?? ''].filter(Boolean).join('\n'),
    icon: { id: known?.icon ?? 'circle-small' },
  };
}

/** The feed, newest first as the platform gives it; a last row asks for more when the page is full. */
export function activityNodes(entries: readonly ActivityEntry[], limit: number): TreeNode[] {
  const nodes = entries.map((entry): TreeNode => {
    const d = describeActivity(entry);
    return {
      id: `activity/${entry.id}`,
      label: d.label,
      description: entry.details ? `${d.description} · ${entry.details}` : d.description,
      tooltip: d.tooltip,
      icon: d.icon,
      contextValue: TEAM_CONTEXT.activity,
      collapsible: 'none',
      ref: { kind: 'activity', id: entry.id },
    };
  });
  if (entries.length >= limit && limit < ACTIVITY_MAX)
    nodes.push(
      messageNode('activity/more', `Showing the latest ${limit}: show more`, {
        icon: { id: 'ellipsis' },
        command: { command: 'codestore.showMoreActivity', title: 'Show More' },
      }),
    );
  else if (entries.length >= ACTIVITY_MAX)
    nodes.push(
      messageNode('activity/all', `The latest ${ACTIVITY_MAX}; \`codestore activity --json\` reads the same`, { icon: { id: 'info' } }),
    );
  return nodes;
}

/** The status bar item of the current organization; undefined while it is unknown (not logged in). */
export function organizationStatus(
  state: Pick<TeamState, 'organization' | 'role' | 'error' | 'notAMember'>,
): { text: string; tooltip: string } | undefined {
  if (state.notAMember)
    return {
      text: '$(warning) No organization',
      tooltip: `code.store: the views act in an organization you are not a member of (any more).\n${state.error ?? ''}\nClick to switch organization.`,
    };
  if (!state.organization) return undefined;
  const { name, id } = state.organization;
  const role = state.role ? `, where you are ${withArticle(state.role)}` : '';
  return {
    text: `$(organization) ${name}`,
    tooltip: `code.store: the views and commands act in ${name} (${id})${role}.${state.error ? `\nLast read failed: ${state.error}` : ''}\nClick to switch organization.`,
  };
}

/** The Members and Activity views' description: the organization they show, and the caller's role. */
export function organizationDescription(state: Pick<TeamState, 'organization' | 'role'>): string | undefined {
  if (!state.organization) return undefined;
  return state.role ? `${state.organization.name} · ${state.role}` : state.organization.name;
}
