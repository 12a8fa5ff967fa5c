// THE PROOF on real PostgreSQL: generated migrations, run by TypeORM's own migration runner, leave
// exactly the schema TypeORM's schema builder expects for the generated entities (it wants no
// query), the rows survive renames and widening changes, and every down migration undoes its up
// until the database is empty. On PGlite (one instance for the file), and on the server named by
// CODESTORE_TEST_PG_URL when it is set (a scratch database, dropped after).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { rmSync } from 'fs';
import * as path from 'path';
import { EMPTY_SCHEMA } from '../../core/src/codegen/dbSchema';
import { generateEntities } from '../../core/src/codegen/entities';
import { migrationStatements, schemaFromMigrations } from '../../core/src/codegen/migrations/baseline';
import { planMigration, renamesOf } from '../../core/src/codegen/migrations/diff';
import { renderDataSource, renderMigration } from '../../core/src/codegen/migrations/file';
import { physicalSchema } from '../../core/src/codegen/physical';
import { REPO_ROOT, writeServiceFolder } from '../helpers/loadEntities';
import { databaseTargets, type TestDatabase } from './helpers/db';
import { CREATIONS, EVOLUTIONS } from './helpers/evolutions';
import { databaseDifferences } from './helpers/introspect';
import { ORIGINAL_MIGRATION, ORIGINAL_SCHEMA } from './helpers/original';
import { assertEmpty, compileMigration, modelOf, oracle, prove, withMigrations } from './helpers/proof';
import { BLOG } from './helpers/schemas';

const run = promisify(execFile);

