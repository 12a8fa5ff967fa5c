// The platform on its embedded PostgreSQL server: memory (PSS of the platform process and every
// process under it, the server's included) with one service in its five environments serving;
// cold start of an idle environment (request → answer); push → DEPLOYED; platform start → the
// first answer with every environment idle. The platform runs as `codestore platform start` in
// its own process, so its memory is its own. Short on purpose: the machine may be shared.
//
//   node --import tsx bench/platform-server.ts [--pushes 7] [--colds 7] [--keep]
// (after `npm run build`). Writes bench/results/platform-server.md and .json.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PlatformClient } from '../apiclient/src';
import { packServiceFolder } from '../apiclient/src/pack';
import { blogService } from '../test/platform/helpers/service';
import { machineInfo, writeReport } from './lib/machine';
import { commandLineOf as commOf, descendants, pssKb, startPlatformProcess, stopProcess as stop } from './lib/platformProcess';
import { summarize, Summary } from './lib/stats';

const REPO = path.resolve(__dirname, '..');
const argNum = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const PUSHES = argNum('pushes', 6);
const COLDS = argNum('colds', 7);
const IDLE_AFTER_S = 2;

interface Memory {
  totalMb: number;
  platformMb: number;
  deploymentsMb: number;
  deployments: number;
  postgresMb: number;
  postgresProcesses: number;
  /** The push check process, while it is warm (it ends a while after the last push). */
  checkProcessMb: number;
}

function memory(platformPid: number): Memory {
  const all = descendants(platformPid);
  const mb = (kb: number) => Math.round(kb / 1024);
  const workers = all.filter((p) => commOf(p).includes('runtime.js'));
  const pg = all.filter((p) => commOf(p).includes('postgres'));
  const platformKb = pssKb(platformPid);
  const workersKb = workers.reduce((a, p) => a + pssKb(p), 0);
  const pgKb = pg.reduce((a, p) => a + pssKb(p), 0);
  const checks = all.filter((p) => commOf(p).includes('check-worker.js'));
  const checkKb = checks.reduce((a, p) => a + pssKb(p), 0);
  const otherKb = all.filter((p) => !workers.includes(p) && !pg.includes(p) && !checks.includes(p)).reduce((a, p) => a + pssKb(p), 0);
  return {
    totalMb: mb(platformKb + workersKb + pgKb + checkKb + otherKb),
    platformMb: mb(platformKb),
    deploymentsMb: mb(workersKb),
    deployments: workers.length,
    postgresMb: mb(pgKb),
    postgresProcesses: pg.length,
    checkProcessMb: mb(checkKb),
  };
}

