// Renders the benchmark results as Markdown (printed to stdout and written to bench/results/lsp.md).
import { EDIT_KIND_LABELS, EDIT_KINDS } from './edits';
import type { MachineInfo } from './machine';
import type { SessionResult } from './session';
import { summarize, Summary } from './stats';

export interface CaseResult {
  id: string;
  title: string;
  description: string;
  ours?: SessionResult;
  baseline?: SessionResult;
  /** Ours again with no pause between edits (debounce window visible). */
  oursBackToBack?: SessionResult;
  notes: string[];
}

export interface ProbeResult {
  title: string;
  lines: string[];
}

export interface BenchReport {
  machine: MachineInfo;
  settings: { edits: number; completions: number; entities: number; seed: number; pauseMs: number; timeouts: Record<string, number> };
  servers: { ours: string; baseline: string };
  debounce: string;
  cases: CaseResult[];
  probes: ProbeResult[];
  notes: string[];
  durationS: number;
  aborted?: string;
}

/** Edits right after didOpen include the server's warm-up (JIT, caches); one row leaves them out. */
export const WARMUP_EDITS = 5;

export const TARGETS = {
  githubDiagP50: 30,
  githubDiagP95: 60,
  speedup: 5,
  memoryMb: 250,
};

const ms = (v: number | undefined | null) => (v === undefined || v === null ? '—' : v < 10 ? v.toFixed(1) : v.toFixed(0));
const mb = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(0));
const ratio = (base: number | undefined | null, ours: number | undefined | null) =>
  base === undefined || base === null || ours === undefined || ours === null || ours <= 0 ? '—' : `${(base / ours).toFixed(1)}×`;
const mark = (ok: boolean | undefined) => (ok === undefined ? '—' : ok ? 'yes' : '**NO**');

export function editSummary(r: SessionResult | undefined, kind?: string): Summary {
  const samples = (r?.edits ?? []).filter((e) => e.ms !== null && (!kind || e.kind === kind)).map((e) => e.ms as number);
  return summarize(samples);
}

export function completionSummary(r: SessionResult | undefined): Summary {
  return summarize((r?.completions ?? []).filter((c) => c.ms !== null).map((c) => c.ms as number));
}

