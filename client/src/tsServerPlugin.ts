// A TypeScript server plugin (contributes.typescriptServerPlugins): in a service folder whose
// packages are not installed yet (no node_modules), the editor's TypeScript resolves `typeorm`,
// `graphql` and `reflect-metadata` to the declarations the extension ships, and the `node` types to
// a small stand-in (resources/ts-plugin/node-globals), so a resolver's own errors show and nothing
// else does. Once `npm install` has run, the folder's own packages resolve first and the plugin
// does nothing. Loaded by tsserver (bundled as dist/ts-plugin.js, reached through
// node_modules/codestore-ts-plugin in the .vsix); it never imports `vscode`.
import * as fs from 'fs';
import * as path from 'path';
import type * as ts from 'typescript/lib/tsserverlibrary';

/** Packages a service imports that the extension ships with their declarations. */
const SHIPPED_PACKAGES = new Set(['typeorm', 'graphql', 'reflect-metadata']);
const SERVICE_MANIFEST = 'codestore.yaml';

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const tsm = modules.typescript;
  // dist/ts-plugin.js → the extension's folder.
  const extensionRoot = path.resolve(__dirname, '..');
  const anchor = path.join(extensionRoot, '__service__.ts');
  const nodeGlobals = path.join(extensionRoot, 'resources', 'ts-plugin', 'node-globals', 'index.d.ts');
  const serviceDirs = new Map<string, boolean>();

  /** Whether `file` is inside a service folder (a codestore.yaml above it). */
  const inServiceFolder = (file: string): boolean => {
    const start = path.dirname(file);
    const seen: string[] = [];
    let found = false;
    for (let dir = start; ; dir = path.dirname(dir)) {
      const known = serviceDirs.get(dir);
      if (known !== undefined) {
        found = known;
        break;
      }
      seen.push(dir);
      if (fs.existsSync(path.join(dir, SERVICE_MANIFEST))) {
        found = true;
        break;
      }
      if (path.dirname(dir) === dir) break;
    }
    for (const dir of seen) serviceDirs.set(dir, found);
    return found;
  };

  return {
    create(info) {
      const host = info.languageServiceHost;
      const log = (message: string) => info.project.projectService.logger.info(`[codestore] ${message}`);
      const shipped = fs.existsSync(path.join(extensionRoot, 'node_modules', 'typeorm', 'package.json'));
      if (!shipped) {
        log(`no typeorm under ${extensionRoot}: not resolving a service's packages`);
        return info.languageService;
      }

      const resolveModules = host.resolveModuleNameLiterals?.bind(host);
      if (resolveModules) {
        host.resolveModuleNameLiterals = (literals, containingFile, redirected, options, sourceFile, reused) => {
          const results = resolveModules(literals, containingFile, redirected, options, sourceFile, reused);
          return results.map((result, i) => {
            const name = literals[i].text;
            if (result.resolvedModule || !SHIPPED_PACKAGES.has(packageOf(name)) || !inServiceFolder(containingFile)) return result;
            const fallback = tsm.resolveModuleName(name, anchor, options, tsm.sys);
            if (!fallback.resolvedModule) return result;
            log(`${name} from ${containingFile}: the extension's ${fallback.resolvedModule.resolvedFileName}`);
            // Keep watching where the folder's own package would be: `npm install` resolves again.
            return withFailedLookups(fallback, result);
          });
        };
      }

      const resolveTypes = host.resolveTypeReferenceDirectiveReferences?.bind(host);
      if (resolveTypes) {
        host.resolveTypeReferenceDirectiveReferences = (references, containingFile, redirected, options, sourceFile, reused) => {
          const results = resolveTypes(references, containingFile, redirected, options, sourceFile, reused);
          return results.map((result, i) => {
            const ref = references[i];
            const name = (typeof ref === 'string' ? ref : ref.fileName).toLowerCase();
            if (result.resolvedTypeReferenceDirective?.resolvedFileName || name !== 'node' || !inServiceFolder(containingFile))
              return result;
            if (!fs.existsSync(nodeGlobals)) return result;
            return withFailedLookups(
              { resolvedTypeReferenceDirective: { primary: true, resolvedFileName: nodeGlobals, isExternalLibraryImport: true } },
              result,
            );
          });
        };
      }
      return info.languageService;
    },
  };
}

/** `resolved` with the lookups `unresolved` failed at (internal to TypeScript: what it watches). */
function withFailedLookups<T extends object>(resolved: T, unresolved: object): T {
  const failed = (unresolved as { failedLookupLocations?: string[] }).failedLookupLocations;
  const own = (resolved as { failedLookupLocations?: string[] }).failedLookupLocations;
  return failed ? { ...resolved, failedLookupLocations: [...failed, ...(own ?? [])] } : resolved;
}

export default init;
