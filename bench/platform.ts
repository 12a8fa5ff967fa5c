// Platform benchmark: how long a push takes to be DEPLOYED, and how much of a deployed service's
// GraphQL throughput the gateway keeps, on a real platform started in this process.
//
//   npm run build && node --import tsx bench/platform.ts
//   node --import tsx bench/run.ts --only platform          (same, from the benchmark runner)
//   node --import tsx bench/platform.ts [--pushes 7] [--posts 20] [--connections 10] [--duration 10]
//       [--warmup 2] [--rounds 2] [--pg postgres://...] [--profile | --no-profile] [--keep]
//
// 1. Push → DEPLOYED: the blog fixture service (test/fixtures/blog + push-blog, database layer
//    generated) is packed once and pushed N times with the real PlatformClient; each push answers
//    once its deployment to private settled. The first push (TypeScript's first type check, the
//    environment's database made from the template, the initial migration) is shown apart; the
//    platform log's timestamps split each push into check + build and deploy.
// 2. Throughput: autocannon (in a process of its own, bench/lib/platform-load.ts) POSTs a query
//    through the gateway (/s/<endpoint>/graphql with the developer key) and straight to the
//    deployment process serving it (same process, same resolvers, same graphql-http server),
//    alternating gateway/direct, after a warm-up of each. Only 2xx answers with the expected body
//    count as throughput; non-2xx, wrong bodies and connection errors are reported apart.
// The store is on the embedded PostgreSQL server (as `codestore platform start` without
// --database-url; its processes are children of this one), or, with --pg <admin url>, a scratch
// database on that PostgreSQL server (dropped at the end).
//
// Prints a Markdown table and writes bench/results/platform.md and bench/results/platform.json.
import { ChildProcess, execFileSync, fork } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as inspector from 'inspector';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { PlatformClient } from '../apiclient/src';
import { packServiceFolder } from '../apiclient/src/pack';
import { RunningPlatform, startPlatform } from '../platform/src/main';
import { scratchDatabase } from '../test/platform/helpers/platform';
import { blogService } from '../test/platform/helpers/service';
import { summarizeProfile } from './lib/codegen-profile';
import { Row } from './lib/codegen-report';
import { machineInfo, writeReport } from './lib/machine';
import type { FromLoad, LoadResult, LoadSpec, ToLoad } from './lib/platform-load';
import { cpuPerRequestUs, CpuUse, PlatformReport, PushRecord, Ratio, renderMarkdown, RunRecord, TARGETS } from './lib/platform-report';
import { percentile } from './lib/stats';

const REPO = path.resolve(__dirname, '..');
const RESULTS = path.join(__dirname, 'results');
const RUNTIME_JS = path.join(REPO, 'dist/runtime.js');

function arg(name: string, fallback: number): number;
function arg(name: string, fallback: string | undefined): string | undefined;
function arg(name: string, fallback: number | string | undefined): number | string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) return fallback;
  if (typeof fallback !== 'number') return process.argv[i + 1];
  const v = Number(process.argv[i + 1]);
  return Number.isFinite(v) ? v : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const settings = {
  pushes: Math.max(2, arg('pushes', 7)),
  posts: arg('posts', 20),
  connections: arg('connections', 10),
  durationS: arg('duration', 10),
  warmupS: arg('warmup', 2),
  rounds: Math.max(1, arg('rounds', 2)),
  profileS: 5,
};
const pgAdminUrl = arg('pg', undefined);
/** The embedded store's figures and the server's are kept apart. */
const REPORT_NAME = pgAdminUrl ? 'platform-pg' : 'platform';
const TOTAL_BUDGET_MS = 200_000; // the run stays around 3 minutes
const HARD_LIMIT_MS = TOTAL_BUDGET_MS + 40_000;

const QUERIES = [
  { id: 'allPosts', label: '`{ allPosts { id title author { name } } }`', query: '{ allPosts { id title author { name } } }' },
  { id: '__typename', label: "`{ __typename }` (no resolver, no database: the gateway's own cost)", query: '{ __typename }' },
];

const started = performance.now();
const deadline = started + TOTAL_BUDGET_MS;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-platform-bench-'));
// As root the embedded PostgreSQL server runs as another user, which must pass through it.
fs.chmodSync(tmp, 0o711);
const log = (s: string) => process.stderr.write(`[platform ${((performance.now() - started) / 1000).toFixed(1)}s] ${s}\n`);

