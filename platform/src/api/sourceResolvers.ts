// The source a version was pushed with: what there is and where to download it (services/source.ts).
import { versionSource } from '../services/source';
import type { ResolverMap } from './context';
import { version } from './shapes';

export const sourceResolvers: ResolverMap = {
  Query: {
    serviceSource: async (_p, args: { serviceId: string; version?: string | null }, ctx) => {
      const caller = await ctx.caller();
      const source = await versionSource(ctx.db, caller.organizationId, args.serviceId, args.version ?? null);
      return {
        service: { id: source.service.id, name: source.service.name, createdAt: source.service.created_at },
        version: version(source.version),
        sizeBytes: source.sizeBytes,
        sha256: source.sha256,
        downloadPath: source.downloadPath,
      };
    },
  },
};
