// The code generation benchmark's report: one table of every measurement (n, p50, p95, min, max,
// target), the ours/theirs ratios, what each side generated for the same change, where the time
// goes (CPU profiles), problems and method notes. Rendered as Markdown; stored as JSON with the
// raw samples.
import type { MachineInfo } from './machine';
import type { ProfileSummary } from './codegen-profile';
import { percentile } from './stats';

export interface Row {
  part: string;
  label: string;
  samples: number[];
  /** e.g. `≤ 1500 ms`; `met` is set when the p50 is compared with it. */
  target?: string;
  met?: boolean;
  note?: string;
}

export interface CodegenReport {
  machine: MachineInfo;
  settings: Record<string, unknown>;
  build: string;
  schema: string;
  rows: Row[];
  ratios: string[];
  fidelity: string[];
  /** Plain statements placing the time (derived from the rows), shown before the profiles. */
  breakdown: string[];
  profiles: Array<{ title: string; summary: ProfileSummary }>;
  problems: string[];
  notes: string[];
  /** Everything measured, unrounded (samples, per-edit records, TypeORM's queries). */
  raw: Record<string, unknown>;
  durationS: number;
  aborted?: string;
}

const fmt = (x: number | undefined) => (x === undefined ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(1));

export function stat(samples: number[]): { n: number; p50?: number; p95?: number; min?: number; max?: number } {
  if (!samples.length) return { n: 0 };
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    min: Math.min(...samples),
    max: Math.max(...samples),
  };
}

export function renderTable(rows: Row[]): string {
  const out = ['| Part | Measurement | n | p50 ms | p95 ms | min ms | max ms | Target (p50) |', '|---|---|--:|--:|--:|--:|--:|---|'];
  for (const r of rows) {
    const s = stat(r.samples);
    const target = r.target ? `${r.target} ${s.p50 === undefined ? '(not measured)' : r.met ? '✅ met' : '❌ missed'}` : '';
    const label = r.note ? `${r.label} — ${r.note}` : r.label;
    out.push(`| ${r.part} | ${label} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.min)} | ${fmt(s.max)} | ${target} |`);
  }
  return out.join('\n');
}

export function profileSection(title: string, p: ProfileSummary): string {
  const lines = [
    `#### ${title}`,
    '',
    `${p.window === 'edit window' ? 'Edit window only' : 'Whole profile'}: ${fmt(p.totalMs)} ms sampled, ${fmt(p.busyMs)} ms not idle${p.note ? ` (${p.note})` : ''}. Profile: \`${p.file}\`.`,
    '',
  ];
  if (p.inclusive.length) {
    lines.push('Inclusive (function and what it calls):', '', '| Function | ms | % of busy |', '|---|--:|--:|');
    for (const r of p.inclusive) {
      const [name, without] = r.name.split('!');
      lines.push(`| \`${name}\`${without ? ` (not under \`${without}\`)` : ''} | ${fmt(r.ms)} | ${r.percent.toFixed(1)} |`);
    }
    lines.push('');
  }
  lines.push('Self time by source module:', '', '| Module | ms | % of busy |', '|---|--:|--:|');
  for (const r of p.topModules) lines.push(`| ${r.name} | ${fmt(r.ms)} | ${r.percent.toFixed(1)} |`);
  lines.push(
    '',
    'Hottest functions (self time):',
    '',
    '| Function — module (bundle line for anonymous ones) | ms | % of busy |',
    '|---|--:|--:|',
  );
  for (const r of p.topFunctions) lines.push(`| ${r.name.replace(/\|/g, '\\|')} | ${fmt(r.ms)} | ${r.percent.toFixed(1)} |`);
  return lines.join('\n');
}

export function renderMarkdown(r: CodegenReport): string {
  const m = r.machine;
  const lines = [
    '# Code generation benchmark',
    '',
    `- Date: ${m.date}; node ${m.node}; ${m.platform}`,
    `- Machine: ${m.cpuModel}, ${m.nproc} CPUs, ${(m.memTotalMb / 1024).toFixed(1)} GB; load average ${m.loadAvgStart.join(' / ')} at start${m.loadAvgEnd ? `, ${m.loadAvgEnd.join(' / ')} at end` : ''}`,
    `- Commit: ${m.commit ?? 'unknown'}${m.dirty ? ' (core/ or server/ has uncommitted changes)' : ''}`,
    `- Build: ${r.build}`,
    `- Schema: ${r.schema}`,
    `- Settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ')}`,
    `- Duration: ${r.durationS.toFixed(1)} s${r.aborted ? ` — **aborted: ${r.aborted}**` : ''}`,
    '',
    '## Results',
    '',
    renderTable(r.rows),
    '',
  ];
  if (r.ratios.length) lines.push('### Ours / theirs, the same one-field change', '', ...r.ratios.map((x) => `- ${x}`), '');
  if (r.fidelity.length) lines.push('### What each generated for that change', '', ...r.fidelity.map((x) => `- ${x}`), '');
  if (r.profiles.length || r.breakdown.length) {
    lines.push('### Where the time goes', '', ...r.breakdown.map((x) => `- ${x}`), ...(r.breakdown.length ? [''] : []));
    for (const p of r.profiles) lines.push(profileSection(p.title, p.summary), '');
  }
  if (r.problems.length) lines.push('### Problems', '', ...r.problems.map((x) => `- ${x}`), '');
  if (r.notes.length) lines.push('### Method', '', ...r.notes.map((x) => `- ${x}`), '');
  return lines.join('\n');
}
