// Metering benchmark: the gateway's throughput on a metered call (a service-instance's production
// endpoint, with a client key: each answered call is written to the metering journal before its
// answer goes out) against an unmetered one (the same build on the service's demo endpoint, with
// the developer key), side by side on one platform: alternating runs, autocannon in a process of
// its own (bench/lib/platform-load.ts). Target: metering costs ≤ 5 % of the throughput.
//
//   npm run build && node --import tsx bench/metering.ts [--connections 10] [--duration 8] [--rounds 3]
//   node --import tsx bench/run.ts --only metering
//
// Writes bench/results/metering.md and metering.json.
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformClient } from '../apiclient/src';
import { packServiceFolder } from '../apiclient/src/pack';
import { startPlatform } from '../platform/src/main';
import { blogService } from '../test/platform/helpers/service';
import { machineInfo, writeReport } from './lib/machine';
import type { FromLoad, LoadResult, LoadSpec, ToLoad } from './lib/platform-load';

const REPO = path.resolve(__dirname, '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const settings = {
  connections: arg('connections', 10),
  durationS: arg('duration', 8),
  warmupS: arg('warmup', 2),
  rounds: arg('rounds', 3),
  posts: 20,
};
const TARGET_COST = 0.05;

async function api<T = any>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data as T;
}

