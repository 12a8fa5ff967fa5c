// The platform benchmark's report: push → DEPLOYED times (with the split read from the platform's
// log), and the deployed service's throughput through the gateway and served directly, run by
// run, with the gateway/direct ratios against the targets. Rendered as Markdown; stored as JSON
// with every run's figures.
import type { ProfileSummary } from './codegen-profile';
import { profileSection, renderTable, Row } from './codegen-report';
import type { MachineInfo } from './machine';
import type { LoadResult } from './platform-load';

export const TARGETS = { pushP50Ms: 800, gatewayRatio: 0.8 };

export interface PushRecord {
  n: number;
  version?: string;
  status?: string;
  error?: string | null;
  /** Client: push sent → answer (the deployment settled), ms. */
  ms: number;
  /** From the platform log, ms after the push was sent. */
  initializedMs?: number;
  deployingMs?: number;
  deployedMs?: number;
  migrations: string[];
}

/** CPU time spent by each process during one run, ms (user + system). */
export interface CpuUse {
  platform: number;
  deployment?: number;
  load?: number;
  /** The PostgreSQL server's processes (with --pg: the store and the environment's database). */
  database?: number;
  /** The rest of the machine's busy CPU over the run (other processes). */
  other?: number;
}

export interface RunRecord {
  query: string;
  path: 'gateway' | 'direct';
  phase: 'warm-up' | 'measured' | 'profiled';
  round?: number;
  result: LoadResult;
  cpu: CpuUse;
}

export interface Ratio {
  query: string;
  gatewayOkPerS: number;
  directOkPerS: number;
  ratio: number;
  /** gateway / direct of each round (gateway run i against direct run i, run one after the other). */
  rounds: number[];
  /** Mean cores other processes on the machine kept busy over the measured runs. */
  otherCores?: number;
  target?: string;
  met?: boolean;
}

export interface PlatformReport {
  machine: MachineInfo;
  settings: Record<string, unknown>;
  store: string;
  build: string;
  service: string;
  rows: Row[];
  pushes: PushRecord[];
  runs: RunRecord[];
  ratios: Ratio[];
  breakdown: string[];
  profiles: Array<{ title: string; summary: ProfileSummary }>;
  problems: string[];
  notes: string[];
  durationS: number;
  aborted?: string;
}

const f0 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(0));
const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function cpuPerRequestUs(ms: number | undefined, ok: number): number | undefined {
  return ms === undefined || ok <= 0 ? undefined : (1000 * ms) / ok;
}

function runTable(runs: RunRecord[]): string {
  const db = runs.some((r) => r.cpu.database !== undefined) ? ' · PostgreSQL server' : '';
  const out = [
    `| Query | Path | Run | ok req/s | all responses/s | latency p50 ms | p99 ms | max ms | 2xx wrong body | non-2xx | errors / timeouts | CPU µs per ok request: platform · deployment · load generator${db} | cores busy: platform · deployment · load generator${db} · other processes |`,
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|---|',
  ];
  for (const r of runs) {
    const x = r.result;
    const run = r.phase === 'measured' ? `round ${r.round}` : r.phase;
    const db = r.cpu.database === undefined ? [] : [r.cpu.database];
    const cpu = [r.cpu.platform, r.cpu.deployment, r.cpu.load, ...db].map((ms) => f0(cpuPerRequestUs(ms, x.ok))).join(' · ');
    const cores = [r.cpu.platform, r.cpu.deployment, r.cpu.load, ...db, r.cpu.other]
      .map((ms) => (ms === undefined ? '—' : (ms / (1000 * x.durationS)).toFixed(2)))
      .join(' · ');
    const codes = x.non2xx
      ? ` (${Object.entries(x.statusCodes)
          .filter(([c]) => !c.startsWith('2'))
          .map(([c, n]) => `${c}×${n}`)
          .join(', ')})`
      : '';
    out.push(
      `| ${r.query} | ${r.path} | ${run} (${x.durationS.toFixed(1)} s, ${x.connections} conn.) | ${f0(x.okPerS)} | ${f0(x.allPerS)} | ${f1(x.latency.p50)} | ${f1(x.latency.p99)} | ${f1(x.latency.max)} | ${x.wrongBody} | ${x.non2xx}${codes} | ${x.errors} / ${x.timeouts} | ${cpu} | ${cores} |`,
    );
  }
  return out.join('\n');
}

export function renderMarkdown(r: PlatformReport): string {
  const m = r.machine;
  const lines = [
    '# Platform benchmark',
    '',
    `- Date: ${m.date}; node ${m.node}; ${m.platform}`,
    `- Machine: ${m.cpuModel}, ${m.nproc} CPUs, ${(m.memTotalMb / 1024).toFixed(1)} GB; load average ${m.loadAvgStart.join(' / ')} at start${m.loadAvgEnd ? `, ${m.loadAvgEnd.join(' / ')} at end` : ''}`,
    `- Commit: ${m.commit ?? 'unknown'}${m.dirty ? ' (core/ or server/ has uncommitted changes)' : ''}`,
    `- Store: ${r.store}`,
    `- Build: ${r.build}`,
    `- Service: ${r.service}`,
    `- Settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ')}`,
    `- Duration: ${r.durationS.toFixed(1)} s${r.aborted ? ` — **aborted: ${r.aborted}**` : ''}`,
    '',
    '## Push → DEPLOYED',
    '',
    r.rows.length ? renderTable(r.rows) : '(not measured)',
    '',
  ];
  if (r.pushes.length) {
    lines.push(
      "Each push (ms after the push was sent; the platform log's timestamps):",
      '',
      '| # | Version | Status | push → answer | → deployment initialized (checked, built) | → deploying | → deployed | Migrations |',
      '|--:|---|---|--:|--:|--:|--:|---|',
    );
    for (const p of r.pushes) {
      lines.push(
        `| ${p.n} | ${p.version ?? '—'} | ${p.status ?? '—'}${p.error ? `: ${p.error}` : ''} | ${f0(p.ms)} | ${f0(p.initializedMs)} | ${f0(p.deployingMs)} | ${f0(p.deployedMs)} | ${p.migrations.join(', ') || '—'} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Throughput: through the gateway vs the deployment process directly', '');
  if (r.ratios.length) {
    lines.push(
      '| Query | gateway ok req/s (mean of rounds) | direct ok req/s | gateway / direct | each round | other processes (cores, mean) | Target |',
      '|---|--:|--:|--:|---|--:|---|',
    );
    for (const x of r.ratios) {
      lines.push(
        `| ${x.query} | ${f0(x.gatewayOkPerS)} | ${f0(x.directOkPerS)} | ${pct(x.ratio)} | ${x.rounds.map(pct).join(', ')} | ${x.otherCores === undefined ? '—' : x.otherCores.toFixed(2)} | ${x.target ? `${x.target} ${x.met ? '✅ met' : '❌ missed'}` : ''} |`,
      );
    }
    lines.push('');
  }
  if (r.runs.length) lines.push('Every run, in the order run:', '', runTable(r.runs), '');
  if (r.breakdown.length || r.profiles.length) {
    lines.push('### Where the time goes', '', ...r.breakdown.map((x) => `- ${x}`), '');
    for (const p of r.profiles) lines.push(profileSection(p.title, p.summary), '');
  }
  if (r.problems.length) lines.push('### Problems', '', ...r.problems.map((x) => `- ${x}`), '');
  if (r.notes.length) lines.push('### Method', '', ...r.notes.map((x) => `- ${x}`), '');
  return lines.join('\n');
}
