// The Members and Activity views of the code.store container and the status bar item naming the
// current organization (a click switches it). They follow the organization: a switch, a login or a
// logout clears and reads them again; what the explorer's model hears (an action ended, a poll)
// reads them again while they are shown. The caller's role becomes the `codestore.memberRole`
// context key, so that only owners and admins see the Members view's actions.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { TeamState } from '../team';
import { messageNode, TreeNode } from './nodes';
import { activityNodes, MEMBER_ROLE_KEY, memberNodes, organizationDescription, organizationStatus } from './teamNodes';
import { toTreeItem } from './trees';

export const TEAM_VIEW_IDS = {
  members: 'codestore.members',
  activity: 'codestore.activity',
} as const;

class TeamTree implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly state: () => TeamState,
    private readonly roots: (state: TeamState) => TreeNode[] | undefined,
  ) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node) return node.children ?? [];
    const state = this.state();
    // Not logged in (or not read yet): the view's welcome content says what to do.
    if (!state.organization) return [];
    const nodes = this.roots(state);
    if (!nodes) return [messageNode('loading', 'Reading…', { icon: { id: 'loading~spin' } })];
    if (state.error)
      nodes.unshift(
        messageNode('error', `Cannot refresh: ${state.error}`, {
          icon: { id: 'warning' },
          tooltip: state.error,
          command: { command: 'codestore.refresh', title: 'Refresh' },
        }),
      );
    return nodes;
  }
}

export function registerTeamViews(ctx: Ctx): void {
  const team = ctx.team;
  const members = new TeamTree(
    () => team.state,
    (state) => (state.members ? memberNodes(state, new Date()) : undefined),
  );
  const activity = new TeamTree(
    () => team.state,
    (state) => (state.activity ? activityNodes(state.activity, state.activityLimit) : undefined),
  );
  const membersView = vscode.window.createTreeView(TEAM_VIEW_IDS.members, { treeDataProvider: members });
  const activityView = vscode.window.createTreeView(TEAM_VIEW_IDS.activity, { treeDataProvider: activity });
  const status = vscode.window.createStatusBarItem('codestore.organization', vscode.StatusBarAlignment.Left, 9);
  status.name = 'code.store organization';
  status.command = 'codestore.switchOrganization';
  for (const d of [members, activity, membersView, activityView, status, { dispose: () => team.dispose() }]) ctx.pushExtCleanup(d);

  team.wantMembers = membersView.visible;
  team.wantActivity = activityView.visible;
  ctx.pushExtCleanup(membersView.onDidChangeVisibility((e) => (team.wantMembers = e.visible)));
  ctx.pushExtCleanup(activityView.onDidChangeVisibility((e) => (team.wantActivity = e.visible)));

  let lastRole: string | undefined = '';
  const show = (state: TeamState) => {
    const role = state.role ?? 'none';
    if (role !== lastRole) {
      lastRole = role;
      void vscode.commands.executeCommand('setContext', MEMBER_ROLE_KEY, role);
    }
    const bar = organizationStatus(state);
    if (bar) {
      status.text = bar.text;
      status.tooltip = bar.tooltip;
      status.accessibilityInformation = { label: `code.store organization: ${state.organization?.name ?? 'none'}` };
      status.show();
    } else status.hide();
    membersView.description = activityView.description = organizationDescription(state);
    members.refresh();
    activity.refresh();
  };
  ctx.pushExtCleanup(team.onDidChange(show));
  show(team.state);

  // Another organization, a login or a logout: nothing of the old one may stay on screen.
  ctx.pushExtCleanup(ctx.session.onDidChange(() => void team.reset()));
  let loggedIn: boolean | undefined;
  ctx.pushExtCleanup(
    ctx.model.onDidChange((state) => {
      if (state.connection === 'unknown') return;
      const changed = state.loggedIn !== loggedIn;
      loggedIn = state.loggedIn;
      // An action ended or a deployment moved: the feed has news while it is shown.
      if (changed || team.wantsLists) void team.refresh();
    }),
  );
}
