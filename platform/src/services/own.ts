// The caller's things by id: a service, a project, a service-instance, an environment, a
// deployment, each looked up within the caller's organization. Another organization's ids are
// NOT_FOUND with the same message as ids that do not exist, so ids do not leak. Every resolver
// file and the push route look things up here.
import type { Caller } from '../auth/auth';
import { ApiError, badInput, serviceNotFound } from '../errors';
import type { Queryable } from '../store/db';
import { deploymentById, DeploymentRow, environmentByName, EnvironmentRow } from '../store/deployments';
import {
  INSTANCE_ENVIRONMENTS,
  InstanceEnvironment,
  instanceEnvironment,
  InstanceEnvironmentRow,
  instanceOf,
  InstanceRow,
  projectById,
  ProjectRow,
} from '../store/projects';
import { EnvironmentName, serviceById, ServiceRow } from '../store/services';

/** Ids are short; a longer argument is no id of ours, and need not reach the store. */
export const ID_MAX = 128;

/** Who asks: the store, and the caller (resolved when first needed). `ApiContext` is one. */
export interface Scope {
  readonly db: Queryable;
  caller(): Promise<Pick<Caller, 'organizationId'>>;
}

const clip = (id: string) => id.slice(0, ID_MAX);

export function projectNotFound(id: string): ApiError {
  return new ApiError('NOT_FOUND', `No project "${clip(id)}" in your organization. \`codestore project:list\` shows your projects.`, {
    id: clip(id),
  });
}

export async function ownService(scope: Scope, id: string): Promise<ServiceRow> {
  const { organizationId } = await scope.caller();
  const row = id.length <= ID_MAX ? await serviceById(scope.db, organizationId, id) : undefined;
  if (!row) throw serviceNotFound(clip(id));
  return row;
}

export async function ownProject(scope: Scope, id: string): Promise<ProjectRow> {
  const { organizationId } = await scope.caller();
  const row = id.length <= ID_MAX ? await projectById(scope.db, organizationId, id) : undefined;
  if (!row) throw projectNotFound(id);
  return row;
}

/** A service's own environment (private or demo). */
export async function ownServiceEnvironment(scope: Scope, serviceId: string, name: EnvironmentName): Promise<EnvironmentRow> {
  const row = await ownService(scope, serviceId);
  if (name !== 'private' && name !== 'demo')
    throw badInput(`A service's environments are private and demo; ${name} is a service-instance's (pass its projectId).`, 'environment');
  const env = await environmentByName(scope.db, row.id, name);
  if (!env) throw serviceNotFound(serviceId);
  return env;
}

export async function ownInstance(scope: Scope, projectId: string, serviceId: string): Promise<InstanceRow> {
  const project = await ownProject(scope, projectId);
  const row = serviceId.length <= ID_MAX ? await instanceOf(scope.db, project.organization_id, project.id, serviceId) : undefined;
  if (!row) {
    throw new ApiError(
      'NOT_FOUND',
      `The project ${project.id} has no service "${clip(serviceId)}". \`codestore project:service:list -p ${project.id}\` lists its services.`,
      { id: clip(serviceId) },
    );
  }
  return row;
}

export function instanceEnvironmentName(name: string, field = 'environment'): InstanceEnvironment {
  if (!(INSTANCE_ENVIRONMENTS as readonly string[]).includes(name)) {
    throw badInput(`A service-instance's environments are development, staging and production, not ${name}.`, field);
  }
  return name as InstanceEnvironment;
}

export async function ownInstanceEnvironment(
  scope: Scope,
  projectId: string,
  serviceId: string,
  name: string,
): Promise<{ instance: InstanceRow; env: InstanceEnvironmentRow }> {
  const instance = await ownInstance(scope, projectId, serviceId);
  const env = await instanceEnvironment(scope.db, instance.id, instanceEnvironmentName(name));
  if (!env) throw new Error(`The instance ${instance.id} has no ${name} environment.`);
  return { instance, env };
}

export async function ownDeployment(scope: Scope, id: string): Promise<DeploymentRow> {
  const { organizationId } = await scope.caller();
  const row = id.length <= ID_MAX ? await deploymentById(scope.db, organizationId, id) : undefined;
  if (!row) throw new ApiError('NOT_FOUND', `No deployment "${clip(id)}" in your organization.`, { id: clip(id) });
  return row;
}
