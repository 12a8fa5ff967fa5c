// The browser origins (CORS) of service-instance environments: read and changed here, applied by
// the gateway from the next request on.
import { badInput } from '../errors';
import { checkOriginPattern, normalizeOrigin } from '../gateway/cors';
import { changeCorsOrigins, corsOriginsOf } from '../store/gateway';
import { ownInstanceEnvironment } from '../services/own';
import type { ResolverMap } from './context';

/** An environment lists at most this many origins (the gateway checks each request against them). */
export const CORS_ORIGINS_MAX = 100;

function origins(list: readonly string[] | null | undefined, field: string): string[] {
  return (list ?? []).map((o) => {
    const error = checkOriginPattern(o);
    if (error) throw badInput(`${error}.`, field);
    return normalizeOrigin(o);
  });
}

interface Where {
  projectId: string;
  serviceId: string;
  environment: string;
}

export const corsResolvers: ResolverMap = {
  Query: {
    corsOrigins: async (_p, args: Where, ctx) => {
      const { env } = await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment);
      return corsOriginsOf(ctx.db, env.id);
    },
  },
  Mutation: {
    changeCorsOrigins: async (_p, args: Where & { add?: string[] | null; remove?: string[] | null }, ctx) => {
      const { env } = await ownInstanceEnvironment(ctx, args.projectId, args.serviceId, args.environment);
      const add = origins(args.add, 'add');
      const remove = origins(args.remove, 'remove');
      if (!add.length && !remove.length)
        throw badInput('Give origins to add or to remove (for example add: ["https://app.example.com"]).', 'add');
      const now = await ctx.db.transaction(async (tx) => {
        const set = await changeCorsOrigins(tx, env.id, add, remove);
        if (set.length > CORS_ORIGINS_MAX)
          throw badInput(
            `An environment allows at most ${CORS_ORIGINS_MAX} origins; remove some first, or use a pattern (https://*.example.com).`,
            'add',
          );
        return set;
      });
      ctx.parts.gateway.corsOriginsChanged(env.id);
      return now;
    },
  },
};
