#!/usr/bin/env node
// `npm run test:e2e`: the extension's .vsix in real VS Code. Builds what is missing (the bundles
// the platform and CLI run, the .vsix), provisions code-server and Chromium (scripts/e2e/provision.js),
// then runs test/e2e/*.test.ts with node's test runner. Screenshots and logs: test/e2e/results/
// (CODESTORE_E2E_RESULTS). CODESTORE_E2E_REBUILD=1 packages again; CODESTORE_VSIX tests a given .vsix;
// CODESTORE_E2E_KEEP=1 keeps the temporary folder (platform data, workspace, VS Code profile).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { provision } = require('./provision');
const { ensureBuilt, ensureVsix, root } = require('./workbench');

function seconds(since) {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

const started = Date.now();
let vsix;
try {
  let t = Date.now();
  ensureBuilt();
  vsix = ensureVsix({ rebuild: process.env.CODESTORE_E2E_REBUILD === '1' });
  console.log(`[e2e] bundles and .vsix ready (${seconds(t)})`);
  t = Date.now();
  const prov = provision({ browser: true });
  console.log(`[e2e] code-server ${prov.codeServerVersion} and Chromium ready (${seconds(t)}, cache ${prov.cache})`);
} catch (error) {
  console.error(`[e2e] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const dir = path.join(root, 'test', 'e2e');
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .sort()
      .map((f) => path.relative(root, path.join(dir, f)));
const t = Date.now();
// The tests install the .vsix made above, not another build of their own.
const env = { ...process.env, CODESTORE_VSIX: vsix };
delete env.CODESTORE_E2E_REBUILD;
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
  env,
});
console.log(`[e2e] tests ${seconds(t)}, all ${seconds(started)}`);
process.exit(r.status ?? 1);
