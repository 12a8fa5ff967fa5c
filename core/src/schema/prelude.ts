// The platform's built-in directives and scalars: always in scope for a service schema, so they
// validate, complete and hover without the user declaring them. A user's own declaration of the
// same name wins over the prelude entry.
import { DefinitionNode, parse, Source } from 'graphql';

export const PRELUDE_SDL = `
"""
Runs the service's auth handler (\`src/auth.ts\`) before this field's resolver.
The handler receives the resolver's arguments and context and throws to refuse the call.
"""
directive @auth on FIELD_DEFINITION

"""
Not stored: this object type gets no table, entity or migration. Use it for payloads and
computed results.
"""
directive @transient on OBJECT

"""
The column holds no duplicate values (a UNIQUE constraint).
"""
directive @unique on FIELD_DEFINITION

"""
The column is indexed for fast lookups (a non-unique index).
"""
directive @index on FIELD_DEFINITION

"""
The type, field or enum value used to be called \`name\`: the migration renames the table,
column or enum value instead of dropping it, so no data is lost. Remove it once the migration
is committed and deployed everywhere.
"""
directive @renamedFrom(
  "The previous name."
  name: String!
) on OBJECT | FIELD_DEFINITION | ENUM | ENUM_VALUE

"""
Names the field on the other type that is the inverse of this relation. Needed when two types
have more than one relation between them and the pairing is ambiguous.
"""
directive @relation(
  "The field on the related type that points back here."
  inverse: String
  "What happens to rows holding this reference when the referenced row is deleted."
  onDelete: OnDeleteAction = NO_ACTION
) on FIELD_DEFINITION

"""
The column's default value, as an SQL literal for the column's type (for example \`"0"\`,
\`"true"\`, \`"'draft'"\` or \`"now()"\`).
"""
directive @default(
  "The default value, written as SQL."
  value: String!
) on FIELD_DEFINITION

"""
The maximum length of a \`String\` column (\`character varying(max)\`). Without it the column has
no length limit.
"""
directive @length(
  "The maximum number of characters."
  max: Int!
) on FIELD_DEFINITION

"What a foreign key does when the referenced row is deleted."
enum OnDeleteAction {
  "Refuse the delete while rows still point at it."
  NO_ACTION
  "Delete the rows that point at it too."
  CASCADE
  "Set the reference to null (the field must be nullable)."
  SET_NULL
}

"An instant in time with its time zone, as an ISO 8601 string. Stored as \`timestamp with time zone\`."
scalar DateTime

"A calendar date, as \`YYYY-MM-DD\`. Stored as \`date\`."
scalar Date

"Any JSON value. Stored as \`jsonb\`."
scalar JSON

"A 64-bit integer, as a string so no precision is lost in JavaScript. Stored as \`bigint\`."
scalar BigInt

"An exact decimal number, as a string. Stored as \`numeric\`."
scalar Decimal
`;

export const PRELUDE_SOURCE = new Source(PRELUDE_SDL, 'codestore:prelude.graphql');

let cached: readonly DefinitionNode[] | undefined;

/** The prelude's definitions, parsed once per process. */
export function preludeDefinitions(): readonly DefinitionNode[] {
  if (!cached) cached = parse(PRELUDE_SOURCE).definitions;
  return cached;
}
