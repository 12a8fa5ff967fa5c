// Stack traces as the developer knows the files: the service folder's path cut, file URLs as paths
// (`src/resolvers/queries/post.ts:4:11`). The builds' source maps already point at the `.ts` files.
import * as path from 'path';
import { fileURLToPath } from 'url';

export function relativeStack(text: string, serviceDir: string): string {
  const root = path.resolve(serviceDir) + path.sep;
  return text
    .replace(/file:\/\/[^\s()]+?(?=:\d+:\d+|[\s()]|$)/g, (url) => {
      try {
        return fileURLToPath(url);
      } catch {
        return url;
      }
    })
    .split(root)
    .join('');
}

/** The first `src/...ts:line:column` of a stack (already relative), if any. */
export function sourceLocation(stack: string): string | undefined {
  return /(src\/[^\s():]+\.ts:\d+:\d+)/.exec(stack)?.[1];
}
