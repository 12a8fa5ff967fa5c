// Running and debugging a service on this machine: "Run Service Locally" starts `codestore dev` (the
// CLI bundled with the extension, dist/cli.js) in a terminal of its own; "Debug Service" and the
// `codestore` debug type (F5) start the same under the Node.js debugger, which follows it into the
// process that runs the resolvers and binds breakpoints in their `.ts` files through the builds'
// source maps.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { UserError } from '../errors';
import { SERVICE_MANIFEST } from '../serviceFolder';
import type { CommandTable } from './types';
import { pickServiceFolder } from './folderArgs';

/** The debug type package.json contributes; it resolves to a `node` launch. */
export const DEBUG_TYPE = 'codestore';

/** What a `codestore` launch configuration may say (package.json's configurationAttributes). */
interface CodestoreLaunch extends vscode.DebugConfiguration {
  /** The service folder (default: the active editor's, else the only one). */
  folder?: string;
  /** Overrides codestore.yaml's localConfiguration.application.port. */
  port?: number;
}

/** `codestore.platform.nodePath`, when set. */
function configuredNode(): string | undefined {
  return vscode.workspace.getConfiguration('codestore.platform').get<string>('nodePath')?.trim() || undefined;
}

/** The Node.js that runs the CLI in a terminal: the setting's, else the one VS Code runs extensions with (as plain Node). */
function nodeExecutable(): string {
  return configuredNode() ?? process.execPath;
}

function cliBundle(ctx: Ctx): string {
  const cli = path.join(ctx.extensionContext.extensionPath, 'dist', 'cli.js');
  if (!fs.existsSync(cli))
    throw new UserError(`The code.store CLI is not built: ${cli} is missing. Run \`npm run build\` in the extension's folder.`);
  return cli;
}

const terminals = new Map<string, vscode.Terminal>();

/**
 * Runs the CLI bundle given as the first argument with the rest as its command line; when it ends
 * with an error the terminal stays open until a key is pressed, so the reason can be read.
 */
const RUNNER = [
  'const [cli, ...argv] = process.argv.slice(1);',
  'let asked = false;',
  'const hold = () => {',
  '  if (asked) return;',
  '  asked = true;',
  "  process.stdout.write('\\ncodestore dev exited' + (crashed ? ' after an error' : ' with code ' + process.exitCode) + '. Press any key to close this terminal.\\n');",
  '  if (process.stdin.isTTY) process.stdin.setRawMode(true);',
  "  process.stdin.once('data', () => process.exit(crashed ? 1 : undefined));",
  '};',
  'let crashed = false;',
  "process.on('beforeExit', () => { if (process.exitCode || crashed) hold(); });",
  // A crash stops it as Ctrl-C does (its database server with it), then waits with the reason on screen.
  "const crash = (e) => { process.stderr.write(String((e && e.stack) || e) + '\\n'); if (crashed) return; crashed = true; process.kill(process.pid, 'SIGINT'); };",
  "process.on('uncaughtException', crash);",
  "process.on('unhandledRejection', crash);",
  'require(cli).main(argv);',
].join(' ');

/** `codestore dev <folder>` in a terminal of its own (shown again when it runs already). */
export async function runLocally(ctx: Ctx, arg: unknown): Promise<void> {
  const folder = await pickServiceFolder(ctx, arg, 'code.store: Run Service Locally');
  if (!folder) return;
  const running = terminals.get(folder.uri.fsPath);
  if (running && running.exitStatus === undefined) {
    running.show();
    return;
  }
  await saveFolder(folder.uri);
  const terminal = vscode.window.createTerminal({
    name: `code.store dev: ${folder.name}`,
    cwd: folder.uri,
    shellPath: nodeExecutable(),
    shellArgs: ['-e', RUNNER, cliBundle(ctx), 'dev', folder.uri.fsPath],
    // VS Code's own executable is Electron: ELECTRON_RUN_AS_NODE makes it a plain Node.js.
    env: { ELECTRON_RUN_AS_NODE: '1' },
    iconPath: new vscode.ThemeIcon('play'),
  });
  terminals.set(folder.uri.fsPath, terminal);
  ctx.outputChannel.info(`Running ${folder.uri.fsPath} locally (codestore dev) in a terminal`);
  terminal.show();
}

/** Saves the unsaved editors of the folder: what runs is what is on disk. */
async function saveFolder(folder: vscode.Uri): Promise<void> {
  const dirty = vscode.workspace.textDocuments.filter(
    (d) => d.isDirty && d.uri.scheme === 'file' && d.uri.fsPath.startsWith(folder.fsPath + path.sep),
  );
  await Promise.all(dirty.map((d) => d.save()));
}

