// A service's life: created with its developer key, its key rotated, removed with everything it
// ran (processes, databases, builds). The caller has resolved the service within its organization
// (services/own.ts).
import * as fs from 'fs';
import * as path from 'path';
import { newDeveloperKey, sha256 } from '../auth/tokens';
import { conflict, serviceNotFound } from '../errors';
import type { ServiceParts } from '../parts';
import { environmentsOfService } from '../store/deployments';
import { activeInstancesOfService, instanceIdsOfService } from '../store/projects';
import { deleteService, insertService, ServiceRow, setDeveloperKey } from '../store/services';

/** Where a service's pushes and builds live under the platform's data directory. */
export function serviceDataDir(dataDir: string, serviceId: string): string {
  return path.join(dataDir, 'services', serviceId);
}

/** A new service with its private and demo environments; its developer key is shown once. */
export async function createService(
  parts: Pick<ServiceParts, 'db'>,
  organizationId: string,
  name: string,
): Promise<{ service: ServiceRow; developerKey: string }> {
  const developerKey = newDeveloperKey();
  const row = await parts.db.transaction((tx) => insertService(tx, organizationId, name, sha256(developerKey)));
  if (!row) throw conflict(`You already have a service named "${name}". Choose another name, or use that service.`);
  return { service: row, developerKey };
}

/** A new developer key; the old one stops working on the next call. */
export async function rotateDeveloperKey(parts: Pick<ServiceParts, 'db' | 'gateway'>, service: ServiceRow): Promise<string> {
  const key = newDeveloperKey();
  await setDeveloperKey(parts.db, service.id, sha256(key));
  // The gateway knows the old key's hash with each endpoint: it reads them again on the next call.
  parts.gateway.forget((await environmentsOfService(parts.db, service.id)).map((e) => e.endpoint_id));
  return key;
}

/**
 * Removes a service that is in no project: its rows, its environments' processes and databases,
 * its pushes and builds.
 */
export async function removeService(parts: ServiceParts, service: ServiceRow): Promise<string> {
  const active = await activeInstancesOfService(parts.db, service.id);
  if (active.length) {
    throw conflict(
      `${service.id} is in project(s) ${[...new Set(active.map((a) => a.project_id))].join(', ')}: remove it from them first (\`codestore project:service:remove -p <project> -s ${service.id} -f\`).`,
    );
  }
  const envs = await environmentsOfService(parts.db, service.id);
  const instances = await instanceIdsOfService(parts.db, service.id);
  if (!(await deleteService(parts.db, service.organization_id, service.id))) throw serviceNotFound(service.id);
  for (const id of instances) parts.meter.forget(id);
  parts.gateway.forget(envs.map((e) => e.endpoint_id));
  await parts.runtime.removeEnvironments(envs.map((e) => e.id));
  await fs.promises.rm(serviceDataDir(parts.dataDir, service.id), { recursive: true, force: true });
  return service.id;
}
