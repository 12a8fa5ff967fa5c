// The codestore command line (`codestore` / `cs`). Thin: every command runs the same core as the
// language server, and talks to the platform through the api client. The commands are in
// commands.ts, the framework's wiring in program.ts.
import { main } from './program';

export { main };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
