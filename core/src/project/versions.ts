// The package versions a service folder installs: the ones the platform runs a deployment with (and
// checks and builds it with). The one place they are written; test/unit/projectFiles.test.ts fails
// when they drift from what the repository's own package-lock.json installs.

/** What a deployment imports at run time; the platform provides these exact versions. */
export const SERVICE_DEPENDENCIES: Readonly<Record<string, string>> = Object.freeze({
  graphql: '16.15.0',
  pg: '8.23.1',
  'reflect-metadata': '0.2.2',
  typeorm: '1.1.1',
});

/**
 * What the folder needs to type-check (`tsc --noEmit -p .`) and to run TypeORM's CLI on its
 * TypeScript (`tsx`: esbuild reads tsconfig.json's experimentalDecorators; it emits no decorator
 * metadata, which the generated entities do not need: every column names its type).
 */
export const SERVICE_DEV_DEPENDENCIES: Readonly<Record<string, string>> = Object.freeze({
  '@types/node': '20.19.43',
  tsx: '4.23.15',
  typescript: '5.9.3',
});
