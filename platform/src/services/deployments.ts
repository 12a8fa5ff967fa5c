// Versions moving onto environments: a push's version to private, promote to demo, an instance's
// promote and roll. Each move is checked against the traffic recorded where it goes (refused when
// it breaks clients, unless forced), and a move to a version that lacks migrations the serving one
// applied reverts them first. The caller has resolved the service or instance (services/own.ts).
import { readBuildManifest } from '../build/manifest';
import { ApiError, badInput } from '../errors';
import type { ServiceParts } from '../parts';
import type { DeploymentOutcome, RevertPlan } from '../runtime/deploymentRuntime';
import type { Queryable } from '../store/db';
import { environmentByName } from '../store/deployments';
import { InstanceEnvironment, instanceEnvironment, InstanceRow, versionByNumber } from '../store/projects';
import type { ServiceRow } from '../store/services';
import { versionById } from '../store/versions';
import { changeView, checkEnvironment, refusal } from '../usage/schemaCheck';
import { versionSchemasOf } from '../usage/versions';

/** Who moves a version: named in the environment's log when a forced move breaks clients. */
export interface Actor {
  email: string;
}

/** Where a version goes: an environment and what it serves now. */
export interface MoveTarget {
  id: string;
  currentVersionId: string | null;
  /** How a refusal names it ("blog-x1's demo environment"). */
  label: string;
}

const NEXT: Partial<Record<InstanceEnvironment, InstanceEnvironment>> = { development: 'staging', staging: 'production' };

/** Deploys a version to one of a service's own environments (private, demo). */
export async function deployToServiceEnvironment(
  parts: Pick<ServiceParts, 'db' | 'runtime'>,
  serviceId: string,
  environment: 'private' | 'demo',
  versionId: string,
): Promise<DeploymentOutcome> {
  const env = await environmentByName(parts.db, serviceId, environment);
  if (!env) throw new Error(`The service ${serviceId} has no ${environment} environment.`);
  return parts.runtime.deployTo(env.id, versionId);
}

/**
 * What moving an environment from `currentVersionId` to `versionId` must revert first: the
 * migrations the serving build applied that the new one does not have (a roll back), or nothing.
 */
export async function revertPlanFor(db: Queryable, currentVersionId: string | null, versionId: string): Promise<RevertPlan | undefined> {
  if (!currentVersionId || currentVersionId === versionId) return undefined;
  const [target, current] = await Promise.all([versionById(db, versionId), versionById(db, currentVersionId)]);
  if (!target?.build_path || !current?.build_path) return undefined;
  const keep = readBuildManifest(target.build_path).migrations.map((m) => m.className);
  const applied = readBuildManifest(current.build_path).migrations.map((m) => m.className);
  return applied.some((m) => !keep.includes(m)) ? { buildPath: current.build_path, keep } : undefined;
}

/** Deploys a version to an environment, reverting what the serving version has and it lacks. */
export async function deployVersion(
  parts: Pick<ServiceParts, 'db' | 'runtime'>,
  env: { id: string; current_version_id: string | null },
  versionId: string,
): Promise<DeploymentOutcome> {
  const revert = await revertPlanFor(parts.db, env.current_version_id, versionId);
  return parts.runtime.deployTo(env.id, versionId, { revert });
}

/**
 * Refuses moving `versionId` onto `target` when its schema breaks operations recorded there in
 * the last 30 days; `force` goes on (and says so in the environment's log).
 */
export async function guardVersionMove(
  parts: Pick<ServiceParts, 'db' | 'usage' | 'logs'>,
  actor: Actor,
  target: MoveTarget,
  versionId: string,
  force: boolean | null | undefined,
  forceHint: string,
): Promise<void> {
  if (!target.currentVersionId || target.currentVersionId === versionId) return;
  await parts.usage?.flush();
  const schemas = versionSchemasOf(parts.db);
  const candidate = await schemas.of(versionId);
  if (!candidate) return;
  const check = await checkEnvironment(parts.db, schemas, target.id, target.currentVersionId, candidate);
  if (!check.blocking.length) return;
  if (force) {
    parts.logs.write(
      target.id,
      null,
      'platform',
      `${actor.email} forced a version that breaks recorded operations: ${check.blocking.map((c) => c.message).join('; ')}`,
    );
    return;
  }
  throw new ApiError('BREAKS_CLIENTS', refusal(`Deploying this version to ${target.label}`, check, forceHint), {
    changes: check.blocking.map((c) => changeView(c, check.days)),
  });
}

/** Deploys the version serving a service's private environment to its demo environment. */
export async function promote(parts: ServiceParts, actor: Actor, service: ServiceRow, force?: boolean | null): Promise<DeploymentOutcome> {
  const from = await environmentByName(parts.db, service.id, 'private');
  if (!from?.current_version_id) {
    throw badInput(
      `Nothing serves ${service.id}'s private environment yet: push it first (\`codestore push\`), then promote.`,
      'serviceId',
    );
  }
  const demo = await environmentByName(parts.db, service.id, 'demo');
  if (demo)
    await guardVersionMove(
      parts,
      actor,
      { id: demo.id, currentVersionId: demo.current_version_id, label: `${service.id}'s demo environment` },
      from.current_version_id,
      force,
      'pass force: true (CLI: `codestore promote --force`)',
    );
  return deployToServiceEnvironment(parts, service.id, 'demo', from.current_version_id);
}

/** Deploys the version serving one of an instance's environments to the next (development → staging → production). */
export async function promoteInstance(
  parts: ServiceParts,
  actor: Actor,
  inst: InstanceRow,
  from: InstanceEnvironment,
  to: InstanceEnvironment,
  force?: boolean | null,
): Promise<DeploymentOutcome> {
  if (NEXT[from] !== to)
    throw badInput(`An instance promotes development to staging, and staging to production; not ${from} to ${to}.`, 'to');
  const source = (await instanceEnvironment(parts.db, inst.id, from))!;
  if (!source.current_version_id)
    throw badInput(`Nothing serves ${from} of ${inst.service_id} in ${inst.project_id}: nothing to promote.`, 'from');
  const target = (await instanceEnvironment(parts.db, inst.id, to))!;
  await guardVersionMove(
    parts,
    actor,
    { id: target.id, currentVersionId: target.current_version_id, label: `${to} of ${inst.service_id} in ${inst.project_id}` },
    source.current_version_id,
    force,
    'pass force: true (CLI: `codestore project:service:promote --force`)',
  );
  return deployVersion(parts, target, source.current_version_id);
}

/** Deploys any version of the service (by number, `0.0.3` or `v0.0.3`) to one of an instance's environments. */
export async function rollInstance(
  parts: ServiceParts,
  actor: Actor,
  inst: InstanceRow,
  env: { id: string; name: string; current_version_id: string | null },
  versionNumber: string,
  force?: boolean | null,
): Promise<DeploymentOutcome> {
  const version =
    versionNumber.length <= 32 ? await versionByNumber(parts.db, inst.service_id, versionNumber.trim().replace(/^v/, '')) : undefined;
  if (!version?.build_path)
    throw badInput(`${inst.service_id} has no version ${versionNumber}: \`codestore service:info\` lists its versions.`, 'version');
  await guardVersionMove(
    parts,
    actor,
    { id: env.id, currentVersionId: env.current_version_id, label: `${env.name} of ${inst.service_id} in ${inst.project_id}` },
    version.id,
    force,
    'pass force: true (CLI: `codestore project:service:roll --force`)',
  );
  return deployVersion(parts, env, version.id);
}
