// Builds a checked service folder into what a deployment runs: every `.ts` under `src/`
// transpiled to CommonJS (decorators with metadata, source maps), the manifest and the schema
// copied, and `manifest.json` saying where everything is. The same folder always builds to the
// same bytes. Run checkService first: the build does not type-check.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Kind, ObjectTypeDefinitionNode, ObjectTypeExtensionNode } from 'graphql';
import * as ts from 'typescript';
import { committedMigrations, DATA_SOURCE_PATH, MIGRATIONS_DIR } from '../../../core/src/codegen/migrations';
import { ENTITIES_DIR } from '../../../core/src/codegen/files';
import { SchemaAnalysis } from '../../../core/src/schema/analysis';
import { rootNames } from '../../../core/src/model/model';
import { parseManifest, resolverPath, SCHEMA_PATH, SERVICE_MANIFEST } from '../../../core/src/service-folder/serviceFolder';
import { LineMap, Problem } from '../../../servicefs/src/problems';
import { platformModuleRoot } from '../moduleRoot';
import { BUILD_FORMAT_VERSION, BUILD_MANIFEST, BuildManifest } from './manifest';
import { serviceCompilerOptions, serviceSourceFiles } from './typecheck';

export { BUILD_FORMAT_VERSION, BUILD_MANIFEST, readBuildManifest } from './manifest';
export type { BuildManifest } from './manifest';

export type BuildErrorCode = 'manifest-missing' | 'schema-missing' | 'transpile-failed' | 'destination-exists' | 'io';

export class BuildError extends Error {
  constructor(
    readonly code: BuildErrorCode,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'BuildError';
  }
}

export interface BuildResult {
  outDir: string;
  manifest: BuildManifest;
  /** Every file written, relative to outDir, sorted (manifest.json included). */
  files: string[];
}

export interface BuildOptions {
  /** Where the platform's node_modules are (default: found from this module). */
  moduleRoot?: string;
  /**
   * Source maps name each original `.ts` file by its absolute path under the service folder (a
   * local run a debugger steps through) instead of carrying its text: a pushed build has no
   * folder to point at, so by default the sources are inlined.
   */
  mapToOriginals?: boolean;
}

/**
 * Transpiles the service in `dir` into `outDir` (which must not exist): written into a temporary
 * folder beside it and renamed into place when complete, so a failed build leaves nothing.
 */
