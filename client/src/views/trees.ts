// The explorer's three trees (Services, Projects, Rate plans) in the code.store view container:
// plain nodes from nodes.ts become TreeItems here, in one place. An empty tree shows the view's
// welcome content (package.json's viewsWelcome), chosen by the context keys set here.
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import type { ModelState } from '../model';
import { messageNode, projectNodes, ratePlanNodes, serviceNodes, TreeNode } from './nodes';

export const VIEW_IDS = {
  services: 'codestore.services',
  projects: 'codestore.projects',
  ratePlans: 'codestore.ratePlans',
} as const;

const LOGGED_IN_KEY = 'codestore.loggedIn';
const PLATFORM_RUNNING_KEY = 'codestore.platformRunning';

export function toTreeItem(node: TreeNode): vscode.TreeItem {
  const collapsible =
    node.collapsible === 'expanded'
      ? vscode.TreeItemCollapsibleState.Expanded
      : node.collapsible === 'collapsed'
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None;
  const item = new vscode.TreeItem(node.label, collapsible);
  item.id = node.id;
  item.description = node.description;
  item.tooltip = node.tooltip;
  item.contextValue = node.contextValue;
  if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
  if (node.command) item.command = node.command;
  return item;
}

/** A tree whose roots come from the model; children are part of each node. */
class NodeTree implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly ctx: Ctx,
    private readonly roots: (state: ModelState, platformUrl: string) => TreeNode[],
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

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.children ?? [];
    // The first look waits for the first load, so the welcome content matches the truth.
    await this.ctx.model.ensureLoaded();
    const state = this.ctx.model.state;
    await setContextKeys(state);
    if (!state.loggedIn || state.connection !== 'reachable') return [];
    let url: string;
    try {
      url = await this.ctx.session.url();
    } catch {
      url = this.ctx.session.configuredUrl();
    }
    const nodes = this.roots(state, url);
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

let lastKeys = '';
/** `codestore.loggedIn` and `codestore.platformRunning`, for `when` clauses (set only when they change). */
export async function setContextKeys(state: ModelState): Promise<void> {
  const keys = `${state.loggedIn}/${state.connection}`;
  if (keys === lastKeys) return;
  lastKeys = keys;
  await Promise.all([
    vscode.commands.executeCommand('setContext', LOGGED_IN_KEY, state.loggedIn),
    vscode.commands.executeCommand('setContext', PLATFORM_RUNNING_KEY, state.connection === 'reachable'),
  ]);
}

export function registerTrees(ctx: Ctx): void {
  const services = new NodeTree(ctx, (state, url) =>
    serviceNodes(state.services ?? [], url, new Set(ctx.folders.known.map((f) => f.serviceId).filter((id): id is string => !!id))),
  );
  const projects = new NodeTree(ctx, (state, url) => projectNodes(state.projects ?? [], url));
  const ratePlans = new NodeTree(ctx, (state) => ratePlanNodes(state.projects ?? [], state.billing));
  const servicesView = vscode.window.createTreeView(VIEW_IDS.services, { treeDataProvider: services, showCollapseAll: true });
  const projectsView = vscode.window.createTreeView(VIEW_IDS.projects, { treeDataProvider: projects, showCollapseAll: true });
  const ratePlansView = vscode.window.createTreeView(VIEW_IDS.ratePlans, { treeDataProvider: ratePlans, showCollapseAll: true });
  for (const d of [services, projects, ratePlans, servicesView, projectsView, ratePlansView]) ctx.pushExtCleanup(d);

  // Billing (usage and invoice, one request per project and per instance) is read only while shown.
  ctx.model.wantBilling = ratePlansView.visible;
  ctx.pushExtCleanup(
    ratePlansView.onDidChangeVisibility((e) => {
      ctx.model.wantBilling = e.visible;
    }),
  );

  const describeAccount = async () => {
    const { state } = ctx.model;
    let url = ctx.session.configuredUrl();
    try {
      url = await ctx.session.url();
    } catch {
      // Shown as configured.
    }
    const email = state.loggedIn ? ctx.session.accountEmail(url) : undefined;
    servicesView.description =
      state.connection === 'unreachable'
        ? 'platform not reachable'
        : (email ?? (state.loggedIn ? '' : state.connection === 'reachable' ? 'not logged in' : ''));
    servicesView.message = undefined;
  };
  ctx.pushExtCleanup(
    ctx.model.onDidChange((state) => {
      // While it reloads (another URL, a login) the welcome content stays as it was.
      if (state.connection !== 'unknown') void setContextKeys(state);
      services.refresh();
      projects.refresh();
      ratePlans.refresh();
      void describeAccount();
    }),
  );
  ctx.pushExtCleanup(ctx.folders.onDidChange(() => services.refresh()));
  ctx.pushExtCleanup(ctx.session.onDidChange(() => void ctx.model.reset()));
}
