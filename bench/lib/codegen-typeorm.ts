// Part 3 of the code generation benchmark: the baseline. TypeORM generates the migration for the
// same one-field change the way `typeorm migration:generate` does: it builds its metadata from the
// entity classes, reads the live database's schema, and diffs the two. Measured against a scratch
// database on the real PostgreSQL server, brought to the schema before the change by running the
// service's committed migration:
//   - in this process: the command's own steps (DataSource.initialize, schema builder log(),
//     destroy, the migration file rendered with the command's template and written);
//   - the stock CLI as a child process, on a compiled JavaScript copy of the service's data
//     source, entities and committed migration.
// The scratch database is dropped at the end, whatever happened.
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Client } from 'pg';
import ts from 'typescript';
import { DataSource, MigrationInterface } from 'typeorm';
import { MigrationGenerateCommand } from 'typeorm/commands/MigrationGenerateCommand.js';
import type { GeneratedFile } from '../../core/src/codegen/files';
import { loadEntities, TRANSPILE_OPTIONS, writeServiceFolder as writeCompiledFolder } from '../../test/helpers/loadEntities';
import { childProblem, REPO, timedRun } from './codegen-setup';
import { sampled, Sampled } from './codegen-full';

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' };

/** The scratch database while it exists, so that an aborted run can still drop it. */
let scratch: string | undefined;