async function call(url: string, key: string, query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-authorization': key },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const machine = machineInfo(REPO);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-bench-server-'));
  if (process.getuid?.() === 0) fs.chmodSync(tmp, 0o711);
  const dataDir = path.join(tmp, 'data');
  let platform = await startPlatformProcess(dataDir, ['--idle-after', '0']);
  try {
    const client = new PlatformClient({ url: platform.url });
    await client.signup(`bench-${process.pid}@example.com`, 'correct horse battery');
    const created = await client.createService('Blog');
    const serviceId = created.service.id;
    const key = created.developerKey;
    const archive = await packServiceFolder(await blogService(path.join(tmp, 'blog'), serviceId));

    // Push → DEPLOYED: the client's time to the push's answer; the first apart (first type check, first migration).
    const pushes: number[] = [];
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
    await client.promote(serviceId);
    const project = await client.createProject('Bench');
    await client.addServiceToProject(project.id, serviceId);
    await client.promoteInstance(project.id, serviceId, 'development', 'staging');
    await client.promoteInstance(project.id, serviceId, 'staging', 'production');
    const info = await client.serviceInfo(serviceId);
    // Every environment answers once (production's process is up; it takes client keys).
    for (const e of info.environments) await call(client.endpointUrl(e), key, '{ allPosts { id title author { name } } }');
    await sleep(2000);
    const fiveServing = memory(platform.proc.pid!);
    await stop(platform.proc);

    // Cold start: the same data directory with environments idle after a few seconds.
    const startT = performance.now();
    platform = await startPlatformProcess(dataDir, ['--idle-after', `${IDLE_AFTER_S}s`]);
    const client2 = new PlatformClient({ url: platform.url, token: client.token });
    const priv = (await client2.serviceInfo(serviceId)).environments[0];
    const privUrl = client2.endpointUrl(priv);
    const first = await call(privUrl, key, '{ allPosts { id } }');
    const startToFirstAnswer = performance.now() - startT;
    if (first.status !== 200) throw new Error(`first answer ${first.status}`);
    const colds: number[] = [];
    for (let i = 0; i < COLDS; i++) {
      while (!(await client2.serviceInfo(serviceId)).environments[0].idle) await sleep(200);
      const t = performance.now();
      const a = await call(privUrl, key, '{ allPosts { id title author { name } } }');
      colds.push(performance.now() - t);
      if (a.status !== 200) throw new Error(`cold answer ${a.status}: ${JSON.stringify(a.body)}`);
    }
    const idleMemory = memory(platform.proc.pid!);
    await stop(platform.proc);

    const round = (s: Summary) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v as number)]));
    const report = {
      machine: { ...machine, loadAvgEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) },
      memoryFiveEnvironmentsServing: fiveServing,
      memoryAllIdle: idleMemory,
      pushToDeployed: { first: Math.round(pushes[0]), rest: round(summarize(pushes.slice(1))) },
      deployOnly: round(summarize(deploys)),
      coldStart: round(summarize(colds)),
      platformStartToFirstAnswerMs: Math.round(startToFirstAnswer),
    };
    const md = [
      '# Platform on the embedded PostgreSQL server',
      '',
      `Run ${machine.date} on ${machine.cpuModel} (${machine.nproc} cores, ${machine.memTotalMb} MB), Node ${machine.node}, commit ${machine.commit}${machine.dirty ? ' (dirty)' : ''}; load average ${machine.loadAvgStart.join(' / ')} at start, ${report.machine.loadAvgEnd.join(' / ')} at end (the machine is shared).`,
      '',
      'Command: `npm run build && node --import tsx bench/platform-server.ts`. The platform runs as `codestore platform start` in its own process; PSS is summed from `/proc/<pid>/smaps_rollup` over it and every process under it.',
      '',
      '| figure | value | target |',
      '|---|---|---|',
      `| memory, 1 service × 5 environments serving (total PSS) | ${fiveServing.totalMb} MB (platform ${fiveServing.platformMb}, ${fiveServing.deployments} deployment processes ${fiveServing.deploymentsMb}, PostgreSQL ${fiveServing.postgresProcesses} processes ${fiveServing.postgresMb}, push check process ${fiveServing.checkProcessMb}) | ≤ 600 MB (PGlite platform: ~2,900) |`,
      `| memory, same platform after a restart, every environment idle but the one called | ${idleMemory.totalMb} MB (platform ${idleMemory.platformMb}, ${idleMemory.deployments} deployment processes ${idleMemory.deploymentsMb}, PostgreSQL ${idleMemory.postgresMb}, push check process ${idleMemory.checkProcessMb}) | |`,
      `| cold start of an idle environment, request → answer (${colds.length} samples) | p50 ${report.coldStart.p50} ms, p95 ${report.coldStart.p95} ms, max ${report.coldStart.max} ms | p50 ≤ 500 ms |`,
      `| push → DEPLOYED (${pushes.length - 1} warm pushes) | p50 ${report.pushToDeployed.rest.p50} ms, p95 ${report.pushToDeployed.rest.p95} ms (first push ${report.pushToDeployed.first} ms) | p50 ≤ 800 ms (PGlite platform: 1,174) |`,
      `| of which the deploy (\`deploying\` → \`deployed\` log lines, ${deploys.length} warm) | p50 ${report.deployOnly.p50} ms, p95 ${report.deployOnly.p95} ms | |`,
      `| platform start (5 environments deployed, all started lazily) → first answer from one | ${report.platformStartToFirstAnswerMs} ms | |`,
      '',
      "Push times are the client's, from sending the archive to the answer (check, build, deploy with the old process serving until the new one is ready). A cold start is one request to an environment whose process was stopped for being idle: the request waits while the process starts, loads the build, connects and answers its health check. The 10 × 5 environments and throughput figures of the issue are not measured here.",
    ].join('\n');
    writeReport(path.join(REPO, 'bench/results'), 'platform-server', md, report);
  } finally {
    await stop(platform.proc).catch(() => undefined);
    if (!process.argv.includes('--keep')) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
