// A service folder as a TypeScript project: the text of the package.json, tsconfig.json and
// .gitignore a new service gets, and what an existing one lacks of them. Pure: the caller reads and
// writes the files (servicefs/src/project.ts).
import { DATA_SOURCE_PATH } from '../service-folder/paths';
import { SERVICE_DEPENDENCIES, SERVICE_DEV_DEPENDENCIES } from './versions';

export { SERVICE_DEPENDENCIES, SERVICE_DEV_DEPENDENCIES };

export const PACKAGE_JSON = 'package.json';
export const TSCONFIG_JSON = 'tsconfig.json';
export const GITIGNORE = '.gitignore';
export const PROJECT_FILES: readonly string[] = [PACKAGE_JSON, TSCONFIG_JSON, GITIGNORE];

/** TypeORM's CLI, run on the TypeScript sources by tsx (it reads tsconfig.json's decorator options). */
const TYPEORM_CLI = `tsx ./node_modules/typeorm/cli.js`;

/** The scripts of a service's package.json, by name. */
export const SERVICE_SCRIPTS: Readonly<Record<string, string>> = Object.freeze({
  dev: 'codestore dev',
  push: 'codestore push',
  typecheck: 'tsc --noEmit -p .',
  'migration:run': `${TYPEORM_CLI} migration:run -d ${DATA_SOURCE_PATH}`,
  'migration:revert': `${TYPEORM_CLI} migration:revert -d ${DATA_SOURCE_PATH}`,
});

/** The scripts an existing package.json is told to add when it lacks them. */
const REQUIRED_SCRIPTS = ['dev', 'push', 'migration:run', 'migration:revert'];

/**
 * The compiler options a service is checked with, as tsconfig.json spells them: those of the
 * platform's check and build (platform/src/build/typecheck.ts, `serviceCompilerOptions`), which
 * test/unit/serviceProject.test.ts compares them with. Two differ on purpose: `node16` module
 * resolution (what Node does for a CommonJS package, which this is: no "type" in package.json)
 * instead of the platform's node10, which TypeScript 6 (the editor's) reports as deprecated; and
 * `types` named, since TypeScript 6 no longer includes every @types package by default.
 */
export const SERVICE_COMPILER_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({
  target: 'ES2022',
  module: 'node16',
  moduleResolution: 'node16',
  lib: ['ES2022'],
  types: ['node'],
  strict: true,
  // TypeORM's decorators, as the platform builds them.
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  // `id!: string` stays a declaration: with class fields every column TypeORM did not load would
  // be an own property set to undefined.
  useDefineForClassFields: false,
  esModuleInterop: true,
  isolatedModules: true,
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  noEmit: true,
});

/** What an existing tsconfig.json must say, and why. */
const REQUIRED_COMPILER_OPTIONS: readonly { option: string; value: unknown; why: string }[] = [
  { option: 'experimentalDecorators', value: true, why: "the entities use TypeORM's decorators" },
  { option: 'emitDecoratorMetadata', value: true, why: 'the platform builds the service with decorator metadata' },
  { option: 'strict', value: true, why: 'the platform checks the service in strict mode' },
];

/** An npm package name for a service named `name` (`My Blog!` → `my-blog`). */
export function packageNameFor(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .slice(0, 214);
  return slug || 'service';
}

export function servicePackageJson(name: string): string {
  const manifest = {
    name: packageNameFor(name),
    version: '0.0.1',
    private: true,
    description: 'A code.store service: src/schema.graphql, its resolvers and the generated database layer.',
    scripts: { ...SERVICE_SCRIPTS },
    dependencies: sorted(SERVICE_DEPENDENCIES),
    devDependencies: sorted(SERVICE_DEV_DEPENDENCIES),
  };
  return JSON.stringify(manifest, null, 2) + '\n';
}

export function serviceTsconfig(): string {
  return JSON.stringify({ compilerOptions: { ...SERVICE_COMPILER_OPTIONS }, include: ['src'] }, null, 2) + '\n';
}

export function serviceGitignore(): string {
  return ['node_modules/', 'dist/', '*.tsbuildinfo', '.env', ''].join('\n');
}

/** The project files of a new service named `name`, by path. */
export function projectFiles(name: string): { path: string; content: string }[] {
  return [
    { path: PACKAGE_JSON, content: servicePackageJson(name) },
    { path: TSCONFIG_JSON, content: serviceTsconfig() },
    { path: GITIGNORE, content: serviceGitignore() },
  ];
}

/** Something an existing project file lacks, said as what to add. */
export interface ProjectFileLack {
  file: string;
  message: string;
}

