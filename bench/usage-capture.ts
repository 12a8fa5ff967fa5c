// Usage capture benchmark: what recording the schema usage of every call (platform/src/usage/
// recorder.ts) costs the gateway's throughput, with capture on against off, side by side in one
// run on one platform. Capture is switched between runs through the gateway's `usageCapture`
// option (read on every request; off only for this measure).
//
//   npm run build && node --import tsx bench/usage-capture.ts
//       [--connections 10] [--duration 8] [--warmup 2] [--rounds 4]
//   npm run bench -- --only usage
//
// A real platform in this process (embedded PostgreSQL server), the blog fixture pushed once and
// 20 posts seeded; autocannon in a process of its own (bench/lib/platform-load.ts) POSTs each query
// through the gateway with the developer key, alternating on / off (ABBA) after a warm-up of each.
// Only 2xx answers with the expected body count. The store's schema_usage table is read after
// every run: calls must be added with capture on and none with it off, or the run is refused.
// The machine may be shared: each run records the 1-minute load average, and the ratio of the
// pair of runs next to each other is reported as well as the means.
//
// Writes bench/results/usage-capture.md and .json. Target: capture on costs at most 5 %.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformClient } from '../apiclient/src';
import { packServiceFolder } from '../apiclient/src/pack';
import type { PolicyOptions } from '../platform/src/gateway/policy';
import { RunningPlatform, startPlatform } from '../platform/src/main';
import { blogService } from '../test/platform/helpers/service';
import { Loader, startLoader } from './lib/loader';
import { machineInfo, writeReport } from './lib/machine';

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
  rounds: Math.max(2, arg('rounds', 4)),
};
const QUERIES = [
  // Each call adds one to each coordinate it used (Query.allPosts, Post.id, ...).
  { id: 'allPosts', query: '{ allPosts { id title author { name } } }', records: true },
  // Handed to the recorder too, which finds no coordinate in it: the per-call cost alone.
  { id: '__typename', query: '{ __typename }', records: false },
];
const log = (line: string) => process.stderr.write(`[usage-capture] ${line}\n`);
const load1 = () => Math.round(os.loadavg()[0] * 100) / 100;

type Mode = 'on' | 'off';
interface Side {
  mode: Mode;
  round: number;
  okPerS: number;
  p50: number;
  p99: number;
  bad: number;
  /** This process's CPU (server, gateway, recorder, store client) per answered request, µs. */
  cpuUs: number;
  /** Calls the store's schema_usage gained during the run (after a flush). */
  recorded: number;
  loadAvg1: number;
}

