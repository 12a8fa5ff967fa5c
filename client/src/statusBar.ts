// The status bar item of the service being edited: its private environment's deployment status;
// a click opens that environment's log.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { environmentState, statusIcon } from './format';

export function registerStatusBar(ctx: Ctx): void {
  const item = vscode.window.createStatusBarItem('codestore.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'code.store';
  ctx.pushExtCleanup(item);

  let pending = false;
  const update = async () => {
    const folder = await ctx.folders.current();
    if (!folder) {
      item.hide();
      return;
    }
    const { state } = ctx.model;
    if (!folder.serviceId) {
      item.text = `$(cloud-upload) ${folder.name}: not on the platform`;
      item.tooltip = `${folder.name}'s codestore.yaml has no serviceId. Click to create the service.`;
      item.command = { title: 'Create Service', command: 'codestore.createService', arguments: [folder.uri] };
    } else if (!ctx.model.isLoaded) {
      void ctx.model.ensureLoaded();
      item.text = `$(loading~spin) ${folder.name}`;
      item.tooltip = 'Reading the platform…';
      item.command = undefined;
    } else if (state.connection === 'unreachable') {
      item.text = `$(debug-disconnect) ${folder.name}`;
      item.tooltip = `The platform is not reachable${state.problem ? `: ${state.problem}` : ''}. Click to start the local platform.`;
      item.command = 'codestore.startPlatform';
    } else if (!state.loggedIn) {
      item.text = `$(account) ${folder.name}: log in`;
      item.tooltip = 'Not logged in to the platform. Click to log in.';
      item.command = 'codestore.login';
    } else {
      const service = ctx.model.service(folder.serviceId);
      const env = service?.environments.find((e) => e.name === 'private');
      if (!service || !env) {
        item.text = `$(warning) ${folder.name}`;
        item.tooltip = `The platform has no service ${folder.serviceId}.`;
        item.command = { title: 'Create Service', command: 'codestore.createService', arguments: [folder.uri] };
      } else {
        item.text = `$(${statusIcon(env.latestDeployment?.status ?? env.status).id}) ${service.name}: private ${environmentState(env)}`;
        const error = env.latestDeployment?.status === 'DEPLOYMENT_FAILED' ? `\n${env.latestDeployment.error ?? ''}` : '';
        item.tooltip = `${service.name} (${service.id}) private: ${environmentState(env)}${error}\nClick to open its log.`;
        item.command = {
          title: 'Open Logs',
          command: 'codestore.openLogs',
          arguments: [{ serviceId: service.id, serviceName: service.name, environment: 'private' }],
        };
      }
    }
    item.show();
  };
  // Several changes in a row update once.
  const schedule = () => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      void update();
    }, 50);
  };
  ctx.pushExtCleanup(ctx.model.onDidChange(schedule));
  ctx.pushExtCleanup(ctx.folders.onDidChange(schedule));
  ctx.pushExtCleanup(vscode.window.onDidChangeActiveTextEditor(schedule));
  schedule();
}
