// Starts the GraphQL Foundation's language server (graphql-language-service-server) over stdio,
// for the side-by-side benchmark in bench/run.ts. Run it with the workspace as the current
// directory: the server looks for its graphql-config (.graphqlrc.yml) in process.cwd().
//
// Note on `method`: the package's ServerOptions accept 'socket' | 'stream' | 'node'. There is no
// 'stdio' value; anything unknown (including 'stdio') silently falls through to 'node', i.e. IPC
// via process.send, which does not exist for a child spawned with plain pipes. 'stream' is the
// stdio transport (StreamMessageReader(process.stdin) / StreamMessageWriter(process.stdout)).
'use strict';
const { startServer } = require('graphql-language-service-server');

// The server logs through the LSP connection; make sure nothing else writes to stdout.
console.log = (...args) => process.stderr.write(args.join(' ') + '\n');
console.info = console.log;

const options = { method: 'stream' };
if (process.env.BENCH_GLS_TMPDIR) options.tmpDir = process.env.BENCH_GLS_TMPDIR;

startServer(options).catch((e) => {
  process.stderr.write(`gls-launcher: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