const report: PlatformReport = {
  machine: machineInfo(REPO),
  settings: { ...settings, store: pgAdminUrl ? 'postgres' : 'embedded server' },
  store: '',
  build: '',
  service: '',
  rows: [],
  pushes: [],
  runs: [],
  ratios: [],
  breakdown: [],
  profiles: [],
  problems: [],
  notes: [],
  durationS: 0,
};

let platform: RunningPlatform | undefined;
let scratch: { url: string; drop(): Promise<void> } | undefined;
let loader: ChildProcess | undefined;
const platformLog: string[] = [];

// ---------------------------------------------------------------------------------------------
// Output and cleanup, also on abort.

let written = false;
function writeResults(): void {
  if (written) return;
  written = true;
  report.machine.loadAvgEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
  report.durationS = (performance.now() - started) / 1000;
  writeReport(RESULTS, REPORT_NAME, renderMarkdown(report), report);
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);

let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  if (loader?.connected) loader.disconnect();
  loader?.kill();
  const p = platform;
  platform = undefined;
  if (p) {
    const closed = await within(
      p.close().then(
        () => true,
        (e) => {
          report.problems.push(`closing the platform failed: ${(e as Error).message}`);
          return true;
        },
      ),
      20_000,
    );
    if (!closed) log('the platform did not close within 20 s');
  }
  if (scratch)
    await within(
      scratch.drop().catch((e) => log(`dropping the scratch database failed: ${(e as Error).message}`)),
      15_000,
    );
  if (!flag('keep')) {
    try {
      fs.rmSync(tmp, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  } else log(`kept ${tmp}`);
}

let aborting = false;
async function abort(reason: string, code: number): Promise<never> {
  if (!aborting) {
    aborting = true;
    report.aborted = reason;
    log(`aborting: ${reason}`);
    try {
      writeResults();
    } finally {
      await cleanup();
    }
  }
  process.exit(code);
}

process.on('SIGINT', () => void abort('interrupted (SIGINT)', 130));
process.on('SIGTERM', () => void abort('terminated (SIGTERM)', 143));
process.on('exit', () => {
  loader?.kill();
});
setTimeout(() => void abort(`hard time limit of ${HARD_LIMIT_MS / 1000} s reached`, 2), HARD_LIMIT_MS).unref();

// ---------------------------------------------------------------------------------------------
// Helpers

const CLK_TCK = 100;
/** user + system CPU of a process so far, ms (from /proc; undefined when it is gone). */
function processCpuMs(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/**
 * CPU time of the PostgreSQL server's processes so far, ms (its backends serve the store and the
 * environments' databases): with --pg every postgres process on this machine, else the embedded
 * server's (under this process; the machine may run other servers).
 */
function postgresCpuMs(): number {
  let total = 0;
  const mine = pgAdminUrl ? undefined : new Set(descendantPids());
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (mine && !mine.has(Number(entry))) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
    } catch {
      /* gone */
    }
  }
  return total;
}

/** Busy CPU time of the whole machine so far, all CPUs, ms (/proc/stat: everything but idle and iowait). */
function machineBusyMs(): number | undefined {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return ((user + nice + system + irq + softirq + steal) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** Every process under this one (children, their children, ...). */
function descendantPids(): number[] {
  try {
    const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number))
      .filter((r) => r.length === 2 && r.every(Number.isFinite));
    const mine = new Set([process.pid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [pid, ppid] of rows)
        if (mine.has(ppid) && !mine.has(pid)) {
          mine.add(pid);
          grew = true;
        }
    }
    mine.delete(process.pid);
    return [...mine];
  } catch {
    return [];
  }
}

/**
 * The deployment processes (node running dist/runtime.js) this process runs: children, or, in the
 * sandbox, grandchildren under bwrap (whose own command line names runtime.js too).
 */
function deploymentPids(): number[] {
  try {
    const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
      .split('\n')
      .map((l) => {
        const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l);
        return m ? { pid: Number(m[1]), ppid: Number(m[2]), args: m[3] } : undefined;
      })
      .filter((r): r is { pid: number; ppid: number; args: string } => !!r);
    const mine = new Set([process.pid]);
    for (let grew = true; grew;) {
      grew = false;
      for (const r of rows)
        if (mine.has(r.ppid) && !mine.has(r.pid)) {
          mine.add(r.pid);
          grew = true;
        }
    }
    return rows
      .filter((r) => r.pid !== process.pid && mine.has(r.pid) && r.args.includes('runtime.js') && !/^\S*bwrap\s/.test(r.args))
      .map((r) => r.pid);
  } catch {
    return [];
  }
}

