#!/usr/bin/env node
// `npm start`: the product on its embedded default, ready to use in a browser. Builds what is
// missing, runs the local platform (embedded PostgreSQL) on :4000 and VS Code (code-server, installed
// outside the repository on first use by scripts/e2e/provision.js) on :8080 with the extension's
// .vsix installed and a sample service folder open. Ctrl-C stops both.
//
//   npm start [-- --platform-only] [-- --vscode-port 8080] [-- <codestore platform start options>]
//
// PORT sets the platform's port; CODESTORE_VSCODE_PORT the editor's; CODESTORE_PLATFORM_ONLY=1 is
// --platform-only (the platform alone, in the foreground, as before).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'bin', 'codestore.js');

function parseArgs(argv) {
  const options = {
    platformOnly: process.env.CODESTORE_PLATFORM_ONLY === '1',
    vscodePort: Number(process.env.CODESTORE_VSCODE_PORT || 8080),
    platformArgs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--platform-only') options.platformOnly = true;
    else if (a === '--vscode-port') options.vscodePort = Number(argv[++i]);
    else if (a.startsWith('--vscode-port=')) options.vscodePort = Number(a.slice('--vscode-port='.length));
    else options.platformArgs.push(a);
  }
  if (!Number.isInteger(options.vscodePort) || options.vscodePort <= 0) throw new Error('--vscode-port takes a port number');
  return options;
}

/** Where `npm start` keeps its VS Code profile and the sample service (beside the platform's data). */
const home = path.join(os.homedir(), '.codestore');
const sampleFolder = path.join(home, 'sample-service');
const vscodeDir = path.join(home, 'vscode');

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const {
    Processes,
    ensureBuilt,
    ensureVsix,
    installExtension,
    portTaken,
    prepareServiceFolder,
    startCodeServer,
    startPlatform,
    workbenchSettings,
    writeUserSettings,
  } = require('./e2e/workbench');
  ensureBuilt();
  const port = Number(process.env.PORT ?? 4000);
  const platformUrl = `http://127.0.0.1:${port}`;

  if (options.platformOnly) {
    console.log(`
code.store
  - the local platform starts below on ${platformUrl} (Ctrl-C stops it)
  - in another terminal:  node bin/codestore.js auth:signup -e you@example.com
                          node bin/codestore.js service:create my-service
                          node bin/codestore.js check test/fixtures/blog
  - the editor: npm start without --platform-only serves VS Code with the extension
`);
    const { spawn } = require('child_process');
    const platform = spawn(process.execPath, [cli, 'platform', 'start', '--port', String(port), ...options.platformArgs], {
      cwd: root,
      stdio: 'inherit',
    });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => platform.kill(signal));
    platform.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
    return;
  }

  if (await portTaken(options.vscodePort))
    throw new Error(`Port ${options.vscodePort} is taken: choose another with --vscode-port, or run --platform-only.`);
  if (await portTaken(port)) throw new Error(`Port ${port} is taken (another platform?): choose another with PORT=..., or stop it.`);

  console.log('VS Code: code-server in ~/.cache/codestore-e2e (the first start installs it with Node.js 24: a few minutes) ...');
  const { provision } = require('./e2e/provision');
  const prov = provision({ browser: false });
  const vsix = ensureVsix();
  const userDataDir = path.join(vscodeDir, 'user-data');
  const extensionsDir = path.join(vscodeDir, 'extensions');
  installIfChanged(prov, vsix, { userDataDir, extensionsDir }, installExtension);
  if (!fs.existsSync(path.join(sampleFolder, 'codestore.yaml'))) {
    prepareServiceFolder(sampleFolder, { serviceId: null });
    console.log(`Created the sample service ${sampleFolder} (the blog example; yours to edit).`);
  }
  // Ours: the platform's URL and a quiet workbench; the user's other settings stay.
  writeUserSettings(userDataDir, workbenchSettings(platformUrl));

  // Ctrl-C: stop both, the editor first.
  const processes = new Processes({ exitOnSignal: false });
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping VS Code and the platform ...');
    await processes.stopAll();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const platform = await startPlatform(processes, { port, args: options.platformArgs });
  const editor = await startCodeServer(processes, prov, {
    port: options.vscodePort,
    userDataDir,
    extensionsDir,
    folder: sampleFolder,
    logFile: path.join(vscodeDir, 'code-server.log'),
  });
  for (const [name, child] of [
    ['the platform', platform.child],
    ['VS Code', editor.child],
  ]) {
    child.on('exit', (code) => {
      if (stopping) return;
      console.error(`${name} exited (code ${code}).`);
      void stop(code || 1);
    });
  }
  console.log(`
code.store
  - open ${editor.folderUrl}
    VS Code with the extension, on the sample service ${sampleFolder}
    (the code.store icon in the activity bar: Sign Up, then the CodeLens at the top of src/schema.graphql)
  - the platform: ${platform.url} (its log below); VS Code's log: ${path.join(vscodeDir, 'code-server.log')}
  - Ctrl-C stops both
`);
}

/** Installs the .vsix unless this very file (size and time) was the last one installed. */
function installIfChanged(prov, vsix, dirs, installExtension) {
  const stat = fs.statSync(vsix);
  const stamp = `${vsix} ${stat.size} ${stat.mtimeMs}`;
  const marker = path.join(dirs.extensionsDir, '.codestore-vsix');
  const installed = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : '';
  if (installed === stamp && fs.readdirSync(dirs.extensionsDir).some((d) => d.startsWith('codestore.codestore-'))) return;
  console.log(`Installing ${path.relative(root, vsix)} into VS Code ...`);
  installExtension(prov, vsix, dirs);
  fs.writeFileSync(marker, stamp);
}

main().catch((error) => {
  console.error(`npm start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