async function main(): Promise<void> {
  const machine = machineInfo(REPO);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-metering-bench-'));
  // As root the embedded PostgreSQL server runs as another user, which must pass through it.
  fs.chmodSync(tmp, 0o711);
  const platform = await startPlatform({ port: 0, dataDir: path.join(tmp, 'data') });
  const load = fork(path.join(__dirname, 'lib/platform-load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: REPO,
  });
  try {
    await new Promise<void>((resolve) =>
      load.once('message', (m: FromLoad) => {
        if (m.t === 'ready') resolve();
      }),
    );
    let id = 0;
    const run = (spec: LoadSpec) =>
      new Promise<LoadResult>((resolve, reject) => {
        const me = ++id;
        const on = (m: FromLoad) => {
          if (m.t === 'result' && m.id === me) {
            load.off('message', on);
            resolve(m.result);
          }
          if (m.t === 'error' && m.id === me) {
            load.off('message', on);
            reject(new Error(m.error));
          }
        };
        load.on('message', on);
        load.send({ t: 'run', id: me, spec } satisfies ToLoad);
      });

    const client = new PlatformClient({ url: platform.url });
    const { token } = await client.signup(`metering-bench-${process.pid}@example.com`, 'correct horse battery');
    const { service, developerKey } = await client.createService('Metering bench');
    const folder = await blogService(path.join(tmp, 'service'), service.id);
    const pushed = await client.push(service.id, await packServiceFolder(folder));
    if (!pushed.deployed) throw new Error('the push did not deploy');
    await api(platform.url, token, 'mutation($s: ID!) { promote(serviceId: $s) { status } }', { s: service.id });
    const { createProject } = await api(platform.url, token, 'mutation { createProject(name: "Bench") { id } }');
    const { addServiceToProject } = await api(
      platform.url,
      token,
      `mutation($p: ID!, $s: ID!) {
      addServiceToProject(projectId: $p, serviceId: $s, plan: { billingType: PAY_PER_CALL, amount: 1 }) { environments { name path } } }`,
      { p: createProject.id, s: service.id },
    );
    for (const [from, to] of [
      ['development', 'staging'],
      ['staging', 'production'],
    ]) {
      await api(
        platform.url,
        token,
        `mutation($p: ID!, $s: ID!) { promoteInstance(projectId: $p, serviceId: $s, from: ${from}, to: ${to}) { status } }`,
        { p: createProject.id, s: service.id },
      );
    }
    const { addClientKey } = await api(platform.url, token, 'mutation($p: ID!) { addClientKey(projectId: $p, name: "bench") { key } }', {
      p: createProject.id,
    });
    const demo = (await client.serviceInfo(service.id)).environments.find((e) => e.name === 'demo')!;
    const production = addServiceToProject.environments.find((e: { name: string }) => e.name === 'production');
    const endpoints = {
      metered: { url: `${platform.url}${production.path}`, headers: { 'x-user-authorization': addClientKey.key as string } },
      unmetered: { url: `${platform.url}${demo.path}`, headers: { 'x-user-authorization': developerKey } },
    };
    // The same rows on both databases, so both answer the same body.
    for (const e of Object.values(endpoints)) {
      for (let i = 0; i < settings.posts; i++) {
        await fetch(e.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...e.headers },
          body: JSON.stringify({ query: `mutation { createPost(title: "Post ${i}", body: "x") { id } }` }),
        });
      }
    }
    const body = JSON.stringify({ query: '{ allPosts { id title } }' });
    const expect = await (
      await fetch(endpoints.unmetered.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...endpoints.unmetered.headers,
        },
        body,
      })
    ).text();
    const usage = async () =>
      (
        await api(platform.url, token, 'query($p: ID!, $s: ID!) { usage(projectId: $p, serviceId: $s) { production } }', {
          p: createProject.id,
          s: service.id,
        })
      ).usage.production as number;
    const before = await usage();
    const spec = (label: string, e: { url: string; headers: Record<string, string> }, durationS: number): LoadSpec => ({
      label,
      url: e.url,
      headers: e.headers,
      body,
      expect,
      connections: settings.connections,
      durationS,
    });
    await run(spec('warm-up metered', endpoints.metered, settings.warmupS));
    await run(spec('warm-up unmetered', endpoints.unmetered, settings.warmupS));
    const results: Array<{ path: 'metered' | 'unmetered'; round: number; result: LoadResult }> = [];
    let meteredOk = 0;
    for (let round = 1; round <= settings.rounds; round++) {
      for (const p of round % 2 ? (['metered', 'unmetered'] as const) : (['unmetered', 'metered'] as const)) {
        const result = await run(spec(`${p} round ${round}`, endpoints[p], settings.durationS));
        results.push({ path: p, round, result });
        if (p === 'metered') meteredOk += result.completed;
      }
    }
    const counted = (await usage()) - before;
    const mean = (p: string) => {
      const r = results.filter((x) => x.path === p);
      return r.reduce((n, x) => n + x.result.okPerS, 0) / r.length;
    };
    const metered = mean('metered');
    const unmetered = mean('unmetered');
    const cost = 1 - metered / unmetered;
    machine.loadAvgEnd = os.loadavg();
    const md = [
      '# Metering benchmark',
      '',
      `- Date: ${machine.date}; node ${machine.node}; ${machine.cpuModel}, ${machine.nproc} CPUs; commit ${machine.commit ?? '?'}${machine.dirty ? ' (dirty)' : ''}`,
      `- Load average ${machine.loadAvgStart.map((x) => x.toFixed(2)).join(' / ')} at start, ${machine.loadAvgEnd.map((x) => x.toFixed(2)).join(' / ')} at end (the machine may be shared)`,
      `- Settings: ${JSON.stringify(settings)}; store: embedded PGlite; query \`{ allPosts { id title } }\` over ${settings.posts} rows`,
      '',
      '| Path | ok req/s (mean of rounds) | Target |',
      '|---|--:|---|',
      `| unmetered (demo endpoint, developer key) | ${unmetered.toFixed(0)} | |`,
      `| metered (production endpoint, client key, journal write per call) | ${metered.toFixed(0)} | |`,
      `| metering cost | ${(cost * 100).toFixed(1)} % | ≤ ${TARGET_COST * 100} % ${cost <= TARGET_COST ? '✅ met' : '❌ missed'} |`,
      '',
      `Metered calls answered in the measured rounds: ${meteredOk}; usage grew by ${counted} over the warm-up and the rounds.`,
      '',
      '| Run | ok req/s | latency p50 ms | p99 ms | non-2xx | wrong body | errors |',
      '|---|--:|--:|--:|--:|--:|--:|',
      ...results.map(
        ({ result: r }) =>
          `| ${r.label} | ${r.okPerS.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} | ${r.wrongBody} | ${r.errors} |`,
      ),
      '',
    ].join('\n');
    writeReport(path.join(__dirname, 'results'), 'metering', md, { machine, settings, metered, unmetered, cost, counted, results });
  } finally {
    load.kill();
    await platform.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
