#!/usr/bin/env node
// Runs the test files under test/ (or the folders/files given) with node's test runner and tsx.
// Node 20's --test does not expand globs itself, hence this script.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const targets = args.filter((a) => !a.startsWith('--'));
const flags = args.filter((a) => a.startsWith('--'));

function collect(p, out) {
  const stat = fs.statSync(p);
  if (stat.isDirectory()) {
    for (const e of fs.readdirSync(p).sort()) {
      if (e === 'fixtures' || e === 'node_modules' || e === 'e2e') continue;
      collect(path.join(p, e), out);
    }
  } else if (p.endsWith('.test.ts')) out.push(p);
  return out;
}

const files = [];
for (const t of targets.length ? targets : ['test']) collect(path.resolve(root, t), files);
if (!files.length) {
  console.error('No test files found.');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files.map((f) => path.relative(root, f))],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
