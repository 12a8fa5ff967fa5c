// Usage as the platform reports it, turned into what the language server takes (no vscode here).
import type { EnvironmentUsage as PlatformUsage, Project } from '../../apiclient/src/types';
import type { EnvironmentUsage } from '../../server/protocol/protocol';

/** The platform's usage as the language server takes it, each environment named for messages. */
export function toServerUsage(envs: readonly PlatformUsage[], projects: readonly Pick<Project, 'id' | 'name'>[] = []): EnvironmentUsage[] {
  const names = new Map(projects.map((p) => [p.id, p.name]));
  return envs.map((e) => ({
    label: e.projectId ? `${e.environment} of ${names.get(e.projectId) ?? e.projectId}` : e.environment,
    days: e.days,
    schema: e.schema ?? undefined,
    operations: e.operations,
  }));
}