async function main(): Promise<void> {
  const machine = machineInfo(REPO);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-usage-capture-'));
  // As root the embedded PostgreSQL server runs as another user, which must pass through it.
  fs.chmodSync(tmp, 0o711);
  // The developer key's default limit (1000/s) would cap a quiet machine's throughput: raised.
  const gateway: PolicyOptions = { usageCapture: true, developerRateLimit: { calls: 1_000_000, per: 'second' } };
  let platform: RunningPlatform | undefined;
  let loader: Loader | undefined;
  try {
    platform = await startPlatform({ port: 0, dataDir: path.join(tmp, 'data'), gateway });
    const db = platform.db;
    const client = new PlatformClient({ url: platform.url });
    await client.signup(`bench-${process.pid}@example.com`, 'correct horse battery');
    const created = await client.createService('Blog');
    const dir = await blogService(path.join(tmp, 'blog'), created.service.id);
    const pushed = await client.push(created.service.id, await packServiceFolder(dir));
    if (!pushed.deployed) throw new Error('the push did not deploy');
    const url = client.endpointUrl(created.service.environments[0]);
    const headers = { 'x-user-authorization': created.developerKey };
    const post = async (query: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, text: await res.text() };
    };
    for (let i = 0; i < 20; i++)
      await post(`mutation { createPost(title: "Post ${i + 1}", body: "Body of post ${i + 1}, seeded by the usage benchmark.") { id } }`);
    // What schema_usage holds so far, after the recorder wrote what it had (its flush runs every second).
    const recordedCalls = async () => {
      await new Promise((r) => setTimeout(r, 1200));
      const rows = await db.query<{ n: string | null }>('SELECT sum(calls)::text AS n FROM schema_usage');
      return Number(rows[0]?.n ?? 0);
    };
    loader = await startLoader(REPO);

    const results: Array<{
      query: string;
      sides: Side[];
      on: number;
      off: number;
      cost: number;
      pairCosts: number[];
      cpuOn: number;
      cpuOff: number;
    }> = [];
    for (const q of QUERIES) {
      const first = await post(q.query);
      if (first.status !== 200 || first.text.includes('"errors"')) throw new Error(`${q.id}: ${first.status} ${first.text.slice(0, 200)}`);
      const run = async (mode: Mode, durationS: number) => {
        gateway.usageCapture = mode === 'on';
        return loader!.load({
          label: `${q.id} ${mode}`,
          url,
          headers,
          body: JSON.stringify({ query: q.query }),
          expect: first.text,
          connections: settings.connections,
          durationS,
        });
      };
      log(`${q.id}: warm-up`);
      await run('on', settings.warmupS);
      await run('off', settings.warmupS);
      const sides: Side[] = [];
      for (let round = 1; round <= settings.rounds; round++) {
        // ABBA: a drifting machine does not favour one side.
        const order: Mode[] = round % 2 ? ['on', 'off'] : ['off', 'on'];
        for (const mode of order) {
          const before = await recordedCalls();
          const loadAvg1 = load1();
          const cpu0 = process.cpuUsage();
          const r = await run(mode, settings.durationS);
          const cpu = process.cpuUsage(cpu0);
          const recorded = (await recordedCalls()) - before;
          if (mode === 'off' && recorded !== 0) throw new Error(`${q.id}: ${recorded} calls recorded with usage capture off`);
          if (mode === 'on' && q.records && recorded < r.ok)
            throw new Error(`${q.id}: ${recorded} calls recorded for ${r.ok} answered with usage capture on`);
          const side: Side = {
            mode,
            round,
            okPerS: r.okPerS,
            p50: r.latency.p50,
            p99: r.latency.p99,
            bad: r.wrongBody + r.non2xx + r.errors + r.timeouts,
            cpuUs: (cpu.user + cpu.system) / Math.max(1, r.ok),
            recorded,
            loadAvg1,
          };
          sides.push(side);
          log(
            `${q.id} round ${round} capture ${mode}: ${r.okPerS.toFixed(0)} ok/s, p50 ${side.p50} ms, platform CPU ${side.cpuUs.toFixed(0)} µs/request, recorded ${recorded}, load ${loadAvg1}`,
          );
        }
      }
      const mean = (mode: Mode, f: (s: Side) => number) =>
        sides.filter((s) => s.mode === mode).reduce((a, s) => a + f(s), 0) / settings.rounds;
      const on = mean('on', (s) => s.okPerS);
      const off = mean('off', (s) => s.okPerS);
      const pairCosts = [...Array(settings.rounds).keys()].map((i) => {
        const of = (mode: Mode) => sides.find((s) => s.round === i + 1 && s.mode === mode)!.okPerS;
        return 1 - of('on') / of('off');
      });
      results.push({
        query: q.query,
        sides,
        on,
        off,
        cost: 1 - on / off,
        pairCosts,
        cpuOn: mean('on', (s) => s.cpuUs),
        cpuOff: mean('off', (s) => s.cpuUs),
      });
    }

    const loadEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    const md = [
      '# Gateway throughput with usage capture on vs off',
      '',
      `Run ${machine.date} on ${machine.cpuModel} (${machine.nproc} cores, ${machine.memTotalMb} MB), Node ${machine.node}, commit ${machine.commit}; load average ${machine.loadAvgStart.join(' / ')} at start, ${loadEnd.join(' / ')} at end (the machine is shared).`,
      '',
      `Command: \`npm run build && node --import tsx bench/usage-capture.ts --connections ${settings.connections} --duration ${settings.durationS} --warmup ${settings.warmupS} --rounds ${settings.rounds}\`.`,
      '',
      'One platform (embedded PostgreSQL server) in the benchmark process; the blog fixture on `private`, 20 posts; autocannon in its own process POSTs through the gateway with the developer key. "on": the gateway hands every call the service ran to the usage recorder (schema coordinates per environment, day, client and operation, written to the store once a second); "off": the gateway option `usageCapture: false`, for this measure only. Rounds alternate on/off (ABBA); the store\'s `schema_usage` is read after each run (calls added with capture on, none with it off). Only 2xx answers with the expected body count.',
      '',
      '| query | capture on, ok req/s | capture off, ok req/s | throughput cost (means) | cost per pair of runs | target | platform CPU per request, on / off |',
      '|---|--:|--:|--:|---|---|---|',
      ...results.map(
        (r) =>
          `| \`${r.query}\` | ${r.on.toFixed(0)} | ${r.off.toFixed(0)} | ${pct(r.cost)} | ${r.pairCosts.map(pct).join(', ')} | ≤ ${TARGET_COST * 100} %: ${r.cost <= TARGET_COST ? 'met' : 'missed'} | ${r.cpuOn.toFixed(0)} µs / ${r.cpuOff.toFixed(0)} µs (${pct(r.cpuOn / r.cpuOff - 1)}) |`,
      ),
      '',
      "The platform CPU per request is this process's CPU time (server, gateway, usage recorder, store client) over the answered requests of each run: less sensitive than throughput to what else the machine runs. A negative cost is noise: the two sides differ by less than the machine's drift.",
      '',
      'Every run:',
      '',
      '| query | round | capture | ok req/s | p50 ms | p99 ms | platform CPU µs/request | calls recorded | bad answers | load average (1 min) |',
      '|---|--:|---|--:|--:|--:|--:|--:|--:|--:|',
      ...results.flatMap((r) =>
        r.sides.map(
          (s) =>
            `| \`${r.query}\` | ${s.round} | ${s.mode} | ${s.okPerS.toFixed(0)} | ${s.p50} | ${s.p99} | ${s.cpuUs.toFixed(0)} | ${s.recorded} | ${s.bad} | ${s.loadAvg1} |`,
        ),
      ),
    ].join('\n');
    writeReport(RESULTS, 'usage-capture', md, { settings, machine: { ...machine, loadAvgEnd: loadEnd }, results });
  } finally {
    loader?.kill();
    await platform?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`usage-capture: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
