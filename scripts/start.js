#!/usr/bin/env node
// `npm start`: builds what is missing, then runs the product on its embedded default: the local
// platform (embedded PostgreSQL) in the foreground. The language server and the extension use
// the same bundles; see the README for opening the extension.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const need = ['dist/server.js', 'dist/extension.js', 'dist/cli.js', 'dist/platform.js'].filter((f) => !fs.existsSync(path.join(root, f)));
if (need.length) {
  console.log(`Building ${need.join(', ')} ...`);
  const r = spawnSync(process.execPath, [require.resolve('webpack-cli/bin/cli.js'), '--mode', 'development'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const cli = path.join(root, 'bin', 'codestore.js');
const sample = path.join(root, 'test', 'fixtures', 'blog');
const port = process.env.PORT ?? '4000';
console.log(`
code.store
  - the local platform starts below on http://127.0.0.1:${port} (Ctrl-C stops it)
  - in another terminal:  node bin/codestore.js auth:signup -e you@example.com
                          node bin/codestore.js service:create my-service
                          node bin/codestore.js check ${path.relative(root, sample)}
  - the language server:  node dist/server.js --stdio (the extension starts it for .graphql files;
                          in VS Code open this folder and press F5, "Run Extension")
`);
const platform = spawn(process.execPath, [cli, 'platform', 'start', '--port', port, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => platform.kill(signal));
platform.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
