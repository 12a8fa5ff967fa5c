// Named schema evolutions for the migration proofs: each a list of steps, with the warnings each
// step must report. Steps without warnings are also checked for data survival.
import type { Step } from './proof';
import { BLOG, DEFAULTS, QUERY as Q, RELATIONS, SCALARS } from './schemas';

export interface Evolution {
  name: string;
  steps: Step[];
}

const post = (fields: string, extra = '') => `type Post {\n  id: ID!\n${fields}\n}\n${extra}${Q}`;

export const CREATIONS: Evolution[] = [
  { name: 'the blog fixture', steps: [{ sdl: BLOG }] },
  { name: 'every scalar, enum, list, @unique, @index, @length', steps: [{ sdl: SCALARS }] },
  { name: '@default on every kind of column', steps: [{ sdl: DEFAULTS }] },
  { name: 'every relation kind, self relations, on-delete actions', steps: [{ sdl: RELATIONS }] },
];

export const EVOLUTIONS: Evolution[] = [
  {
    name: 'types: add, rename (@renamedFrom), remove',
    steps: [
      { sdl: BLOG },
      { sdl: BLOG + 'type Comment {\n  id: ID!\n  text: String!\n  post: Post\n}\n' },
      {
        sdl:
          BLOG.replace(/Author/g, 'Writer').replace('type Writer {', 'type Writer @renamedFrom(name: "Author") {') +
          'type Comment {\n  id: ID!\n  text: String!\n  post: Post\n}\n',
      },
      // The @renamedFrom left in the schema does nothing once it has run.
      { sdl: BLOG.replace(/Author/g, 'Writer').replace('type Writer {', 'type Writer @renamedFrom(name: "Author") {') },
    ].map((s, i) => (i === 3 ? { ...s, warnings: ['migration-drop-table'] } : s)),
  },
  {
    name: 'fields: add, rename (@renamedFrom, with @unique, @index and a relation), remove',
    steps: [
      { sdl: post('  title: String! @unique\n  rank: Int @index\n  author: Author\n', 'type Author {\n  id: ID!\n  name: String!\n}\n') },
      {
        sdl: post(
          '  title: String! @unique\n  rank: Int @index\n  author: Author\n  slug: String\n  views: Int! @default(value: "0")\n',
          'type Author {\n  id: ID!\n  name: String!\n}\n',
        ),
      },
      {
        sdl: post(
          '  headline: String! @unique @renamedFrom(name: "title")\n  position: Int @index @renamedFrom(name: "rank")\n  writer: Author @renamedFrom(name: "author")\n  slug: String\n  views: Int! @default(value: "0")\n',
          'type Author {\n  id: ID!\n  name: String!\n}\n',
        ),
      },
      {
        sdl: post(
          '  headline: String! @unique\n  position: Int @index\n  writer: Author\n  views: Int! @default(value: "0")\n',
          'type Author {\n  id: ID!\n  name: String!\n}\n',
        ),
        warnings: ['migration-drop-column'],
      },
    ],
  },
  {
    name: 'the ID field renamed (key, primary key and sequence follow)',
    steps: [
      { sdl: post('  title: String!\n', 'type Note {\n  id: ID!\n  post: Post\n}\n') },
      { sdl: `type Post {\n  key: ID! @renamedFrom(name: "id")\n  title: String!\n}\ntype Note {\n  id: ID!\n  post: Post\n}\n${Q}` },
    ],
  },
  {
    name: 'a type renamed with its join tables, enum columns, uniques and indices',
    steps: [
      {
        sdl: `enum Kind { A B }\ntype Tag {\n  id: ID!\n  label: String! @unique\n  kind: Kind @index\n  posts: [Post!]!\n}\ntype Post {\n  id: ID!\n  tags: [Tag!]!\n  parent: Tag\n}\n${Q}`.replace(
          '  parent: Tag\n',
          '',
        ),
      },
      {
        sdl: `enum Kind { A B }\ntype Label @renamedFrom(name: "Tag") {\n  id: ID!\n  label: String! @unique\n  kind: Kind @index\n  posts: [Post!]!\n}\ntype Post {\n  id: ID!\n  tags: [Label!]!\n}\n${Q}`,
      },
      // Renaming the owner makes the other side own the join table: same table, new name.
      {
        sdl: `enum Kind { A B }\ntype Label {\n  id: ID!\n  label: String! @unique\n  kind: Kind @index\n  posts: [Zpost!]!\n}\ntype Zpost @renamedFrom(name: "Post") {\n  id: ID!\n  tags: [Label!]!\n}\n${Q}`,
      },
    ],
  },
  {
    name: 'enums: add, add a value, rename a value, rename the enum, remove a value, remove the enum',
    steps: [
      { sdl: post('  title: String!\n') },
      { sdl: post('  title: String!\n  status: Status\n  flags: [Status!]\n', 'enum Status { DRAFT PUBLISHED }\n') },
      { sdl: post('  title: String!\n  status: Status\n  flags: [Status!]\n', 'enum Status { DRAFT REVIEW PUBLISHED }\n') },
      {
        sdl: post(
          '  title: String!\n  status: Status\n  flags: [Status!]\n',
          'enum Status { DRAFT REVIEW LIVE @renamedFrom(name: "PUBLISHED") }\n',
        ),
      },
      {
        sdl: post(
          '  title: String!\n  status: State\n  flags: [State!]\n',
          'enum State @renamedFrom(name: "Status") { DRAFT REVIEW LIVE }\n',
        ),
      },
      {
        sdl: post('  title: String!\n  status: State\n  flags: [State!]\n', 'enum State { DRAFT LIVE }\n'),
        warnings: ['migration-drop-enum-value'],
      },
      { sdl: post('  title: String!\n'), warnings: ['migration-drop-column', 'migration-drop-column'] },
    ],
  },
  {
    name: 'an enum value added and used as a default in the same migration',
    steps: [
      { sdl: post('  status: Status!\n', 'enum Status { DRAFT PUBLISHED }\n') },
      { sdl: post('  status: Status! @default(value: "\'NEW\'")\n', 'enum Status { NEW DRAFT PUBLISHED }\n') },
    ],
  },
  {
    name: 'widening type changes keep the rows',
    steps: [
      {
        sdl: post(
          '  a: Int!\n  b: Int\n  c: Int\n  d: BigInt\n  e: String @length(max: 10)\n  f: String! @length(max: 10)\n  g: String!\n  h: Int\n  i: String\n  k: Status\n  l: Int\n',
          'enum Status { A B }\n',
        ),
      },
      {
        sdl: post(
          '  a: BigInt!\n  b: Float\n  c: Decimal\n  d: Decimal\n  e: String @length(max: 20)\n  f: String!\n  g: String\n  h: [Int!]\n  i: [String]\n  k: String\n  l: String\n',
          'enum Status { A B }\n',
        ),
      },
    ],
  },
  {
    name: 'narrowing and incompatible type changes warn',
    steps: [
      { sdl: post('  a: BigInt\n  b: String @length(max: 20)\n  c: String\n  d: Float\n  e: [Int!]\n  f: String\n  g: String\n') },
      {
        sdl: post(
          '  a: Int\n  b: String @length(max: 10)\n  c: Int\n  d: Int\n  e: Int\n  f: String!\n  g: String! @default(value: "\'none\'")\n',
        ),
        warnings: [
          'migration-narrow-type',
          'migration-narrow-type',
          'migration-change-type',
          'migration-narrow-type',
          'migration-narrow-type',
          'migration-set-not-null',
        ],
      },
    ],
  },
  {
    name: 'a required column: with a default it is safe, without it warns',
    steps: [
      { sdl: post('  title: String!\n') },
      { sdl: post('  title: String!\n  views: Int! @default(value: "0")\n  createdAt: DateTime! @default(value: "now()")\n') },
      {
        sdl: post(
          '  title: String!\n  views: Int! @default(value: "0")\n  createdAt: DateTime! @default(value: "now()")\n  body: String!\n',
        ),
        warnings: ['migration-add-required-column'],
      },
    ],
  },
  {
    name: 'relations added and changed',
    steps: [
      { sdl: `type User {\n  id: ID!\n  name: String!\n}\ntype Post {\n  id: ID!\n  title: String!\n}\n${Q}` },
      {
        sdl: `type User {\n  id: ID!\n  name: String!\n  posts: [Post!]!\n}\ntype Post {\n  id: ID!\n  title: String!\n  author: User\n}\n${Q}`,
      },
      {
        sdl: `type User {\n  id: ID!\n  name: String!\n  posts: [Post!]!\n  profile: Profile\n  liked: [Post!]!\n}\ntype Post {\n  id: ID!\n  title: String!\n  author: User @relation(inverse: "posts")\n  likedBy: [User!]! @relation(inverse: "liked")\n}\ntype Profile {\n  id: ID!\n  user: User!\n}\n${Q}`.replace(
          '  posts: [Post!]!\n  profile',
          '  posts: [Post!]! @relation(inverse: "author")\n  profile',
        ),
      },
      {
        sdl: `type User {\n  id: ID!\n  name: String!\n  posts: [Post!]!\n  profile: Profile\n}\ntype Post {\n  id: ID!\n  title: String!\n  author: [User!]!\n}\ntype Profile {\n  id: ID!\n  user: User!\n}\n${Q}`,
        warnings: ['migration-drop-column', 'migration-drop-table'],
      },
    ],
  },
  {
    name: 'on-delete changes and @unique / @index toggles',
    steps: [
      { sdl: `type User {\n  id: ID!\n  email: String!\n}\ntype Post {\n  id: ID!\n  author: User\n  slug: String\n}\n${Q}` },
      {
        sdl: `type User {\n  id: ID!\n  email: String! @unique\n}\ntype Post {\n  id: ID!\n  author: User @relation(onDelete: CASCADE) @index\n  slug: String @index\n}\n${Q}`,
        warnings: ['migration-add-unique'],
      },
      {
        sdl: `type User {\n  id: ID!\n  email: String!\n}\ntype Post {\n  id: ID!\n  author: User @relation(onDelete: SET_NULL)\n  slug: String @unique\n}\n${Q}`,
        warnings: ['migration-add-unique'],
      },
    ],
  },
  {
    name: 'defaults added, changed and removed',
    steps: [
      { sdl: DEFAULTS },
      {
        sdl: DEFAULTS.replace('@default(value: "0")', '@default(value: "7")')
          .replace(' @default(value: "true")', '')
          .replace('ratio: Float @default(value: "1.5")', 'ratio: Float! @default(value: "2.5")'),
      },
    ],
  },
];
