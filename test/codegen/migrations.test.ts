// Migration planning without a database: the SQL for each kind of change, renames from
// @renamedFrom, the order that keeps foreign keys from blocking, the warnings and their quick
// fixes, the rendered files, the baseline read from existing migrations, and a property test that
// every plan takes the snapshot exactly to the new schema and back.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { rmSync } from 'fs';
import ts from 'typescript';
import { EMPTY_SCHEMA, type DbSchema } from '../../core/src/codegen/dbSchema';
import { generateEntities } from '../../core/src/codegen/entities';
import { migrationStatements, schemaFromMigrations } from '../../core/src/codegen/migrations/baseline';
import { emptyRenames, invertRenames, planMigration, renamesOf } from '../../core/src/codegen/migrations/diff';
import { migrationName, renderDataSource, renderMigration } from '../../core/src/codegen/migrations/file';
import { postgres, sequenceName } from '../../core/src/codegen/migrations/postgres';
import { applyOperations, schemaDifferences } from '../../core/src/codegen/migrations/simulate';
import type { MigrationPlan, Renames } from '../../core/src/codegen/migrations/types';
import { physicalSchema } from '../../core/src/codegen/physical';
import { writeServiceFolder } from '../helpers/loadEntities';
import { col, enumType, fk, id, index, schema, table } from './helpers/build';
import { ORIGINAL_MIGRATION, ORIGINAL_SCHEMA } from './helpers/original';
import { compileMigration, modelOf } from './helpers/proof';
import { evolve, Random, randomSpec, renderSpec } from './helpers/randomSchema';
import { BLOG, RELATIONS, SCALARS } from './helpers/schemas';

const renames = (r: Partial<Renames>): Renames => ({ ...emptyRenames(), ...r });

/** Plans and checks the plan reaches `next` and its down reaches `prev`. */
function plan(prev: DbSchema, next: DbSchema, r: Renames = emptyRenames()): MigrationPlan {
  const p = planMigration(prev, next, r);
  assert.deepEqual(schemaDifferences(applyOperations(prev, p.operations), next), [], 'up reaches the new schema');
  assert.deepEqual(schemaDifferences(applyOperations(next, p.downOperations), prev), [], 'down reaches the old schema');
  return p;
}

/** The migration from one GraphQL schema to the next, renames from @renamedFrom. */
function evolution(from: string, to: string): MigrationPlan {
  const prev = physicalSchema(modelOf(from));
  const model = modelOf(to);
  return plan(prev, physicalSchema(model), renamesOf(model, prev));
}

const codes = (p: MigrationPlan) => p.warnings.map((w) => w.code).sort();

