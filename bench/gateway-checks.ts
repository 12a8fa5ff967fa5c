// Gateway checks benchmark: what CORS, the cost limits and rate limiting cost the gateway's throughput, measured
// side by side in one run on one platform (the checks are switched off and on between runs, read
// by the gateway on every request).
//
//   npm run build && node --import tsx bench/gateway-checks.ts
//       [--connections 10] [--duration 8] [--warmup 2] [--rounds 3]
//
// A real platform in this process (embedded store), the blog fixture pushed once and 20 posts
// seeded; autocannon in a process of its own (bench/lib/platform-load.ts) POSTs each query through
// the gateway with the developer key and a browser's `Origin: http://localhost:5173`, alternating
// checks on / off after a warm-up of each. With the checks on, every answer carries the CORS
// headers and every operation is checked against the cost limits; off, neither. Both read the
// operation once per document (cached) for the request line. Only 2xx answers with the expected
// body count. With rate limiting on, the developer key's limiter counts every request.
//
// Writes bench/results/gateway-checks.md and .json. Target: on costs at most 5 % of off.
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformClient } from '../apiclient/src';
import { packServiceFolder } from '../apiclient/src/pack';
import type { PolicyOptions } from '../platform/src/gateway/policy';
import { RunningPlatform, startPlatform } from '../platform/src/main';
import { blogService } from '../test/platform/helpers/service';
import { machineInfo } from './lib/machine';
import type { FromLoad, LoadResult, LoadSpec, ToLoad } from './lib/platform-load';

const REPO = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const TARGET_COST = 0.05;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? NaN : Number(process.argv[i + 1]);
  return Number.isFinite(v) ? v : fallback;
}
const settings = {
  connections: arg('connections', 10),
  durationS: arg('duration', 8),
  warmupS: arg('warmup', 2),
  rounds: Math.max(1, arg('rounds', 3)),
};
const QUERIES = [
  { id: 'allPosts', query: '{ allPosts { id title body } }' },
  { id: '__typename', query: '{ __typename }' },
];
const ORIGIN = 'http://localhost:5173';
const log = (line: string) => process.stderr.write(`[gateway-checks] ${line}\n`);

let loader: ChildProcess | undefined;
let nextId = 0;
const pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();

async function startLoader(): Promise<void> {
  const child = fork(path.join(__dirname, 'lib/platform-load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: REPO,
  });
  loader = child;
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: FromLoad) => {
      if (m.t === 'ready') return resolve();
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.t === 'result') p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    child.on('exit', (code) => {
      const e = new Error(`the load generator exited (${code})`);
      reject(e);
      for (const p of pending.values()) p.reject(e);
    });
  });
}

function load(spec: LoadSpec): Promise<LoadResult> {
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    loader!.send({ t: 'run', id, spec } satisfies ToLoad);
  });
}

/** cpuUs: this process's CPU (the platform: server, gateway, store client) per answered request. */
interface Side {
  mode: 'on' | 'off';
  round: number;
  okPerS: number;
  p50: number;
  p99: number;
  bad: number;
  cpuUs: number;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-gateway-checks-'));
  // As root the embedded PostgreSQL server runs as another user, which must pass through it.
  fs.chmodSync(tmp, 0o711);
  // The developer key's default limit (1000/s) would cap a quiet machine's throughput: raised so
  // the limiter runs on every request without refusing any.
  const checks: PolicyOptions = { cors: true, costLimits: true, rateLimits: true, developerRateLimit: { calls: 1_000_000, per: 'second' } };
  let platform: RunningPlatform | undefined;
  try {
    platform = await startPlatform({ port: 0, dataDir: path.join(tmp, 'data'), gateway: checks });
    const client = new PlatformClient({ url: platform.url });
    await client.signup(`bench-${process.pid}@example.com`, 'correct horse battery');
    const created = await client.createService('Blog');
    const dir = await blogService(path.join(tmp, 'blog'), created.service.id);
    const pushed = await client.push(created.service.id, await packServiceFolder(dir));
    if (!pushed.deployed) throw new Error('the push did not deploy');
    const url = client.endpointUrl(created.service.environments[0]);
    const headers = { 'x-user-authorization': created.developerKey, origin: ORIGIN };
    const post = async (query: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, text: await res.text(), cors: res.headers.get('access-control-allow-origin') };
    };
    for (let i = 0; i < 20; i++)
      await post(
        `mutation { createPost(title: "Post ${i + 1}", body: "Body of post ${i + 1}, seeded by the gateway checks benchmark.") { id } }`,
      );
    await startLoader();

