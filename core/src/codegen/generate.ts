// One generation of a service's database layer: entities, the data source, and the migration
// that takes the database from the committed snapshot to the current schema (kept pending until
// it is committed). The same function serves the language server, the CLI and the platform.
import type { DocumentNode } from 'graphql';
import { generateEntities } from './entities';
import { generateResolverTypes } from './resolverTypes';
import { GeneratedFile } from './files';
import { renderDataSource, renderMigration } from './migrations';
import type { RenderedMigration } from './migrations';
import { PENDING_MIGRATION_PATH, planService, ServiceFiles, ServicePlan, SNAPSHOT_PATH } from './plan';

export { PENDING_MIGRATION_PATH, SNAPSHOT_PATH, SnapshotError, parseSnapshot } from './plan';
export type { ServiceFiles } from './plan';

export interface GenerateOptions {
  /** Commit the pending migration: give it its final name and advance the snapshot. */
  commit?: { timestamp: number };
}

export interface ServiceGeneration extends ServicePlan {
  /** Every file the generation owns, with its content (write the ones that differ). */
  files: GeneratedFile[];
  /** Generated files that must not exist any more. */
  remove: string[];
  /** The committed migration, when committing a non-empty plan. */
  committed?: RenderedMigration;
}

export function generateService(doc: DocumentNode, service: ServiceFiles, options: GenerateOptions = {}): ServiceGeneration {
  const planned = planService(doc, service);
  const { plan, baseline, next } = planned;
  const files: GeneratedFile[] = [...generateEntities(planned.model), generateResolverTypes(doc, planned.model), renderDataSource()];
  const remove: string[] = [];
  let committed: RenderedMigration | undefined;
  // Only when it is written (a commit, a first snapshot): 300 entities make a megabyte of JSON.
  const snapshotFile = () => ({ path: SNAPSHOT_PATH, content: JSON.stringify(next, null, 2) + '\n' });

  if (options.commit) {
    if (!plan.empty) {
      committed = renderMigration(plan, undefined, options.commit.timestamp);
      files.push(committed);
    }
    if (!plan.empty || baseline !== 'snapshot') files.push(snapshotFile());
    remove.push(PENDING_MIGRATION_PATH);
  } else {
    if (baseline === 'adopted' || (baseline === 'replayed' && plan.empty)) files.push(snapshotFile());
    if (plan.empty) remove.push(PENDING_MIGRATION_PATH);
    else files.push({ ...renderMigration(plan, 'Pending', 0), path: PENDING_MIGRATION_PATH });
  }
  return { ...planned, files, remove, committed };
}
