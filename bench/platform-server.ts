// The platform on its embedded PostgreSQL server: memory (PSS of the platform process and every
// process under it, the server's included) with one service in its five environments serving, and
// with 10 services × 5 environments deployed and 5 of them busy; cold start of an idle environment
// (request → answer); push → DEPLOYED; platform start → serving with 5 and with 50 environments
// deployed (every environment started lazily). The platform runs as `codestore platform start` in
// its own process, so its memory is its own. Short on purpose: the machine may be shared.
//
//   node --import tsx bench/platform-server.ts [--pushes 6] [--colds 7] [--services 10] [--keep]
//       [--baseline <checkout> --name <report name>]
// (after `npm run build`). Writes bench/results/platform-server.md and .json.
//
// --baseline <checkout>: the same figures of another build of the product, from its checkout
// (built there, `npm run build`): its bin/codestore.js, API client and blog fixture helpers. Used
// for the version before the embedded server (a PostgreSQL in WebAssembly, PGlite, in each
// deployment process): it has no --idle-after and starts every environment's process at start, so
// only the 1 service × 5 environments figures, push → DEPLOYED and start are measured (50 PGlite
// processes would need ~20 GB). Writes bench/results/<name>.md and .json (default
// platform-server-baseline).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformClient } from '../apiclient/src';
import { packServiceFolder } from '../apiclient/src/pack';
import { blogService } from '../test/platform/helpers/service';
import { machineInfo, writeReport } from './lib/machine';
import {
  commandLineOf as commOf,
  descendants,
  pssKb,
  startPlatformProcess as startProcess,
  stopProcess as stop,
} from './lib/platformProcess';
import { summarize, Summary } from './lib/stats';

const REPO = path.resolve(__dirname, '..');
const argNum = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const argStr = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const PUSHES = argNum('pushes', 6);
const COLDS = argNum('colds', 7);
const SERVICES = Math.max(2, argNum('services', 10));
const BUSY = 5;
const BUSY_S = 10;
const IDLE_AFTER_S = 2;
const BASELINE = argStr('baseline') ? path.resolve(argStr('baseline')!) : undefined;
const REPORT_NAME = argStr('name') ?? (BASELINE ? 'platform-server-baseline' : 'platform-server');
/** The product under test: this checkout, or the baseline's. */
const PRODUCT = BASELINE ?? REPO;

interface Product {
  PlatformClient: typeof PlatformClient;
  packServiceFolder: typeof packServiceFolder;
  blogService: typeof blogService;
}

/** The API client and the fixture helpers of the product under test (a baseline has them in other places). */
function productModules(): Product {
  if (!BASELINE) return { PlatformClient, packServiceFolder, blogService };
  const first = (candidates: string[]) => {
    const found = candidates.find(
      (c) => fs.existsSync(path.join(BASELINE, `${c}.ts`)) || fs.existsSync(path.join(BASELINE, c, 'index.ts')),
    );
    if (!found) throw new Error(`the baseline ${BASELINE} has none of ${candidates.join(', ')}`);
    return require(path.join(BASELINE, found));
  };
  return {
    PlatformClient: first(['apiclient/src', 'client/src/api']).PlatformClient,
    packServiceFolder: first(['apiclient/src/pack', 'platform/src/build/archive']).packServiceFolder,
    blogService: first(['test/platform/helpers/service']).blogService,
  };
}

interface Memory {
  checkProcessMb: number;
  totalMb: number;
  platformMb: number;
  deploymentsMb: number;
  deployments: number;
  postgresMb: number;
  postgresProcesses: number;
}

function memory(platformPid: number): Memory {
  const all = descendants(platformPid);
  const mb = (kb: number) => Math.round(kb / 1024);
  const workers = all.filter((p) => commOf(p).includes('runtime.js'));
  // In the sandbox a deployment is bwrap (twice: outside and inside its namespaces) and node: counted once.
  const deployments = workers.filter((p) => !/(^|\/)bwrap$/.test(commOf(p).split(' ')[0]));
  const pg = all.filter((p) => commOf(p).includes('postgres'));
  const platformKb = pssKb(platformPid);
  const workersKb = workers.reduce((a, p) => a + pssKb(p), 0);
  const pgKb = pg.reduce((a, p) => a + pssKb(p), 0);
  // The push check process (dist/check-worker.js), while it is warm after a push.
  const checks = all.filter((p) => commOf(p).includes('check-worker.js'));
  const checkKb = checks.reduce((a, p) => a + pssKb(p), 0);
  const otherKb = all.filter((p) => !workers.includes(p) && !pg.includes(p) && !checks.includes(p)).reduce((a, p) => a + pssKb(p), 0);
  return {
    totalMb: mb(platformKb + workersKb + pgKb + checkKb + otherKb),
    platformMb: mb(platformKb),
    deploymentsMb: mb(workersKb),
    deployments: deployments.length,
    postgresMb: mb(pgKb),
    postgresProcesses: pg.length,
    checkProcessMb: mb(checkKb),
  };
}