/** The `node` launch that debugs `codestore dev` on a service folder. */
export function nodeLaunch(extensionPath: string, folder: string, port?: number): vscode.DebugConfiguration {
  return {
    type: 'node',
    request: 'launch',
    name: `code.store: Debug ${path.basename(folder)}`,
    // The setting's Node.js, else the debugger's own choice (`node` on PATH): the debugger hooks its
    // children through NODE_OPTIONS, which a plain Node.js honours.
    ...(configuredNode() ? { runtimeExecutable: configuredNode() } : {}),
    program: path.join(extensionPath, 'dist', 'cli.js'),
    args: ['dev', folder, ...(port !== undefined ? ['--port', String(port)] : [])],
    cwd: folder,
    // Ctrl-C and the prompt before a migration that drops data need a terminal.
    console: 'integratedTerminal',
    // The resolvers run in a child process (dist/dev-worker.js): the debugger follows it there.
    autoAttachChildProcesses: true,
    sourceMaps: true,
    // The builds under .codestore/dev/builds map to the service's own .ts files.
    outFiles: [path.join(folder, '.codestore', 'dev', 'builds', '**', '*.js')],
    resolveSourceMapLocations: [path.join(folder, '**'), '!**/node_modules/**'],
    skipFiles: ['<node_internals>/**', path.join(extensionPath, 'dist', '**'), '**/node_modules/**'],
  };
}

/** F5 with the `codestore` type (or no launch.json): becomes the `node` launch of the service folder. */
export class DevDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly ctx: Ctx) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [{ type: DEBUG_TYPE, request: 'launch', name: 'code.store: Debug Service' }];
  }

  async resolveDebugConfiguration(
    workspace: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    // F5 without a launch.json comes with an empty configuration.
    if (config.type && config.type !== DEBUG_TYPE) return config;
    const launch = config as CodestoreLaunch;
    let folder: string | undefined = launch.folder;
    if (folder && workspace && !path.isAbsolute(folder)) folder = path.join(workspace.uri.fsPath, folder);
    if (!folder) {
      const picked = await pickServiceFolder(this.ctx, undefined, 'code.store: Debug Service');
      if (!picked) return undefined;
      folder = picked.uri.fsPath;
    }
    if (!fs.existsSync(path.join(folder, SERVICE_MANIFEST))) {
      void vscode.window.showErrorMessage(`code.store: ${folder} is not a service folder (it has no ${SERVICE_MANIFEST}).`);
      return undefined;
    }
    cliBundle(this.ctx);
    await saveFolder(vscode.Uri.file(folder));
    return {
      ...nodeLaunch(this.ctx.extensionContext.extensionPath, folder, launch.port),
      name: config.name || `code.store: Debug ${path.basename(folder)}`,
    };
  }
}

async function debugService(ctx: Ctx, arg: unknown): Promise<void> {
  const folder = await pickServiceFolder(ctx, arg, 'code.store: Debug Service');
  if (!folder) return;
  cliBundle(ctx);
  await saveFolder(folder.uri);
  const workspace = vscode.workspace.getWorkspaceFolder(folder.uri);
  const started = await vscode.debug.startDebugging(workspace, nodeLaunch(ctx.extensionContext.extensionPath, folder.uri.fsPath));
  if (!started) throw new UserError('The debugger did not start: see the Debug Console.');
}

export const runLocallyCommands: CommandTable = {
  'codestore.runLocally': { run: (ctx) => (arg) => runLocally(ctx, arg) },
  'codestore.debugService': { run: (ctx) => (arg) => debugService(ctx, arg) },
};

export function registerDebugging(ctx: Ctx): void {
  const provider = new DevDebugConfigurationProvider(ctx);
  ctx.pushExtCleanup(vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider));
  // Offered in "Run and Debug" without a launch.json too: one per service folder.
  ctx.pushExtCleanup(
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      {
        provideDebugConfigurations: async () =>
          (await ctx.folders.all()).map((f) => ({
            type: DEBUG_TYPE,
            request: 'launch',
            name: `code.store: Debug ${f.name}`,
            folder: f.uri.fsPath,
          })),
      },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
  );
  ctx.pushExtCleanup(
    vscode.window.onDidCloseTerminal((t) => {
      for (const [key, terminal] of terminals) if (terminal === t) terminals.delete(key);
    }),
  );
}
