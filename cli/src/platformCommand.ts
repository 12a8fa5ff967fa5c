// `codestore platform start ...`: runs the platform bundle (dist/platform.js) in this process, so
// Ctrl-C and SIGTERM reach it directly.
import * as fs from 'fs';
import * as nodeModule from 'module';
import * as path from 'path';
import { CliError } from './errors';

export async function platform(argv: string[]): Promise<number> {
  // Bundled, this file is dist/cli.js and the platform is beside it; from the sources, in dist/.
  const candidates = [path.join(__dirname, 'platform.js'), path.resolve(__dirname, '..', '..', 'dist', 'platform.js')];
  const bundle = candidates.find((f) => fs.existsSync(f));
  if (!bundle) throw new CliError('The platform is not built yet. Run `npm run build` in the codestore folder.');
  // Node's own require: the platform is its own bundle, not part of this one.
  const { runPlatformCommand } = nodeModule.createRequire(bundle)(bundle) as { runPlatformCommand(argv: string[]): Promise<number> };
  return runPlatformCommand(argv);
}
