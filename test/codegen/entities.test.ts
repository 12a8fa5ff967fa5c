// The generated TypeORM entities and resolver types: what they say, that they are deterministic,
// that they compile under `tsc --strict` with decorators (the blog, every kind of field and
// relation, a 300-entity service), and that resolvers written against the types compile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync, rmSync } from 'fs';
import * as path from 'path';
import ts from 'typescript';
import { generateServiceSchema } from '../../bench/lib/generate-service-schema';
import { generateEntities } from '../../core/src/codegen/entities';
import { GENERATED_HEADER, GeneratedFile } from '../../core/src/codegen/files';
import { generateResolverTypes, RESOLVER_TYPES_PATH } from '../../core/src/codegen/resolverTypes';
import { DataSource } from 'typeorm';
import { EVERY_KIND_SCHEMA, loadEntities, REPO_ROOT, SCHEMA_WITH_ERRORS, serviceModel, writeServiceFolder } from '../helpers/loadEntities';

const BLOG = readFileSync(path.join(REPO_ROOT, 'test/fixtures/blog/src/schema.graphql'), 'utf8');

const generate = (sdl: string): GeneratedFile[] => {
  const { doc, model } = serviceModel(sdl);
  return [...generateEntities(model), generateResolverTypes(doc, model)];
};
const file = (files: GeneratedFile[], p: string) => {
  const f = files.find((x) => x.path === p);
  assert.ok(f, `no generated file ${p}; have ${files.map((x) => x.path).join(', ')}`);
  return f.content;
};
const entity = (files: GeneratedFile[], name: string) => file(files, `src/data/entities/${name}.ts`);
const header = GENERATED_HEADER + '\n\n';

