// Where the platform's own node_modules are (typeorm, typescript, graphql): deployment processes
// resolve a service's imports there, and the type check reads the libraries' types from there.
import * as fs from 'fs';
import * as path from 'path';

let cachedRoot: string | undefined;

/**
 * The folder whose node_modules holds the platform's typeorm and typescript: found by walking up
 * from this module (the source tree under tsx, dist/ when bundled).
 */
export function platformModuleRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (
      fs.existsSync(path.join(dir, 'node_modules', 'typeorm', 'package.json')) &&
      fs.existsSync(path.join(dir, 'node_modules', 'typescript', 'lib'))
    ) {
      cachedRoot = dir;
      return dir;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new Error(`Cannot find the platform's node_modules (with typeorm and typescript) above ${__dirname}.`);
}
