// What code generation keeps between generations (docs/DEVELOPING.md, "What is incremental"):
// entity files and tables by entity signature, the last snapshot parsed and plan made, recent
// resolver types files, the model's last pairing of relations. The rest of the model's keeping is
// by schema node (model.ts) and goes with the nodes. Clearing makes the next generation start from
// nothing, as in a new process.
import { clearModelCaches } from '../model/model';
import { clearEntityCaches } from './entities';
import { clearPhysicalCaches } from './physical';
import { clearPlanCaches } from './plan';
import { clearResolverTypesCache } from './resolverTypes';

export function clearCodegenCaches(): void {
  clearEntityCaches();
  clearPhysicalCaches();
  clearPlanCaches();
  clearResolverTypesCache();
  clearModelCaches();
}
