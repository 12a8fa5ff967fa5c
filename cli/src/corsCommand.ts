// project:service:cors: the browser origins (CORS) one environment of a service-instance allows.
import { CommandInput, platformClient, printJson, str } from './context';
import { environmentOf, projectIdOf, serviceOf } from './projectCommands';

export async function serviceCors({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('project:service:cors', values);
  const serviceId = serviceOf('project:service:cors', values);
  const environment = environmentOf('project:service:cors', values);
  // Several origins are separated by commas (an origin has none).
  const list = (name: string) =>
    (str(values, name) ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
  const add = list('add');
  const remove = list('remove');
  const client = platformClient(values, true);
  const origins =
    add.length || remove.length
      ? await client.changeCorsOrigins(projectId, serviceId, environment, add, remove)
      : await client.corsOrigins(projectId, serviceId, environment);
  if (values.json) {
    printJson({ origins });
    return 0;
  }
  const local = environment === 'production' ? '' : ' (and, by default, http://localhost:* and http://127.0.0.1:*)';
  process.stdout.write(
    origins.length
      ? `Browser origins allowed to call ${serviceId}'s ${environment} environment in project ${projectId}${local}:\n${origins.map((o) => `  ${o}\n`).join('')}`
      : `No origins set for ${serviceId}'s ${environment} environment in project ${projectId}${environment === 'production' ? ': browsers cannot call it' : `; it takes ${local.slice(6, -1)}`}. Add one with --add https://app.example.com.\n`,
  );
  return 0;
}
