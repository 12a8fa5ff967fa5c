// Loads an extension bundle in this fresh process with a stub `vscode` module (every property a
// callable proxy) and times loading it and its activate(); prints one JSON line. Used by
// bench/extension.ts, one process per sample, so each load is a cold one.
const Module = require('module');
const calls = [];
function stub(name) {
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => name;
      if (prop === 'subscriptions') return [];
      if (prop === 'extensionPath') return process.env.EXTENSION_PATH || process.cwd();
      if (prop === 'textDocuments' || prop === 'workspaceFolders') return [];
      if (prop === 'visible') return false;
      return stub(`${name}.${String(prop)}`);
    },
    apply(_t, _this, args) {
      calls.push(name);
      if (name.endsWith('Message')) return Promise.resolve(undefined);
      if (name.endsWith('.findFiles')) return Promise.resolve([]);
      if (name.endsWith('.executeCommand') || (name.endsWith('.get') && name.includes('secrets'))) return Promise.resolve(undefined);
      if (name.endsWith('.getConfiguration')) return { get: (_k, d) => d, update: async () => {} };
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`);
    },
    set() {
      return true;
    },
  });
}
const vscode = stub('vscode');
const orig = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscode;
  return orig.call(this, request, ...rest);
};
const bundle = process.argv[2];
const t0 = process.hrtime.bigint();
const ext = require(bundle);
const t1 = process.hrtime.bigint();
ext.activate(stub('context'));
const t2 = process.hrtime.bigint();
process.stdout.write(
  JSON.stringify({ requireMs: Number(t1 - t0) / 1e6, activateMs: Number(t2 - t1) / 1e6, vscodeCalls: calls.length }) + '\n',
);
setTimeout(() => process.exit(0), 200);