describe('SQL for each change', () => {
  const post = table('Post', [id(), col('title', 'character varying', { nullable: false }), col('authorId', 'bigint')], {
    uniques: [{ name: 'UQ_Post_title', columns: ['title'] }],
    indices: [index('IDX_Post_authorId', ['authorId'])],
    foreignKeys: [fk('FK_Post_author', 'authorId', 'Author')],
  });
  const author = table('Author', [id(), col('name', 'character varying', { nullable: false })]);
  const blog = schema([author, post]);

  test('creating tables: keys and uniques inline, indices after, foreign keys last', () => {
    const p = plan(EMPTY_SCHEMA, blog);
    assert.deepEqual(p.up, [
      'CREATE TABLE "Author" ("id" BIGSERIAL NOT NULL, "name" character varying NOT NULL, CONSTRAINT "PK_Author" PRIMARY KEY ("id"))',
      'CREATE TABLE "Post" ("id" BIGSERIAL NOT NULL, "title" character varying NOT NULL, "authorId" bigint, CONSTRAINT "UQ_Post_title" UNIQUE ("title"), CONSTRAINT "PK_Post" PRIMARY KEY ("id"))',
      'CREATE INDEX "IDX_Post_authorId" ON "Post" ("authorId")',
      'ALTER TABLE "Post" ADD CONSTRAINT "FK_Post_author" FOREIGN KEY ("authorId") REFERENCES "Author"("id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    ]);
    assert.deepEqual(p.down, ['ALTER TABLE "Post" DROP CONSTRAINT "FK_Post_author"', 'DROP TABLE "Author"', 'DROP TABLE "Post"']);
    assert.equal(p.empty, false);
    assert.deepEqual(p.warnings, []);
  });

  test('nothing changes: an empty plan', () => {
    const p = plan(blog, JSON.parse(JSON.stringify(blog)));
    assert.equal(p.empty, true);
    assert.deepEqual([p.up, p.down, p.warnings], [[], [], []]);
  });

  test('a renamed table renames its sequence and every constraint and index named after it', () => {
    const writer = table('Writer', [id(), col('name', 'character varying', { nullable: false })], {
      primaryKey: { name: 'PK_Writer', columns: ['id'] },
    });
    const next = schema([writer, { ...post, foreignKeys: [{ ...post.foreignKeys[0], referencedTable: 'Writer' }] }]);
    const p = plan(blog, next, renames({ tables: { Writer: 'Author' } }));
    assert.deepEqual(p.up, [
      'ALTER TABLE "Author" RENAME TO "Writer"',
      'ALTER SEQUENCE "Author_id_seq" RENAME TO "Writer_id_seq"',
      'ALTER TABLE "Writer" RENAME CONSTRAINT "PK_Author" TO "PK_Writer"',
    ]);
    assert.deepEqual(p.down, [
      'ALTER TABLE "Writer" RENAME TO "Author"',
      'ALTER SEQUENCE "Writer_id_seq" RENAME TO "Author_id_seq"',
      'ALTER TABLE "Author" RENAME CONSTRAINT "PK_Writer" TO "PK_Author"',
    ]);
    assert.deepEqual(p.warnings, []);
  });

  test('a renamed column renames the constraints and indices that carry its name', () => {
    const next = schema([
      author,
      {
        ...post,
        columns: [post.columns[0], col('headline', 'character varying', { nullable: false }), col('writerId', 'bigint')],
        uniques: [{ name: 'UQ_Post_headline', columns: ['headline'] }],
        indices: [index('IDX_Post_writerId', ['writerId'])],
        foreignKeys: [fk('FK_Post_writer', 'writerId', 'Author')],
      },
    ]);
    const p = plan(blog, next, renames({ columns: { Post: { headline: 'title', writerId: 'authorId' } } }));
    assert.deepEqual(p.up, [
      'ALTER TABLE "Post" RENAME COLUMN "title" TO "headline"',
      'ALTER TABLE "Post" RENAME COLUMN "authorId" TO "writerId"',
      'ALTER TABLE "Post" RENAME CONSTRAINT "UQ_Post_title" TO "UQ_Post_headline"',
      'ALTER TABLE "Post" RENAME CONSTRAINT "FK_Post_author" TO "FK_Post_writer"',
      'ALTER INDEX "IDX_Post_authorId" RENAME TO "IDX_Post_writerId"',
    ]);
  });

  test('a renamed key column renames its sequence and primary key', () => {
    const next = schema([table('Author', [id('key'), author.columns[1]], { primaryKey: { name: 'PK_Author_key', columns: ['key'] } })]);
    const p = plan(schema([author]), next, renames({ columns: { Author: { key: 'id' } } }));
    assert.deepEqual(p.up, [
      'ALTER TABLE "Author" RENAME COLUMN "id" TO "key"',
      'ALTER SEQUENCE "Author_id_seq" RENAME TO "Author_key_seq"',
      'ALTER TABLE "Author" RENAME CONSTRAINT "PK_Author" TO "PK_Author_key"',
    ]);
  });

  test('a dropped table: foreign keys to it go first', () => {
    const p = plan(blog, schema([{ ...post, columns: post.columns.filter((c) => c.name !== 'authorId'), indices: [], foreignKeys: [] }]));
    assert.deepEqual(p.up, [
      'ALTER TABLE "Post" DROP CONSTRAINT "FK_Post_author"',
      'DROP INDEX "IDX_Post_authorId"',
      'DROP TABLE "Author"',
      'ALTER TABLE "Post" DROP COLUMN "authorId"',
    ]);
    assert.deepEqual(codes(p), ['migration-drop-column', 'migration-drop-table']);
  });

  test('widening changes convert in place: ALTER COLUMN ... TYPE ... USING', () => {
    const before = schema([
      table('T', [
        id(),
        col('a', 'integer'),
        col('b', 'integer'),
        col('c', 'bigint'),
        col('d', 'character varying', { length: 10 }),
        col('e', 'character varying', { length: 10 }),
        col('f', 'integer', { nullable: false }),
        col('g', 'integer'),
      ]),
    ]);
    const after = schema([
      table('T', [
        id(),
        col('a', 'bigint'),
        col('b', 'double precision'),
        col('c', 'numeric'),
        col('d', 'character varying', { length: 20 }),
        col('e', 'character varying'),
        col('f', 'integer'),
        col('g', 'integer', { array: true }),
      ]),
    ]);
    const p = plan(before, after);
    assert.deepEqual(p.up, [
      'ALTER TABLE "T" ALTER COLUMN "a" TYPE bigint USING "a"::bigint',
      'ALTER TABLE "T" ALTER COLUMN "b" TYPE double precision USING "b"::double precision',
      'ALTER TABLE "T" ALTER COLUMN "c" TYPE numeric USING "c"::numeric',
      'ALTER TABLE "T" ALTER COLUMN "d" TYPE character varying(20)',
      'ALTER TABLE "T" ALTER COLUMN "e" TYPE character varying',
      'ALTER TABLE "T" ALTER COLUMN "f" DROP NOT NULL',
      'ALTER TABLE "T" ALTER COLUMN "g" TYPE integer[] USING CASE WHEN "g" IS NULL THEN NULL ELSE ARRAY["g"::integer] END',
    ]);
    assert.deepEqual(p.warnings, []);
    // The way back narrows: warned there, not here.
    assert.deepEqual(
      codes(plan(after, before)),
      [
        'migration-narrow-type',
        'migration-narrow-type',
        'migration-narrow-type',
        'migration-narrow-type',
        'migration-narrow-type',
        'migration-narrow-type',
        'migration-set-not-null',
      ].sort(),
    );
  });

  test('narrowing and incompatible changes are planned, and warned', () => {
    const p = plan(
      schema([table('T', [id(), col('a', 'bigint'), col('b', 'character varying', { length: 20 }), col('c', 'character varying')])]),
      schema([table('T', [id(), col('a', 'integer'), col('b', 'character varying', { length: 5 }), col('c', 'integer')])]),
    );
    assert.deepEqual(p.up, [
      'ALTER TABLE "T" ALTER COLUMN "a" TYPE integer USING "a"::integer',
      // No USING: the assignment cast fails on a value too long instead of cutting it.
      'ALTER TABLE "T" ALTER COLUMN "b" TYPE character varying(5)',
      'ALTER TABLE "T" ALTER COLUMN "c" TYPE integer USING "c"::text::integer',
    ]);
    assert.deepEqual(codes(p), ['migration-change-type', 'migration-narrow-type', 'migration-narrow-type']);
  });

  test('a column becoming NOT NULL with a default fills the nulls first', () => {
    const p = plan(
      schema([table('T', [id(), col('n', 'integer')])]),
      schema([table('T', [id(), col('n', 'integer', { nullable: false, default: '0' })])]),
    );
    assert.deepEqual(p.up, [
      'ALTER TABLE "T" ALTER COLUMN "n" SET DEFAULT 0',
      'UPDATE "T" SET "n" = DEFAULT WHERE "n" IS NULL',
      'ALTER TABLE "T" ALTER COLUMN "n" SET NOT NULL',
    ]);
    assert.deepEqual(p.warnings, []);
  });

  const withStatus = (values: string[], extra: Partial<ReturnType<typeof col>> = {}) =>
    schema(
      [table('T', [id(), col('s', 'Status', { enumName: 'Status', ...extra }), col('ss', 'Status', { enumName: 'Status', array: true })])],
      [enumType('Status', values)],
    );

  test('an added enum value: ALTER TYPE ... ADD VALUE in its place', () => {
    const p = plan(withStatus(['A', 'C']), withStatus(['A', 'B', 'C', 'D']));
    assert.deepEqual(p.up, [`ALTER TYPE "Status" ADD VALUE 'B' BEFORE 'C'`, `ALTER TYPE "Status" ADD VALUE 'D' AFTER 'C'`]);
    assert.deepEqual(p.warnings, []);
  });

  test('a removed enum value: the type is recreated and the columns convert through text', () => {
    const p = plan(withStatus(['A', 'B', 'C'], { default: "'A'" }), withStatus(['A', 'C'], { default: "'A'" }));
    assert.deepEqual(p.up, [
      'ALTER TYPE "Status" RENAME TO "Status_old"',
      `CREATE TYPE "Status" AS ENUM('A', 'C')`,
      'ALTER TABLE "T" ALTER COLUMN "s" DROP DEFAULT',
      'ALTER TABLE "T" ALTER COLUMN "s" TYPE "Status" USING "s"::text::"Status"',
      'ALTER TABLE "T" ALTER COLUMN "ss" TYPE "Status"[] USING "ss"::text[]::"Status"[]',
      'DROP TYPE "Status_old"',
      `ALTER TABLE "T" ALTER COLUMN "s" SET DEFAULT 'A'`,
    ]);
    assert.deepEqual(
      p.warnings.map((w) => [w.code, w.origin]),
      [['migration-drop-enum-value', { type: 'Status', value: 'B' }]],
    );
  });

  test('a value added and used as a default in the same migration recreates the type (PostgreSQL refuses a new label in its own transaction)', () => {
    const p = plan(withStatus(['A']), withStatus(['N', 'A'], { default: "'N'" }));
    assert.equal(p.operations[0].op, 'replaceEnumValues');
    assert.ok(!p.up.some((s) => s.includes('ADD VALUE')));
  });

  test('enum type and value renames', () => {
    const next = schema(
      [table('T', [id(), col('s', 'State', { enumName: 'State' }), col('ss', 'State', { enumName: 'State', array: true })])],
      [enumType('State', ['A', 'Z'])],
    );
    const p = plan(withStatus(['A', 'B']), next, renames({ enums: { State: 'Status' }, enumValues: { State: { Z: 'B' } } }));
    assert.deepEqual(p.up, ['ALTER TYPE "Status" RENAME TO "State"', `ALTER TYPE "State" RENAME VALUE 'B' TO 'Z'`]);
    assert.deepEqual(p.down, ['ALTER TYPE "State" RENAME TO "Status"', `ALTER TYPE "Status" RENAME VALUE 'Z' TO 'B'`]);
  });

  test('a rename whose old name is gone, or whose new name is taken, does nothing', () => {
    assert.equal(
      plan(blog, blog, renames({ tables: { Author: 'Writer', Post: 'Author' }, columns: { Post: { title: 'nope' } } })).empty,
      true,
    );
  });

  test('foreign keys on a column whose type changes are dropped first and created after', () => {
    const before = schema([author, table('Post', [id(), col('authorId', 'integer')], { foreignKeys: [fk('FK_a', 'authorId', 'Author')] })]);
    const after = schema([author, table('Post', [id(), col('authorId', 'bigint')], { foreignKeys: [fk('FK_a', 'authorId', 'Author')] })]);
    assert.deepEqual(plan(before, after).up, [
      'ALTER TABLE "Post" DROP CONSTRAINT "FK_a"',
      'ALTER TABLE "Post" ALTER COLUMN "authorId" TYPE bigint USING "authorId"::bigint',
      'ALTER TABLE "Post" ADD CONSTRAINT "FK_a" FOREIGN KEY ("authorId") REFERENCES "Author"("id") ON DELETE NO ACTION ON UPDATE NO ACTION',
    ]);
  });

  test('an on-delete change replaces the foreign key', () => {
    const after = schema([author, { ...post, foreignKeys: [fk('FK_Post_author', 'authorId', 'Author', 'CASCADE')] }]);
    assert.deepEqual(plan(blog, after).up, [
      'ALTER TABLE "Post" DROP CONSTRAINT "FK_Post_author"',
      'ALTER TABLE "Post" ADD CONSTRAINT "FK_Post_author" FOREIGN KEY ("authorId") REFERENCES "Author"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    ]);
  });

  test('a column becoming generated gets its own sequence, starting after the largest key', () => {
    const p = plan(
      schema([table('T', [col('n', 'bigint', { nullable: false })], { primaryKey: { name: 'PK_T', columns: ['n'] } })]),
      schema([
        table('T', [col('n', 'bigint', { nullable: false, generated: 'increment' })], { primaryKey: { name: 'PK_T', columns: ['n'] } }),
      ]),
    );
    assert.deepEqual(p.up, [
      'CREATE SEQUENCE "T_n_seq" AS bigint OWNED BY "T"."n"',
      `SELECT setval('"T_n_seq"', COALESCE((SELECT MAX("n") FROM "T"), 0) + 1, false)`,
      `ALTER TABLE "T" ALTER COLUMN "n" SET DEFAULT nextval('"T_n_seq"')`,
    ]);
    assert.deepEqual(p.down, ['ALTER TABLE "T" ALTER COLUMN "n" DROP DEFAULT', 'DROP SEQUENCE "T_n_seq"']);
  });

  test('sequence names as TypeORM builds them', () => {
    assert.equal(sequenceName('Post', 'id'), 'Post_id_seq');
    assert.equal(sequenceName('A'.repeat(60), 'id'), `${'A'.repeat(29)}_id_seq`);
  });

  test('invertRenames is its own inverse', () => {
    const r = renames({
      tables: { B: 'A' },
      columns: { B: { y: 'x' } },
      enums: { F: 'E' },
      enumValues: { F: { Z: 'Y' } },
      moves: [{ from: { table: 'A', column: 'c' }, to: { table: 'B', column: 'd' } }],
    });
    assert.deepEqual(invertRenames(r).columns, { A: { x: 'y' } });
    assert.deepEqual(invertRenames(invertRenames(r)), r);
  });
});

describe('renames from @renamedFrom', () => {
  test('a type, a field (with @unique), a relation field (its join column) and the ID field', () => {
    const from = `type Author { id: ID! name: String! @unique }\ntype Post { id: ID! title: String! author: Author }\ntype Query { x: Int }`;
    const to =
      `type Writer @renamedFrom(name: "Author") { key: ID! @renamedFrom(name: "id") fullName: String! @unique @renamedFrom(name: "name") }\n` +
      `type Post { id: ID! title: String! writer: Writer @renamedFrom(name: "author") }\ntype Query { x: Int }`;
    const prev = physicalSchema(modelOf(from));
    const r = renamesOf(modelOf(to), prev);
    // The join column follows both the field rename and the renamed key: authorId → writerKey.
    assert.deepEqual(r, {
      ...emptyRenames(),
      tables: { Writer: 'Author' },
      columns: { Post: { writerKey: 'authorId' }, Writer: { key: 'id', fullName: 'name' } },
    });
    const p = evolution(from, to);
    assert.deepEqual(p.warnings, []);
    assert.ok(p.up.includes('ALTER SEQUENCE "Author_id_seq" RENAME TO "Writer_key_seq"'), p.up.join('\n'));
    assert.ok(
      p.up.every((s) => !/DROP|ADD /.test(s)),
      p.up.join('\n'),
    );
  });

  test('enums and enum values', () => {
    const from = `enum Status { DRAFT LIVE }\ntype Post { id: ID! s: Status }\ntype Query { x: Int }`;
    const to = `enum State @renamedFrom(name: "Status") { DRAFT PUBLISHED @renamedFrom(name: "LIVE") }\ntype Post { id: ID! s: State }\ntype Query { x: Int }`;
    const p = evolution(from, to);
    assert.deepEqual(p.up, ['ALTER TYPE "Status" RENAME TO "State"', `ALTER TYPE "State" RENAME VALUE 'LIVE' TO 'PUBLISHED'`]);
  });

  test('a join table follows a renamed target type (its name and key column change)', () => {
    const from = `type Post { id: ID! tags: [Tag!]! }\ntype Tag { id: ID! name: String! }\ntype Query { x: Int }`;
    const to = `type Post { id: ID! tags: [Label!]! }\ntype Label @renamedFrom(name: "Tag") { id: ID! name: String! }\ntype Query { x: Int }`;
    const p = evolution(from, to);
    assert.deepEqual(p.warnings, []);
    assert.ok(p.up.includes('ALTER TABLE "post_tags_tag" RENAME TO "post_tags_label"'));
    assert.ok(p.up.includes('ALTER TABLE "post_tags_label" RENAME COLUMN "tagId" TO "labelId"'));
  });

  test('a one-to-one whose owning side changes (a rename reorders the names) moves its links', () => {
    const from = `type Profile { id: ID! user: User }\ntype User { id: ID! profile: Profile }\ntype Query { x: Int }`;
    const to = `type Profile { id: ID! user: Account }\ntype Account @renamedFrom(name: "User") { id: ID! profile: Profile }\ntype Query { x: Int }`;
    const p = evolution(from, to);
    assert.deepEqual(p.warnings, []);
    assert.ok(
      p.up.includes(
        'UPDATE "Account" AS "target" SET "profileId" = "source"."id" FROM "Profile" AS "source" WHERE "source"."userId" = "target"."id"',
      ),
      p.up.join('\n'),
    );
    assert.ok(
      p.down.includes(
        'UPDATE "Profile" AS "target" SET "userId" = "source"."id" FROM "User" AS "source" WHERE "source"."profileId" = "target"."id"',
      ),
      p.down.join('\n'),
    );
  });

  test('a @renamedFrom left in the schema after its migration does nothing', () => {
    const to = `type Writer @renamedFrom(name: "Author") { id: ID! name: String! @renamedFrom(name: "fullName") }\ntype Query { x: Int }`;
    const p = evolution(to, to);
    assert.equal(p.empty, true);
  });
});

describe('warnings', () => {
  test('a field renamed without @renamedFrom: drop-column, with the likely old name as a quick fix', () => {
    const p = evolution(
      `type Post { id: ID! title: String! }\ntype Query { x: Int }`,
      `type Post { id: ID! headline: String! }\ntype Query { x: Int }`,
    );
    assert.deepEqual(
      p.warnings.map((w) => ({ code: w.code, origin: w.origin, fixes: w.fixes })),
      [
        {
          code: 'migration-drop-column',
          origin: { type: 'Post', field: 'title' },
          fixes: [{ kind: 'renamedFrom', target: { type: 'Post', field: 'headline' }, name: 'title' }],
        },
        {
          code: 'migration-add-required-column',
          origin: { type: 'Post', field: 'headline' },
          fixes: [
            { kind: 'renamedFrom', target: { type: 'Post', field: 'headline' }, name: 'title' },
            { kind: 'default', target: { type: 'Post', field: 'headline' } },
            { kind: 'nullable', target: { type: 'Post', field: 'headline' } },
          ],
        },
      ],
    );
    assert.match(p.warnings[0].message, /@renamedFrom\(name: "title"\)/);
  });

  test('a type renamed without @renamedFrom: drop-table, with the new type as the likely rename', () => {
    const p = evolution(
      `type Author { id: ID! name: String! }\ntype Query { x: Int }`,
      `type Writer { id: ID! name: String! }\ntype Query { x: Int }`,
    );
    assert.deepEqual(
      p.warnings.map((w) => [w.code, w.origin, w.fixes]),
      [['migration-drop-table', { type: 'Author' }, [{ kind: 'renamedFrom', target: { type: 'Writer' }, name: 'Author' }]]],
    );
  });

  test('an enum value renamed without @renamedFrom: drop-enum-value, with the new value as the likely rename', () => {
    const p = evolution(
      `enum S { A B }\ntype T { id: ID! s: S }\ntype Query { x: Int }`,
      `enum S { A C }\ntype T { id: ID! s: S }\ntype Query { x: Int }`,
    );
    assert.deepEqual(
      p.warnings.map((w) => [w.code, w.origin, w.fixes]),
      [['migration-drop-enum-value', { type: 'S', value: 'B' }, [{ kind: 'renamedFrom', target: { type: 'S', value: 'C' }, name: 'B' }]]],
    );
  });

  test('an enum renamed without @renamedFrom whose values carry over converts without a warning', () => {
    const p = evolution(
      `enum S { A B }\ntype T { id: ID! s: S }\ntype Query { x: Int }`,
      `enum R { A B C }\ntype T { id: ID! s: R }\ntype Query { x: Int }`,
    );
    assert.deepEqual(p.warnings, []);
    assert.ok(p.up.includes('ALTER TABLE "T" ALTER COLUMN "s" TYPE "R" USING "s"::text::"R"'));
  });

  test('required columns, NOT NULL, @unique on existing rows', () => {
    const p = evolution(
      `type T { id: ID! a: String b: String owner: T }\ntype Query { x: Int }`,
      `type T { id: ID! a: String! b: String @unique owner: T c: Int! other: T! }\ntype Query { x: Int }`,
    );
    assert.deepEqual(codes(p), [
      'migration-add-required-column',
      'migration-add-required-column',
      'migration-add-unique',
      'migration-set-not-null',
    ]);
    const other = p.warnings.find((w) => w.column === 'otherId')!;
    // No default for a relation: only nullable applies.
    assert.deepEqual(other.fixes, [{ kind: 'nullable', target: { type: 'T', field: 'other' } }]);
  });

  test('every warning says how to avoid the loss', () => {
    const p = evolution(
      SCALARS,
      `enum Status { DRAFT }\ntype Everything { id: ID! i: BigInt s: Int status: Status! }\ntype Query { x: Int }`,
    );
    assert.ok(p.warnings.length >= 5);
    for (const w of p.warnings) assert.match(w.message, /(add|Add|keep|Keep|make|Make|update|Update|remove|Remove|copy|export)/, w.message);
  });
});

describe('migration files', () => {
  const blogPlan = () => planMigration(EMPTY_SCHEMA, physicalSchema(modelOf(BLOG)));

  test('a TypeORM migration class, named after what it does', () => {
    const file = renderMigration(blogPlan(), undefined, 1700000000000);
    assert.equal(file.path, 'src/data/migrations/1700000000000-CreateAuthorAndPost.ts');
    assert.equal(file.className, 'CreateAuthorAndPost1700000000000');
    assert.match(file.content, /^\/\/ Generated by code\.store from src\/schema\.graphql/);
    assert.match(file.content, /import \{ MigrationInterface, QueryRunner \} from "typeorm";/);
    assert.match(
      file.content,
      /export class CreateAuthorAndPost1700000000000 implements MigrationInterface \{\n {2}name = "CreateAuthorAndPost1700000000000";/,
    );
    assert.match(
      file.content,
      /public async up\(queryRunner: QueryRunner\): Promise<void> \{\n {4}await queryRunner\.query\(`CREATE TABLE "Author"/,
    );
    const cls = compileMigration(file);
    assert.equal(new cls().name, 'CreateAuthorAndPost1700000000000');
  });

  test('names: Create, Add, Remove, Rename, Change, else UpdateSchema', () => {
    const name = (a: string, b: string) => migrationName(evolution(a, b));
    const base = `type Post { id: ID! title: String! }\ntype Query { x: Int }`;
    assert.equal(migrationName(planMigration(EMPTY_SCHEMA, physicalSchema(modelOf(base)))), 'CreatePost');
    assert.equal(name(base, base.replace('title: String!', 'title: String! slug: String')), 'AddPostSlug');
    assert.equal(name(base, base.replace('title: String!', 'title: String! slug: String tag: String')), 'AddPostSlugAndTag');
    assert.equal(name(base.replace('title: String!', 'title: String! slug: String'), base), 'RemovePostSlug');
    assert.equal(name(base, base.replace('type Post {', 'type Article @renamedFrom(name: "Post") {')), 'RenamePostToArticle');
    assert.equal(name(base, base.replace('title: String!', 'headline: String! @renamedFrom(name: "title")')), 'RenamePostTitleToHeadline');
    assert.equal(name(base, base.replace('title: String!', 'title: String')), 'LoosenPostTitle');
    assert.equal(name(base, base + '\ntype Tag { id: ID! }'), 'CreateTag');
    assert.equal(name(base, base.replace('title: String!', 'title: Int!')), 'ChangePostTitle');
    assert.equal(name(base, base.replace('title: String!', 'slug: String')), 'UpdateSchema');
    assert.equal(migrationName(planMigration(EMPTY_SCHEMA, physicalSchema(modelOf(RELATIONS)))), 'InitialSchema');
  });

  test('SQL with backticks, backslashes and ${ is kept exactly in the template literal', () => {
    const p = planMigration(
      schema([table('T', [id(), col('a', 'character varying')])]),
      schema([table('T', [id(), col('a', 'character varying', { default: "'`${x}\\\\n'" })])]),
    );
    const cls = compileMigration(renderMigration(p, 'Odd', 1));
    const seen: string[] = [];
    void new cls().up({
      query: async (q: string) => {
        seen.push(q);
      },
    } as never);
    assert.deepEqual(seen, p.up);
  });

  test('the data source the TypeORM CLI runs, and the migration, type-check against TypeORM', () => {
    const ds = renderDataSource();
    assert.equal(ds.path, 'src/data/data-source.ts');
    assert.match(
      ds.content,
      /export default new DataSource\(\{\n {2}type: "postgres",\n {2}url: process\.env\.DATABASE_URL,\n {2}entities,\n {2}migrations: \[__dirname \+ "\/migrations\/\*\.\{ts,js\}"\],/,
    );
    const migration = renderMigration(blogPlan(), undefined, 1700000000000);
    const dir = writeServiceFolder([...generateEntities(modelOf(BLOG)), ds, migration]);
    const program = ts.createProgram([`${dir}/${ds.path}`, `${dir}/${migration.path}`], {
      strict: true,
      noEmit: true,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2020,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [`${dir}/node_modules/@types`],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(diagnostics, []);
  });
});

describe('the baseline of a service that has migrations but no snapshot', () => {
  test('the statements of a migration file', () => {
    assert.deepEqual(migrationStatements(ORIGINAL_MIGRATION), [
      'CREATE TABLE "Post" ("id" BIGSERIAL NOT NULL, "title" character varying NOT NULL, "body" character varying NOT NULL, CONSTRAINT "PK_c4d3b3dcd73db0b0129ea829f9f" PRIMARY KEY ("id"))',
    ]);
  });

  test('a service made for the original code.store: its migration is our schema, nothing to migrate', () => {
    const baseline = schemaFromMigrations(migrationStatements(ORIGINAL_MIGRATION));
    const model = modelOf(ORIGINAL_SCHEMA);
    const p = planMigration(baseline, physicalSchema(model), renamesOf(model, baseline));
    assert.equal(p.empty, true, p.up.join('\n'));
  });

  test('our own migrations read back as the schema they create', () => {
    for (const sdl of [BLOG, SCALARS, RELATIONS]) {
      const next = physicalSchema(modelOf(sdl));
      const source = renderMigration(planMigration(EMPTY_SCHEMA, next), 'Init', 1).content;
      assert.deepEqual(schemaDifferences(schemaFromMigrations(migrationStatements(source)), next), []);
    }
  });

  test('TypeORM-style statements', () => {
    const s = schemaFromMigrations([
      `CREATE TYPE "public"."Post_status_enum" AS ENUM('a', 'b')`,
      `CREATE TABLE "Post" ("id" SERIAL NOT NULL, "n" integer NOT NULL DEFAULT -1, "status" "public"."Post_status_enum" NOT NULL DEFAULT 'a', "tags" text array, "c" character varying(40), "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_n" UNIQUE ("n"), CONSTRAINT "PK_p" PRIMARY KEY ("id"))`,
      `CREATE INDEX "IDX_c" ON "Post" ("c") `,
      `ALTER TABLE "Post" RENAME COLUMN "c" TO "d"`,
      `ALTER TABLE "Post" ADD "authorId" integer`,
      `ALTER TABLE "Post" ADD CONSTRAINT "FK_a" FOREIGN KEY ("authorId") REFERENCES "Post"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
      `ALTER TYPE "public"."Post_status_enum" RENAME TO "Status"`,
    ]);
    const t = s.tables[0];
    assert.deepEqual(
      t.columns.map((c) => [
        c.name,
        c.type,
        c.length ?? null,
        c.array,
        c.nullable,
        c.default ?? null,
        c.generated ?? null,
        c.enumName ?? null,
      ]),
      [
        ['id', 'integer', null, false, false, null, 'increment', null],
        ['n', 'integer', null, false, false, '-1', null, null],
        ['status', 'Status', null, false, false, "'a'", null, 'Status'],
        ['tags', 'text', null, true, true, null, null, null],
        ['d', 'character varying', 40, false, true, null, null, null],
        ['at', 'timestamp with time zone', null, false, false, 'now()', null, null],
        ['authorId', 'integer', null, false, true, null, null, null],
      ],
    );
    assert.deepEqual(
      [t.primaryKey, t.uniques, t.indices, t.foreignKeys.map((f) => [f.name, f.onDelete])],
      [
        { name: 'PK_p', columns: ['id'] },
        [{ name: 'UQ_n', columns: ['n'] }],
        [{ name: 'IDX_c', columns: ['d'], unique: false }],
        [['FK_a', 'CASCADE']],
      ],
    );
    assert.deepEqual(
      s.enums.map((e) => [e.name, e.values]),
      [['Status', ['a', 'b']]],
    );
  });
});

describe('property: random schemas and evolutions (no database)', () => {
  const SEED = Number(process.env.CODESTORE_PLAN_SEED ?? 20251124);
  const RUNS = Number(process.env.CODESTORE_PLAN_RUNS ?? 1000);
  test(`plans reach the new schema and come back; safe changes warn nothing (seed ${SEED}, ${RUNS} runs)`, () => {
    console.log(`fast-check seed ${SEED}, ${RUNS} runs`);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 4 }), (seed, n) => {
        const r = new Random(seed);
        let spec = randomSpec(r);
        let prev = EMPTY_SCHEMA;
        const sources: string[] = [];
        for (let i = 0; i <= n; i++) {
          let destructive = false;
          if (i > 0) {
            const e = evolve(r, spec);
            spec = e.spec;
            destructive = e.destructive;
          }
          const model = modelOf(renderSpec(spec));
          const next = physicalSchema(model);
          const p = plan(prev, next, renamesOf(model, prev, next));
          if (!destructive)
            assert.deepEqual(
              p.warnings.map((w) => w.message),
              [],
              `step ${i}: ${renderSpec(spec)}`,
            );
          // Deterministic, and nothing left to do once applied.
          assert.deepEqual(planMigration(prev, next, renamesOf(model, prev, next)).up, p.up);
          assert.equal(planMigration(next, next, renamesOf(model, next, next)).empty, true);
          // The baseline reader reads our own migrations back as the schema.
          sources.push(renderMigration(p, 'Step', i).content);
          assert.deepEqual(
            schemaDifferences(schemaFromMigrations(sources.flatMap(migrationStatements)), next),
            [],
            `baseline after step ${i}`,
          );
          prev = next;
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  test('postgres dialect: every operation has SQL', () => {
    const p = planMigration(EMPTY_SCHEMA, physicalSchema(modelOf(RELATIONS)));
    for (const op of [...p.operations, ...p.downOperations]) assert.ok(postgres.sql(op).length > 0, op.op);
  });
});
