// The pieces of "the extension in real VS Code" that both `npm start` and the end-to-end tests put
// together: the bundles and the .vsix, the local platform, a service folder, code-server with the
// extension installed and its user settings, and the processes to stop at the end.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const path = require('path');
const { DEFAULT_OUT: DEFAULT_VSIX } = require('./package');

const root = path.resolve(__dirname, '..', '..');
const cli = path.join(root, 'bin', 'codestore.js');
const EXTENSION_ID = 'codestore.codestore';

/** Bundles `bin/codestore.js` and `npm start` run: the development build, made when one is missing. */
function ensureBuilt() {
  const need = ['dist/server.js', 'dist/extension.js', 'dist/cli.js', 'dist/platform.js', 'dist/check-worker.js', 'dist/runtime.js'].filter(
    (f) => !fs.existsSync(path.join(root, f)),
  );
  if (!need.length) return;
  console.log(`Building ${need.join(', ')} ...`);
  const r = spawnSync(process.execPath, [require.resolve('webpack-cli/bin/cli.js', { paths: [root] }), '--mode', 'development'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`webpack failed (exit ${r.status})`);
}

/** Sources whose change makes a .vsix stale. */
const VSIX_INPUTS = [
  'client/src',
  'server/src',
  'server/protocol',
  'core/src',
  'servicefs/src',
  'apiclient/src',
  'platform/src',
  'cli/src',
  'syntaxes',
  'package.json',
  '.vscodeignore',
];

function newestMtime(p) {
  let stat;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
  return newest;
}

/**
 * The .vsix to install: `CODESTORE_VSIX` when set, else this machine's `dist/codestore-<target>.vsix`, built (`npm run
 * package`, minutes) when missing or when `rebuild`; a .vsix older than the sources is used with a warning.
 */
function ensureVsix({ rebuild = false } = {}) {
  const given = process.env.CODESTORE_VSIX;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`CODESTORE_VSIX=${given} does not exist`);
    return path.resolve(given);
  }
  const vsix = DEFAULT_VSIX;
  if (rebuild || !fs.existsSync(vsix)) {
    console.log(`Packaging the extension into ${path.relative(root, vsix)} (npm run package: a production build, a few minutes) ...`);
    const r = spawnSync(process.execPath, [path.join(__dirname, 'package.js'), '--out', vsix], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status})`);
  } else {
    const built = fs.statSync(vsix).mtimeMs;
    const stale = VSIX_INPUTS.filter((p) => newestMtime(path.join(root, p)) > built);
    if (stale.length)
      console.warn(
        `warning: ${path.relative(root, vsix)} is older than ${stale.join(', ')}: run npm run package (or set CODESTORE_E2E_REBUILD=1) to test the current code.`,
      );
  }
  return vsix;
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portTaken(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function httpGet(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Waits until `url` answers (any status below 500); fails early when `child` exits. */
async function waitForHttp(url, { timeoutMs = 120_000, child, what = url } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited (code ${child.exitCode}) before answering on ${url}`);
    try {
      const status = await httpGet(url);
      if (status < 500) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer on ${url} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** POSTs a GraphQL operation to the platform; resolves to `data`, rejects with the errors. */
function graphql(platformUrl, query, variables = {}, token) {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${platformUrl}/graphql`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        timeout: 60_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => {
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            return reject(new Error(`platform answered ${res.statusCode}: ${text.slice(0, 300)}`));
          }
          if (json.errors?.length) return reject(new Error(json.errors.map((e) => e.message).join('; ')));
          resolve(json.data);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('platform request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Child processes, each in a process group of its own (code-server and the platform start more
 * processes: extension host, language server, deployments), stopped together, last started first.
 */
class Processes {
  /**
   * @param {{ exitOnSignal?: boolean }} [options] exitOnSignal: on SIGINT/SIGTERM kill the groups
   * and exit (the children are in groups of their own: a terminal's Ctrl-C does not reach them).
   */
  constructor({ exitOnSignal = true } = {}) {
    /** @type {{ name: string, child: import('child_process').ChildProcess }[]} */
    this.list = [];
    this.onExit = () => this.killNow();
    process.on('exit', this.onExit);
    this.onSignal = (signal) => {
      this.killNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    this.exitOnSignal = exitOnSignal;
    if (exitOnSignal) for (const s of ['SIGINT', 'SIGTERM']) process.on(s, this.onSignal);
  }

  /** Starts `command`; output goes to `logFile` (appended) or to this process's own stdio. `env` adds to this process's environment (undefined removes). */
  start(name, command, args, { env, cwd = root, logFile } = {}) {
    let stdio = 'inherit';
    let fd;
    if (logFile) {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      fd = fs.openSync(logFile, 'a');
      stdio = ['ignore', fd, fd];
    }
    const merged = { ...process.env, ...env };
    for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
    const child = spawn(command, args, { cwd, env: merged, stdio, detached: true });
    if (fd !== undefined) fs.closeSync(fd);
    child.on('error', (e) => console.error(`${name}: ${e.message}`));
    this.list.push({ name, child });
    return child;
  }

  /** SIGTERM to every group, SIGKILL to what is left after `graceMs`. */
  async stopAll(graceMs = 10_000) {
    const running = this.list.splice(0).reverse();
    for (const { child } of running) signalGroup(child, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    for (const { child } of running) {
      while (child.exitCode === null && child.signalCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // The group may outlive its leader (a deployment process of the platform, code-server's extension host).
      signalGroup(child, 'SIGKILL');
    }
    process.removeListener('exit', this.onExit);
    if (this.exitOnSignal) for (const s of ['SIGINT', 'SIGTERM']) process.removeListener(s, this.onSignal);
  }

  killNow() {
    for (const { child } of this.list.splice(0)) signalGroup(child, 'SIGKILL');
  }
}

function signalGroup(child, signal) {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Starts the local platform on `port` with its data in `dataDir`; resolves when it answers. From
 * `extensionDir` (an installed extension's folder): its own dist/platform.js with its node_modules,
 * as "Start Local Platform" runs it, with `node` (default this one); else the repository's
 * `codestore platform start`.
 */
async function startPlatform(processes, { port, dataDir, logFile, args = [], extensionDir, node = process.execPath }) {
  const command = ['start', '--port', String(port), ...(dataDir ? ['--data', dataDir] : []), ...args];
  let argv;
  if (extensionDir) {
    const bundle = path.join(extensionDir, 'dist', 'platform.js');
    if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: the installed extension has no platform`);
    argv = [bundle, ...command];
  } else {
    ensureBuilt();
    argv = [cli, 'platform', ...command];
  }
  const url = `http://127.0.0.1:${port}`;
  const child = processes.start('platform', node, argv, { logFile, cwd: extensionDir ?? root });
  await waitForHttp(`${url}/healthz`, { timeoutMs: 180_000, child, what: 'the platform' });
  return { url, child };
}