for (const target of databaseTargets()) {
  describe(`migrations on ${target.label}`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await target.open();
    });
    after(async () => {
      await db?.close();
    });

    for (const e of CREATIONS) {
      test(`creates ${e.name}`, async () => {
        await prove(db, e.steps);
      });
    }

    for (const e of EVOLUTIONS) {
      test(`evolves: ${e.name}`, async () => {
        const reports = await prove(db, e.steps);
        // Every step without warnings (after the first) had rows to carry, and carried them.
        reports.forEach((r, i) => {
          if (i > 0 && r.plan.warnings.length === 0 && !r.plan.empty) assert.ok(r.checkedValues > 0, `step ${i + 1} checked values`);
        });
      });
    }

    test('a service made for the original code.store: its database needs no destructive migration', async () => {
      await db.reset();
      const Original = compileMigration({ content: ORIGINAL_MIGRATION, className: 'Init1601234567890', path: '1601234567890-Init.ts' });
      await withMigrations(db, [Original], (ds) => ds.runMigrations());
      await db.query(`INSERT INTO "Post" ("title", "body") VALUES ('Hello', 'World'), ('Second', 'Post')`);

      // No snapshot: its migrations are the baseline.
      const baseline = schemaFromMigrations(migrationStatements(ORIGINAL_MIGRATION));
      const model = modelOf(ORIGINAL_SCHEMA);
      const plan = planMigration(baseline, physicalSchema(model), renamesOf(model, baseline));
      assert.equal(plan.empty, true, plan.up.join('\n'));
      assert.deepEqual(await databaseDifferences(db, physicalSchema(model)), []);
      assert.deepEqual(await oracle(db, model), [], 'TypeORM wants nothing for the generated entities on the original database');

      // And it evolves from there like any service, keeping its rows.
      const reports = await prove(
        db,
        [
          { sdl: ORIGINAL_SCHEMA.replace('body: String!', 'content: String! @renamedFrom(name: "body")\n  slug: String') },
          { sdl: ORIGINAL_SCHEMA.replace('body: String!', 'content: String!\n  slug: String\n  views: BigInt! @default(value: "0")') },
        ],
        { start: baseline, migrations: [Original], downs: false },
      );
      assert.ok(reports.every((r) => r.plan.warnings.length === 0 && r.checkedValues > 0));
      const first = `SELECT "id"::text AS id, "title", "%s" AS body FROM "Post" ORDER BY "id" LIMIT 2`;
      const rows = [
        { id: '1', title: 'Hello', body: 'World' },
        { id: '2', title: 'Second', body: 'Post' },
      ];
      assert.deepEqual(await db.query(first.replace('%s', 'content')), rows);
      // Back down to the original database, rows and all.
      const classes = [Original, ...reports.map((r) => compileMigration(r.migration))];
      for (let i = 0; i < reports.length; i++) await withMigrations(db, classes, (ds) => ds.undoLastMigration());
      assert.deepEqual(await databaseDifferences(db, baseline), []);
      assert.deepEqual(await db.query(first.replace('%s', 'body')), rows);
    });

    test('a label added by one migration and used by the next: each migration runs in its own transaction', async () => {
      await db.reset();
      const steps = [
        `enum Status { DRAFT }\ntype Post { id: ID! status: Status }\ntype Query { x: Int }`,
        `enum Status { DRAFT LIVE }\ntype Post { id: ID! status: Status }\ntype Query { x: Int }`,
        `enum Status { DRAFT LIVE }\ntype Post { id: ID! status: Status @default(value: "'LIVE'") }\ntype Query { x: Int }`,
      ];
      let previous = EMPTY_SCHEMA;
      const classes = steps.map((sdl, i) => {
        const model = modelOf(sdl);
        const next = physicalSchema(model);
        const p = planMigration(previous, next, renamesOf(model, previous, next));
        previous = next;
        return compileMigration(renderMigration(p, undefined, 1_700_000_000_000 + i));
      });
      // The type exists (committed); the next two migrations are pending. In one transaction
      // PostgreSQL refuses the label the first adds ("unsafe use of new value"); in two it is fine.
      await withMigrations(db, classes.slice(0, 1), (ds) => ds.runMigrations());
      await assert.rejects(
        withMigrations(db, classes, (ds) => ds.runMigrations({ transaction: 'all' })),
        /unsafe use of new value/,
      );
      assert.deepEqual(await withMigrations(db, classes, (ds) => ds.runMigrations({ transaction: 'each' })).then((r) => r.length), 2);
      assert.deepEqual(await oracle(db, modelOf(steps[2])), []);
    });

    if (target.label === 'postgres') {
      test('the stock TypeORM CLI runs and reverts the migrations with the generated data source', async () => {
        await db.reset();
        const steps = [
          BLOG,
          BLOG.replace('type Author {', 'type Writer @renamedFrom(name: "Author") {').replace(/Author\b(?!")/g, 'Writer'),
        ];
        let previous = EMPTY_SCHEMA;
        const files = steps.map((sdl, i) => {
          const model = modelOf(sdl);
          const next = physicalSchema(model);
          const p = planMigration(previous, next, renamesOf(model, previous, next));
          previous = next;
          return renderMigration(p, undefined, 1_700_000_000_000 + i);
        });
        const last = modelOf(steps[1]);
        const dir = writeServiceFolder(
          [
            ...generateEntities(last),
            renderDataSource(),
            ...files,
            {
              path: 'tsconfig.json',
              content: JSON.stringify({
                compilerOptions: {
                  target: 'ES2020',
                  module: 'commonjs',
                  experimentalDecorators: true,
                  emitDecoratorMetadata: true,
                  strict: true,
                },
              }),
            },
          ],
          'codestore-cli-',
        );
        const url = (db.options() as { url: string }).url;
        const cli = (...args: string[]) =>
          run(
            process.execPath,
            ['--import', 'tsx', path.join(REPO_ROOT, 'node_modules/typeorm/cli.js'), ...args, '-d', 'src/data/data-source.ts'],
            {
              cwd: dir,
              env: { ...process.env, DATABASE_URL: url },
            },
          );
        try {
          const out = await cli('migration:run');
          assert.match(out.stdout, /Migration CreateAuthorAndPost1700000000000 has been executed successfully/);
          assert.match(out.stdout, /Migration RenameAuthorToWriter1700000000001 has been executed successfully/);
          assert.deepEqual(await databaseDifferences(db, previous), []);
          assert.deepEqual(await oracle(db, last), []);
          await cli('migration:revert');
          await cli('migration:revert');
          await assertEmpty(db);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
