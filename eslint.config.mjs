// Lint for every part. The compiler (tsc -b, project references) refuses an import of a part a
// part does not reference; the rules below also say *why* where the compiler cannot see it: a
// part importing a module (vscode, the LSP connection, the file system) it must not, and import
// cycles inside a part. The parts and what each may import: docs/DEVELOPING.md.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A `no-restricted-imports` entry: these patterns, with the message that says the rule. */
const forbid = (group, message) => ({ group, message });

const PARTS = {
  core: '**/core/src/**',
  servicefs: '**/servicefs/src/**',
  server: '**/server/src/**',
  protocol: '**/server/protocol/**',
  client: '**/client/src/**',
  apiclient: '**/apiclient/src/**',
  platform: '**/platform/src/**',
  cli: '**/cli/src/**',
};

/** What each part must not import: every part it does not list in its tsconfig's references, and some modules. */
function boundaries(part, allowed, modules = [], extra = []) {
  const others = Object.entries(PARTS)
    .filter(([name]) => name !== part && !allowed.includes(name))
    .map(([, pattern]) => pattern);
  const patterns = [
    forbid(others, `${part} may import only ${allowed.length ? allowed.join(', ') : 'no other part'} (docs/DEVELOPING.md).`),
  ];
  if (modules.length) patterns.push(forbid(modules, `${part} must not depend on these modules (docs/DEVELOPING.md).`));
  patterns.push(...extra);
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const EDITOR = ['vscode', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'out/',
      'scratch/',
      'test/fixtures/',
      'test/e2e/results/',
      'bench/results/',
      '.codestore-cache/',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    languageOptions: { globals: globals.node },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // `namespace X { method; type }` is how the LSP protocol file declares its messages.
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  {
    rules: {
      // Unused parameters of callbacks and LSP handlers are part of their signature.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `catch { /* why */ }` is how an expected failure is ignored here.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Tests and benchmarks read JSON answers of the API under test (checked by assertions, not
    // types), load built output by computed path with require(), hold entity classes as TypeORM
    // does (Function), and match printed tables whose spaces are easier read than counted.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'no-regex-spaces': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: globals.node, sourceType: 'commonjs' } },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The boundaries between parts (the same as the tsconfig references).
  { files: ['core/src/**/*.ts'], rules: boundaries('core', [], [...EDITOR, 'fs', 'node:fs', 'axios']) },
  { files: ['servicefs/src/**/*.ts'], rules: boundaries('servicefs', ['core'], EDITOR) },
  { files: ['server/protocol/**/*.ts'], rules: boundaries('protocol', []) },
  { files: ['server/src/**/*.ts'], rules: boundaries('server', ['core', 'servicefs', 'protocol'], ['vscode']) },
  { files: ['apiclient/src/**/*.ts'], rules: boundaries('apiclient', ['core'], EDITOR) },
  { files: ['client/src/**/*.ts'], rules: boundaries('client', ['core', 'apiclient', 'protocol']) },
  { files: ['platform/src/**/*.ts'], rules: boundaries('platform', ['core', 'servicefs'], EDITOR) },
  {
    // The compiler and the code generation run in the push's check process (dist/check-worker.js),
    // never in the platform process: only build/ itself may load them (types are free), and dev/,
    // `codestore dev`'s own process (dist/dev.js), which builds the service on every save.
    files: ['platform/src/**/*.ts'],
    ignores: ['platform/src/build/**', 'platform/src/dev/**'],
    rules: boundaries('platform', ['core', 'servicefs'], EDITOR, [
      {
        group: [
          'typescript',
          'ts-morph',
          '**/build/check',
          '**/build/build',
          '**/build/typecheck',
          '**/build/pipeline',
          '**/build/index',
          '**/core/src/codegen/**',
        ],
        allowTypeImports: true,
        message:
          'The platform process does not load the compiler: checks and builds run in the check process (build/checkProcess.ts, docs/DEVELOPING.md).',
      },
    ]),
  },
  { files: ['cli/src/**/*.ts'], rules: boundaries('cli', ['core', 'servicefs', 'apiclient'], EDITOR) },
);
