// The physical schema against its oracle, TypeORM itself: for the generated entities on an empty
// PGlite database, the CREATE statements TypeORM wants name exactly the tables, columns, types
// and constraints of physicalSchema(model); and after creating exactly that schema by hand,
// TypeORM wants nothing more. One PGlite for the whole file (it costs ~700 MB and seconds).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync } from 'fs';
import * as path from 'path';
import { DataSource } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { generateServiceSchema } from '../../bench/lib/generate-service-schema';
import type { DbColumn, DbSchema } from '../../core/src/codegen/dbSchema';
import { generateEntities } from '../../core/src/codegen/entities';
import { physicalSchema } from '../../core/src/codegen/physical';
import { EVERY_KIND_SCHEMA, loadEntities, REPO_ROOT, SCHEMA_WITH_ERRORS, serviceModel } from '../helpers/loadEntities';

const BLOG = readFileSync(path.join(REPO_ROOT, 'test/fixtures/blog/src/schema.graphql'), 'utf8');

describe('physicalSchema', () => {
  it('maps the blog to the names TypeORM gives', () => {
    const schema = physicalSchema(serviceModel(BLOG).model);
    assert.deepEqual(
      schema.tables.map((t) => t.name),
      ['Author', 'Post'],
    );
    const post = schema.tables[1];
    assert.deepEqual(
      post.columns.map((c) => c.name),
      ['id', 'title', 'body', 'authorId', 'tags', 'createdAt'],
    );
    assert.deepEqual(post.columns[0], {
      name: 'id',
      type: 'bigint',
      array: false,
      nullable: false,
      generated: 'increment',
      origin: { type: 'Post', field: 'id' },
    });
    assert.deepEqual(post.columns[3], {
      name: 'authorId',
      type: 'bigint',
      array: false,
      nullable: true,
      origin: { type: 'Post', field: 'author' },
    });
    assert.deepEqual(post.columns[4], {
      name: 'tags',
      type: 'character varying',
      array: true,
      nullable: true,
      origin: { type: 'Post', field: 'tags' },
    });
    assert.deepEqual(post.primaryKey, { name: 'PK_c4d3b3dcd73db0b0129ea829f9f', columns: ['id'] });
    assert.deepEqual(post.foreignKeys, [
      {
        name: 'FK_cef8d6e8edb69c82e5f10bb4026',
        columns: ['authorId'],
        referencedTable: 'Author',
        referencedColumns: ['id'],
        onDelete: 'NO ACTION',
        onUpdate: 'NO ACTION',
      },
    ]);
    assert.deepEqual(schema.tables[0].uniques, [{ name: 'UQ_78e2065c442428b64a16f577c63', columns: ['name'] }]);
    assert.deepEqual(schema.enums, []);
  });

  it('maps every kind: lengths, arrays, enums named after the GraphQL enum, defaults, junction tables', () => {
    const schema = physicalSchema(serviceModel(EVERY_KIND_SCHEMA).model);
    const table = (name: string) => schema.tables.find((t) => t.name === name)!;
    const column = (t: string, c: string) => table(t).columns.find((x) => x.name === c)!;
    assert.deepEqual(
      schema.tables.map((t) => t.name),
      [
        'Article',
        'Category',
        'Column',
        'Image',
        'Profile',
        'Tag',
        'Writer',
        'article_attachments_image',
        'article_related_article',
        'article_tags_tag',
        'writer_favourites_tag',
      ],
    );
    assert.equal(column('Article', 'title').length, 120);
    assert.equal(column('Article', 'title').type, 'character varying');
    assert.deepEqual(
      [column('Article', 'history').type, column('Article', 'history').enumName, column('Article', 'history').array],
      ['Status', 'Status', true],
    );
    assert.equal(column('Writer', 'status').enumName, 'Status');
    assert.deepEqual(schema.enums, [
      { name: 'Status', values: ['DRAFT', 'PUBLISHED', 'ARCHIVED'], origin: { type: 'Status' } },
      { name: 'Visibility', values: ['public', 'private', 'default'], origin: { type: 'Visibility' } },
    ]);
    assert.equal(column('Article', 'status').default, "'DRAFT'");
    // The key of Tag is `key`: join columns and junction columns follow it.
    assert.deepEqual(
      table('article_tags_tag').columns.map((c) => c.name),
      ['articleId', 'tagKey'],
    );
    assert.deepEqual(
      table('article_related_article').columns.map((c) => c.name),
      ['articleId_1', 'articleId_2'],
    );
    assert.deepEqual(table('article_tags_tag').origin, { type: 'Article', field: 'tags' });
    assert.deepEqual(table('article_tags_tag').columns[1].origin, { type: 'Tag', field: 'articles' });
    assert.ok(table('article_tags_tag').junction);
    assert.deepEqual(
      table('article_tags_tag').foreignKeys.map((f) => [f.onDelete, f.onUpdate]),
      [
        ['CASCADE', 'CASCADE'],
        ['CASCADE', 'CASCADE'],
      ],
    );
    // Owning one-to-one: the join column is on the type whose name sorts first, with TypeORM's REL_ unique.
    assert.ok(column('Profile', 'writerId'));
    assert.deepEqual(
      table('Profile').uniques.map((u) => [u.name.slice(0, 4), u.columns]),
      [['REL_', ['writerId']]],
    );
    assert.deepEqual(
      table('Profile').indices.map((i) => i.columns),
      [['writerId']],
    );
    assert.ok(column('Writer', 'menteeId'), 'self one-to-one: owned by the field whose name sorts first');
    assert.equal(
      table('Writer').columns.find((c) => c.name === 'mentorId'),
      undefined,
    );
    // The inverse sides store nothing.
    assert.equal(
      table('Writer').columns.some((c) => c.name.startsWith('articles') || c.name.startsWith('edited')),
      false,
    );
    assert.deepEqual(
      table('Article').foreignKeys.map((f) => [f.columns[0], f.onDelete]),
      [
        ['authorId', 'CASCADE'],
        ['editorId', 'SET NULL'],
        ['reviewerId', 'NO ACTION'],
        ['coverId', 'NO ACTION'],
      ],
    );
  });

  it('does not depend on the order of the definitions, and is the same every time', () => {
    const defs = EVERY_KIND_SCHEMA.split(/\n(?=type |enum |input |union |interface |extend |"A piece)/);
    const reversed = [defs[0], ...defs.slice(1).reverse()].join('\n');
    const a = physicalSchema(serviceModel(EVERY_KIND_SCHEMA).model);
    assert.deepEqual(physicalSchema(serviceModel(reversed).model), a);
    assert.equal(JSON.stringify(physicalSchema(serviceModel(EVERY_KIND_SCHEMA).model)), JSON.stringify(a));
  });

  it('leaves out what cannot be stored: entities without an ID, unstorable fields, relations to them', () => {
    const schema = physicalSchema(
      serviceModel(`
      type A { id: ID! name: String b: B bs: [B!] u: SearchResult x: [[Int]] s: Stats }
      type B { name: String a: A }
      type Stats @transient { n: Int }
      union SearchResult = A | B
    `).model,
    );
    assert.deepEqual(
      schema.tables.map((t) => [t.name, t.columns.map((c) => c.name)]),
      [['A', ['id', 'name']]],
    );
  });

  it('a field naming itself as its inverse is a bad inverse, stored one-sided', () => {
    const { model } = serviceModel('type P { id: ID! friends: [P!] @relation(inverse: "friends") }');
    assert.equal(model.entities.get('P')!.fields[1].relation!.badInverse, 'friends');
    assert.deepEqual(
      physicalSchema(model).tables.map((t) => t.name),
      ['P', 'p_friends_p'],
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The oracle.

/** What TypeORM's CREATE statements say, in the shape of DbSchema's names. */
interface SqlView {
  tables: Map<
    string,
    {
      columns: Map<string, { type: string; notNull: boolean; default?: string }>;
      primaryKey?: { name: string; columns: string[] };
      uniques: { name: string; columns: string[] }[];
      indices: { name: string; columns: string[]; unique: boolean }[];
      foreignKeys: {
        name: string;
        columns: string[];
        referencedTable: string;
        referencedColumns: string[];
        onDelete: string;
        onUpdate: string;
      }[];
    }
  >;
  enums: Map<string, string[]>;
}

const names = (list: string) => [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);

function splitTopLevel(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(body.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(body.slice(start).trim());
  return out;
}

function parseTypeOrmSql(queries: string[]): SqlView {
  const view: SqlView = { tables: new Map(), enums: new Map() };
  const table = (name: string) => {
    let t = view.tables.get(name);
    if (!t) view.tables.set(name, (t = { columns: new Map(), uniques: [], indices: [], foreignKeys: [] }));
    return t;
  };
  for (const q of queries) {
    let m: RegExpExecArray | null;
    if ((m = /^CREATE TYPE "public"\."([^"]+)" AS ENUM\((.*)\)$/.exec(q))) {
      view.enums.set(
        m[1],
        [...m[2].matchAll(/'([^']*)'/g)].map((v) => v[1]),
      );
    } else if ((m = /^CREATE TABLE "([^"]+)" \((.*)\)$/.exec(q))) {
      const t = table(m[1]);
      for (const item of splitTopLevel(m[2])) {
        let c: RegExpExecArray | null;
        if ((c = /^CONSTRAINT "([^"]+)" PRIMARY KEY \((.*)\)$/.exec(item))) t.primaryKey = { name: c[1], columns: names(c[2]) };
        else if ((c = /^CONSTRAINT "([^"]+)" UNIQUE \((.*)\)$/.exec(item))) t.uniques.push({ name: c[1], columns: names(c[2]) });
        else if ((c = /^"([^"]+)" (.*?)( NOT NULL)?(?: DEFAULT (.*))?$/.exec(item)))
          t.columns.set(c[1], { type: c[2], notNull: !!c[3], default: c[4] });
        else assert.fail(`unexpected item in ${q}: ${item}`);
      }
    } else if ((m = /^CREATE (UNIQUE )?INDEX "([^"]+)" ON "([^"]+)"\s*\((.*)\)\s*$/.exec(q))) {
      table(m[3]).indices.push({ name: m[2], columns: names(m[4]), unique: !!m[1] });
    } else if (
      (m =
        /^ALTER TABLE "([^"]+)" ADD CONSTRAINT "([^"]+)" FOREIGN KEY \((.*?)\) REFERENCES "([^"]+)"\((.*?)\) ON DELETE (.*) ON UPDATE (.*)$/.exec(
          q,
        ))
    ) {
      table(m[1]).foreignKeys.push({
        name: m[2],
        columns: names(m[3]),
        referencedTable: m[4],
        referencedColumns: names(m[5]),
        onDelete: m[6],
        onUpdate: m[7],
      });
    } else {
      assert.fail(`TypeORM wants a statement the physical schema does not describe: ${q}`);
    }
  }
  return view;
}

/** Upper case outside double quotes: TypeORM writes `TIMESTAMP WITH TIME ZONE`, `BIGSERIAL`. */
const typeKey = (sql: string) =>
  sql
    .split('"')
    .map((p, i) => (i % 2 ? p : p.toUpperCase()))
    .join('"');

function columnSqlType(c: DbColumn): string {
  if (c.generated === 'increment') return 'BIGSERIAL';
  const base = c.enumName ? `"public"."${c.enumName}"` : `${c.type}${c.length !== undefined ? `(${c.length})` : ''}`;
  return c.array ? `${base} array` : base;
}

/** TypeORM writes integer and negative decimal defaults quoted (`'0'`); PostgreSQL reads both forms the same. */
const defaultKey = (sql: string | undefined) => sql?.trim().replace(/^'(-?\d+(\.\d+)?)'$/, '$1');

function assertSqlDescribes(view: SqlView, schema: DbSchema): void {
  assert.deepEqual(
    [...view.tables.keys()].sort(),
    schema.tables.map((t) => t.name),
    'tables',
  );
  for (const t of schema.tables) {
    const actual = view.tables.get(t.name)!;
    const where = `table "${t.name}"`;
    assert.deepEqual(
      [...actual.columns.entries()]
        .map(([name, c]) => ({ name, type: typeKey(c.type), notNull: c.notNull, default: defaultKey(c.default) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      t.columns
        .map((c) => ({ name: c.name, type: typeKey(columnSqlType(c)), notNull: !c.nullable, default: defaultKey(c.default) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      `${where}: columns`,
    );
    assert.deepEqual(actual.primaryKey, t.primaryKey, `${where}: primary key`);
    const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(byName(actual.uniques), byName(t.uniques), `${where}: unique constraints`);
    assert.deepEqual(byName(actual.indices), byName(t.indices), `${where}: indices`);
    assert.deepEqual(byName(actual.foreignKeys), byName(t.foreignKeys), `${where}: foreign keys`);
  }
  assert.deepEqual(
    [...view.enums.entries()].sort(([a], [b]) => a.localeCompare(b)),
    schema.enums.map((e) => [e.name, e.values]),
    'enum types',
  );
}

/** Plain DDL for exactly the physical schema, as a migration would create it. */
function ddl(schema: DbSchema): string[] {
  const q = (n: string) => `"${n}"`;
  const list = (cols: string[]) => cols.map(q).join(', ');
  const out: string[] = [];
  for (const e of schema.enums) out.push(`CREATE TYPE ${q(e.name)} AS ENUM (${e.values.map((v) => `'${v}'`).join(', ')})`);
  for (const t of schema.tables) {
    const items = t.columns.map((c) => {
      const type = c.generated
        ? 'BIGSERIAL'
        : `${c.enumName ? q(c.enumName) : c.type}${c.length !== undefined ? `(${c.length})` : ''}${c.array ? '[]' : ''}`;
      return `${q(c.name)} ${type}${c.nullable ? '' : ' NOT NULL'}${c.default !== undefined ? ` DEFAULT ${c.default}` : ''}`;
    });
    items.push(`CONSTRAINT ${q(t.primaryKey.name)} PRIMARY KEY (${list(t.primaryKey.columns)})`);
    for (const u of t.uniques) items.push(`CONSTRAINT ${q(u.name)} UNIQUE (${list(u.columns)})`);
    out.push(`CREATE TABLE ${q(t.name)} (${items.join(', ')})`);
    for (const i of t.indices) out.push(`CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${q(i.name)} ON ${q(t.name)} (${list(i.columns)})`);
  }
  for (const t of schema.tables) {
    for (const f of t.foreignKeys) {
      out.push(
        `ALTER TABLE ${q(t.name)} ADD CONSTRAINT ${q(f.name)} FOREIGN KEY (${list(f.columns)}) REFERENCES ${q(f.referencedTable)} (${list(f.referencedColumns)}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`,
      );
    }
  }
  return out;
}

// Defaults in the forms PostgreSQL reports back differently from how they were written.
const DEFAULTS_SCHEMA = `
enum Level { LOW HIGH }
type Defaults {
  id: ID!
  zero: Int! @default(value: "0")
  negative: Int @default(value: "-1")
  big: BigInt @default(value: "9999999999")
  huge: BigInt @default(value: "123456789012345678")
  ratio: Float @default(value: "1.5")
  below: Float @default(value: "-2.5")
  amount: Decimal @default(value: "-0.25")
  plain: Decimal @default(value: "10.50")
  expression: Int @default(value: "(1 + 2)")
  quotedNumber: Int @default(value: "'7'")
  text: String @default(value: "'it''s'")
  empty: String @default(value: "''")
  short: String @length(max: 5) @default(value: "'ab'")
  flag: Boolean @default(value: "TRUE")
  at: DateTime @default(value: "now()")
  created: DateTime @default(value: "CURRENT_TIMESTAMP")
  precise: DateTime @default(value: "current_timestamp(3)")
  local: DateTime @default(value: "LOCALTIMESTAMP")
  today: Date @default(value: "CURRENT_DATE")
  day: Date @default(value: "'2020-01-01'")
  doc: JSON @default(value: "'{\\"a\\": 1}'")
  list: [Int!] @default(value: "'{1,2}'")
  level: Level @default(value: "'LOW'")
  levels: [Level!] @default(value: "'{HIGH}'")
}
`;

describe('physicalSchema agrees with TypeORM on PGlite', () => {
  let dataSource: DataSource | undefined;
  const driver = new PGliteDriver().driver;
  const removers: (() => void)[] = [];

  /** A DataSource for the schema's generated entities, on the file's PGlite, with an empty public schema. */
  async function open(sdl: string): Promise<{ dataSource: DataSource; schema: DbSchema }> {
    const { model } = serviceModel(sdl);
    const loaded = loadEntities(generateEntities(model));
    removers.push(loaded.remove);
    // Every DataSource shares typeorm-pglite's one PGlite instance; destroying one closes it,
    // so only the last is destroyed, in `after`.
    dataSource = new DataSource({ type: 'postgres', driver, entities: loaded.entities });
    await dataSource.initialize();
    await dataSource.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    return { dataSource, schema: physicalSchema(model) };
  }

  after(async () => {
    await dataSource?.destroy();
    for (const remove of removers) remove();
  });

  const schemas: [string, () => string][] = [
    ['the blog', () => BLOG],
    ['every kind of field and relation', () => EVERY_KIND_SCHEMA],
    ['defaults PostgreSQL rewrites', () => DEFAULTS_SCHEMA],
    ['a schema with platform errors', () => SCHEMA_WITH_ERRORS],
    ['a generated 300-entity service', () => generateServiceSchema(300, 42).sdl],
  ];
  for (const [title, sdl] of schemas) {
    describe(title, () => {
      let opened: { dataSource: DataSource; schema: DbSchema };
      before(async () => {
        opened = await open(sdl());
      });

      it('on an empty database, TypeORM wants exactly the tables, columns and constraints of the physical schema', async () => {
        const sql = await opened.dataSource.driver.createSchemaBuilder().log();
        assertSqlDescribes(parseTypeOrmSql(sql.upQueries.map((q) => q.query)), opened.schema);
      });

      it('after creating exactly the physical schema, TypeORM wants no change', async () => {
        await opened.dataSource.query(ddl(opened.schema).join(';\n'));
        const sql = await opened.dataSource.driver.createSchemaBuilder().log();
        assert.deepEqual(
          sql.upQueries.map((q) => q.query),
          [],
        );
      });
    });
  }
});
