// GraphQL schemas the migration proofs evolve through.
import { readFileSync } from 'fs';
import * as path from 'path';

export const BLOG = readFileSync(path.resolve(__dirname, '../../fixtures/blog/src/schema.graphql'), 'utf8');

const Q = 'type Query { ping: Int }\n';

/** Every scalar, an enum, lists, @unique, @index, @length. */
export const SCALARS = `
enum Status { DRAFT PUBLISHED ARCHIVED }
type Everything {
  id: ID!
  s: String!
  sn: String
  short: String @length(max: 20)
  i: Int!
  f: Float
  b: Boolean!
  dt: DateTime
  d: Date
  j: JSON
  big: BigInt
  dec: Decimal
  otherId: ID
  status: Status!
  statuses: [Status!]
  tags: [String!]!
  nums: [Int]
  shorts: [String!] @length(max: 5)
  code: String! @unique
  rank: Int @index
}
${Q}`;

/** @default on every kind of column. */
export const DEFAULTS = `
enum Status { DRAFT PUBLISHED ARCHIVED }
type Defaults {
  id: ID!
  views: Int! @default(value: "0")
  neg: Int! @default(value: "-1")
  state: Status! @default(value: "'DRAFT'")
  title: String! @default(value: "'untitled'")
  created: DateTime! @default(value: "now()")
  flag: Boolean! @default(value: "true")
  ratio: Float @default(value: "1.5")
  j: JSON @default(value: "'{}'")
  tags: [String!] @default(value: "'{}'")
}
${Q}`;

/** Every relation kind, self relations, on-delete actions, @unique and @index on relations. */
export const RELATIONS = `
type User {
  id: ID!
  name: String!
  manager: User @relation(onDelete: SET_NULL)
  reports: [User!]! @relation(inverse: "manager")
  friends: [User!]
  followers: [User!]! @relation(inverse: "following")
  following: [User!]!
  profile: Profile
  posts: [Post!]! @relation(inverse: "author")
  groups: [Group!]!
}
type Profile {
  id: ID!
  bio: String
  user: User @relation(onDelete: CASCADE)
}
type Post {
  id: ID!
  title: String!
  author: User! @index
  editor: User @unique
  tags: [Tag!]
}
type Tag {
  id: ID!
  label: String! @unique
}
type Group {
  id: ID!
  name: String!
  members: [User!]!
}
${Q}`;

export { Q as QUERY };
