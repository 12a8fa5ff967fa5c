// A push: the archive extracted safely into a fresh folder, checked and built (build/pipeline.ts,
// in the check process), recorded as the service's next patch version, deployed to its private
// environment and written in the activity feed. Pushes of one service run one at a time; a refused
// push records nothing and leaves nothing. The caller has resolved the service (services/own.ts).
import * as fs from 'fs';
import * as path from 'path';
import { ArchiveError, extractArchive } from '../build/archive';
import type { BuildManifest } from '../build/manifest';
import type { CheckAndBuild, PushProblem } from '../build/pipeline';
import type { ServiceParts } from '../parts';
import type { DeploymentOutcome } from '../runtime/deploymentRuntime';
import { randomChars } from '../store/ids';
import type { ServiceRow } from '../store/services';
import { recordActivity } from '../store/teams';
import { insertVersion, latestVersion, nextPatch, VersionRecord } from '../store/versions';
import { deployToServiceEnvironment } from './deployments';
import { serviceDataDir } from './services';
import { keepSource } from './source';

export type { PushProblem } from '../build/pipeline';

/** What a successful push answers (201). */
export interface PushResult {
  id: string;
  version: string;
  schemaHash: string;
  releaseNotes: string | null;
  createdAt: Date;
  /** Whether the version now serves the private environment. */
  deployed: boolean;
  /** The deployment to private, settled (DEPLOYED or DEPLOYMENT_FAILED with its error). */
  deployment: DeploymentOutcome | null;
  /** Warnings of the check (a push with errors is refused). */
  warnings: PushProblem[];
}

export interface VersionBuilt {
  service: ServiceRow;
  version: VersionRecord;
  buildPath: string;
  manifest: BuildManifest;
}

export type PushOutcome = { kind: 'problems'; problems: PushProblem[] } | { kind: 'pushed'; result: PushResult };

/** Who pushes, in which organization (for the activity feed). */
export interface Pusher {
  organizationId: string;
  email: string;
}

export interface PushOptions {
  /**
   * How a push is checked and built: the platform's check process (build/checkProcess.ts), or
   * build/pipeline.ts's `checkAndBuild` in this process.
   */
  checkAndBuild: CheckAndBuild;
  /** Called once a version is built and recorded; default: deploy it to private. */
  onVersionBuilt?: (built: VersionBuilt) => Promise<DeploymentOutcome>;
}

/** Runs `fn` after every earlier `fn` of the same key has settled. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export class Pushes {
  private readonly lock = new KeyedLock();
  private readonly checkAndBuild: CheckAndBuild;
  private readonly onVersionBuilt: (built: VersionBuilt) => Promise<DeploymentOutcome>;

  constructor(
    private readonly parts: ServiceParts,
    options: PushOptions,
  ) {
    this.checkAndBuild = options.checkAndBuild;
    this.onVersionBuilt =
      options.onVersionBuilt ?? ((built) => deployToServiceEnvironment(parts, built.service.id, 'private', built.version.id));
  }

  /** Checks, builds, records and deploys a pushed archive. Throws ArchiveError for an archive it refuses. */
  async push(pusher: Pusher, service: ServiceRow, archive: Buffer, releaseNotes: string | null): Promise<PushOutcome> {
    const built = await this.lock.run(service.id, () => this.build(service, archive, releaseNotes));
    if (built.kind === 'problems') return built;
    const deployment = await this.onVersionBuilt(built.built).catch((e) => {
      this.parts.logError(`deploying ${service.id} ${built.built.version.version}`, e);
      return null;
    });
    const v = built.built.version;
    await recordActivity(this.parts.db, {
      organizationId: pusher.organizationId,
      actorEmail: pusher.email,
      action: 'push',
      target: `service ${service.id}`,
      details: `${v.version} ${deployment?.status ?? 'not deployed'}${deployment?.error ? `: ${deployment.error.slice(0, 200)}` : ''}`,
    }).catch((e) => this.parts.logError('recording a push in the activity feed', e));
    return {
      kind: 'pushed',
      result: {
        id: v.id,
        version: v.version,
        schemaHash: v.schema_hash,
        releaseNotes: v.release_notes,
        createdAt: v.created_at,
        deployed: deployment?.status === 'DEPLOYED',
        deployment: deployment ?? null,
        warnings: built.warnings,
      },
    };
  }

  private async build(
    service: ServiceRow,
    archive: Buffer,
    releaseNotes: string | null,
  ): Promise<{ kind: 'problems'; problems: PushProblem[] } | { kind: 'built'; built: VersionBuilt; warnings: PushProblem[] }> {
    const root = serviceDataDir(this.parts.dataDir, service.id);
    const pushDir = path.join(root, 'pushes', `push_${Date.now().toString(36)}_${randomChars(10)}`);
    try {
      try {
        await extractArchive(archive, pushDir);
      } catch (e) {
        if (e instanceof ArchiveError && e.code === 'io') throw new Error(e.message);
        throw e;
      }
      const version = nextPatch(await latestVersion(this.parts.db, service.id));
      const buildPath = path.join(root, 'versions', version);
      // A build without a version row is a leftover of an interrupted push: nothing refers to it.
      await fs.promises.rm(buildPath, { recursive: true, force: true });
      const outcome = await this.checkAndBuild({ pushDir, buildPath, serviceId: service.id });
      if (!outcome.ok) {
        await fs.promises.rm(buildPath, { recursive: true, force: true }).catch(() => undefined);
        return { kind: 'problems', problems: outcome.problems };
      }
      try {
        // What `codestore service:pull` gives back: the folder as it was pushed.
        await keepSource(buildPath, archive);
        const row = await insertVersion(this.parts.db, {
          serviceId: service.id,
          version,
          releaseNotes,
          schemaHash: outcome.manifest.schemaHash,
          buildPath,
        });
        return { kind: 'built', built: { service, version: row, buildPath, manifest: outcome.manifest }, warnings: outcome.warnings };
      } catch (e) {
        await fs.promises.rm(buildPath, { recursive: true, force: true }).catch(() => undefined);
        throw e;
      }
    } finally {
      await fs.promises.rm(pushDir, { recursive: true, force: true }).catch(() => undefined);
      // Leave no empty folders behind a refused push.
      for (const dir of [path.join(root, 'pushes'), root]) {
        try {
          await fs.promises.rmdir(dir);
        } catch {
          break;
        }
      }
    }
  }
}
