// usage and invoice: an instance's calls in a month, and a project's invoice. Amounts print in major
// units with their currency (12.50 EUR); --json prints the platform's answer as it is (minor units).
import { CommandInput, platformClient, printJson, str } from './context';
import { describePlan, formatMoney, formatTotals, parseMonth } from './plans';
import { projectIdOf, serviceOf } from './projectCommands';
import { table } from './serviceCommands';

export async function usage({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('usage', values);
  const serviceId = serviceOf('usage', values);
  const month = parseMonth(str(values, 'month'));
  const client = platformClient(values, true);
  const u = await client.usage(projectId, serviceId, month);
  if (values.json) {
    printJson(u);
    return 0;
  }
  const out = [
    `Calls to ${u.serviceId} in project ${u.projectId}, ${u.month} (UTC):`,
    ...table([
      ['production', String(u.production)],
      ['staging', String(u.staging)],
      ['development', String(u.development)],
    ])
      .trimEnd()
      .split('\n')
      .map((l) => `  ${l}`),
  ];
  if (u.byPlan.length) {
    out.push('Production calls by rate plan:');
    out.push(
      ...table(u.byPlan.map((p) => [describePlan(p.plan), `from ${p.plan.effectiveFrom}`, String(p.calls)]))
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  if (u.refused?.length) {
    out.push('Refused by the gateway (not billed):');
    out.push(
      ...table(u.refused.map((r) => [r.environment, r.reason, String(r.calls)]))
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

export async function invoice({ values }: CommandInput): Promise<number> {
  const projectId = projectIdOf('invoice', values);
  const month = parseMonth(str(values, 'month'));
  const client = platformClient(values, true);
  const inv = await client.invoice(projectId, month);
  if (values.json) {
    printJson(inv);
    return 0;
  }
  const out = [`Invoice of project ${inv.projectId} for ${inv.month} (UTC):`];
  if (!inv.lines.length) out.push('  No services were billable this month.');
  else {
    const rows = inv.lines.map((l) => [
      l.serviceId,
      describePlan(l.plan),
      String(l.calls),
      String(l.billedCalls),
      formatMoney(l.total, l.plan.currency),
    ]);
    out.push(
      ...table([['SERVICE', 'RATE PLAN', 'CALLS', 'BILLED CALLS', 'TOTAL'], ...rows])
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  out.push(`Total: ${formatTotals(inv.totals)}`);
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