    const results: Array<{ query: string; sides: Side[]; on: number; off: number; cost: number; cpuOn: number; cpuOff: number }> = [];
    for (const q of QUERIES) {
      const answers: Record<string, { text: string; cors: string | null }> = {};
      for (const mode of ['on', 'off'] as const) {
        checks.cors = checks.costLimits = checks.rateLimits = mode === 'on';
        const a = await post(q.query);
        if (a.status !== 200 || a.text.includes('"errors"'))
          throw new Error(`${q.id} (checks ${mode}): ${a.status} ${a.text.slice(0, 200)}`);
        answers[mode] = a;
      }
      if (answers.on.text !== answers.off.text) throw new Error(`${q.id} answers differently with the checks on and off`);
      if (answers.on.cors !== ORIGIN || answers.off.cors !== null)
        throw new Error(`${q.id}: CORS headers on=${answers.on.cors} off=${answers.off.cors}`);
      const spec = (mode: 'on' | 'off', durationS: number): LoadSpec => ({
        label: `${q.id} ${mode}`,
        url,
        headers,
        body: JSON.stringify({ query: q.query }),
        expect: answers.on.text,
        connections: settings.connections,
        durationS,
      });
      const run = async (mode: 'on' | 'off', durationS: number) => {
        checks.cors = checks.costLimits = checks.rateLimits = mode === 'on';
        return load(spec(mode, durationS));
      };
      log(`${q.id}: warm-up`);
      await run('on', settings.warmupS);
      await run('off', settings.warmupS);
      const sides: Side[] = [];
      for (let round = 1; round <= settings.rounds; round++) {
        // ABBA within a pair of rounds, so a drifting machine does not favour one side.
        const order: Array<'on' | 'off'> = round % 2 ? ['on', 'off'] : ['off', 'on'];
        for (const mode of order) {
          const cpu0 = process.cpuUsage();
          const r = await run(mode, settings.durationS);
          const cpu = process.cpuUsage(cpu0);
          const cpuUs = (cpu.user + cpu.system) / Math.max(1, r.ok);
          sides.push({
            mode,
            round,
            okPerS: r.okPerS,
            p50: r.latency.p50,
            p99: r.latency.p99,
            bad: r.wrongBody + r.non2xx + r.errors + r.timeouts,
            cpuUs,
          });
          log(
            `${q.id} round ${round} checks ${mode}: ${r.okPerS.toFixed(0)} ok/s, p50 ${r.latency.p50} ms, platform CPU ${cpuUs.toFixed(0)} µs/request, bad ${r.wrongBody + r.non2xx + r.errors + r.timeouts}`,
          );
        }
      }
      const mean = (mode: 'on' | 'off') => sides.filter((s) => s.mode === mode).reduce((a, s) => a + s.okPerS, 0) / settings.rounds;
      const on = mean('on');
      const off = mean('off');
      const cpu = (mode: 'on' | 'off') => sides.filter((s) => s.mode === mode).reduce((a, s) => a + s.cpuUs, 0) / settings.rounds;
      results.push({ query: q.query, sides, on, off, cost: 1 - on / off, cpuOn: cpu('on'), cpuOff: cpu('off') });
    }

    const machine = machineInfo(REPO);
    const lines = [
      '# Gateway checks: CORS, cost limits and rate limiting on vs off',
      '',
      `Run ${new Date().toISOString()}: \`node --import tsx bench/gateway-checks.ts --connections ${settings.connections} --duration ${settings.durationS} --warmup ${settings.warmupS} --rounds ${settings.rounds}\`.`,
      `Machine: ${JSON.stringify(machine)}.`,
      '',
      'One platform (embedded store) in the benchmark process; the blog fixture on `private`, 20 posts; autocannon in its own process POSTs through the gateway with the developer key and `Origin: http://localhost:5173`. "on": CORS headers on every answer, the cost limits checked and the developer key rate-limited; "off": none of them. Both read the operation (cached by document hash) for the request line. Rounds alternate on/off (ABBA). Only 2xx answers with the expected body count.',
      '',
      '| query | checks on, ok req/s | checks off, ok req/s | throughput cost | target | platform CPU per request, on / off |',
      '|---|---|---|---|---|---|',
      ...results.map(
        (r) =>
          `| \`${r.query}\` | ${r.on.toFixed(0)} | ${r.off.toFixed(0)} | ${(100 * r.cost).toFixed(1)} % | ≤ ${TARGET_COST * 100} %: ${r.cost <= TARGET_COST ? 'met' : 'missed'} | ${r.cpuOn.toFixed(0)} µs / ${r.cpuOff.toFixed(0)} µs (${(100 * (r.cpuOn / r.cpuOff - 1)).toFixed(1)} %) |`,
      ),
      '',
      "The platform CPU per request is this process's CPU time (server, gateway, store client) over the answered requests of each run: less sensitive than throughput to what else the machine runs. The load average at the start is in the machine line; a busy machine makes the throughput columns uncertain.",
      '',
      'Every run:',
      '',
      '| query | round | checks | ok req/s | p50 ms | p99 ms | platform CPU µs/request | bad answers |',
      '|---|---|---|---|---|---|---|---|',
      ...results.flatMap((r) =>
        r.sides.map(
          (s) =>
            `| \`${r.query}\` | ${s.round} | ${s.mode} | ${s.okPerS.toFixed(0)} | ${s.p50} | ${s.p99} | ${s.cpuUs.toFixed(0)} | ${s.bad} |`,
        ),
      ),
      '',
      "Rate limiting on: the developer key's limiter counts every request (its limit raised so it never refuses); a plan's quota reservation is only for production calls, not in this measure.",
      '',
    ];
    fs.mkdirSync(RESULTS, { recursive: true });
    fs.writeFileSync(path.join(RESULTS, 'gateway-checks.md'), lines.join('\n'));
    fs.writeFileSync(path.join(RESULTS, 'gateway-checks.json'), JSON.stringify({ settings, machine, results }, null, 2) + '\n');
    process.stdout.write(lines.join('\n'));
  } finally {
    loader?.kill();
    await platform?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`gateway-checks: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