/** Drops the scratch database if it still exists (for an aborted run); never rejects. */
export async function dropScratchDatabase(): Promise<string | undefined> {
  const name = scratch;
  if (!name) return undefined;
  const admin = new Client({ ...PG, database: 'postgres', connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    scratch = undefined;
    return name;
  } catch {
    return undefined;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** The command's protected helpers (template, escaping), reached the way a subclass may. */
class GenerateCommand extends MigrationGenerateCommand {
  static render(
    name: string,
    timestamp: number,
    up: Array<{ query: string; parameters?: unknown[] }>,
    down: Array<{ query: string; parameters?: unknown[] }>,
  ): string {
    const line = (q: { query: string; parameters?: unknown[] }) =>
      '        await queryRunner.query(`' + this.escapeTemplateLiteral(q.query) + '`' + this.queryParams(q.parameters) + ');';
    return this.getTemplate(name, timestamp, up.map(line), down.map(line).reverse());
  }
}

export interface TypeormResult {
  status: 'measured' | 'not measured' | 'failed';
  reason?: string;
  server?: string;
  database?: string;
  problems: string[];
  /** Running the committed migration (the schema before the change), ms. */
  applyCommittedMs?: number;
  /** Transpiling and requiring the changed entity files (once, outside the timed runs), ms. */
  loadEntitiesMs?: number;
  entityCount?: number;
  /** In-process runs: total, and the phases. The first run also loads the driver: shown apart. */
  inProcess: Sampled;
  firstInProcessMs?: number;
  phases: { initialize: number[]; log: number[]; destroy: number[]; render: number[] };
  cli: Sampled;
  /** What each generated, for the fidelity check. */
  ours?: { up: string[] };
  theirs?: { up: string[]; down: string[] };
  theirsCli?: { up: string[]; file?: string };
}

/** Compiles a migration file and returns its class (the file imports only types from typeorm). */
function compileMigration(file: GeneratedFile): new () => MigrationInterface {
  const js = ts.transpileModule(file.content, { compilerOptions: TRANSPILE_OPTIONS }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'require', 'module', js)(module.exports, require, module);
  const cls = Object.values(module.exports).find((v) => typeof v === 'function');
  if (!cls) throw new Error(`${file.path} exports no migration class`);
  return cls as new () => MigrationInterface;
}

/** `await queryRunner.query(`...`)` statements of a TypeORM migration file, in order. */
export function migrationQueries(content: string): { up: string[]; down: string[] } {
  const part = (name: string) => {
    const at = content.indexOf(`async ${name}(`);
    if (at < 0) return [];
    const end = name === 'up' ? content.indexOf('async down(', at) : content.length;
    const body = content.slice(at, end < 0 ? content.length : end);
    return [...body.matchAll(/queryRunner\.query\(`((?:[^`\\]|\\.)*)`/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
  };
  return { up: part('up'), down: part('down') };
}

export async function typeormBaseline(opts: {
  /** The service folder after `codestore generate` (the committed migration). */
  committedDir: string;
  committedMigration: string;
  /** The generation for the changed schema (entities, data source), and our migration for it. */
  changedFiles: GeneratedFile[];
  ourUp: string[];
  work: string;
  inProcessRuns: number;
  cliRuns: number;
  deadline: number;
  timeoutMs: number;
}): Promise<TypeormResult> {
  const result: TypeormResult = {
    status: 'measured',
    problems: [],
    inProcess: sampled('TypeORM in-process: `DataSource.initialize` + `createSchemaBuilder().log()` + `destroy` + render & write the file'),
    phases: { initialize: [], log: [], destroy: [], render: [] },
    cli: sampled('TypeORM CLI: `node node_modules/typeorm/cli.js migration:generate -d data-source.js` (fresh process, to exit)'),
    ours: { up: opts.ourUp },
  };
  const admin = new Client({ ...PG, database: 'postgres', connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    return {
      ...result,
      status: 'not measured',
      reason: `PostgreSQL at ${PG.host}:${PG.port} (user ${PG.user}) is not reachable: ${(e as Error).message}`,
    };
  }
  admin.on('error', () => undefined);
  const name = `codestore_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const url = `postgres://${PG.user}@${PG.host}:${PG.port}/${name}`;
  let loaded: ReturnType<typeof loadEntities> | undefined;
  let compiledDir: string | undefined;
  try {
    result.server = String((await admin.query('SHOW server_version')).rows[0].server_version);
    await admin.query(`CREATE DATABASE "${name}"`);
    result.database = name;
    scratch = name;

    // The schema before the change: the service's committed migration, run as the data source would.
    const committedFile = {
      path: opts.committedMigration,
      content: fs.readFileSync(path.join(opts.committedDir, opts.committedMigration), 'utf8'),
    };
    const migration = compileMigration(committedFile);
    let t0 = performance.now();
    const setup = new DataSource({ type: 'postgres', url, migrations: [migration], migrationsTransactionMode: 'each', logging: false });
    await setup.initialize();
    try {
      const ran = await setup.runMigrations();
      if (ran.length !== 1) throw new Error(`expected to run 1 committed migration, ran ${ran.length}`);
    } finally {
      await setup.destroy();
    }
    result.applyCommittedMs = performance.now() - t0;

    // The changed entity classes, loaded as TypeORM runs them (decorators + decorator metadata).
    t0 = performance.now();
    const entityFiles = opts.changedFiles.filter((f) => f.path.startsWith('src/data/entities/'));
    loaded = loadEntities(entityFiles);
    result.loadEntitiesMs = performance.now() - t0;
    result.entityCount = loaded.entities.length;

    // In-process: what MigrationGenerateCommand.handler does once it has the data source.
    const outDir = path.join(opts.work, 'typeorm-in-process');
    fs.mkdirSync(outDir, { recursive: true });
    for (let i = 0; i < opts.inProcessRuns; i++) {
      if (performance.now() > opts.deadline) {
        result.problems.push(`in-process: time budget ran out after ${i} of ${opts.inProcessRuns} runs`);
        break;
      }
      const start = performance.now();
      const ds = new DataSource({
        type: 'postgres',
        url,
        entities: loaded.entities,
        migrations: [migration],
        migrationsTransactionMode: 'each',
      });
      ds.setOptions({ synchronize: false, migrationsRun: false, dropSchema: false, logging: false });
      await ds.initialize();
      const initialized = performance.now();
      let sql: Awaited<ReturnType<ReturnType<DataSource['driver']['createSchemaBuilder']>['log']>>;
      let logged: number;
      try {
        sql = await ds.driver.createSchemaBuilder().log();
        logged = performance.now();
      } finally {
        await ds.destroy();
      }
      const destroyed = performance.now();
      const timestamp = Date.now();
      const content = GenerateCommand.render('BenchChange', timestamp, sql.upQueries, sql.downQueries);
      fs.writeFileSync(path.join(outDir, `${timestamp}-BenchChange.ts`), content);
      const end = performance.now();
      if (i === 0) {
        result.firstInProcessMs = end - start;
        result.theirs = { up: sql.upQueries.map((q) => q.query), down: sql.downQueries.map((q) => q.query) };
        if (!sql.upQueries.length)
          result.problems.push('in-process: TypeORM found no change (the new column is missing from its metadata?)');
        continue; // the first run also loads and connects the driver for the first time
      }
      result.inProcess.samples.push(end - start);
      result.phases.initialize.push(initialized - start);
      result.phases.log.push(logged - initialized);
      result.phases.destroy.push(destroyed - logged);
      result.phases.render.push(end - destroyed);
    }
    if (opts.inProcessRuns > 0 && result.inProcess.samples.length === 0 && result.firstInProcessMs !== undefined) {
      result.inProcess.problems.push('only the first (driver-loading) run happened');
    }

    // The stock CLI: a compiled JavaScript service (entities, data source, committed migration).
    const sources = [
      ...opts.changedFiles.filter((f) => f.path.startsWith('src/data/entities/') || f.path === 'src/data/data-source.ts'),
      committedFile,
    ];
    compiledDir = writeCompiledFolder(
      sources.map((f) => ({
        path: f.path.replace(/\.ts$/, '.js'),
        content: ts.transpileModule(f.content, { compilerOptions: TRANSPILE_OPTIONS, fileName: path.basename(f.path) }).outputText,
      })),
      'codestore-bench-typeorm-',
    );
    const cli = path.join(REPO, 'node_modules/typeorm/cli.js');
    for (let i = 0; i < opts.cliRuns; i++) {
      if (performance.now() > opts.deadline) {
        result.cli.problems.push(`time budget ran out after ${i} of ${opts.cliRuns} runs`);
        break;
      }
      const out = path.join(compiledDir, 'out');
      fs.rmSync(out, { recursive: true, force: true });
      const run = await timedRun(process.execPath, [cli, 'migration:generate', '-d', 'src/data/data-source.js', 'out/BenchChange'], {
        cwd: compiledDir,
        env: { DATABASE_URL: url },
        timeoutMs: opts.timeoutMs,
      });
      const written = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith('-BenchChange.ts')) : [];
      if (run.code !== 0 || !written.length) {
        result.cli.problems.push(`run ${i + 1}: ${run.code === 0 ? 'exited 0 but wrote no migration' : childProblem(run)}`);
        continue;
      }
      result.cli.samples.push(run.ms);
      if (run.cpuMs !== undefined) (result.cli.cpu ??= []).push(run.cpuMs);
      if (!result.theirsCli) {
        const content = fs.readFileSync(path.join(out, written[0]), 'utf8');
        result.theirsCli = { up: migrationQueries(content).up, file: written[0] };
      }
    }
    return result;
  } catch (e) {
    result.status = 'failed';
    result.reason = (e as Error).message.split('\n')[0].slice(0, 300);
    return result;
  } finally {
    loaded?.remove();
    if (compiledDir) fs.rmSync(compiledDir, { recursive: true, force: true });
    if (result.database) {
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${result.database}" WITH (FORCE)`);
        scratch = undefined;
      } catch (e) {
        result.problems.push(`could not drop the scratch database ${result.database}: ${(e as Error).message}`);
      }
    }
    await admin.end().catch(() => undefined);
  }
}
