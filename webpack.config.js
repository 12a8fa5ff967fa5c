// Bundles each host of the product into dist/: the extension (runs inside VS Code),
// the language server (spawned by the extension or run as `node dist/server.js --stdio`).
'use strict';
const path = require('path');

/** @param {string} entry @param {string} name @param {object} [extra] */
function bundle(entry, name, extra = {}) {
  return {
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
          use: [{ loader: 'ts-loader', options: { transpileOnly: true } }],
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

module.exports = [
  bundle('./client/src/extension.ts', 'extension', { externals: { vscode: 'commonjs vscode' } }),
  bundle('./server/src/server.ts', 'server'),
  bundle('./cli/src/cli.ts', 'cli'),
];