/**
 * code-server's config file for a profile: its own, so that nothing is written to
 * ~/.config/code-server/config.yaml (every run without --config writes one there); not empty,
 * which it refuses. The settings that matter are on the command line.
 */
function codeServerConfig(userDataDir) {
  const config = path.join(userDataDir, 'code-server.yaml');
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.writeFileSync(config, 'auth: none\n');
  return config;
}

/** Runs code-server's CLI (installing extensions) with provisioned Node 24. */
function codeServerCli(prov, userDataDir, args) {
  const r = spawnSync(prov.node, [prov.codeServer, '--config', codeServerConfig(userDataDir), '--user-data-dir', userDataDir, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`code-server ${args.join(' ')} failed (exit ${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** Installs the .vsix into `extensionsDir` (replacing an installed copy). */
function installExtension(prov, vsix, { userDataDir, extensionsDir }) {
  const out = codeServerCli(prov, userDataDir, ['--extensions-dir', extensionsDir, '--install-extension', vsix, '--force']);
  if (!/successfully installed|already installed/i.test(out)) throw new Error(`code-server did not install ${vsix}: ${out}`);
  const listed = codeServerCli(prov, userDataDir, ['--extensions-dir', extensionsDir, '--list-extensions', '--show-versions']);
  if (!listed.includes(EXTENSION_ID)) throw new Error(`${EXTENSION_ID} is not among the installed extensions: ${listed}`);
  return listed.trim();
}

/** The folder code-server installed the extension in under `extensionsDir` (`codestore.codestore-<version>[-<target>]`). */
function installedExtensionDir(extensionsDir) {
  const found = fs
    .readdirSync(extensionsDir)
    .filter((d) => d.toLowerCase().startsWith(`${EXTENSION_ID}-`) && fs.existsSync(path.join(extensionsDir, d, 'package.json')))
    .map((d) => path.join(extensionsDir, d))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!found.length) throw new Error(`${EXTENSION_ID} is not installed in ${extensionsDir}`);
  return found[0];
}

/** VS Code settings for a quiet, trusting workbench that talks to `platformUrl`. */
function workbenchSettings(platformUrl, extra = {}) {
  return {
    'codestore.platform.url': platformUrl,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'git.openRepositoryInParentFolders': 'never',
    'chat.disableAIFeatures': true,
    'chat.commandCenter.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // The platform and its deployments listen on local ports: nothing to forward, no pop-ups.
    'remote.autoForwardPorts': false,
    ...extra,
  };
}

/**
 * Writes the settings into `<userDataDir>/User/settings.json` and `<userDataDir>/Machine/settings.json`,
 * keeping settings already there unless `settings` names them. code-server's window is a remote
 * one: settings of `machine` scope (codestore.platform.url) are read from the remote's Machine
 * settings only, the others from User settings.
 */
function writeUserSettings(userDataDir, settings) {
  const files = ['User', 'Machine'].map((dir) => path.join(userDataDir, dir, 'settings.json'));
  for (const file of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    let current = {};
    try {
      current = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      /* none, or with comments: replaced */
    }
    fs.writeFileSync(file, JSON.stringify({ ...current, ...settings }, null, 2) + '\n');
  }
  return files[0];
}

/**
 * Starts code-server on 127.0.0.1:`port` opening `folder`, with its own user data, extensions and
 * config file (nothing is written to ~/.config/code-server); resolves when it answers.
 */
async function startCodeServer(processes, prov, { port, userDataDir, extensionsDir, folder, logFile }) {
  const args = [
    prov.codeServer,
    '--config',
    codeServerConfig(userDataDir),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    folder,
  ];
  // code-server takes $PORT over --bind-addr: npm start's PORT is the platform's.
  const child = processes.start('code-server', prov.node, args, { logFile, env: { PORT: undefined } });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, { timeoutMs: 120_000, child, what: 'code-server' });
  return { url, child, folderUrl: `${url}/?folder=${encodeURIComponent(folder)}` };
}

/**
 * A pushable copy of the blog fixture in `dest`: test/fixtures/blog with push-blog/src over it,
 * its database layer, package.json, tsconfig.json and .gitignore generated (`codestore generate`;
 * no node_modules), and `serviceId` written when given (null: none, the fixture's otherwise).
 */
function prepareServiceFolder(dest, { serviceId } = {}) {
  ensureBuilt();
  fs.mkdirSync(dest, { recursive: true });
  fs.cpSync(path.join(root, 'test', 'fixtures', 'blog'), dest, { recursive: true });
  fs.cpSync(path.join(root, 'test', 'fixtures', 'push-blog', 'src'), path.join(dest, 'src'), { recursive: true });
  if (serviceId) setServiceId(dest, serviceId);
  else if (serviceId === null) {
    // Not on any platform yet: the CodeLens offers to create the service.
    fs.writeFileSync(path.join(dest, 'codestore.yaml'), '# serviceId: written here by "code.store: Create Service"\n');
  }
  const r = spawnSync(process.execPath, [cli, 'generate', dest], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`codestore generate ${dest} failed: ${r.stdout}${r.stderr}`);
  return dest;
}

function setServiceId(folder, serviceId) {
  const manifest = path.join(folder, 'codestore.yaml');
  const text = fs.readFileSync(manifest, 'utf8');
  fs.writeFileSync(
    manifest,
    /^serviceId:.*$/m.test(text) ? text.replace(/^serviceId:.*$/m, `serviceId: ${serviceId}`) : `serviceId: ${serviceId}\n${text}`,
  );
}

module.exports = {
  root,
  EXTENSION_ID,
  Processes,
  ensureBuilt,
  ensureVsix,
  freePort,
  portTaken,
  waitForHttp,
  graphql,
  startPlatform,
  installExtension,
  installedExtensionDir,
  workbenchSettings,
  writeUserSettings,
  startCodeServer,
  prepareServiceFolder,
  setServiceId,
};
