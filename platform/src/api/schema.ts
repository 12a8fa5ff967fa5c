// The platform API's executable schema: schema.graphql (the contract) with resolvers.ts attached.
import * as fs from 'fs';
import * as path from 'path';
import { buildSchema, GraphQLScalarType, GraphQLSchema, isObjectType, Kind } from 'graphql';
import { resolvers as defaultResolvers, ResolverMap } from './resolvers';

declare const __webpack_require__: unknown;

/** The SDL of the API: bundled into dist/platform.js as text, read from the source tree otherwise. */
export function platformSdl(): string {
  return typeof __webpack_require__ === 'function'
    ? (require('./schema.graphql') as string)
    : fs.readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8');
}

const DateTime = {
  serialize(value: unknown): string {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return new Date(value).toISOString();
    throw new TypeError(`DateTime cannot represent ${String(value)}`);
  },
  parseValue(value: unknown): Date {
    const d = typeof value === 'string' ? new Date(value) : undefined;
    if (!d || Number.isNaN(d.getTime())) throw new TypeError('DateTime is an ISO 8601 string.');
    return d;
  },
};

/**
 * Builds the schema and attaches `resolvers`. Throws when a resolver names a field the schema
 * lacks, or a Query or Mutation field has no resolver: a contract that cannot be served is a bug.
 */
export function buildPlatformSchema(resolvers: ResolverMap = defaultResolvers): GraphQLSchema {
  const schema = buildSchema(platformSdl());
  const dateTime = schema.getType('DateTime') as GraphQLScalarType;
  dateTime.serialize = DateTime.serialize;
  dateTime.parseValue = DateTime.parseValue;
  dateTime.parseLiteral = (ast) => DateTime.parseValue(ast.kind === Kind.STRING ? ast.value : undefined);
  for (const [typeName, fields] of Object.entries(resolvers)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`Resolvers for ${typeName}, which is no object type of the schema.`);
    const defs = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      if (!defs[fieldName]) throw new Error(`A resolver for ${typeName}.${fieldName}, which the schema does not have.`);
      defs[fieldName].resolve = resolve;
    }
  }
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      if (!field.resolve) throw new Error(`${root!.name}.${field.name} has no resolver.`);
    }
  }
  return schema;
}
