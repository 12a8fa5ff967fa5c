// The platform API's executable schema: schema.graphql (the contract) with resolvers.ts attached.
import * as fs from 'fs';
import * as path from 'path';
import { buildSchema, GraphQLScalarType, GraphQLSchema, isObjectType, Kind } from 'graphql';
import type { GraphQLFieldResolver } from 'graphql';
import { recordActivity } from '../store/teams';
import type { ApiContext } from './context';
import { allows, forbidden, needOf, Permission, PERMISSIONS } from './permissions';
import { resolvers as defaultResolvers, ResolverMap } from './resolvers';

declare const __webpack_require__: unknown;

/** The SDL of the API: bundled into dist/platform.js as text, read from the source tree otherwise. */
export function platformSdl(): string {
  if (typeof __webpack_require__ === 'function') {
    // webpack inlines the file as text (an asset/source module); tsx, which runs the sources, has no
    // loader for it, so it is named to webpack by a require() that only the bundle makes.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('./schema.graphql') as string;
  }
  return fs.readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8');
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
      const permission = PERMISSIONS[`${root!.name}.${field.name}`];
      if (!permission) throw new Error(`${root!.name}.${field.name} has no row in api/permissions.ts: say which role it needs.`);
      field.resolve = guarded(field.name, permission, field.resolve);
    }
  }
  return schema;
}

/** A root resolver behind its permission: the role checked first, the activity recorded after success. */
function guarded(
  name: string,
  permission: Permission,
  resolve: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  return async (parent, args: Record<string, unknown>, context, info) => {
    const ctx = context as ApiContext;
    const need = needOf(permission, args);
    if (need === 'account') await ctx.account();
    else if (need !== 'public') {
      const caller = await ctx.caller();
      if (!allows(caller.role, need)) throw forbidden(name, need, caller.role, caller.organizationName);
    }
    const result = await resolve(parent, args, context, info);
    if (permission.activity) {
      const caller = await ctx.caller();
      const deployment = result as { status?: string; version?: { version?: string } } | null;
      const outcome =
        deployment && typeof deployment === 'object' && typeof deployment.status === 'string' && deployment.version?.version
          ? `${deployment.version.version} ${deployment.status}`
          : undefined;
      await recordActivity(ctx.db, {
        organizationId: caller.organizationId,
        actorEmail: caller.email,
        action: name,
        target: activityTarget(args),
        details: [activityArgs(args), outcome, ctx.activityDetails].filter(Boolean).join('; ') || null,
      });
    }
    return result;
  };
}

const TARGET_ARGS = ['serviceId', 'projectId', 'id', 'email'] as const;
/** Never in the feed: values of secrets, passwords, invitation codes. */
const SECRET_ARGS = new Set(['value', 'password', 'code', 'schema']);

function activityTarget(args: Record<string, unknown>): string | null {
  const parts = TARGET_ARGS.filter((k) => typeof args[k] === 'string').map(
    (k) => `${k === 'id' ? '' : `${k.replace(/Id$/, '')} `}${args[k]}`,
  );
  return parts.join(', ') || null;
}

function activityArgs(args: Record<string, unknown>): string | undefined {
  const rest = Object.entries(args).filter(
    ([k, v]) => !(TARGET_ARGS as readonly string[]).includes(k) && !SECRET_ARGS.has(k) && v !== undefined && v !== null && v !== false,
  );
  return rest.length ? rest.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ') : undefined;
}
