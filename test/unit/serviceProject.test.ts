// A service folder as a TypeScript project: the pinned versions against the repository's own
// lockfile, the tsconfig against the platform's compiler options, what existing files lack, and that
// no existing file is overwritten.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import {
  admits,
  projectFileLacks,
  SERVICE_COMPILER_OPTIONS,
  SERVICE_DEPENDENCIES,
  SERVICE_DEV_DEPENDENCIES,
  servicePackageJson,
  serviceTsconfig,
  stripJsonComments,
} from '../../core/src/project/projectFiles';
import { serviceCompilerOptions } from '../../platform/src/build/typecheck';
import { checkProjectFiles, ensureProjectFiles } from '../../servicefs/src/project';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

function tmpFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-project-'));
}

describe('the versions a service folder pins', () => {
  it('are the versions the repository installs (package-lock.json), which the platform runs', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const pinned = { ...SERVICE_DEPENDENCIES, ...SERVICE_DEV_DEPENDENCIES };
    const drift = Object.entries(pinned)
      .map(([pkg, version]) => ({ pkg, version, installed: lock.packages[`node_modules/${pkg}`]?.version }))
      .filter((d) => d.installed !== d.version)
      .map((d) => `${d.pkg}: pinned ${d.version}, package-lock.json installs ${d.installed ?? 'nothing'}`);
    assert.deepEqual(drift, [], 'update core/src/project/versions.ts');
    for (const pkg of ['typeorm', 'graphql', 'pg', 'reflect-metadata']) assert.ok(pkg in SERVICE_DEPENDENCIES, pkg);
    for (const pkg of ['typescript', 'tsx']) assert.ok(pkg in SERVICE_DEV_DEPENDENCIES, pkg);
  });

  it('are what the package.json asks for, exactly', () => {
    const manifest = JSON.parse(servicePackageJson('My Blog!')) as Record<string, Record<string, string>>;
    assert.equal(manifest.name as unknown, 'my-blog');
    assert.equal(manifest.private as unknown, true);
    assert.deepEqual(manifest.dependencies, { ...SERVICE_DEPENDENCIES });
    assert.deepEqual(manifest.devDependencies, { ...SERVICE_DEV_DEPENDENCIES });
    assert.equal(manifest.scripts.dev, 'codestore dev');
    assert.equal(manifest.scripts.push, 'codestore push');
    assert.match(manifest.scripts['migration:run'], /^tsx \.\/node_modules\/typeorm\/cli\.js migration:run -d src\/data\/data-source\.ts$/);
    assert.match(manifest.scripts['migration:revert'], /migration:revert -d src\/data\/data-source\.ts$/);
  });
});

describe('the tsconfig.json of a service', () => {
  it('compiles as the platform checks and builds a service', () => {
    const parsed = ts.convertCompilerOptionsFromJson(SERVICE_COMPILER_OPTIONS, REPO_ROOT);
    assert.deepEqual(parsed.errors, []);
    const platform = serviceCompilerOptions(REPO_ROOT);
    const keys = [
      'strict',
      'target',
      'useDefineForClassFields',
      'experimentalDecorators',
      'emitDecoratorMetadata',
      'esModuleInterop',
      'isolatedModules',
      'noImplicitReturns',
      'noFallthroughCasesInSwitch',
    ] as const;
    for (const k of keys) assert.equal(parsed.options[k], platform[k], k);
    assert.deepEqual(parsed.options.lib, platform.lib);
    assert.deepEqual(parsed.options.types, ['node']);
    // node16 for a package without "type": CommonJS, as the platform emits it.
    assert.equal(parsed.options.module, ts.ModuleKind.Node16);
    assert.equal(platform.module, ts.ModuleKind.CommonJS);
    assert.deepEqual(JSON.parse(serviceTsconfig()).include, ['src']);
  });
});

