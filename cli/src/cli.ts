// The codestore command line (`codestore` / `cs`). Thin: every command runs the same core as the
// language server, and talks to the platform through the api client. The commands are in
// commands.ts, the framework's wiring in program.ts.
import { main } from './program';

export { main };

// Node's own require: bundled, `module` is the bundler's, never Node's main module.
declare const __non_webpack_require__: NodeJS.Require | undefined;
const nodeMain = typeof __non_webpack_require__ === 'function' ? __non_webpack_require__.main : require.main;
// Run as `node dist/cli.js ...` too (the extension's terminals and debug sessions do), not only through bin/codestore.js.
if (nodeMain?.filename === __filename) process.exitCode = main(process.argv.slice(2));