function status(r: SessionResult | undefined): string {
  if (!r) return 'not run';
  return r.status === 'ok' ? 'ok' : `**${r.status}**`;
}

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [];
  out.push('# LSP benchmark: codestore vs graphql-language-service-server', '');
  out.push(`- Date: ${m.date}`);
  out.push(`- Machine: ${m.cpuModel}, nproc ${m.nproc}, ${m.memTotalMb} MB RAM, ${m.platform}`);
  out.push(`- Node: ${m.node}`);
  out.push(
    `- Load average (1/5/15 min): ${m.loadAvgStart.join(' / ')} at the start, ${m.loadAvgEnd?.join(' / ') ?? '—'} at the end (on ${m.nproc} cores; other work on the machine inflates latencies — the CPU-time rows do not depend on it)`,
  );
  out.push(`- Servers: ours = ${report.servers.ours}; baseline = ${report.servers.baseline}`);
  if (m.commit) out.push(`- codestore commit: ${m.commit}${m.dirty ? ' (with uncommitted changes in core/ or server/)' : ''}`);
  out.push(
    `- Run: ${report.settings.edits} scripted didChange edits (${report.settings.pauseMs} ms pause after each edit's diagnostics) and ${report.settings.completions} completion requests per server per schema; servers run one at a time, each in its own process, over stdio JSON-RPC; took ${report.durationS.toFixed(0)} s`,
  );
  out.push(`- Debounce in effect (ours): ${report.debounce}`);
  out.push(
    `- Percentiles are nearest-rank over the answered samples; latency = didChange sent → matching publishDiagnostics received (client clock)`,
  );
  if (report.aborted) out.push('', `**Run aborted: ${report.aborted}** — figures below are what was measured before that.`);
  out.push('');

  for (const c of report.cases) {
    const isGithub = c.id === 'github';
    const o = c.ours;
    const b = c.baseline;
    const od = editSummary(o);
    const bd = editSummary(b);
    const oc = completionSummary(o);
    const bc = completionSummary(b);
    out.push(`## ${c.title}`, '', c.description, '');
    out.push(`Status: ours ${status(o)}, baseline ${status(b)}.`, '');
    const answered = (r?: SessionResult) => (r ? `${r.edits.filter((e) => e.ms !== null).length}/${r.edits.length}` : '—');
    const compOk = (r?: SessionResult) => (r ? `${r.completions.filter((x) => x.ms !== null).length}/${r.completions.length}` : '—');
    const items = (r?: SessionResult) => {
      const xs = (r?.completions ?? []).filter((x) => x.items !== undefined).map((x) => x.items!);
      if (!xs.length) return '—';
      const empty = xs.filter((x) => x === 0).length;
      return `${Math.min(...xs)}–${Math.max(...xs)} items${empty ? `, ${empty} empty` : ''}`;
    };
    const cpuPer = (r: SessionResult | undefined, phase: 'editsMs' | 'completionsMs') => {
      const total = r?.cpu?.[phase];
      const n = phase === 'editsMs' ? r?.edits.filter((e) => e.ms !== null).length : r?.completions.filter((x) => x.ms !== null).length;
      return total === undefined || !n ? undefined : total / n;
    };
    out.push('| metric | codestore (ours) | graphql-language-service-server | baseline/ours | target | met |');
    out.push('|---|---:|---:|---:|---|---|');
    const speed = (bv: number | undefined, ov: number | undefined) =>
      bv !== undefined && ov !== undefined && ov > 0 ? bv / ov >= TARGETS.speedup : undefined;
    const diagP50Target = isGithub ? `≤ ${TARGETS.githubDiagP50} ms; ≥ ${TARGETS.speedup}× faster` : `≥ ${TARGETS.speedup}× faster`;
    const diagP95Target = isGithub ? `≤ ${TARGETS.githubDiagP95} ms; ≥ ${TARGETS.speedup}× faster` : `≥ ${TARGETS.speedup}× faster`;
    const and = (...xs: Array<boolean | undefined>) => (xs.some((x) => x === undefined) ? undefined : xs.every(Boolean));
    out.push(
      `| diagnostics p50 (ms) | ${ms(od.p50)} | ${ms(bd.p50)} | ${ratio(bd.p50, od.p50)} | ${diagP50Target} | ${mark(and(isGithub ? (od.p50 === undefined ? undefined : od.p50 <= TARGETS.githubDiagP50) : true, speed(bd.p50, od.p50)))} |`,
    );
    out.push(
      `| diagnostics p95 (ms) | ${ms(od.p95)} | ${ms(bd.p95)} | ${ratio(bd.p95, od.p95)} | ${diagP95Target} | ${mark(and(isGithub ? (od.p95 === undefined ? undefined : od.p95 <= TARGETS.githubDiagP95) : true, speed(bd.p95, od.p95)))} |`,
    );
    const warm = (r?: SessionResult) =>
      summarize(
        (r?.edits ?? [])
          .slice(WARMUP_EDITS)
          .filter((e) => e.ms !== null)
          .map((e) => e.ms as number),
      );
    const ow = warm(o);
    const bw = warm(b);
    out.push(
      `| diagnostics p50 / p95 without the first ${WARMUP_EDITS} edits (ms) | ${ms(ow.p50)} / ${ms(ow.p95)} | ${ms(bw.p50)} / ${ms(bw.p95)} | ${ratio(bw.p95, ow.p95)} (p95) | | |`,
    );
    if (c.oursBackToBack) {
      const bb = editSummary(c.oursBackToBack);
      out.push(`| diagnostics p50 / p95, edits back to back, no pause (ms) | ${ms(bb.p50)} / ${ms(bb.p95)} | (not run) | | | |`);
    }
    out.push(`| diagnostics max (ms) | ${ms(od.max)} | ${ms(bd.max)} | ${ratio(bd.max, od.max)} | | |`);
    out.push(
      `| completion p50 (ms) | ${ms(oc.p50)} | ${ms(bc.p50)} | ${ratio(bc.p50, oc.p50)} | ≥ ${TARGETS.speedup}× faster | ${mark(speed(bc.p50, oc.p50))} |`,
    );
    out.push(
      `| completion p95 (ms) | ${ms(oc.p95)} | ${ms(bc.p95)} | ${ratio(bc.p95, oc.p95)} | ≥ ${TARGETS.speedup}× faster | ${mark(speed(bc.p95, oc.p95))} |`,
    );
    out.push(
      `| server CPU per edit, mean (ms) | ${ms(cpuPer(o, 'editsMs'))} | ${ms(cpuPer(b, 'editsMs'))} | ${ratio(cpuPer(b, 'editsMs'), cpuPer(o, 'editsMs'))} | | |`,
    );
    out.push(
      `| server CPU per completion, mean (ms) | ${ms(cpuPer(o, 'completionsMs'))} | ${ms(cpuPer(b, 'completionsMs'))} | ${ratio(cpuPer(b, 'completionsMs'), cpuPer(o, 'completionsMs'))} | | |`,
    );
    out.push(`| didOpen → first diagnostics (ms) | ${ms(o?.openMs)} | ${ms(b?.openMs)} | ${ratio(b?.openMs, o?.openMs)} | | |`);
    out.push(
      `| RSS after the run (MB) | ${mb(o?.memory?.rssMb)} | ${mb(b?.memory?.rssMb)} | ${ratio(b?.memory?.rssMb, o?.memory?.rssMb)} | ≤ ${TARGETS.memoryMb} MB | ${mark(o?.memory ? o.memory.rssMb <= TARGETS.memoryMb : undefined)} |`,
    );
    out.push(
      `| peak RSS, VmHWM (MB) | ${mb(o?.memory?.hwmMb)} | ${mb(b?.memory?.hwmMb)} | ${ratio(b?.memory?.hwmMb, o?.memory?.hwmMb)} | ≤ ${TARGETS.memoryMb} MB | ${mark(o?.memory ? o.memory.hwmMb <= TARGETS.memoryMb : undefined)} |`,
    );
    out.push(`| edits answered / sent | ${answered(o)} | ${answered(b)} | | | |`);
    out.push(`| completions answered / sent | ${compOk(o)} (${items(o)}) | ${compOk(b)} (${items(b)}) | | | |`);
    out.push(`| text sync (what the client sends per edit) | ${o?.syncKind ?? '—'} | ${b?.syncKind ?? '—'} | | | |`);
    out.push('');

    out.push('Diagnostics latency by edit kind (ms, p50 / p95 / max, n):', '');
    out.push('| edit kind | codestore | graphql-language-service-server | baseline/ours (p50) |');
    out.push('|---|---:|---:|---:|');
    for (const kind of EDIT_KINDS) {
      const ok = editSummary(o, kind);
      const bk = editSummary(b, kind);
      if (!ok.n && !bk.n) continue;
      const cell = (s: Summary) => (s.n ? `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.max)}, n=${s.n}` : '—');
      out.push(`| ${kind} (${EDIT_KIND_LABELS[kind]}) | ${cell(ok)} | ${cell(bk)} | ${ratio(bk.p50, ok.p50)} |`);
    }
    out.push('');

    // What the servers reported: does each see the misspelled type, and nothing else?
    const check = (r?: SessionResult) => {
      if (!r || !r.edits.length) return '—';
      const withError = r.edits.filter((e) => e.expectError && e.ms !== null);
      const seen = withError.filter((e) => (e.diagnostics ?? 0) > (r.openDiagnostics ?? 0)).length;
      const clean = r.edits.filter((e) => !e.expectError && e.ms !== null);
      const quiet = clean.filter((e) => (e.diagnostics ?? 0) <= (r.openDiagnostics ?? 0)).length;
      const versioned = r.edits.some((e) => e.versioned) ? 'matched by version' : 'no version in publishDiagnostics: matched by arrival';
      return `misspelled type reported after ${seen}/${withError.length} misspellings; no new diagnostic after ${quiet}/${clean.length} other edits; ${r.openDiagnostics ?? '—'} diagnostics on open; ${versioned}`;
    };
    out.push(`What was published — ours: ${check(o)}.`, '');
    out.push(`What was published — baseline: ${check(b)}.`, '');
    const firstError = (r?: SessionResult) => r?.edits.find((e) => e.expectError && e.firstMessage)?.firstMessage;
    if (firstError(o) || firstError(b))
      out.push(`Message for a misspelled type — ours: "${firstError(o) ?? '—'}"; baseline: "${firstError(b) ?? '—'}".`, '');
    for (const [who, r] of [
      ['ours', o],
      ['baseline', b],
    ] as const) {
      if (r?.openDiagnostics)
        out.push(
          `Note: ${who} published ${r.openDiagnostics} diagnostics for the unedited document, e.g. "${r.openFirstMessages?.[0]}".`,
          '',
        );
      for (const p of r?.problems ?? []) out.push(`Problem (${who}): ${p}`, '');
      if (r?.stderrTail) out.push(`stderr of ${who} (tail):`, '', '```', r.stderrTail.trim(), '```', '');
    }
    if (c.oursBackToBack && c.oursBackToBack.status !== 'ok')
      out.push(`Problem (ours, back to back): ${c.oursBackToBack.status}: ${c.oursBackToBack.problems.join('; ')}`, '');
    for (const n of c.notes) out.push(`- ${n}`);
    if (c.notes.length) out.push('');
  }

  if (report.probes.length) {
    out.push('## Behaviour probes', '');
    for (const p of report.probes) {
      out.push(`### ${p.title}`, '');
      for (const l of p.lines) out.push(`- ${l}`);
      out.push('');
    }
  }
  if (report.notes.length) {
    out.push('## Notes', '');
    for (const n of report.notes) out.push(`- ${n}`);
    out.push('');
  }
  return out.join('\n');
}