describe('what existing project files lack', () => {
  it('a tsconfig.json without experimentalDecorators: what to add', () => {
    const lacks = projectFileLacks('tsconfig.json', '{ "compilerOptions": { "strict": true, "emitDecoratorMetadata": true } }');
    assert.deepEqual(lacks, [
      {
        file: 'tsconfig.json',
        message: `lacks "experimentalDecorators": add "experimentalDecorators": true to compilerOptions (the entities use TypeORM's decorators).`,
      },
    ]);
  });

  it('reads comments and trailing commas; with `extends` only a wrong value is reported', () => {
    const text = `{
      // mine
      "extends": "../base.json",
      "compilerOptions": { /* decorators */ "experimentalDecorators": false, "url": "http://x//y", },
    }`;
    assert.equal(JSON.parse(stripJsonComments(text)).compilerOptions.url, 'http://x//y');
    assert.deepEqual(
      projectFileLacks('tsconfig.json', text).map((l) => l.message),
      [`sets "experimentalDecorators": false; set it to true (the entities use TypeORM's decorators).`],
    );
    assert.deepEqual(projectFileLacks('tsconfig.json', serviceTsconfig()), []);
    assert.match(projectFileLacks('tsconfig.json', '{ nope')[0].message, /is not valid JSON/);
  });

  it('a package.json: missing packages, versions the platform does not run, missing scripts', () => {
    assert.deepEqual(projectFileLacks('package.json', servicePackageJson('blog')), []);
    const text = JSON.stringify({
      dependencies: { typeorm: '^0.3.20', graphql: '^16.8.0', pg: '8.23.1' },
      devDependencies: { typescript: '~5.9.2', tsx: '4.23.15', '@types/node': '^20.0.0' },
      scripts: { dev: 'codestore dev', push: 'codestore push', 'migration:run': 'x' },
    });
    assert.deepEqual(
      projectFileLacks('package.json', text).map((l) => l.message),
      [
        'lacks reflect-metadata: add "reflect-metadata": "0.2.2" to dependencies (the version the platform runs).',
        'asks for typeorm ^0.3.20, but the platform runs 1.1.1: set "typeorm": "1.1.1".',
        'lacks the script "migration:revert": add "migration:revert": "tsx ./node_modules/typeorm/cli.js migration:revert -d src/data/data-source.ts" to scripts.',
      ],
    );
  });

  it('npm ranges', () => {
    for (const [spec, version, ok] of [
      ['1.1.1', '1.1.1', true],
      ['1.1.0', '1.1.1', false],
      ['^1.0.0', '1.1.1', true],
      ['^0.3.20', '1.1.1', false],
      ['^0.2.1', '0.2.2', true],
      ['^0.1.0', '0.2.2', false],
      ['~5.9.0', '5.9.3', true],
      ['~5.8.0', '5.9.3', false],
      ['16.x', '16.15.0', true],
      ['>=8', '8.23.1', true],
      ['>=9', '8.23.1', false],
      ['git+https://example.com/x', '1.0.0', true],
    ] as const)
      assert.equal(admits(spec, version), ok, `${spec} admits ${version}`);
  });

  it('a .gitignore that does not ignore node_modules', () => {
    assert.deepEqual(projectFileLacks('.gitignore', 'dist\n/node_modules\n'), []);
    assert.equal(projectFileLacks('.gitignore', 'dist\n').length, 1);
  });
});

describe('ensureProjectFiles', () => {
  it('writes the files a folder lacks, and nothing over a file that exists', () => {
    const dir = tmpFolder();
    try {
      const mine = '{\n  // my own\n  "compilerOptions": { "strict": true }\n}\n';
      fs.writeFileSync(path.join(dir, 'tsconfig.json'), mine);
      fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n');
      const result = ensureProjectFiles(dir, 'blog');
      assert.deepEqual(result.written, ['package.json']);
      assert.deepEqual(
        result.lacks.map((l) => `${l.file}: ${l.message.split(':')[0]}`),
        ['tsconfig.json: lacks "experimentalDecorators"', 'tsconfig.json: lacks "emitDecoratorMetadata"'],
      );
      assert.equal(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'), mine);
      assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), 'node_modules\n');
      assert.equal(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), servicePackageJson('blog'));

      // Changed by its owner: left as it is, and said what it lacks.
      fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "mine" }\n');
      const again = ensureProjectFiles(dir, 'blog');
      assert.deepEqual(again.written, []);
      assert.equal(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'), '{ "name": "mine" }\n');
      assert.ok(again.lacks.some((l) => l.file === 'package.json' && /lacks typeorm/.test(l.message)));
      assert.deepEqual(checkProjectFiles(dir).lacks, again.lacks);
      assert.deepEqual(checkProjectFiles(tmpFolder()).missing, ['package.json', 'tsconfig.json', '.gitignore']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