describe('generateEntities', () => {
  it('writes the blog entities', () => {
    const files = generate(BLOG);
    assert.deepEqual(
      files.map((f) => f.path),
      [
        'src/data/entities/Author.ts',
        'src/data/entities/Post.ts',
        'src/data/entities/enums.ts',
        'src/data/entities/index.ts',
        RESOLVER_TYPES_PATH,
      ],
    );
    assert.equal(
      entity(files, 'Post'),
      header +
        `import { BaseEntity, Column, Entity, ManyToOne, PrimaryGeneratedColumn, type Relation } from "typeorm";
import Author from "./Author";

@Entity("Post")
export default class Post extends BaseEntity {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column("character varying")
  title!: string;

  @Column("character varying")
  body!: string;

  @ManyToOne(() => Author, (author) => author.posts, { nullable: true, onDelete: "NO ACTION" })
  author!: Relation<Author> | null;

  @Column("character varying", { array: true, nullable: true })
  tags!: string[] | null;

  @Column("timestamp with time zone", { nullable: true })
  createdAt!: Date | null;
}
`,
    );
    assert.equal(
      entity(files, 'Author'),
      header +
        `import { BaseEntity, Column, Entity, OneToMany, PrimaryGeneratedColumn, type Relation } from "typeorm";
import Post from "./Post";

@Entity("Author")
export default class Author extends BaseEntity {
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column("character varying", { unique: true })
  name!: string;

  @OneToMany(() => Post, (post) => post.author)
  posts!: Relation<Post[]>;
}
`,
    );
    assert.equal(
      entity(files, 'index'),
      header +
        `import Author from "./Author";
import Post from "./Post";

export { Author, Post };
export * from "./enums";

/** Every entity, for \`new DataSource({ entities })\`. */
export const entities = [Author, Post];
`,
    );
    assert.equal(entity(files, 'enums'), header + 'export {};\n');
  });

  it('maps every kind of field and relation to its decorator and type', () => {
    const files = generate(EVERY_KIND_SCHEMA);
    const article = entity(files, 'Article');
    const has = (text: string, snippet: string) => assert.ok(text.includes(snippet), `missing:\n${snippet}\nin:\n${text}`);
    // `Column` is also a GraphQL type here: TypeORM's decorator is imported under another name.
    has(
      article,
      'import { BaseEntity, Column as OrmColumn, Entity, Index, JoinTable, ManyToMany, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from "typeorm";',
    );
    has(article, '@Entity("Article")\n@Unique(["reviewer"])\nexport default class Article extends BaseEntity {');
    has(article, '  @Index()\n  @OrmColumn("character varying", { length: 120 })\n  title!: string;');
    has(article, '  @OrmColumn("character varying", { length: 80, nullable: true, unique: true })\n  slug!: string | null;');
    has(article, '  @OrmColumn("integer", { default: 0 })\n  wordCount!: number;');
    has(article, '  @OrmColumn("double precision", { nullable: true, default: "-1.5" })\n  rating!: number | null;');
    has(article, '  @OrmColumn("boolean", { default: () => "false" })\n  published!: boolean;');
    has(article, '  @OrmColumn("date", { nullable: true })\n  day!: string | null;');
    has(article, '  @OrmColumn("jsonb", { nullable: true, default: () => "\'{}\'" })\n  meta!: unknown;');
    has(article, '  @OrmColumn("bigint", { default: 0 })\n  views!: string;');
    has(article, '  @OrmColumn("numeric", { nullable: true, default: () => "9.99" })\n  price!: string | null;');
    has(article, '  @OrmColumn("character varying", { array: true, nullable: true })\n  externalIds!: string[] | null;');
    has(article, '  @OrmColumn("integer", { array: true })\n  scores!: number[];');
    has(article, '  @OrmColumn({ type: "enum", enum: Status, enumName: "Status", default: () => "\'DRAFT\'" })\n  status!: Status;');
    has(
      article,
      '  @OrmColumn({ type: "enum", enum: Status, enumName: "Status", array: true, nullable: true })\n  history!: Status[] | null;',
    );
    has(
      article,
      '  @Index()\n  @ManyToOne(() => Writer, (writer) => writer.articles, { nullable: false, onDelete: "CASCADE" })\n  author!: Relation<Writer>;',
    );
    has(
      article,
      '  @ManyToOne(() => Writer, (writer) => writer.edited, { nullable: true, onDelete: "SET NULL" })\n  editor!: Relation<Writer> | null;',
    );
    has(article, '  @ManyToOne(() => Writer, { nullable: true, onDelete: "NO ACTION" })\n  reviewer!: Relation<Writer> | null;');
    has(article, '  @ManyToMany(() => Tag, (tag) => tag.articles)\n  @JoinTable()\n  tags!: Relation<Tag[]>;');
    has(article, '  @ManyToMany(() => Article, (article) => article.relatedFrom)\n  @JoinTable()\n  related!: Relation<Article[]>;');
    has(article, '  @ManyToMany(() => Article, (article) => article.related)\n  relatedFrom!: Relation<Article[]>;');
    has(article, '  @ManyToMany(() => Image)\n  @JoinTable()\n  attachments!: Relation<Image[]>;');
    has(article, 'import { Status, Visibility } from "./enums";');
    assert.ok(!article.includes('import Article'), 'a self relation does not import itself');
    const profile = entity(files, 'Profile');
    // @unique on an owning one-to-one adds nothing: TypeORM makes its join column unique already.
    has(profile, '@Entity("Profile")\nexport default class Profile');
    has(
      profile,
      '  @Index()\n  @OneToOne(() => Writer, (writer) => writer.profile, { nullable: false, onDelete: "CASCADE" })\n  @JoinColumn()\n  writer!: Relation<Writer>;',
    );
    const writer = entity(files, 'Writer');
    has(writer, '  @OneToOne(() => Profile, (profile) => profile.writer)\n  profile!: Relation<Profile> | null;');
    has(writer, '  @OneToOne(() => Writer, (writer) => writer.mentee)\n  mentor!: Relation<Writer> | null;');
    has(
      writer,
      '  @OneToOne(() => Writer, (writer) => writer.mentor, { nullable: true, onDelete: "NO ACTION" })\n  @JoinColumn()\n  mentee!: Relation<Writer> | null;',
    );
    has(writer, '  @OneToMany(() => Article, (article) => article.author)\n  articles!: Relation<Article[]>;');
    has(entity(files, 'Tag'), '  @PrimaryGeneratedColumn({ type: "bigint" })\n  key!: string;');
    has(entity(files, 'Column'), 'export default class Column extends BaseEntity {');
    has(entity(files, 'enums'), 'export enum Visibility {\n  "public" = "public",\n  "private" = "private",\n  "default" = "default"\n}');
    for (const f of files) assert.ok(f.content.startsWith(header), `${f.path} starts with the generated header`);
  });

  it('is byte-identical for the same model, whatever the order of the definitions', () => {
    const defs = EVERY_KIND_SCHEMA.split(/\n(?=type |enum |input |union |interface |extend |"A piece)/);
    const reversed = [defs[0], ...defs.slice(1).reverse()].join('\n');
    const once = generate(EVERY_KIND_SCHEMA).filter((f) => f.path !== RESOLVER_TYPES_PATH);
    assert.deepEqual(
      generate(EVERY_KIND_SCHEMA).filter((f) => f.path !== RESOLVER_TYPES_PATH),
      once,
    );
    assert.deepEqual(
      generate(reversed).filter((f) => f.path !== RESOLVER_TYPES_PATH),
      once,
    );
  });

  it('loads into TypeORM with relation properties typed through Relation<T>, so no import cycle is touched at load time', () => {
    const { model } = serviceModel(EVERY_KIND_SCHEMA);
    const loaded = loadEntities(generateEntities(model));
    try {
      const Article = loaded.exports.Article as { prototype: object; name: string };
      assert.equal(Article.name, 'Article');
      assert.equal(loaded.entities.length, 7);
      const designType = (prop: string) => Reflect.getMetadata('design:type', Article.prototype, prop);
      assert.equal(designType('author'), Object);
      assert.equal(designType('tags'), Object);
      assert.equal(designType('title'), String);
      assert.deepEqual(loaded.exports.Status, { DRAFT: 'DRAFT', PUBLISHED: 'PUBLISHED', ARCHIVED: 'ARCHIVED' });
    } finally {
      loaded.remove();
    }
  });

  it('tolerates platform errors: what cannot be stored is left out, unpaired relations are one-sided', async () => {
    const files = generate(SCHEMA_WITH_ERRORS);
    assert.deepEqual(
      files.map((f) => f.path).filter((p) => p.endsWith('.ts')),
      [
        'src/data/entities/A.ts',
        'src/data/entities/B.ts',
        'src/data/entities/C.ts',
        'src/data/entities/D.ts',
        'src/data/entities/enums.ts',
        'src/data/entities/index.ts',
        RESOLVER_TYPES_PATH,
      ],
    );
    const a = entity(files, 'A');
    for (const gone of ['noKey', 'grid', 'computed']) assert.ok(!a.includes(`${gone}!`), `${gone} is left out`);
    assert.ok(a.includes('  @ManyToOne(() => B, { nullable: true, onDelete: "NO ACTION" })\n  b1!: Relation<B> | null;'), a);
    assert.ok(a.includes('  @ManyToOne(() => A, { nullable: true, onDelete: "NO ACTION" })\n  self!: Relation<A> | null;'), a);
    assert.ok(a.includes('  @ManyToOne(() => D, { nullable: true, onDelete: "NO ACTION" })\n  alsoD!: Relation<D> | null;'), a);
    assert.ok(entity(files, 'D').includes('  @ManyToMany(() => A)\n  @JoinTable()\n  a!: Relation<A[]>;'));
    // TypeORM accepts the entities (its metadata validator runs without a database).
    const loaded = loadEntities(files);
    try {
      const dataSource = new DataSource({ type: 'postgres', entities: loaded.entities });
      await (dataSource as unknown as { buildMetadatas(): Promise<void> }).buildMetadatas();
      assert.deepEqual(dataSource.entityMetadatas.map((m) => m.tableName).sort(), ['A', 'B', 'C', 'D', 'd_a_a']);
    } finally {
      loaded.remove();
    }
  });
});

describe('generateResolverTypes', () => {
  it('declares args and results of every Query and Mutation field for the blog', () => {
    const content = file(generate(BLOG), RESOLVER_TYPES_PATH);
    for (const line of [
      'import type { Post } from "./entities";',
      'export interface Context {\n  db: { connection: DataSource };\n',
      '  headers: Record<string, string | string[] | undefined>;\n}',
      '  allPosts: Record<string, never>;\n  post: { id: string };',
      '  allPosts: Resolver<QueryArgs["allPosts"], Post[]>;\n  post: Resolver<QueryArgs["post"], Post | null>;',
      '  createPost: { title: string; body: string };',
      '  createPost: Resolver<MutationArgs["createPost"], Post>;',
    ])
      assert.ok(content.includes(line), `missing:\n${line}\nin:\n${content}`);
  });

  it('maps inputs, enums, transient types, unions, interfaces and extensions', () => {
    const content = file(generate(EVERY_KIND_SCHEMA), RESOLVER_TYPES_PATH);
    for (const line of [
      'import type { Article, Column, Writer } from "./entities";',
      'import type { Status } from "./entities/enums";',
      // Optional when it may be left out; an argument with a default is always there, maybe null.
      '  articles: { status?: Status | null; first: number | null };',
      'export interface ArticleInput {\n  title: string;\n  status: Status | null;\n  tagKeys?: string[] | null;\n  publishedAt?: string | null;\n}',
      '/** Counts, computed on request. */\nexport interface Stats {\n  articles: number;\n  topWriter?: Writer | null;\n  /** Anything else. */\n  extra?: unknown;\n}',
      'export type SearchResult = Article | Writer | Stats;',
      'export type Named = Writer;',
      // A prelude enum is not among the entities' enums: declared here.
      'export enum OnDeleteAction {',
      '  columns: Resolver<QueryArgs["columns"], (Column | null)[] | null>;',
      '  today: Resolver<QueryArgs["today"], string>;',
      '  createArticle: Resolver<MutationArgs["createArticle"], Article>;',
    ])
      assert.ok(content.includes(line), `missing:\n${line}\nin:\n${content}`);
  });

  it('renames GraphQL types that clash with its own names', () => {
    const content = file(
      generate(`
      type Context { id: ID! }
      input Resolver { x: Int }
      type Query { context(r: Resolver): Context }
    `),
      RESOLVER_TYPES_PATH,
    );
    assert.ok(content.includes('import type { Context as Context_ } from "./entities";'), content);
    assert.ok(content.includes('export interface Resolver_ {'), content);
    assert.ok(content.includes('  context: Resolver<QueryArgs["context"], Context_ | null>;'), content);
  });
});

// ---------------------------------------------------------------------------------------------

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUnusedLocals: true,
  noImplicitReturns: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  isolatedModules: true,
  types: [],
  // TypeORM's own declarations need @types/node, which `types: []` leaves out.
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2020,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  noEmit: true,
};

// Type names that are TypeScript globals, TypeORM exports or names of the resolver types file.
const NAMES_TYPESCRIPT_RESERVES = `
type Object { id: ID! at: DateTime! next: Object @relation(inverse: "previous") previous: Object @relation(inverse: "next") }
type Record { id: ID! objects: [Object!] promise: Promise }
enum Promise { KEPT BROKEN }
type Context { id: ID! promise: Promise! }
type Relation { id: ID! entity: Entity }
type Entity { id: ID! relations: [Relation!]! }
input Resolver { promise: Promise }
type Query { object(id: ID!): Object records(r: Resolver): [Record!]! context: Context promise: Promise relation: Relation }
`;

// Resolvers a developer would write against the generated types.
const BLOG_RESOLVERS: GeneratedFile[] = [
  {
    path: 'src/resolvers/queries/allPosts.ts',
    content: `import { Post } from "../../data/entities";
import type { QueryResolvers } from "../../data/resolverTypes";

const allPosts: QueryResolvers["allPosts"] = async (parent, args, context) =>
  context.db.connection.getRepository(Post).find({ relations: { author: true } });
export default allPosts;
`,
  },
  {
    path: 'src/resolvers/queries/post.ts',
    content: `import { Post } from "../../data/entities";
import type { QueryResolvers } from "../../data/resolverTypes";

const post: QueryResolvers["post"] = async (parent, args, { db }) => db.connection.getRepository(Post).findOneBy({ id: args.id });
export default post;
`,
  },
  {
    path: 'src/resolvers/mutations/createPost.ts',
    content: `import { Author, Post } from "../../data/entities";
import type { MutationResolvers } from "../../data/resolverTypes";

const createPost: MutationResolvers["createPost"] = async (parent, { title, body }) => {
  const author: Author | null = await Author.findOneBy({ name: "me" });
  return Post.create({ title, body, author, tags: ["new"], createdAt: new Date() }).save();
};
export default createPost;
`,
  },
];

const EVERY_KIND_RESOLVERS: GeneratedFile[] = [
  {
    path: 'src/resolvers/queries/articles.ts',
    content: `import { Article, Status } from "../../data/entities";
import type { QueryResolvers } from "../../data/resolverTypes";

const articles: QueryResolvers["articles"] = async (parent, args, context) =>
  context.db.connection.getRepository(Article).find({ where: { status: args.status ?? Status.PUBLISHED }, take: args.first ?? 10 });
export default articles;
`,
  },
  {
    path: 'src/resolvers/queries/search.ts',
    content: `import { Article, Writer } from "../../data/entities";
import type { QueryResolvers } from "../../data/resolverTypes";

const search: QueryResolvers["search"] = async (parent, { text }) => [
  ...(await Article.findBy({ title: text })),
  ...(await Writer.findBy({ name: text })),
  { articles: await Article.count() },
];
export default search;
`,
  },
  {
    path: 'src/resolvers/mutations/createArticle.ts',
    content: `import { Article, Status, Tag } from "../../data/entities";
import type { MutationResolvers } from "../../data/resolverTypes";
import { In } from "typeorm";

const createArticle: MutationResolvers["createArticle"] = async (parent, { input }) => {
  const tags = input.tagKeys ? await Tag.findBy({ key: In(input.tagKeys) }) : [];
  return Article.create({ title: input.title, status: input.status ?? Status.DRAFT, tags, scores: [] }).save();
};
export default createArticle;
`,
  },
];

// Each line must not compile: the types catch a wrong argument, a missing result, a wrong result.
const WRONG_BLOG_RESOLVERS: GeneratedFile[] = [
  {
    path: 'src/resolvers/queries/wrong.ts',
    content: `import type { MutationResolvers, QueryResolvers } from "../../data/resolverTypes";

export const a: QueryResolvers["post"] = async (parent, args) => { void args.title; return null; };
export const b: MutationResolvers["createPost"] = async () => null;
export const c: QueryResolvers["allPosts"] = async () => [{ title: 1 }];
`,
  },
];

describe('generated sources compile under tsc --strict with decorators', () => {
  // One program for all the service folders: TypeORM's declarations are read once.
  const services: Record<string, GeneratedFile[]> = {};
  let dir = '';
  let diagnostics: readonly ts.Diagnostic[] = [];
  const inService = (name: string) => diagnostics.filter((d) => d.file?.fileName.startsWith(path.join(dir, name) + path.sep));
  const format = (ds: readonly ts.Diagnostic[]) =>
    ts.formatDiagnostics(ds, {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => dir,
      getNewLine: () => '\n',
    });

  before(() => {
    services.blog = [...generate(BLOG), ...BLOG_RESOLVERS];
    services.wrong = [...generate(BLOG), ...WRONG_BLOG_RESOLVERS];
    services.every = [...generate(EVERY_KIND_SCHEMA), ...EVERY_KIND_RESOLVERS];
    services.large = generate(generateServiceSchema(300, 42).sdl);
    services.errors = generate(SCHEMA_WITH_ERRORS);
    services.empty = generate('type Query { ping: Boolean }');
    services.names = generate(NAMES_TYPESCRIPT_RESERVES);
    const all = Object.entries(services).flatMap(([name, files]) => files.map((f) => ({ path: `${name}/${f.path}`, content: f.content })));
    dir = writeServiceFolder(all, 'codestore-tsc-');
    const program = ts.createProgram(
      all.map((f) => path.join(dir, f.path)),
      COMPILER_OPTIONS,
    );
    diagnostics = ts.getPreEmitDiagnostics(program);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('nothing outside the service folders is reported', () => {
    assert.equal(format(diagnostics.filter((d) => !Object.keys(services).some((s) => inService(s).includes(d)))), '');
  });
  it('the blog, with its resolvers', () => assert.equal(format(inService('blog')), ''));
  it('every kind of field and relation, with resolvers using enums, inputs and unions', () => assert.equal(format(inService('every')), ''));
  it('a generated 300-entity service', () => {
    assert.equal(services.large.length, 300 + 3);
    assert.equal(format(inService('large')), '');
  });
  it('a schema with platform errors', () => assert.equal(format(inService('errors')), ''));
  it('GraphQL names TypeScript reserves or the generated files use', () => assert.equal(format(inService('names')), ''));
  it('a service without entities', () => assert.equal(format(inService('empty')), ''));
  it('a resolver with a wrong argument or result does not compile', () => {
    const lines = inService('wrong').map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1);
    assert.deepEqual([...new Set(lines)].sort(), [3, 4, 5], format(inService('wrong')));
  });
});