export async function buildService(dir: string, outDir: string, options: BuildOptions = {}): Promise<BuildResult> {
  const root = path.resolve(dir);
  const dest = path.resolve(outDir);
  if (fs.existsSync(dest)) throw new BuildError('destination-exists', `Cannot build into ${dest}: it exists already.`);

  const manifestText = readOrThrow(
    root,
    SERVICE_MANIFEST,
    'manifest-missing',
    `${SERVICE_MANIFEST} is missing: the folder is not a service.`,
  );
  const schemaText = readOrThrow(root, SCHEMA_PATH, 'schema-missing', `${SCHEMA_PATH} is missing.`);
  const { manifest: serviceManifest } = parseManifest(manifestText);

  // Every output file, by relative path; written at the end.
  const out = new Map<string, string>();
  out.set(SERVICE_MANIFEST, manifestText);
  out.set(SCHEMA_PATH, schemaText);

  const compilerOptions: ts.CompilerOptions = {
    ...serviceCompilerOptions(options.moduleRoot ?? platformModuleRoot()),
    noEmit: false,
    sourceMap: true,
    inlineSources: true,
    inlineSourceMap: false,
    declaration: false,
    removeComments: false,
    newLine: ts.NewLineKind.LineFeed,
  };
  const problems: Problem[] = [];
  for (const rel of serviceSourceFiles(root)) {
    if (rel.endsWith('.d.ts')) continue;
    const source = fs.readFileSync(path.join(root, ...rel.split('/')), 'utf8');
    const jsRel = rel.replace(/\.ts$/, '.js');
    const fileOptions = options.mapToOriginals
      ? {
          ...compilerOptions,
          inlineSources: false,
          sourceRoot: `${pathToFileURL(path.join(root, ...path.posix.dirname(rel).split('/'))).href}/`,
        }
      : compilerOptions;
    const result = ts.transpileModule(source, {
      compilerOptions: fileOptions,
      fileName: path.posix.basename(rel),
      reportDiagnostics: true,
    });
    for (const d of result.diagnostics ?? []) {
      if (d.category !== ts.DiagnosticCategory.Error) continue;
      const { line, column } = new LineMap(source).position(d.start ?? 0);
      problems.push({
        file: rel,
        line,
        column,
        severity: 'error',
        code: `ts${d.code}`,
        message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
      });
    }
    out.set(jsRel, result.outputText);
    if (result.sourceMapText) out.set(`${jsRel}.map`, result.sourceMapText);
  }
  if (problems.length) {
    throw new BuildError(
      'transpile-failed',
      `The service does not compile: ${problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join('; ')}`,
      problems,
    );
  }

  // Resolvers: each Query/Mutation field whose resolver file exists.
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(schemaText);
  const doc = analysis.document();
  const roots = rootNames(doc);
  const resolvers: BuildManifest['resolvers'] = { Query: {}, Mutation: {} };
  for (const [key, rootName, operation] of [
    ['Query', roots.query, 'queries'],
    ['Mutation', roots.mutation, 'mutations'],
  ] as const) {
    const fields = new Set<string>();
    for (const def of doc.definitions) {
      if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && def.name.value === rootName) {
        for (const f of (def as ObjectTypeDefinitionNode | ObjectTypeExtensionNode).fields ?? []) fields.add(f.name.value);
      }
    }
    for (const field of [...fields].sort()) {
      const js = resolverPath(operation, field).replace(/\.ts$/, '.js');
      if (out.has(js)) resolvers[key][field] = js;
    }
  }

  const migrations: BuildManifest['migrations'] = [];
  // Every migration class TypeORM would run, whatever its file's name, in its order.
  const migrationSources = new Map<string, string>();
  for (const rel of serviceSourceFiles(root)) {
    const name = rel.slice(MIGRATIONS_DIR.length + 1);
    if (rel.startsWith(`${MIGRATIONS_DIR}/`) && !name.includes('/'))
      migrationSources.set(name, fs.readFileSync(path.join(root, ...rel.split('/')), 'utf8'));
  }
  for (const m of committedMigrations([...migrationSources.keys()], (f) => migrationSources.get(f))) {
    migrations.push({ file: `${MIGRATIONS_DIR}/${m.file.replace(/\.ts$/, '.js')}`, className: m.className, timestamp: m.timestamp });
  }

  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const files: Record<string, string> = {};
  for (const rel of [...out.keys()].sort()) files[rel] = sha(out.get(rel)!);
  const entitiesIndex = `${ENTITIES_DIR}/index.js`;
  const dataSource = DATA_SOURCE_PATH.replace(/\.ts$/, '.js');
  const manifest: BuildManifest = {
    formatVersion: BUILD_FORMAT_VERSION,
    ...(typeof serviceManifest.serviceId === 'string' ? { serviceId: serviceManifest.serviceId } : {}),
    schemaHash: sha(schemaText),
    schema: SCHEMA_PATH,
    rootTypes: { query: roots.query, mutation: roots.mutation },
    resolvers,
    ...(out.has(entitiesIndex) ? { entities: entitiesIndex } : {}),
    ...(out.has(dataSource) ? { dataSource } : {}),
    migrations,
    files,
    buildHash: sha(
      Object.entries(files)
        .map(([p, h]) => `${h}  ${p}\n`)
        .join(''),
    ),
  };
  out.set(BUILD_MANIFEST, JSON.stringify(manifest, null, 2) + '\n');

  await writeAtomically(dest, out);
  return { outDir: dest, manifest, files: [...out.keys()].sort() };
}

function readOrThrow(root: string, rel: string, code: BuildErrorCode, message: string): string {
  try {
    return fs.readFileSync(path.join(root, ...rel.split('/')), 'utf8');
  } catch {
    throw new BuildError(code, message);
  }
}

async function writeAtomically(dest: string, files: Map<string, string>): Promise<void> {
  const parent = path.dirname(dest);
  await fs.promises.mkdir(parent, { recursive: true });
  const tmp = await fs.promises.mkdtemp(path.join(parent, `.${path.basename(dest)}.build-`));
  try {
    for (const rel of [...files.keys()].sort()) {
      const abs = path.join(tmp, ...rel.split('/'));
      await fs.promises.mkdir(path.dirname(abs), { recursive: true });
      await fs.promises.writeFile(abs, files.get(rel)!, { flag: 'wx', mode: 0o644 });
    }
    await fs.promises.chmod(tmp, 0o755);
    await fs.promises.rename(tmp, dest);
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof BuildError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY')
      throw new BuildError('destination-exists', `Cannot build into ${dest}: it appeared during the build.`);
    throw new BuildError('io', `Cannot write the build to ${dest}: ${(e as Error).message}`);
  }
}
