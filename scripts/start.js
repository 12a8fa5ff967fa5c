#!/usr/bin/env node
// `npm start`: builds what is missing, then runs the product. Today the product is the language
// server and the `codestore` CLI; the local platform and VS Code in the browser join it as they land.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const need = ['dist/server.js', 'dist/extension.js', 'dist/cli.js'].filter((f) => !fs.existsSync(path.join(root, f)));
if (need.length) {
  console.log(`Building ${need.join(', ')} ...`);
  const r = spawnSync(process.execPath, [require.resolve('webpack-cli/bin/cli.js'), '--mode', 'development'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const sample = path.join(root, 'test', 'fixtures', 'blog');
console.log('\nChecking the sample service with the same rules the editor uses:\n');
spawnSync(process.execPath, [path.join(root, 'bin', 'codestore.js'), 'check', sample], { stdio: 'inherit' });

const code = spawnSync('code', ['--version'], { encoding: 'utf8' });
if (code.status === 0) {
  console.log('\nOpening the sample service in VS Code with the extension loaded from this folder ...');
  spawnSync('code', [`--extensionDevelopmentPath=${root}`, sample], { stdio: 'inherit' });
} else {
  console.log(`
The language server is ready: ${path.join(root, 'dist', 'server.js')}
  - In VS Code: open this folder and press F5 ("Run Extension"), then open ${path.relative(root, sample)}.
  - Any LSP client: run \`node dist/server.js --stdio\` for .graphql files.
  - From a terminal: \`node bin/codestore.js check <serviceDir>\`.`);
}
