// The service folder as the extension reads and writes it (client/src/serviceFolder.ts): serviceId in
// codestore.yaml, a new service's files, and the destructive statements of a pending migration.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { renderMigration } from '../../core/src/codegen/migrations/file';
import type { MigrationPlan } from '../../core/src/codegen/migrations/types';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import { checkPlatformRules } from '../../core/src/schema/platformRules';
import { destructiveChanges, folderNameFor, readServiceId, scaffoldServiceFiles, withServiceId } from '../../client/src/serviceFolder';

describe('extension: codestore.yaml', () => {
  it('reads serviceId as the yaml package does', () => {
    for (const text of [
      'serviceId: blog-service\n',
      'name: x\nserviceId: "blog-service" # the id\n',
      "serviceId: 'blog''s'\n",
      'serviceId: blog # comment\nother: 1\n',
      '# only a comment\n',
      'serviceId:\n',
      'serviceId: ~\n',
      '',
      'nested:\n  serviceId: not-this\n',
    ]) {
      const expected = ((parseYaml(text) ?? {}) as { serviceId?: unknown }).serviceId;
      assert.equal(readServiceId(text), typeof expected === 'string' && expected ? expected : undefined, JSON.stringify(text));
    }
  });

  it('writes serviceId: replaces the line (keeping its comment) or adds one, keeping the rest', () => {
    assert.equal(withServiceId('', 'blog-k3x9q2'), 'serviceId: blog-k3x9q2\n');
    assert.equal(withServiceId('# a service\nname: blog', 'blog-k3x9q2'), '# a service\nname: blog\nserviceId: blog-k3x9q2\n');
    assert.equal(withServiceId('serviceId: old # keep\nname: x\n', 'new-1'), 'serviceId: new-1 # keep\nname: x\n');
    assert.equal(withServiceId('serviceId: "old"\r\n', 'new-1'), 'serviceId: new-1\r\n');
    assert.equal(withServiceId('a: 1\r\n', 'new-1'), 'a: 1\r\nserviceId: new-1\r\n');
    assert.equal(withServiceId('a: 1\n', 'odd id'), 'a: 1\nserviceId: "odd id"\n');
    for (const text of ['name: x\n', 'serviceId: old # c\nx: 1\n', '']) {
      assert.equal((parseYaml(withServiceId(text, 'svc-1')) as { serviceId: string }).serviceId, 'svc-1');
    }
    assert.throws(() => withServiceId('{ name: x }\n', 'a'), /not a plain mapping/);
    assert.throws(() => withServiceId('- a\n', 'a'), /not a plain mapping/);
  });
});

describe('extension: a new service', () => {
  it('is codestore.yaml, a schema the platform rules accept, its resolver, and the project files', () => {
    const files = scaffoldServiceFiles('My Blog');
    assert.deepEqual(
      files.map((f) => f.path),
      ['codestore.yaml', 'src/schema.graphql', 'src/resolvers/queries/hello.ts', 'package.json', 'tsconfig.json', '.gitignore'],
    );
    assert.equal(JSON.parse(files[3].content).name, 'my-blog');
    assert.equal(readServiceId(files[0].content), undefined);
    const analysis = new SchemaAnalysis({ prelude: true });
    analysis.update(files[1].content);
    const diagnostics = [
      ...analysis.diagnostics(),
      ...checkPlatformRules(analysis, { queries: new Set(['hello']), mutations: new Set() }).diagnostics,
    ];
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      [],
    );
    assert.match(files[2].content, /export default async function hello\(/);
    assert.equal(folderNameFor('My Blog!'), 'my-blog');
    assert.equal(folderNameFor('  '), 'service');
  });
});

describe('extension: destructive pending migrations', () => {
  const migration = (up: string[], down: string[], warnings: MigrationPlan['warnings'] = []) =>
    renderMigration({ empty: false, operations: [], downOperations: [], up, down, warnings } as unknown as MigrationPlan, 'Pending', 1)
      .content;

  it("finds DROP TABLE and DROP COLUMN in up(), with the generator's warnings, and ignores down()", () => {
    const text = migration(
      [
        'ALTER TABLE "Post" DROP COLUMN "body"',
        'DROP TABLE "Tag"',
        'ALTER TABLE "Post" ADD "x" integer',
        'ALTER TABLE "Post" DROP CONSTRAINT "FK_1"',
      ],
      ['CREATE TABLE "Tag" ("id" BIGSERIAL)', 'DROP TABLE "New"'],
      [
        {
          code: 'migration-drop-column',
          message: 'Post.body is dropped with its data.',
          origin: { type: 'Post', field: 'body' },
          fixes: [],
        },
        { code: 'migration-drop-table', message: 'Tag is dropped with its rows.', origin: { type: 'Tag' }, fixes: [] },
        { code: 'migration-add-unique', message: 'may fail', origin: { type: 'Post' }, fixes: [] },
      ],
    );
    assert.deepEqual(destructiveChanges(text), {
      statements: ['ALTER TABLE "Post" DROP COLUMN "body"', 'DROP TABLE "Tag"'],
      warnings: ['Post.body is dropped with its data.', 'Tag is dropped with its rows.'],
    });
  });

  it('finds nothing in a migration that only adds, even when its down() drops', () => {
    assert.deepEqual(destructiveChanges(migration(['CREATE TABLE "Post" ("id" BIGSERIAL)'], ['DROP TABLE "Post"'])), {
      statements: [],
      warnings: [],
    });
    assert.deepEqual(destructiveChanges('not a migration'), { statements: [], warnings: [] });
  });

  it('reads statements with backquotes escaped', () => {
    const text = migration(['ALTER TABLE "a`b" DROP COLUMN "c"'], []);
    assert.deepEqual(destructiveChanges(text).statements, ['ALTER TABLE "a`b" DROP COLUMN "c"']);
  });
});
