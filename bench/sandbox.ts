// The sandbox's cost, side by side in one run: a platform whose deployments run in the bubblewrap
// sandbox (cgroups, the database proxy) and one whose deployments run without it (`--sandbox off`),
// the same service on each. Deployment start: the wall time of a redeploy of the serving version
// (process start, load, open, health check, switch, the old process stopped), alternating between
// the two. Throughput: autocannon (its own process, bench/lib/platform-load.ts) POSTing `allPosts`
// through each gateway, alternating rounds.
//
//   npm run build && node --import tsx bench/sandbox.ts [--pg postgres://...] [--deploys 5]
//                                    [--duration 8] [--rounds 2] [--connections 10]
//
// Writes bench/results/sandbox.md and bench/results/sandbox.json.
import { fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { PlatformClient } from '../apiclient/src';
import { packServiceFolder } from '../apiclient/src/pack';
import { RunningPlatform, startPlatform } from '../platform/src/main';
import { environmentByName } from '../platform/src/store/deployments';
import { scratchDatabase, ScratchDatabase } from '../test/platform/helpers/platform';
import { blogService } from '../test/platform/helpers/service';
import { machineInfo } from './lib/machine';
import type { FromLoad, LoadResult, LoadSpec } from './lib/platform-load';
import { percentile } from './lib/stats';

const REPO = path.resolve(__dirname, '..');
function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const PG = arg('pg', '');
const DEPLOYS = Number(arg('deploys', '5'));
const DURATION_S = Number(arg('duration', '8'));
const ROUNDS = Number(arg('rounds', '2'));
const CONNECTIONS = Number(arg('connections', '10'));
/**
 * The sandboxed deployment's CPU weight. 100 (a normal process's, 1024 cpu.shares on v1) by default:
 * the platform's default of 50 halves its share on a busy machine by design, which is policy, not
 * the sandbox's cost.
 */
const CPU_WEIGHT = Number(arg('cpu-weight', '100'));

interface Side {
  label: 'sandboxed' | 'unsandboxed';
  platform: RunningPlatform;
  database?: ScratchDatabase;
  tmp: string;
  envId: string;
  versionId: string;
  url: string;
  key: string;
  expect: string;
  deployMs: number[];
  loads: LoadResult[];
}

async function graphql(url: string, key: string, query: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      'x-user-authorization': key,
    },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, text: await res.text() };
}

async function side(label: Side['label']): Promise<Side> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `codestore-bench-${label}-`));
  const database = PG ? await scratchDatabase(PG, 'codestore_bench_sandbox') : undefined;
  const platform = await startPlatform({
    port: 0,
    dataDir: path.join(tmp, 'data'),
    databaseUrl: database?.url,
    sandbox: label === 'sandboxed' ? 'required' : 'off',
    limits: { cpuWeight: CPU_WEIGHT },
    log: (l) => {
      if (l.startsWith('sandbox:')) process.stderr.write(`[${label}] ${l}\n`);
    },
  });
  const client = new PlatformClient({ url: platform.url });
  await client.signup(`bench-${label}-${process.pid}@example.com`, 'correct horse battery');
  const created = await client.createService('Blog');
  const dir = await blogService(path.join(tmp, 'svc'), created.service.id);
  const pushed = (await client.push(created.service.id, await packServiceFolder(dir))) as {
    id: string;
    deployed: boolean;
    deployment: unknown;
  };
  if (!pushed.deployed) throw new Error(`${label}: the push did not deploy: ${JSON.stringify(pushed.deployment)}`);
  const url = `${platform.url}${created.service.environments[0].path}`;
  for (let i = 0; i < 20; i++)
    await graphql(url, created.developerKey, `mutation { createPost(title: "Post ${i}", body: "Body ${i}") { id } }`);
  const expect = (await graphql(url, created.developerKey, '{ allPosts { id title } }')).text;
  const envId = (await environmentByName(platform.db, created.service.id, 'private'))!.id;
  return { label, platform, database, tmp, envId, versionId: pushed.id, url, key: created.developerKey, expect, deployMs: [], loads: [] };
}