/** What an existing project file lacks; `text` is its content. Unknown files lack nothing. */
export function projectFileLacks(file: string, text: string): ProjectFileLack[] {
  const lacks =
    file === PACKAGE_JSON
      ? packageJsonLacks(text)
      : file === TSCONFIG_JSON
        ? tsconfigLacks(text)
        : file === GITIGNORE
          ? gitignoreLacks(text)
          : [];
  return lacks.map((message) => ({ file, message }));
}

function packageJsonLacks(text: string): string[] {
  let manifest: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isObject(parsed)) return ['is not a JSON object: it cannot be checked.'];
    manifest = parsed;
  } catch (e) {
    return [`is not valid JSON (${(e as Error).message}): it cannot be checked.`];
  }
  const out: string[] = [];
  const deps = isObject(manifest.dependencies) ? manifest.dependencies : {};
  const devDeps = isObject(manifest.devDependencies) ? manifest.devDependencies : {};
  for (const [pkg, version, section] of [
    ...Object.entries(SERVICE_DEPENDENCIES).map(([p, v]) => [p, v, 'dependencies'] as const),
    ...Object.entries(SERVICE_DEV_DEPENDENCIES).map(([p, v]) => [p, v, 'devDependencies'] as const),
  ]) {
    const spec = deps[pkg] ?? devDeps[pkg];
    if (spec === undefined) out.push(`lacks ${pkg}: add "${pkg}": "${version}" to ${section} (the version the platform runs).`);
    else if (typeof spec === 'string' && !admits(spec, version))
      out.push(`asks for ${pkg} ${spec}, but the platform runs ${version}: set "${pkg}": "${version}".`);
  }
  const scripts = isObject(manifest.scripts) ? manifest.scripts : {};
  for (const name of REQUIRED_SCRIPTS) {
    if (typeof scripts[name] !== 'string') out.push(`lacks the script "${name}": add "${name}": "${SERVICE_SCRIPTS[name]}" to scripts.`);
  }
  return out;
}

function tsconfigLacks(text: string): string[] {
  let config: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(stripJsonComments(text));
    if (!isObject(parsed)) return ['is not a JSON object: it cannot be checked.'];
    config = parsed;
  } catch (e) {
    return [`is not valid JSON (${(e as Error).message}): it cannot be checked.`];
  }
  const options = isObject(config.compilerOptions) ? config.compilerOptions : {};
  // An option left to a base configuration (`extends`) may be set there: only a wrong value is reported.
  const inherits = config.extends !== undefined;
  const out: string[] = [];
  for (const { option, value, why } of REQUIRED_COMPILER_OPTIONS) {
    const set = options[option];
    if (set === value || (set === undefined && inherits)) continue;
    out.push(
      set === undefined
        ? `lacks "${option}": add "${option}": ${JSON.stringify(value)} to compilerOptions (${why}).`
        : `sets "${option}": ${JSON.stringify(set)}; set it to ${JSON.stringify(value)} (${why}).`,
    );
  }
  return out;
}

function gitignoreLacks(text: string): string[] {
  const ignoresNodeModules = text.split(/\r?\n/).some((l) => /^\/?(\*\*\/)?node_modules\/?(\*\*)?$/.test(l.trim()));
  return ignoresNodeModules ? [] : ['does not ignore node_modules: add a line "node_modules/".'];
}

/** Whether an npm version range (exact, ^, ~, x, *, >=) admits `version`; unknown forms are admitted. */
export function admits(spec: string, version: string): boolean {
  const range = spec.trim();
  if (range === '' || range === '*' || range === 'latest') return true;
  const m = /^(\^|~|>=|=|v)?\s*(\d+|x|\*)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?(-[0-9A-Za-z.-]+)?$/.exec(range);
  if (!m) return true;
  const [, op = '', ...rest] = m;
  const want = rest.slice(0, 3).map((p) => (p === undefined || p === 'x' || p === '*' ? undefined : Number(p)));
  const have = version.split('-')[0].split('.').map(Number);
  const cmp = () => {
    for (let i = 0; i < 3; i++) {
      const w = want[i] ?? 0;
      if (have[i] !== w) return have[i] - w;
    }
    return 0;
  };
  if (op === '>=') return cmp() >= 0;
  if (cmp() < 0) return false;
  // The parts that must match exactly: all given (exact), major (^ with major > 0), major.minor (~, ^0.x).
  let fixed = want.findIndex((p) => p === undefined);
  if (fixed < 0) fixed = 3;
  if (op === '^') fixed = want[0] ? 1 : want[1] ? 2 : 3;
  else if (op === '~') fixed = Math.min(fixed, want[1] === undefined ? 1 : 2);
  for (let i = 0; i < fixed; i++) if (want[i] !== undefined && have[i] !== want[i]) return false;
  return true;
}

/** JSON with comments and trailing commas (as tsconfig.json allows) as plain JSON. */
export function stripJsonComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      out += ' ';
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sorted(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
