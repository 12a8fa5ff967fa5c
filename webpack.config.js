// Bundles each host of the product into dist/: the extension (runs inside VS Code),
// the language server (spawned by the extension or run as `node dist/server.js --stdio`),
// the local platform (`node dist/platform.js start`, what `codestore platform start` runs), its
// deployment process (dist/runtime.js) and push check process (dist/check-worker.js), `codestore dev`
// (dist/dev.js and the process it serves a service in, dist/dev-worker.js) and the CLI.
'use strict';
const path = require('path');
const webpack = require('webpack');

/** @param {string} entry @param {string} name @param {object} [extra] */
function bundle(entry, name, extra = {}) {
  return {
    name,
    target: 'node',
    entry: { [name]: entry },
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename: '[name].js',
      chunkFilename: `${name}.[name].js`,
      libraryTarget: 'commonjs2',
      devtoolModuleFilenameTemplate: '../[resource-path]',
    },
    devtool: 'source-map',
    resolve: {
      extensions: ['.ts', '.js', '.mjs', '.json'],
      // graphql-js must exist once per bundle; its .mjs and .js builds are two realms.
      alias: { graphql$: path.resolve(__dirname, 'node_modules/graphql/index.js') },
      mainFields: ['main', 'module'],
    },
    module: {
      rules: [
        {
          test: /\.ts$/,
          exclude: /node_modules/,
          // The root tsconfig.json (the options, not a part's): type checking and the boundaries
          // between parts are `npm run typecheck`'s (tsc -b); the bundles only transpile.
          use: [{ loader: 'ts-loader', options: { transpileOnly: true, configFile: path.resolve(__dirname, 'tsconfig.json') } }],
        },
      ],
    },
    node: { __dirname: false, __filename: false },
    performance: { hints: false },
    // typeorm and ts-morph load optional modules by computed name; the paths we bundle never do.
    ignoreWarnings: [{ module: /node_modules[\\/](typeorm|@ts-morph)[\\/]/, message: /Critical dependency/ }],
    ...extra,
  };
}

/** The platform bundle: its API schema is bundled as text; the database drivers stay in node_modules
 * (PGlite loads its WebAssembly and data files from beside its own module; pg has optional native parts). */
function platformBundle() {
  const config = bundle('./platform/src/main.ts', 'platform', {
    externals: { '@electric-sql/pglite': 'commonjs @electric-sql/pglite', pg: 'commonjs pg', typescript: 'commonjs typescript' },
  });
  config.module.rules.push({ test: /\.graphql$/, type: 'asset/source' });
  return config;
}

/** A deployment process: everything from node_modules stays there, so the service's own
 * `require('typeorm')` and `require('graphql')` get the very modules the runtime uses. */
function runtimeBundle(entry = './platform/src/runtime/worker.ts', name = 'runtime') {
  return bundle(entry, name, {
    externals: [
      ({ request }, callback) =>
        /^[@a-z]/i.test(request) && !request.startsWith('node:') ? callback(null, `commonjs ${request}`) : callback(),
    ],
  });
}

/** The TypeScript server plugin: tsserver requires it and calls its default export. */
function tsPluginBundle() {
  const config = bundle('./client/src/tsServerPlugin.ts', 'ts-plugin');
  config.output.libraryExport = 'default';
  return config;
}

/** The push check process: the compiler stays in node_modules, as it does for the platform. */
function checkWorkerBundle() {
  return bundle('./platform/src/build/checkWorker.ts', 'check-worker', { externals: { typescript: 'commonjs typescript' } });
}

/** `codestore dev` (required by the CLI) and the process it runs a service in (the runtime's loader). */
function devBundles() {
  return [
    bundle('./platform/src/dev/main.ts', 'dev', {
      externals: { '@electric-sql/pglite': 'commonjs @electric-sql/pglite', pg: 'commonjs pg', typescript: 'commonjs typescript' },
    }),
    runtimeBundle('./platform/src/dev/worker.ts', 'dev-worker'),
  ];
}

module.exports = [
  bundle('./client/src/extension.ts', 'extension', { externals: { vscode: 'commonjs vscode' } }),
  tsPluginBundle(),
  bundle('./server/src/server.ts', 'server'),
  bundle('./server/src/codegenWorker.ts', 'codegen-worker'),
  platformBundle(),
  checkWorkerBundle(),
  runtimeBundle(),
  ...devBundles(),
  bundle('./cli/src/cli.ts', 'cli', {
    plugins: [new webpack.DefinePlugin({ CODESTORE_VERSION: JSON.stringify(require('./package.json').version) })],
  }),
];
