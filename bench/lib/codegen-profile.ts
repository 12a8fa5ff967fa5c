// Where the time goes: summarizes a V8 .cpuprofile (node --cpu-prof) into self time by function
// and by source module, and inclusive time of named functions. Functions in the webpack bundles
// (development builds) are placed in their source module with the bundle's `/***/ "./path"`
// module markers, so ts-morph, TypeScript, graphql and our own files show apart.
import * as fs from 'fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled wall time considered (the window, or the whole profile), ms; and of it, not idle. */
  totalMs: number;
  busyMs: number;
  window: 'edit window' | 'whole profile';
  note?: string;
  topFunctions: ProfileRow[];
  topModules: ProfileRow[];
  /** Inclusive time of selected functions (each sample counted once per function on its stack); `f!g`: f, not under g. */
  inclusive: ProfileRow[];
}

/** Line (0-based) → source module, for a webpack development bundle. */
function bundleModules(file: string): Array<{ line: number; module: string }> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const out: Array<{ line: number; module: string }> = [];
  let line = 0;
  let at = 0;
  const marker = /^\/\*\*\*\/ "(.+?)"/;
  while (at <= text.length) {
    const end = text.indexOf('\n', at);
    const row = text.slice(at, end < 0 ? text.length : end);
    if (row.startsWith('/***/ "')) {
      const m = marker.exec(row);
      if (m) out.push({ line, module: m[1].replace(/^\.\//, '').replace(/ sync recursive$/, '') });
    } else if (row.startsWith('/******/') && out.length && out[out.length - 1].module !== RUNTIME) {
      // The bootstrap after the modules (module cache, __webpack_require__, chunk loading).
      out.push({ line, module: RUNTIME });
    }
    if (end < 0) break;
    at = end + 1;
    line++;
  }
  return out.length ? out : undefined;
}

const RUNTIME = '(webpack runtime)';
const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

export function summarizeProfile(
  file: string,
  opts: { window?: { startUs: number; endUs: number }; top?: number; inclusiveNames?: string[] } = {},
): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const top = opts.top ?? 15;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  // Sample times (µs, the same monotonic clock as process.hrtime on Linux) and weights (the gap
  // to the next sample).
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) {
    t += d;
    times.push(t);
  }
  const weights = times.map((x, i) => (i + 1 < times.length ? Math.max(0, times[i + 1] - x) : 0));
  let window: ProfileSummary['window'] = 'whole profile';
  let note: string | undefined;
  let include = (_i: number) => true;
  if (opts.window) {
    const { startUs, endUs } = opts.window;
    const inside = times.filter((x) => x >= startUs && x <= endUs).length;
    if (inside > 10) {
      window = 'edit window';
      include = (i) => times[i] >= startUs && times[i] <= endUs;
    } else {
      note = "the edit window did not match the profile's clock: whole profile shown";
    }
  }

  const moduleCache = new Map<string, Array<{ line: number; module: string }> | undefined>();
  const moduleOf = (frame: CallFrame): string => {
    if (SPECIAL.has(frame.functionName) && !frame.url) return frame.functionName;
    const url = frame.url;
    if (!url) return '(native)';
    if (url.startsWith('node:')) return 'node internals';
    const filePath = url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
    if (!moduleCache.has(filePath)) moduleCache.set(filePath, filePath.endsWith('.js') ? bundleModules(filePath) : undefined);
    const marks = moduleCache.get(filePath);
    if (!marks) return filePath.replace(/^.*\/node_modules\//, 'node_modules/');
    let lo = 0;
    let hi = marks.length - 1;
    if (frame.lineNumber < marks[0].line) return RUNTIME;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (marks[mid].line <= frame.lineNumber) lo = mid;
      else hi = mid - 1;
    }
    return marks[lo].module;
  };
  const nodeModule = new Map<number, string>();
  const moduleOfNode = (id: number) => {
    let m = nodeModule.get(id);
    if (m === undefined) {
      m = moduleOf(byId.get(id)!.callFrame);
      nodeModule.set(id, m);
    }
    return m;
  };
  // Bundle line numbers say nothing about the source: functions in a bundle are keyed by name and
  // module (anonymous ones keep their bundle line, to tell them apart).
  const bundled = (frame: CallFrame) =>
    frame.url.endsWith('.js') &&
    !!moduleCache.get(frame.url.startsWith('file://') ? decodeURIComponent(new URL(frame.url).pathname) : frame.url);
  const keyOf = (id: number, node: ProfileNode) => {
    const fn = node.callFrame.functionName;
    if (SPECIAL.has(fn)) return fn;
    const mod = moduleOfNode(id);
    if (fn && bundled(node.callFrame)) return `${fn} — ${mod}`;
    return `${fn || '(anonymous)'} — ${mod}:${node.callFrame.lineNumber + 1}`;
  };
  // Inclusive names: `f` (f on the stack), or `f!g` (f on the stack, g not).
  const specs = (opts.inclusiveNames ?? []).map((spec) => {
    const [name, without] = spec.split('!');
    return { spec, name, without };
  });

  const selfByFunction = new Map<string, number>();
  const selfByModule = new Map<string, number>();
  const inclusive = new Map<string, number>((opts.inclusiveNames ?? []).map((n) => [n, 0]));
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    if (!include(i)) return;
    const w = weights[i] / 1000;
    total += w;
    const node = byId.get(id);
    if (!node) return;
    const fn = node.callFrame.functionName;
    if (fn === '(idle)') {
      idle += w;
      return;
    }
    const mod = moduleOfNode(id);
    const key = keyOf(id, node);
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + w);
    selfByModule.set(mod, (selfByModule.get(mod) ?? 0) + w);
    if (specs.length) {
      const stack = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.add(byId.get(at)!.callFrame.functionName);
      for (const sp of specs) {
        if (stack.has(sp.name) && !(sp.without && stack.has(sp.without))) inclusive.set(sp.spec, inclusive.get(sp.spec)! + w);
      }
    }
  });
  const busy = total - idle;
  const rows = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, percent: busy > 0 ? (100 * ms) / busy : 0 }));
  return {
    file,
    totalMs: total,
    busyMs: busy,
    window,
    note,
    topFunctions: rows(selfByFunction, top),
    topModules: rows(selfByModule, 10),
    inclusive: rows(inclusive, inclusive.size).filter((r) => r.ms > 0),
  };
}
