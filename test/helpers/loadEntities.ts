// Loads generated entity sources into this process as TypeORM would run them: each file is
// transpiled with decorators and decorator metadata (tsx does not apply those settings to files
// outside the repository's tsconfig), written to a fresh temporary folder whose node_modules is
// the repository's, and required. Every call gets its own folder, so its classes are new.
// Also the schemas the code generation tests share, and the model of a schema as a service sees it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { DefinitionNode, DocumentNode, Kind, parse } from 'graphql';
import { tmpdir } from 'os';
import * as path from 'path';
import ts from 'typescript';
import { buildModel, DataModel } from '../../core/src/model/model';
import { preludeDefinitions } from '../../core/src/schema/prelude';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface GeneratedSource {
  /** Relative to the service folder, e.g. `src/data/entities/Post.ts`. */
  path: string;
  content: string;
}

export interface LoadedEntities {
  /** The entity classes, in the order of the generated index's `entities`. */
  entities: Function[];
  /** Every export of the generated index (entity classes by name, enums). */
  exports: Record<string, unknown>;
  /** The temporary service folder holding the compiled files. */
  dir: string;
  /** Deletes the temporary folder. */
  remove(): void;
}

export const TRANSPILE_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  // ES2020 keeps `id!: string` a declaration only; with ES2022 class fields every undeclared
  // column would be initialized to undefined on construction.
  target: ts.ScriptTarget.ES2020,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
};

/** Writes `files` to a new temporary service folder (sources as they are), with node_modules linked. */
export function writeServiceFolder(files: GeneratedSource[], prefix = 'codestore-gen-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  for (const f of files) {
    const target = path.join(dir, f.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
  }
  return dir;
}

/**
 * Transpiles and requires generated files; `index` is the module whose `entities` export lists
 * the entity classes (by default the generated entities index).
 */
export function loadEntities(files: GeneratedSource[], index = 'src/data/entities/index.ts'): LoadedEntities {
  const compiled = files
    .filter((f) => f.path.endsWith('.ts'))
    .map((f) => {
      const out = ts.transpileModule(f.content, {
        compilerOptions: TRANSPILE_OPTIONS,
        fileName: path.basename(f.path),
        reportDiagnostics: true,
      });
      if (out.diagnostics?.length) {
        throw new Error(`${f.path}: ${ts.flattenDiagnosticMessageText(out.diagnostics[0].messageText, '\n')}`);
      }
      return { path: f.path.replace(/\.ts$/, '.js'), content: out.outputText };
    });
  const dir = writeServiceFolder(compiled, 'codestore-entities-');
  const exports = require(path.join(dir, index.replace(/\.ts$/, '.js'))) as Record<string, unknown>;
  const entities = exports.entities;
  if (!Array.isArray(entities)) throw new Error(`${index} has no "entities" array export`);
  return {
    entities: entities as LoadedEntities['entities'],
    exports,
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A service schema's document with the platform prelude (what a service folder sees) and its model. */
export function serviceModel(sdl: string): { doc: DocumentNode; model: DataModel } {
  const user = parse(sdl);
  const key = (d: DefinitionNode) => ('name' in d && d.name ? (d.kind === Kind.DIRECTIVE_DEFINITION ? '@' : '') + d.name.value : undefined);
  const declared = new Set(user.definitions.map(key));
  const doc: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [...user.definitions, ...preludeDefinitions().filter((d) => !declared.has(key(d)))],
  };
  return { doc, model: buildModel(doc) };
}

/**
 * Every stored kind of the data mapping: each scalar, lengths, lists, enums (one shared by two
 * tables, one with lower-case values), defaults, @unique and @index (also on relations), and every
 * relation kind: many-to-one with its one-to-many, one-sided many-to-one and many-to-many,
 * one-to-one, many-to-many both ways, self relations of each kind, a key not called `id`, two
 * relations between the same types, and a type whose name is also a TypeORM export.
 */
export const EVERY_KIND_SCHEMA = `
enum Status { DRAFT PUBLISHED ARCHIVED }
enum Visibility { public private default }

"A piece of writing."
type Article {
  id: ID!
  "Shown in lists; at most 120 characters."
  title: String! @length(max: 120) @index
  slug: String @unique @length(max: 80)
  body: String
  wordCount: Int! @default(value: "0")
  rating: Float @default(value: "-1.5")
  published: Boolean! @default(value: "false")
  publishedAt: DateTime @default(value: "now()")
  day: Date
  meta: JSON @default(value: "'{}'")
  views: BigInt! @default(value: "0") @index
  price: Decimal @default(value: "9.99")
  externalIds: [ID!]
  scores: [Int!]!
  labels: [String!] @default(value: "'{}'")
  status: Status! @default(value: "'DRAFT'")
  history: [Status!]
  visibility: Visibility
  author: Writer! @relation(onDelete: CASCADE) @index
  editor: Writer @relation(inverse: "edited", onDelete: SET_NULL)
  reviewer: Writer @unique
  tags: [Tag!]!
  related: [Article!] @relation(inverse: "relatedFrom")
  relatedFrom: [Article!] @relation(inverse: "related")
  cover: Image
  attachments: [Image!]
}

type Writer implements Named {
  id: ID!
  name: String! @unique
  status: Status
  articles: [Article!]! @relation(inverse: "author")
  edited: [Article!] @relation(inverse: "editor")
  profile: Profile
  mentor: Writer @relation(inverse: "mentee")
  mentee: Writer @relation(inverse: "mentor")
  favourites: [Tag!]
}

type Profile {
  id: ID!
  bio: String
  writer: Writer! @relation(onDelete: CASCADE) @unique @index
}

type Tag {
  key: ID!
  label: String! @unique
  articles: [Article!]!
}

type Image {
  id: ID!
  url: String!
}

type Category {
  id: ID!
  name: String!
  parent: Category @relation(inverse: "children")
  children: [Category!]! @relation(inverse: "parent")
}

type Column {
  id: ID!
  index: Int!
  entity: String
}

"Counts, computed on request."
type Stats @transient {
  articles: Int!
  topWriter: Writer
  "Anything else."
  extra: JSON
}

union SearchResult = Article | Writer | Stats

interface Named { name: String! }

input ArticleInput {
  title: String!
  status: Status = DRAFT
  tagKeys: [ID!]
  publishedAt: DateTime
}

type Query {
  articles(status: Status, first: Int = 10): [Article!]!
  article(id: ID!): Article
  stats: Stats!
  columns: [Column]
  search(text: String!): [SearchResult!]!
  named: [Named!]!
  rule: OnDeleteAction
}

type Mutation {
  createArticle(input: ArticleInput!): Article!
  ping: Boolean
}

extend type Query {
  today: Date!
}
`;

/**
 * A schema with platform errors, which generation tolerates: an entity without a key (left out,
 * with the relation to it), unstorable fields, ambiguous relations, a bad inverse, a field naming
 * itself as inverse, and two fields claiming the same inverse. Each relation that is not a pair
 * from both sides is stored one-sided.
 */
export const SCHEMA_WITH_ERRORS = `
type NoKey { name: String }
type A {
  id: ID!
  noKey: NoKey
  grid: [[Int]]
  computed(x: Int): Int
  b1: B
  b2: B
  c: C @relation(inverse: "nope")
  self: A @relation(inverse: "self")
  d: D @relation(inverse: "a")
  alsoD: D @relation(inverse: "a")
}
type B { id: ID! a1: A a2: A }
type C { id: ID! }
type D { id: ID! a: [A!] }
`;
