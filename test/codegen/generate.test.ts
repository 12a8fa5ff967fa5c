// The service generation as the language server and the CLI run it: baselines, the pending
// migration, committing, and a broken snapshot.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'graphql';
import { committedMigrations } from '../../core/src/codegen/migrations';
import { generateService, PENDING_MIGRATION_PATH, SNAPSHOT_PATH, SnapshotError } from '../../core/src/codegen/generate';
import { preludeDefinitions } from '../../core/src/schema/prelude';
import { ORIGINAL_MIGRATION, ORIGINAL_MIGRATION_FILE, ORIGINAL_SCHEMA } from './helpers/original';

const withPrelude = (sdl: string) => ({ ...parse(sdl), definitions: [...parse(sdl).definitions, ...preludeDefinitions()] });
const paths = (files: { path: string }[]) => files.map((f) => f.path);

describe('generateService', () => {
  it('a new service: the pending migration creates everything, committing names it and writes the snapshot', () => {
    const doc = withPrelude(ORIGINAL_SCHEMA);
    const pending = generateService(doc, { migrations: [] });
    assert.equal(pending.baseline, 'empty');
    assert.ok(paths(pending.files).includes(PENDING_MIGRATION_PATH));
    assert.ok(!paths(pending.files).includes(SNAPSHOT_PATH));
    assert.match(pending.files.find((f) => f.path === PENDING_MIGRATION_PATH)!.content, /CREATE TABLE "Post"/);

    const committed = generateService(doc, { migrations: [] }, { commit: { timestamp: 1700000000000 } });
    assert.equal(committed.committed?.path, 'src/data/migrations/1700000000000-CreatePost.ts');
    assert.ok(paths(committed.files).includes(SNAPSHOT_PATH));
    assert.ok(committed.remove.includes(PENDING_MIGRATION_PATH));

    // After the commit the schema matches the snapshot: no pending migration.
    const snapshot = committed.files.find((f) => f.path === SNAPSHOT_PATH)!.content;
    const after = generateService(doc, { migrations: ['1700000000000-CreatePost.ts', 'snapshot.json'], snapshot });
    assert.equal(after.plan.empty, true);
    assert.ok(after.remove.includes(PENDING_MIGRATION_PATH));
    assert.ok(!paths(after.files).includes(PENDING_MIGRATION_PATH));
  });

  it('a service made for the original code.store: its migration is the baseline, nothing is recreated', () => {
    const doc = withPrelude(ORIGINAL_SCHEMA);
    const generation = generateService(doc, {
      migrations: [ORIGINAL_MIGRATION_FILE],
      migrationSources: { [ORIGINAL_MIGRATION_FILE]: ORIGINAL_MIGRATION },
    });
    assert.equal(generation.baseline, 'replayed');
    assert.equal(generation.plan.empty, true, generation.plan.up.join('\n'));
    assert.ok(paths(generation.files).includes(SNAPSHOT_PATH), 'the replayed baseline becomes the snapshot');

    // An edit made before the service was first opened still gets its migration.
    const edited = withPrelude(ORIGINAL_SCHEMA.replace('body: String!', 'body: String!\n  summary: String'));
    const pending = generateService(edited, {
      migrations: [ORIGINAL_MIGRATION_FILE],
      migrationSources: { [ORIGINAL_MIGRATION_FILE]: ORIGINAL_MIGRATION },
    });
    assert.deepEqual(pending.plan.up, ['ALTER TABLE "Post" ADD "summary" character varying']);
    assert.deepEqual(pending.plan.warnings, []);
  });

  it('a service as the original platform left it (`<timestamp>.ts`, class generatedAt<timestamp>): no migration when the schema is unchanged, exactly the change when it changed', () => {
    const fixture = path.join(__dirname, '../fixtures/original-blog');
    const dir = path.join(fixture, 'src/data/migrations');
    const migrations = fs.readdirSync(dir);
    const migrationSources = Object.fromEntries(migrations.map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    const schema = fs.readFileSync(path.join(fixture, 'src/schema.graphql'), 'utf8');
    const unchanged = generateService(withPrelude(schema), { migrations, migrationSources }, { commit: { timestamp: 1700000000000 } });
    assert.equal(unchanged.baseline, 'replayed');
    assert.equal(unchanged.plan.empty, true, unchanged.plan.up.join('\n'));
    assert.equal(unchanged.committed, undefined);
    assert.ok(paths(unchanged.files).includes(SNAPSHOT_PATH), 'the replayed baseline becomes the snapshot');

    const edited = schema.replace('body: String!', 'body: String!\n  summary: String');
    const changed = generateService(withPrelude(edited), { migrations, migrationSources }, { commit: { timestamp: 1700000000000 } });
    assert.deepEqual(changed.plan.up, ['ALTER TABLE "Post" ADD "summary" character varying']);
    // Our own new files keep `<timestamp>-<Name>.ts`.
    assert.equal(changed.committed?.path, 'src/data/migrations/1700000000000-AddPostSummary.ts');
  });

  it('a committed migration is any migration class TypeORM would run, in its order (by the timestamp in its name)', () => {
    const original =
      "export class generatedAt1597910226250 implements MigrationInterface {\n  name = 'generatedAt1597910226250'\n  public async up(q) {}\n  public async down(q) {}\n}\n";
    const ours =
      'export class AddPostSummary1700000000000 implements MigrationInterface {\n  name = "AddPostSummary1700000000000";\n  public async up(q) {}\n  public async down(q) {}\n}\n';
    const byHand = 'export class Seed1600000000000 {\n  async up(q) {}\n  async down(q) {}\n}\n';
    const sources: Record<string, string> = {
      'zz-seed.ts': byHand,
      '1700000000000-AddPostSummary.ts': ours,
      '1597910226250.ts': original,
      'helpers.ts': 'export const x = 1;\n',
      'types.d.ts': ours,
      'snapshot.json': '{}',
    };
    const found = committedMigrations(Object.keys(sources), (f) => sources[f]);
    assert.deepEqual(
      found.map((m) => [m.file, m.className, m.timestamp]),
      [
        ['1597910226250.ts', 'generatedAt1597910226250', 1597910226250],
        ['zz-seed.ts', 'Seed1600000000000', 1600000000000],
        ['1700000000000-AddPostSummary.ts', 'AddPostSummary1700000000000', 1700000000000],
      ],
    );
  });

  it('a broken snapshot is refused with what to do, and nothing is planned from it', () => {
    assert.throws(
      () => generateService(withPrelude(ORIGINAL_SCHEMA), { migrations: ['snapshot.json'], snapshot: '{ not json' }),
      (e: unknown) => e instanceof SnapshotError && /Restore it from version control/.test(e.message),
    );
    assert.throws(
      () => generateService(withPrelude(ORIGINAL_SCHEMA), { migrations: ['snapshot.json'], snapshot: '{"version":2}' }),
      SnapshotError,
    );
  });
});