async function graphql(
  url: string,
  query: string,
  headers: Record<string, string> = {},
  socketPath?: string,
): Promise<{ status: number; text: string }> {
  if (socketPath) {
    // A deployment process serves on a Unix socket only (fetch cannot reach one).
    const body = JSON.stringify({ query });
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          socketPath,
          path: new URL(url).pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            'content-length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (c: string) => {
              text += c;
            })
            .on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, text: await res.text() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Says so when the code under test (platform, client, the test helpers and fixtures used) has uncommitted changes. */
function uncommitted(): string {
  try {
    const changed = execFileSync(
      'git',
      ['status', '--porcelain', '--', 'platform', 'client', 'test/platform/helpers', 'test/fixtures/blog', 'test/fixtures/push-blog'],
      { cwd: REPO, encoding: 'utf8' },
    ).trim();
    return changed
      ? `; uncommitted changes under test: ${changed
          .split('\n')
          .map((l) => l.slice(3))
          .join(', ')}`
      : '';
  } catch {
    return '';
  }
}

function describeFile(file: string): string {
  const stat = fs.statSync(file);
  const hash = createHash('sha1').update(fs.readFileSync(file)).digest('hex').slice(0, 10);
  return `${path.relative(REPO, file)} built ${stat.mtime.toISOString()}, ${(stat.size / 1024).toFixed(0)} KB, sha1 ${hash}`;
}