/** The product under test's `codestore platform start`. */
const startPlatformProcess = (dataDir: string, extra: string[]) => startProcess(dataDir, extra, process.env, PRODUCT);

async function call(url: string, key: string, query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-authorization': key },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const load1 = () => Math.round(os.loadavg()[0] * 100) / 100;

/** Keeps `urls` busy: `perUrl` requests in flight on each, one after another, until stopped. */
function keepBusy(urls: string[], key: string, perUrl: number) {
  let stopped = false;
  const answers = urls.map(() => 0);
  const failures: string[] = [];
  const loops = urls.flatMap((url, i) =>
    [...Array(perUrl).keys()].map(async () => {
      while (!stopped) {
        const a = await call(url, key, '{ allPosts { id title author { name } } }').catch((e: Error) => ({ status: 0, body: e.message }));
        if (a.status === 200) answers[i]++;
        else if (failures.length < 5) failures.push(`${url}: ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      }
    }),
  );
  return {
    answers,
    failures,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

async function main(): Promise<void> {
  const machine = machineInfo(REPO);
  const P = productModules();
  const lazy = !BASELINE;
  const idleAfter = (v: string) => (lazy ? ['--idle-after', v] : []);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-bench-server-'));
  if (process.getuid?.() === 0) fs.chmodSync(tmp, 0o711);
  const dataDir = path.join(tmp, 'data');
  const loads: Record<string, number> = {};
  let platform = await startPlatformProcess(dataDir, idleAfter('0'));
  try {
    const client = new P.PlatformClient({ url: platform.url });
    await client.signup(`bench-${process.pid}@example.com`, 'correct horse battery');
    const created = await client.createService('Blog');
    const serviceId = created.service.id;
    const key = created.developerKey;
    const archive = await P.packServiceFolder(await P.blogService(path.join(tmp, 'blog'), serviceId));

    // Push → DEPLOYED: the client's time to the push's answer; the first apart (first type check, first migration).
    const pushes: number[] = [];
    loads.pushes = load1();
    for (let i = 0; i < PUSHES; i++) {
      const t = performance.now();
      const r = (await client.push(serviceId, archive)) as { deployed: boolean };
      if (!r.deployed) throw new Error('a push did not deploy');
      pushes.push(performance.now() - t);
    }
    // The deploy alone: from `deploying version X` to `version X deployed` in the private environment's log.
    const logRes = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` },
      body: JSON.stringify({
        query: 'query($s: ID!) { logs(serviceId: $s, environment: private, limit: 1000) { lines { at message } } }',
        variables: { s: serviceId },
      }),
    });
    const lines = ((await logRes.json()) as { data: { logs: { lines: Array<{ at: string; message: string }> } } }).data.logs.lines;
    const deploys: number[] = [];
    for (const l of lines) {
      const m = /^deploying version (\S+)$/.exec(l.message);
      const done = m && lines.find((x) => x.message === `version ${m[1]} deployed`);
      if (m && done && m[1] !== '0.0.1') deploys.push(Date.parse(done.at) - Date.parse(l.at));
    }
    const project = await client.createProject('Bench');
    const clientKey = (await client.addClientKey(project.id, 'bench')).key;
    /** A service's five environments, each with the key it takes: the developer key, a client key in production. */
    const environmentsOf = async (c: PlatformClient, id: string, devKey: string) => {
      const own = (await c.serviceInfo(id)).environments;
      const instance = (await c.projectInfo(project.id)).instances.find((i) => i.service.id === id);
      return [...own, ...(instance?.environments ?? [])].map((e) => ({
        name: e.name,
        url: c.endpointUrl(e),
        key: e.name === 'production' ? clientKey : devKey,
      }));
    };
    /** Puts a pushed service in its five environments: demo, and the project's development, staging, production. */
    const deployEverywhere = async (c: PlatformClient, id: string) => {
      await c.promote(id);
      await c.addServiceToProject(project.id, id);
      await c.promoteInstance(project.id, id, 'development', 'staging');
      await c.promoteInstance(project.id, id, 'staging', 'production');
    };
    await deployEverywhere(client, serviceId);
    // Every environment answers once.
    const five = await environmentsOf(client, serviceId, key);
    if (five.length !== 5) throw new Error(`the service has ${five.length} environments, not 5`);
    for (const e of five) {
      const a = await call(e.url, e.key, '{ allPosts { id title author { name } } }');
      if (a.status !== 200) throw new Error(`${e.name}: ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
    }
    await sleep(2000);
    loads.fiveServing = load1();
    const fiveServing = memory(platform.proc.pid!);
    await stop(platform.proc);

    // Start → serving, 5 environments deployed; then cold starts: environments idle after a few seconds.
    const startT = performance.now();
    platform = await startPlatformProcess(dataDir, idleAfter(`${IDLE_AFTER_S}s`));
    const startToListening5 = performance.now() - startT;
    const client2 = new P.PlatformClient({ url: platform.url, token: client.token });
    const priv = (await client2.serviceInfo(serviceId)).environments[0];
    const privUrl = client2.endpointUrl(priv);
    const first = await call(privUrl, key, '{ allPosts { id } }');
    const startToFirstAnswer = performance.now() - startT;
    if (first.status !== 200) throw new Error(`first answer ${first.status}`);
    const colds: number[] = [];
    loads.colds = load1();
    for (let i = 0; lazy && i < COLDS; i++) {
      while (!(await client2.serviceInfo(serviceId)).environments[0].idle) await sleep(200);
      const t = performance.now();
      const a = await call(privUrl, key, '{ allPosts { id title author { name } } }');
      colds.push(performance.now() - t);
      if (a.status !== 200) throw new Error(`cold answer ${a.status}: ${JSON.stringify(a.body)}`);
    }
    const idleMemory = memory(platform.proc.pid!);

    // 10 services × 5 environments: the other services pushed and put in their environments (idle after a few seconds).
    let fifty:
      | { startToListening: number; startToFirstAnswer: number; memory: Memory; busy: string[]; answersPerS: number[]; failures: string[] }
      | undefined;
    if (lazy) {
      const services = [{ id: serviceId, key }];
      for (let i = 2; i <= SERVICES; i++) {
        const c = await client2.createService(`Blog ${i}`);
        const dir = await P.blogService(path.join(tmp, `blog-${i}`), c.service.id);
        const r = (await client2.push(c.service.id, await P.packServiceFolder(dir))) as { deployed: boolean };
        if (!r.deployed) throw new Error(`service ${i}: the push did not deploy`);
        await deployEverywhere(client2, c.service.id);
        services.push({ id: c.service.id, key: c.developerKey });
        process.stderr.write(`[platform-server] service ${i} of ${SERVICES} in its 5 environments\n`);
      }
      await stop(platform.proc);
      const t50 = performance.now();
      platform = await startPlatformProcess(dataDir, idleAfter(`${IDLE_AFTER_S}s`));
      const startToListening = performance.now() - t50;
      const client3 = new P.PlatformClient({ url: platform.url, token: client.token });
      const last = services[services.length - 1];
      const lastPrivate = (await client3.serviceInfo(last.id)).environments[0];
      const a = await call(client3.endpointUrl(lastPrivate), last.key, '{ allPosts { id } }');
      const startToFirst = performance.now() - t50;
      if (a.status !== 200) throw new Error(`first answer of 50: ${a.status} ${JSON.stringify(a.body)}`);
      const environments = [];
      for (const s of services) environments.push({ s, envs: await environmentsOf(client3, s.id, s.key) });
      const deployed = environments.reduce((n, x) => n + x.envs.length, 0);
      if (deployed !== SERVICES * 5) throw new Error(`${deployed} environments, not ${SERVICES * 5}`);
      // 5 busy: one environment of each of 5 services (private, demo, development, staging, production).
      const picked = environments.slice(0, BUSY).map(({ s, envs }, i) => ({ s, e: envs[i % envs.length] }));
      const busyLoops = picked.map((p) => keepBusy([p.e.url], p.e.key, 2));
      await sleep((BUSY_S * 1000) / 2);
      loads.fiftyBusy = load1();
      const busyMemory = memory(platform.proc.pid!);
      await sleep((BUSY_S * 1000) / 2);
      await Promise.all(busyLoops.map((l) => l.stop()));
      fifty = {
        startToListening: Math.round(startToListening),
        startToFirstAnswer: Math.round(startToFirst),
        memory: busyMemory,
        busy: picked.map((p) => `${p.s.id}/${p.e.name}`),
        answersPerS: busyLoops.map((l) => Math.round(l.answers[0] / BUSY_S)),
        failures: busyLoops.flatMap((l) => l.failures),
      };
      if (fifty.failures.length) throw new Error(`busy environments failed: ${fifty.failures.join('; ')}`);
    }
    await stop(platform.proc);

    const round = (s: Summary) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v as number)]));
    const report = {
      product: BASELINE ? `baseline ${BASELINE} at ${gitHead(BASELINE)}` : `this checkout at ${gitHead(REPO)}`,
      machine: { ...machine, loadAvgEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      loadAvg1: loads,
      memoryFiveEnvironmentsServing: fiveServing,
      memoryAllIdle: lazy ? idleMemory : undefined,
      memoryTenByFiveFiveBusy: fifty?.memory,
      busy: fifty ? { environments: fifty.busy, answersPerS: fifty.answersPerS } : undefined,
      pushToDeployed: { first: Math.round(pushes[0]), rest: round(summarize(pushes.slice(1))) },
      deployOnly: round(summarize(deploys)),
      coldStart: lazy ? round(summarize(colds)) : undefined,
      platformStartToListeningMs: Math.round(startToListening5),
      platformStartToFirstAnswerMs: Math.round(startToFirstAnswer),
      fiftyEnvironments: fifty ? { startToListeningMs: fifty.startToListening, startToFirstAnswerMs: fifty.startToFirstAnswer } : undefined,
    };
    const mem = (m: Memory) =>
      `${m.totalMb} MB (platform ${m.platformMb}, ${m.deployments} deployment processes ${m.deploymentsMb}, PostgreSQL ${m.postgresProcesses} processes ${m.postgresMb}, push check process ${m.checkProcessMb})`;
    const rows = [
      `| memory, 1 service × 5 environments serving (total PSS) | ${mem(fiveServing)} | ≤ 600 MB | ${loads.fiveServing} |`,
      lazy ? `| memory, same platform after a restart, every environment idle but the one called | ${mem(idleMemory)} | | |` : '',
      fifty
        ? `| memory, ${SERVICES} services × 5 environments deployed, ${BUSY} busy (total PSS, sampled while busy) | ${mem(fifty.memory)}; busy environments answered ${fifty.answersPerS.join(', ')} calls/s (2 in flight each) | ≤ 1,200 MB | ${loads.fiftyBusy} |`
        : '',
      lazy
        ? `| cold start of an idle environment, request → answer (${colds.length} samples) | p50 ${report.coldStart!.p50} ms, p95 ${report.coldStart!.p95} ms, max ${report.coldStart!.max} ms | p50 ≤ 500 ms | ${loads.colds} |`
        : '',
      `| push → DEPLOYED (${pushes.length - 1} warm pushes) | p50 ${report.pushToDeployed.rest.p50} ms, p95 ${report.pushToDeployed.rest.p95} ms (first push ${report.pushToDeployed.first} ms) | p50 ≤ 800 ms | ${loads.pushes} |`,
      `| of which the deploy (\`deploying\` → \`deployed\` log lines, ${deploys.length} warm) | p50 ${report.deployOnly.p50} ms, p95 ${report.deployOnly.p95} ms | | |`,
      `| platform start (5 environments deployed${lazy ? ', all started lazily' : ', every process started at start'}) → listening / → first answer from one | ${report.platformStartToListeningMs} ms / ${report.platformStartToFirstAnswerMs} ms | | |`,
      fifty
        ? `| platform start (${SERVICES * 5} environments deployed, all started lazily) → listening / → first answer from one | ${fifty.startToListening} ms / ${fifty.startToFirstAnswer} ms | | |`
        : '',
    ].filter(Boolean);
    const md = [
      BASELINE ? `# Baseline platform (${report.product})` : '# Platform on the embedded PostgreSQL server',
      '',
      `Run ${machine.date} on ${machine.cpuModel} (${machine.nproc} cores, ${machine.memTotalMb} MB), Node ${machine.node}, commit ${machine.commit}${machine.dirty ? ' (dirty)' : ''}; load average ${machine.loadAvgStart.join(' / ')} at start, ${report.machine.loadAvgEnd.join(' / ')} at end (the machine is shared).`,
      '',
      `Command: \`npm run build && node --import tsx bench/platform-server.ts${BASELINE ? ` --baseline ${BASELINE} --name ${REPORT_NAME}` : ''}\`. The platform runs as \`codestore platform start\` in its own process; PSS is summed from \`/proc/<pid>/smaps_rollup\` over it and every process under it.`,
      '',
      '| figure | value | target | load average (1 min) |',
      '|---|---|---|--:|',
      ...rows,
      '',
      "Push times are the client's, from sending the archive to the answer (check, build, deploy with the old process serving until the new one is ready).",
      lazy
        ? `A cold start is one request to an environment whose process was stopped for being idle (\`--idle-after ${IDLE_AFTER_S}s\`): the request waits while the process starts, loads the build, connects and answers its health check. For ${SERVICES} × 5 every service is the blog fixture in private, demo and a project's development, staging and production; after a restart ${BUSY} environments of 5 services are called without pause (2 requests in flight each, \`allPosts\`) and the others have no process.`
        : "This version has no scale to zero: every deployed environment has its process (with its PGlite database) from the platform's start; 10 × 5 environments (50 such processes) and cold starts are not measured.",
    ].join('\n');
    writeReport(path.join(REPO, 'bench/results'), REPORT_NAME, md, report);
  } finally {
    await stop(platform.proc).catch(() => undefined);
    if (!process.argv.includes('--keep')) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function gitHead(dir: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

void main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
