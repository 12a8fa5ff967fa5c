// Names where ids are asked: -p/--project, -s/--service and a positional service take the id or
// the name the user gave. A name that several share is refused with their ids; a value that is
// neither goes on as it is, so the platform's own "No service ..." answers it.
import type { PlatformClient } from '../../apiclient/src';
import { platformClient, Values } from './context';
import { usageError } from './errors';

interface Named {
  id: string;
  name: string;
}

/** The id `given` stands for among `all`: an id as it is, else the one with that name (any case, when none has it exactly). */
export function idFor(kind: 'service' | 'project' | 'organization', given: string, all: readonly Named[], option: string): string {
  if (all.some((x) => x.id === given)) return given;
  let named = all.filter((x) => x.name === given);
  if (!named.length) named = all.filter((x) => x.name.toLowerCase() === given.toLowerCase());
  if (named.length === 1) return named[0].id;
  if (named.length > 1) {
    throw usageError(
      `${JSON.stringify(given)} names ${named.length} ${kind}s: ${named.map((x) => `${x.id} (${x.name})`).join(', ')}. Pass the id of the one you mean (${option} <id>).`,
    );
  }
  return given;
}

/**
 * Replaces the names in `values.project`, `values.service` and (when the command's first argument
 * is a service) `args[0]` with ids, asking the platform for the lists only when one is given.
 */
export async function resolveNames(values: Values, args: string[], positionalService: boolean, given?: PlatformClient): Promise<void> {
  if (typeof values.org === 'string') {
    // The organization first: the lists below are the ones of the organization it names.
    const memberships = await (given ?? platformClient(values, true)).organizations();
    values.org = idFor(
      'organization',
      values.org,
      memberships.map((m) => m.organization),
      '--org',
    );
  }
  const client = given ?? platformClient(values, true);
  if (typeof values.project === 'string') values.project = idFor('project', values.project, await client.listProjects(), '-p');
  const services = typeof values.service === 'string' || (positionalService && args[0] !== undefined) ? await client.listServices() : [];
  if (typeof values.service === 'string') values.service = idFor('service', values.service, services, '-s');
  if (positionalService && args[0] !== undefined) args[0] = idFor('service', args[0], services, 'the argument');
}