// ---------------------------------------------------------------------------------------------
// The load generator: one process for the whole run, so its JIT is as warm for each side.

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
    const timer = setTimeout(() => reject(new Error('the load generator did not start in 30 s')), 30_000);
    child.on('message', (m: FromLoad) => {
      if (m.t === 'ready') {
        clearTimeout(timer);
        resolve();
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.t === 'result') p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const e = new Error(`the load generator exited (${signal ?? code})`);
      reject(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
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

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!fs.existsSync(RUNTIME_JS))
    return abort(`${RUNTIME_JS} is missing: run \`npm run build\` (or \`npm run bench\`, which builds first)`, 1);
  report.build = `${describeFile(RUNTIME_JS)} (each deployment process runs it; the platform itself runs from source, in this process, under tsx)${uncommitted()}`;
  log(`temporary files in ${tmp}`);

  // ---- the platform
  if (pgAdminUrl) {
    scratch = await scratchDatabase(pgAdminUrl, 'codestore_platform_bench');
    log(`store: scratch database ${new URL(scratch.url).pathname.slice(1)}`);
  }
  const t0 = performance.now();
  // The developer key's default rate limit (1000/s) is below what the gateway serves here: raised.
  platform = await startPlatform({
    port: 0,
    dataDir: path.join(tmp, 'data'),
    databaseUrl: scratch?.url,
    log: (l) => platformLog.push(`${new Date().toISOString()} ${l}`),
    gateway: { developerRateLimit: { calls: 1_000_000, per: 'second' } },
  });
  const startMs = performance.now() - t0;
  const dbKind = pgAdminUrl
    ? `PostgreSQL ${new URL(pgAdminUrl).host} (scratch database, dropped at the end)`
    : 'the embedded PostgreSQL server (its processes under this one)';
  report.store = `${dbKind}; environment databases: one database per environment on the same server; platform started in ${startMs.toFixed(0)} ms at ${platform.url}`;
  log(`platform at ${platform.url} (${startMs.toFixed(0)} ms)`);

  const client = new PlatformClient({ url: platform.url });
  await client.signup(`bench-${process.pid}@example.com`, 'correct horse battery');
  const created = await client.createService('Platform bench');
  const serviceId = created.service.id;
  const env = created.service.environments.find((e) => e.name === 'private') ?? created.service.environments[0];
  const endpointUrl = client.endpointUrl(env);
  const key = created.developerKey;

  const t1 = performance.now();
  const dir = await blogService(path.join(tmp, 'service'), serviceId);
  const generateMs = performance.now() - t1;
  const packSamples: number[] = [];
  let archive = await packServiceFolder(dir);
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    archive = await packServiceFolder(dir);
    packSamples.push(performance.now() - t);
  }
  report.service = `test/fixtures/blog + test/fixtures/push-blog resolvers, database layer generated in-process (${generateMs.toFixed(0)} ms); archive ${(archive.length / 1024).toFixed(1)} KB gzipped tar; serviceId ${serviceId}; endpoint ${env.path} (${env.name})`;

  // ---- push → DEPLOYED
  const pushes: Array<PushRecord & { sentAt: number }> = [];
  for (let n = 1; n <= settings.pushes; n++) {
    if (performance.now() > deadline - 100_000 && n > 2) {
      report.problems.push(`pushes stopped after ${n - 1} of ${settings.pushes}: time budget`);
      break;
    }
    const sentAt = Date.now();
    const t = performance.now();
    try {
      const pushed = await client.push(serviceId, archive);
      const ms = performance.now() - t;
      pushes.push({
        n,
        version: pushed.version,
        status: pushed.deployment?.status,
        error: pushed.deployment?.error ?? null,
        ms,
        migrations: [],
        sentAt,
      });
      log(`push ${n}: ${pushed.version} ${pushed.deployment?.status} in ${ms.toFixed(0)} ms`);
      if (pushed.deployment?.status !== 'DEPLOYED')
        report.problems.push(
          `push ${n} (${pushed.version}): deployment ${pushed.deployment?.status ?? 'missing'}${pushed.deployment?.error ? `: ${pushed.deployment.error}` : ''}`,
        );
    } catch (e) {
      const ms = performance.now() - t;
      pushes.push({ n, status: 'push failed', error: (e as Error).message, ms, migrations: [], sentAt });
      const problems = (e as { problems?: Array<{ file?: string; line?: number; message: string }> }).problems ?? [];
      report.problems.push(
        `push ${n} failed after ${ms.toFixed(0)} ms: ${(e as Error).message}${
          problems.length
            ? ` ${problems
                .slice(0, 3)
                .map((p) => `${p.file ?? ''}:${p.line ?? ''} ${p.message}`)
                .join('; ')}`
            : ''
        }`,
      );
    }
  }
  // The platform's lines are written to the store in batches (every 200 ms).
  await sleep(500);
  const envRow = (await platform.db.query<{ id: string }>('SELECT id FROM environments WHERE endpoint_id = $1', [env.endpointId]))[0];
  if (!envRow) throw new Error(`no environment with endpoint ${env.endpointId} in the store`);
  const envId = envRow.id;
  const lines = await platform.db.query<{ stream: string; message: string; at: Date }>(
    'SELECT stream, message, at FROM logs WHERE environment_id = $1 ORDER BY id',
    [envId],
  );
  for (const p of pushes) {
    if (!p.version) continue;
    const v = p.version.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const at = (re: RegExp) => {
      const l = lines.find((x) => x.stream === 'platform' && re.test(x.message));
      return l ? new Date(l.at).getTime() - p.sentAt : undefined;
    };
    p.initializedMs = at(new RegExp(`^deployment \\S+ of version ${v} initialized$`));
    p.deployingMs = at(new RegExp(`^deploying version ${v}$`));
    p.deployedMs = at(new RegExp(`^version ${v} deployed$`));
  }
  // Migrations applied per deployment: the platform logs `migration <name> applied` after `deploying version X`.
  let current: PushRecord | undefined;
  for (const l of lines) {
    const m = /^deploying version (\S+)$/.exec(l.message);
    if (l.stream === 'platform' && m) current = pushes.find((p) => p.version === m[1]);
    const applied = /^migration (\S+) applied$/.exec(l.message);
    if (l.stream === 'platform' && applied && current) current.migrations.push(applied[1]);
  }
  report.pushes = pushes.map(({ sentAt: _s, ...p }) => p);
  const first = pushes[0];
  const rest = pushes.slice(1).filter((p) => p.status === 'DEPLOYED');
  const restSamples = rest.map((p) => p.ms);
  const num = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
  const rows: Row[] = [];
  if (first)
    rows.push({
      part: 'first push',
      label: `push → answer with the deployment ${first.status ?? '?'} (first type check in this process; the environment's database created; initial migration)`,
      samples: [first.ms],
    });
  if (first?.initializedMs !== undefined && first.deployingMs !== undefined && first.deployedMs !== undefined) {
    rows.push(
      { part: 'first push', label: '… check + build (push sent → `deployment … initialized` in the log)', samples: [first.initializedMs] },
      {
        part: 'first push',
        label: '… deploy (`deploying version` → `version … deployed`)',
        samples: [first.deployedMs - first.deployingMs],
      },
    );
  }
  const p50Rest = percentile(restSamples, 50);
  rows.push({
    part: `pushes 2–${pushes.length}`,
    label: 'push → answer with the deployment DEPLOYED (same archive; a new patch version each time; the previous version serving)',
    samples: restSamples,
    target: `≤ ${TARGETS.pushP50Ms} ms`,
    met: p50Rest !== undefined && p50Rest <= TARGETS.pushP50Ms,
  });
  rows.push(
    {
      part: `pushes 2–${pushes.length}`,
      label: '… check + build (push sent → `deployment … initialized`: upload, extract, check incl. type check, build, version recorded)',
      samples: num(rest.map((p) => p.initializedMs)),
    },
    {
      part: `pushes 2–${pushes.length}`,
      label: '… queued (`initialized` → `deploying`)',
      samples: num(
        rest.map((p) => (p.deployingMs !== undefined && p.initializedMs !== undefined ? p.deployingMs - p.initializedMs : undefined)),
      ),
    },
    {
      part: `pushes 2–${pushes.length}`,
      label: '… deploy (`deploying` → `version … deployed`: process start, load, database handover, migrations, health check, switch)',
      samples: num(rest.map((p) => (p.deployedMs !== undefined && p.deployingMs !== undefined ? p.deployedMs - p.deployingMs : undefined))),
    },
    {
      part: `pushes 2–${pushes.length}`,
      label: '… after (`deployed` → answer: the previous process stopped, the answer sent)',
      samples: num(rest.map((p) => (p.deployedMs !== undefined ? p.ms - p.deployedMs : undefined))),
    },
    { part: 'client', label: '`packServiceFolder` (not in the push times: the archive is packed once)', samples: packSamples },
  );
  report.rows = rows;
  if (!rest.length) throw new Error('no push after the first one was DEPLOYED: nothing to measure throughput on');

  // ---- throughput
  const socket = platform.runtime.socketOf(envId);
  if (!socket) throw new Error(`the runtime has no socket for environment ${envId}`);
  const directUrl = 'http://localhost/graphql';
  const gatewayHeaders = { 'x-user-authorization': key };
  for (let i = 0; i < settings.posts; i++) {
    const r = await graphql(
      endpointUrl,
      `mutation { createPost(title: "Post ${i + 1}", body: "Body of post ${i + 1}, seeded by the platform benchmark.") { id } }`,
      gatewayHeaders,
    );
    if (r.status !== 200 || r.text.includes('"errors"'))
      throw new Error(`seeding post ${i + 1} failed: ${r.status} ${r.text.slice(0, 300)}`);
  }
  const pids = deploymentPids();
  if (pids.length !== 1) report.problems.push(`expected one deployment process, found ${pids.length} (${pids.join(', ')})`);
  const workerPid = pids[0];
  const expected = new Map<string, string>();
  for (const q of QUERIES) {
    const direct = await graphql(directUrl, q.query, {}, socket);
    const viaGateway = await graphql(endpointUrl, q.query, gatewayHeaders);
    if (direct.status !== 200 || direct.text.includes('"errors"'))
      throw new Error(`${q.id} directly: ${direct.status} ${direct.text.slice(0, 300)}`);
    if (viaGateway.status !== 200 || viaGateway.text !== direct.text)
      throw new Error(`${q.id} through the gateway answers differently: ${viaGateway.status} ${viaGateway.text.slice(0, 300)}`);
    expected.set(q.id, direct.text);
  }
  log(
    `seeded ${settings.posts} posts; deployment process ${workerPid} on ${socket}; allPosts answers ${expected.get('allPosts')!.length} bytes`,
  );
  await startLoader();

  const runOne = async (
    q: (typeof QUERIES)[number],
    which: 'gateway' | 'direct',
    phase: RunRecord['phase'],
    durationS: number,
    round?: number,
  ): Promise<RunRecord> => {
    const spec: LoadSpec = {
      label: `${q.id} ${which}`,
      url: which === 'gateway' ? endpointUrl : directUrl,
      ...(which === 'direct' ? { socketPath: socket } : {}),
      headers: which === 'gateway' ? gatewayHeaders : {},
      body: JSON.stringify({ query: q.query }),
      expect: expected.get(q.id)!,
      connections: settings.connections,
      durationS,
    };
    const sample = () => ({
      platform: selfCpuMs(),
      deployment: processCpuMs(workerPid),
      load: processCpuMs(loader?.pid),
      database: postgresCpuMs(),
      machine: machineBusyMs(),
    });
    const before = sample();
    const result = await load(spec);
    const after = sample();
    const diff = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : Math.max(0, b - a));
    const cpu: CpuUse = {
      platform: after.platform - before.platform,
      deployment: diff(before.deployment, after.deployment),
      load: diff(before.load, after.load),
    };
    const database = diff(before.database, after.database);
    if (database !== undefined) cpu.database = database;
    const machine = diff(before.machine, after.machine);
    if (machine !== undefined)
      cpu.other = Math.max(0, machine - cpu.platform - (cpu.deployment ?? 0) - (cpu.load ?? 0) - (cpu.database ?? 0));
    const rec: RunRecord = { query: q.id, path: which, phase, round, result, cpu };
    report.runs.push(rec);
    log(
      `${q.id} ${which} ${phase}${round ? ` ${round}` : ''}: ${result.okPerS.toFixed(0)} ok req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, wrong ${result.wrongBody}, errors ${result.errors}`,
    );
    if (result.non2xx || result.wrongBody || result.errors || result.timeouts) {
      report.problems.push(
        `${q.id} ${which} (${phase}${round ? ` ${round}` : ''}): ${result.non2xx} non-2xx, ${result.wrongBody} 2xx with another body, ${result.errors} errors, ${result.timeouts} timeouts${result.samples.length ? `; first: ${result.samples.map((s) => `\`${s.replace(/`/g, "'")}\``).join('; ')}` : ''}`,
      );
    }
    return rec;
  };

  for (const q of QUERIES) {
    const needed = 2 * settings.warmupS + 2 * settings.rounds * settings.durationS;
    if (performance.now() + needed * 1000 + 10_000 > deadline) {
      report.problems.push(`${q.id}: not measured (time budget: ${needed} s needed)`);
      continue;
    }
    if (settings.warmupS > 0) {
      await runOne(q, 'gateway', 'warm-up', settings.warmupS);
      await runOne(q, 'direct', 'warm-up', settings.warmupS);
    }
    for (let round = 1; round <= settings.rounds; round++) {
      await runOne(q, 'gateway', 'measured', settings.durationS, round);
      await runOne(q, 'direct', 'measured', settings.durationS, round);
    }
    const measured = report.runs.filter((r) => r.query === q.id && r.phase === 'measured');
    const mean = (which: string) => {
      const xs = measured.filter((r) => r.path === which).map((r) => r.result.okPerS);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    const rounds = [...Array(settings.rounds).keys()].map((i) => {
      const of = (which: string) => measured.find((r) => r.path === which && r.round === i + 1)?.result.okPerS ?? NaN;
      return of('gateway') / of('direct');
    });
    const others = measured
      .map((r) => (r.cpu.other === undefined ? undefined : r.cpu.other / (1000 * r.result.durationS)))
      .filter((x): x is number => x !== undefined);
    const ratio: Ratio = {
      query: q.label,
      gatewayOkPerS: mean('gateway'),
      directOkPerS: mean('direct'),
      ratio: mean('gateway') / mean('direct'),
      rounds,
      otherCores: others.length ? others.reduce((a, b) => a + b, 0) / others.length : undefined,
    };
    if (q.id === 'allPosts')
      Object.assign(ratio, { target: `≥ ${(TARGETS.gatewayRatio * 100).toFixed(0)} %`, met: ratio.ratio >= TARGETS.gatewayRatio });
    report.ratios.push(ratio);
  }
  if (deploymentPids()[0] !== workerPid)
    report.problems.push('the deployment process changed during the throughput runs (crash and restart?): CPU figures are off');

  // ---- where the time goes
  for (const q of QUERIES) {
    const r = report.ratios.find((x) => x.query === q.label);
    if (!r) continue;
    const side = (which: string) => {
      const rs = report.runs.filter((x) => x.query === q.id && x.path === which && x.phase === 'measured');
      const us = (part: keyof CpuUse) => {
        const xs = rs.map((x) => cpuPerRequestUs(x.cpu[part], x.result.ok)).filter((v): v is number => v !== undefined);
        return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
      };
      const cores = (part: keyof CpuUse) => {
        const xs = rs
          .map((x) => (x.cpu[part] === undefined ? undefined : x.cpu[part]! / (1000 * x.result.durationS)))
          .filter((v): v is number => v !== undefined);
        return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
      };
      return { us, cores };
    };
    const g = side('gateway');
    const d = side('direct');
    const us = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(0)} µs`);
    const c = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(2));
    report.breakdown.push(
      `${q.id}, through the gateway (${r.gatewayOkPerS.toFixed(0)} ok req/s): CPU per answered request — platform process (server, gateway, its per-request log line into the store) ${us(g.us('platform'))}, deployment process ${us(g.us('deployment'))}, load generator ${us(g.us('load'))}; ` +
        `cores busy — platform ${c(g.cores('platform'))}, deployment ${c(g.cores('deployment'))}, load generator ${c(g.cores('load'))}, PostgreSQL server ${c(g.cores('database'))} (${us(g.us('database'))} per request), other processes on the machine ${c(g.cores('other'))} (of ${report.machine.nproc}). ` +
        `Directly (${r.directOkPerS.toFixed(0)} ok req/s): deployment ${us(d.us('deployment'))}, load generator ${us(d.us('load'))} per request; cores busy — deployment ${c(d.cores('deployment'))}, load generator ${c(d.cores('load'))}, platform ${c(d.cores('platform'))}, PostgreSQL server ${c(d.cores('database'))} (${us(d.us('database'))} per request), other ${c(d.cores('other'))}. ` +
        'A deployment process serves on one thread, so about 1.0 core busy is its ceiling.',
    );
    const total = (x: ReturnType<typeof side>) =>
      (x.us('platform') ?? 0) + (x.us('deployment') ?? 0) + (x.us('load') ?? 0) + (x.us('database') ?? 0);
    const dg = g.us('deployment');
    const dd = d.us('deployment');
    if (dg && dd && total(g) > 0) {
      report.breakdown.push(
        `${q.id}, what the ratio can be: if the three processes shared a fixed amount of CPU (a busy machine), gateway/direct ≈ all CPU per request directly / through the gateway (PostgreSQL server included) = ${((100 * total(d)) / total(g)).toFixed(0)} %; ` +
          `if only the deployment process's one thread bounded both (idle CPUs to spare for the gateway and the load generator), ≈ its CPU per request directly / through the gateway = ${((100 * dd) / dg).toFixed(0)} %. Measured: ${(100 * r.ratio).toFixed(1)} %.`,
      );
    }
  }
  const measuredRuns = report.runs.filter((r) => r.phase === 'measured' && r.cpu.other !== undefined);
  const busiest = measuredRuns.reduce<RunRecord | undefined>((a, r) => (!a || r.cpu.other! > a.cpu.other! ? r : a), undefined);
  if (busiest && busiest.cpu.other! / (1000 * busiest.result.durationS) > 0.25) {
    report.problems.push(
      `Other processes on the machine were busy during the measured runs (up to ${(busiest.cpu.other! / (1000 * busiest.result.durationS)).toFixed(2)} cores, in ${busiest.query} ${busiest.path} round ${busiest.round}; see the last column): those runs had less CPU than the others, so their ratio is less certain.`,
    );
  }
  const allPosts = report.ratios.find((x) => x.query === QUERIES[0].label);
  const wantProfile = !flag('no-profile') && (flag('profile') || (allPosts !== undefined && !allPosts.met));
  // Both queries: allPosts is the target's case; `{ __typename }` isolates the gateway's fixed cost.
  for (const q of wantProfile ? QUERIES : []) {
    if (performance.now() + settings.profileS * 1000 + 10_000 > deadline) {
      report.problems.push(`profile of ${q.id}: skipped (time budget)`);
      continue;
    }
    log(
      `profile: the platform process (gateway) under the inspector's CPU profiler, ${settings.profileS} s of ${q.id} through the gateway`,
    );
    const session = new inspector.Session();
    session.connect();
    const post = <T>(method: string, params?: object) =>
      new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
    await post('Profiler.enable');
    await post('Profiler.start');
    const rec = await runOne(q, 'gateway', 'profiled', settings.profileS);
    const { profile } = await post<{ profile: unknown }>('Profiler.stop');
    session.disconnect();
    const file = path.join(tmp, `platform-gateway-${q.id.replace(/\W/g, '')}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const summary = summarizeProfile(file, {
      top: 20,
      inclusiveNames: [
        'handle',
        'route',
        'insertLogs',
        'flush',
        'trimLogs',
        'sha256',
        'timingSafeEqual',
        'admit',
        'finish',
        'parserOnHeadersComplete',
        'parserOnIncomingClient',
      ],
    });
    summary.file = flag('keep') ? file : '(temporary, deleted; --keep keeps it)';
    const store = summary.topModules
      .filter((m) => /pglite|^wasm:|node_modules\/(pg|pg-protocol|pg-pool)\//.test(m.name))
      .reduce((a, m) => a + m.ms, 0);
    const nodeHttp = summary.topModules.filter((m) => m.name === 'node internals' || m.name === '(native)').reduce((a, m) => a + m.ms, 0);
    const gc = summary.topModules.filter((m) => m.name === '(garbage collector)').reduce((a, m) => a + m.ms, 0);
    const ours = summary.topModules.filter((m) => m.name.includes('/platform/src/')).reduce((a, m) => a + m.ms, 0);
    const share = (ms: number) => `${ms.toFixed(0)} ms (${summary.busyMs > 0 ? ((100 * ms) / summary.busyMs).toFixed(0) : '—'} %)`;
    const perRequest = rec.result.ok > 0 ? ` ≈ ${((1000 * summary.busyMs) / rec.result.ok).toFixed(0)} µs per request` : '';
    report.breakdown.push(
      `Platform process under the profiler, ${q.id} through the gateway (${rec.result.ok} requests in ${rec.result.durationS.toFixed(1)} s; main thread busy ${summary.busyMs.toFixed(0)} ms${perRequest}), self time: Node's HTTP server, HTTP client and sockets (node internals + native, writev alone ${share(summary.topFunctions.find((f) => f.name.startsWith('writev'))?.ms ?? 0)}) ${share(nodeHttp)}; pg (the store's client: the request log lines, one per request, inserted in batches every 200 ms) ${share(store)}; garbage collection ${share(gc)}; the platform's own code (gateway.ts, server.ts, logs.ts, store/) ${share(ours)}; sha256 of the developer key (inclusive) ${share(summary.inclusive.find((r) => r.name === 'sha256')?.ms ?? 0)}.`,
    );
    report.profiles.push({
      title: `Platform process, ${rec.result.durationS.toFixed(1)} s of ${q.id} through the gateway under the CPU profiler (${rec.result.okPerS.toFixed(0)} ok req/s while profiled)`,
      summary,
    });
  }

  const lastLogs = await platform.db.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM logs WHERE environment_id = $1 AND stream = 'request'`,
    [envId],
  );
  report.notes.push(
    `Platform: \`startPlatform({ port: 0, dataDir: <tmp>${pgAdminUrl ? ', databaseUrl: <scratch database>' : ''} })\` from platform/src/main.ts, in this process (run by tsx from source); the deployment processes are \`dist/runtime.js\` as the platform forks them. Account, service and pushes through the real PlatformClient (apiclient/src).`,
    `Pushes: the service folder is packed once (packServiceFolder) and the same archive pushed ${settings.pushes} times, one after another; each push records the next patch version and answers when its deployment to private settled. Push times are the client's, from sending the push to its answer. The split comes from the platform log lines of the environment (\`deployment … of version X initialized\` is written once the version is checked, built and recorded; \`deploying version X\`; \`version X deployed\`), stamped when written, in this process, against the client's send time. The first push is apart: it is the first type check in this process (TypeScript's libraries are parsed then; startPlatform does not call prewarmTypeCheck), creates the environment's database and runs the initial migration. p95 is nearest-rank (with ${Math.max(0, pushes.length - 1)} samples it is the maximum).`,
    `Throughput: ${settings.posts} posts created through the gateway first (createPost). The load generator is autocannon ${packageVersion('autocannon')} (programmatic API) in its own process (bench/lib/platform-load.ts), ${settings.connections} keep-alive connections, POSTing \`{"query": …}\` with content-type application/json. Gateway: \`${env.path}\` on the platform's port with \`x-user-authorization: <developer key>\`; direct: \`/graphql\` on the deployment process's Unix socket (\`platform.runtime.socketOf(environmentId)\`), the same graphql-http handler and resolvers without the gateway. Per query: a ${settings.warmupS} s warm-up of each, then ${settings.rounds} round(s) of gateway ${settings.durationS} s, direct ${settings.durationS} s, alternating. ok req/s counts only 2xx answers whose body is exactly the expected one (read once directly before the runs, and checked identical through the gateway); non-2xx answers, 2xx answers with another body, connection errors and timeouts are counted apart and never as throughput. Latency percentiles are autocannon's, over 2xx answers only (excludeErrorStats).`,
    `CPU per request: user + system time of each process over the run (this process: process.cpuUsage(), which holds the platform's server, the gateway and the pg client of the store; the deployment process and the load generator: /proc/<pid>/stat), divided by the ok answers. The gateway writes one log line per request into the store (batched every 200 ms); the store held ${lastLogs[0]?.n ?? '?'} request lines of this environment at the end (an environment keeps the newest 10,000).`,
    `Targets: push → DEPLOYED p50 ≤ ${TARGETS.pushP50Ms} ms over the pushes after the first; allPosts through the gateway ≥ ${TARGETS.gatewayRatio * 100} % of the direct ok req/s (the \`{ __typename }\` ratio has no target: it shows the gateway's fixed cost per request).`,
    'The machine may be shared (see the load averages above); the three processes share its CPUs, so a gateway on this machine competes with the load generator and the deployment process it proxies to.',
  );
  const errors = platformLog.filter((l) => / error: /.test(l));
  for (const e of errors.slice(0, 5)) report.problems.push(`platform log: ${e.slice(0, 500)}`);
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

main()
  .then(async () => {
    writeResults();
    await cleanup();
    process.exit(0);
  })
  .catch((e) => abort(`crashed: ${(e as Error)?.stack ?? e}`, 1));
