// Types of provision.js for the TypeScript end-to-end tests.
export interface Provisioned {
  cache: string;
  /** Node.js 24, which code-server runs on. */
  node: string;
  /** code-server's entry script: run it with `node`. */
  codeServer: string;
  codeServerVersion: string;
  chromium?: string;
  seconds: number;
}
export function provision(options?: { browser?: boolean }): Provisioned;
export function cacheDir(): string;
export const NODE_VERSION: string;
export const CODE_SERVER_VERSION: string;
export const CHROMIUM: string;
