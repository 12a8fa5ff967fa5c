#!/usr/bin/env node
// The `codestore` / `cs` command: runs the bundled CLI (build it with `npm run build`).
'use strict';
const path = require('path');
const fs = require('fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('codestore: the CLI is not built yet. Run `npm run build` in ' + path.dirname(__dirname) + '.\n');
  process.exit(2);
}
process.exitCode = require(bundle).main(process.argv.slice(2));