async function main(): Promise<void> {
  const sides = [await side('sandboxed'), await side('unsandboxed')];
  try {
    for (let i = 0; i < DEPLOYS; i++) {
      for (const s of i % 2 ? [...sides].reverse() : sides) {
        const t0 = performance.now();
        const outcome = await s.platform.runtime.redeploy(s.envId, s.versionId);
        if (outcome?.status !== 'DEPLOYED') throw new Error(`${s.label}: redeploy ${i} ended ${outcome?.status}: ${outcome?.error}`);
        s.deployMs.push(performance.now() - t0);
      }
    }
    const loader = fork(path.join(__dirname, 'lib/platform-load.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      cwd: REPO,
    });
    let nextId = 0;
    const waiting = new Map<number, (r: LoadResult | Error) => void>();
    await new Promise<void>((resolve) =>
      loader.on('message', (m: FromLoad) => {
        if (m.t === 'ready') return resolve();
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        w?.(m.t === 'result' ? m.result : new Error(m.error));
      }),
    );
    const load = (spec: LoadSpec) =>
      new Promise<LoadResult>((resolve, reject) => {
        const id = ++nextId;
        waiting.set(id, (r) => (r instanceof Error ? reject(r) : resolve(r)));
        loader.send({ t: 'run', id, spec });
      });
    const spec = (s: Side, durationS: number): LoadSpec => ({
      label: s.label,
      url: s.url,
      headers: { 'x-user-authorization': s.key },
      body: JSON.stringify({ query: '{ allPosts { id title } }' }),
      expect: s.expect,
      connections: CONNECTIONS,
      durationS,
    });
    for (const s of sides) await load(spec(s, 2));
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of r % 2 ? [...sides].reverse() : sides) s.loads.push(await load(spec(s, DURATION_S)));
    }
    loader.disconnect();
    report(sides);
  } finally {
    for (const s of sides) {
      await s.platform.close();
      await s.database?.drop();
      fs.rmSync(s.tmp, { recursive: true, force: true });
    }
  }
}

function report(sides: Side[]): void {
  const [sb, un] = sides;
  const med = (xs: number[]) => percentile(xs, 50) ?? NaN;
  const okPerS = (s: Side) => s.loads.reduce((a, l) => a + l.okPerS, 0) / s.loads.length;
  const bad = (s: Side) => s.loads.reduce((a, l) => a + l.non2xx + l.wrongBody + l.errors + l.timeouts, 0);
  const rows = [
    [
      'deployment start, median (ms)',
      med(sb.deployMs).toFixed(0),
      med(un.deployMs).toFixed(0),
      `${(med(sb.deployMs) - med(un.deployMs)).toFixed(0)} ms slower (target ≤ 100)`,
    ],
    ['deployment start, all (ms)', sb.deployMs.map((x) => x.toFixed(0)).join(', '), un.deployMs.map((x) => x.toFixed(0)).join(', '), ''],
    [
      'gateway allPosts, ok req/s (mean of rounds)',
      okPerS(sb).toFixed(0),
      okPerS(un).toFixed(0),
      `${((okPerS(sb) / okPerS(un)) * 100).toFixed(1)} % (target ≥ 90 %)`,
    ],
    [
      'gateway allPosts, p50 / p99 latency (ms)',
      `${sb.loads[0].latency.p50} / ${sb.loads[0].latency.p99}`,
      `${un.loads[0].latency.p50} / ${un.loads[0].latency.p99}`,
      '',
    ],
    ['bad answers (non-2xx, wrong body, errors)', String(bad(sb)), String(bad(un)), ''],
  ];
  const mi = machineInfo(REPO);
  const m = `${mi.nproc} × ${mi.cpuModel}, ${mi.memTotalMb} MB, Node ${mi.node}, load ${mi.loadAvgStart.join('/')}${mi.commit ? `, commit ${mi.commit}${mi.dirty ? ' (dirty)' : ''}` : ''}`;
  const md = [
    '# Sandbox benchmark',
    '',
    `Run ${new Date().toISOString()}; \`node --import tsx bench/sandbox.ts${PG ? ' --pg <server>' : ''} --deploys ${DEPLOYS} --duration ${DURATION_S} --rounds ${ROUNDS} --connections ${CONNECTIONS} --cpu-weight ${CPU_WEIGHT}\`; store and environment databases ${PG ? 'on a PostgreSQL server' : 'embedded (PGlite)'}; machine: ${m}.`,
    '',
    '| | sandboxed (bubblewrap, cgroups, db proxy) | unsandboxed (`--sandbox off`) | |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    "Deployment start is the wall time of `runtime.redeploy` of the serving version (new process, load, database, health check, switch, old process stopped), alternating sides. Throughput is autocannon in its own process through each platform's gateway, counting only 2xx answers with the exact expected body, alternating rounds after a 2 s warm-up of each. The machine is shared: figures from one run, not a lab.",
    '',
  ].join('\n');
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, 'results', 'sandbox.md'), md);
  fs.writeFileSync(
    path.join(__dirname, 'results', 'sandbox.json'),
    `${JSON.stringify({ pg: !!PG, deploys: DEPLOYS, durationS: DURATION_S, rounds: ROUNDS, connections: CONNECTIONS, sides: sides.map((s) => ({ label: s.label, deployMs: s.deployMs, loads: s.loads })) }, null, 2)}\n`,
  );
  process.stdout.write(md);
}

void main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
