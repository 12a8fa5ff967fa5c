// The platform benchmark's load generator: a process of its own (forked by bench/platform.ts with
// an IPC channel), so that autocannon's own CPU is never spent on the event loop of the gateway
// it measures. Each `run` message is one autocannon run (programmatic API); every response is
// checked: a 2xx whose body is not the expected one, and every non-2xx, is counted apart and
// never as throughput.
import autocannon from 'autocannon';

export interface LoadSpec {
  label: string;
  url: string;
  /** A Unix socket to send the requests to (a deployment process's), instead of the URL's host. */
  socketPath?: string;
  headers: Record<string, string>;
  body: string;
  /** The exact body a correct answer has. */
  expect: string;
  connections: number;
  durationS: number;
}

export interface LoadResult {
  label: string;
  url: string;
  connections: number;
  /** Wall seconds of the run (autocannon's own measure). */
  durationS: number;
  /** Responses received, whatever their status. */
  completed: number;
  /** 2xx with exactly the expected body. */
  ok: number;
  /** 2xx with another body (GraphQL errors, wrong data). */
  wrongBody: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Connection errors (resets, refused) and timeouts, as autocannon counts them. */
  errors: number;
  timeouts: number;
  okPerS: number;
  /** Every response per second, as autocannon reports it (mean of its per-second samples). */
  allPerS: number;
  /** Latency of 2xx responses, ms. */
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** The first bad answers seen (status and the start of the body), for the report. */
  samples: string[];
}

export type ToLoad = { t: 'run'; id: number; spec: LoadSpec };
export type FromLoad = { t: 'ready' } | { t: 'result'; id: number; result: LoadResult } | { t: 'error'; id: number; error: string };

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let ok = 0;
  let wrongBody = 0;
  const samples: string[] = [];
  const keep = (status: number, body: string) => {
    if (samples.length < 3) samples.push(`${status} ${body.slice(0, 300)}`);
  };
  const result = await autocannon({
    url: spec.url,
    ...(spec.socketPath ? { socketPath: spec.socketPath } : {}),
    connections: spec.connections,
    duration: spec.durationS,
    timeout: 10,
    excludeErrorStats: true,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...spec.headers },
        body: spec.body,
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) {
            if (body === spec.expect) ok++;
            else {
              wrongBody++;
              keep(status, body);
            }
          } else keep(status, body);
        },
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(count);
  const completed = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    label: spec.label,
    url: spec.url,
    connections: spec.connections,
    durationS: result.duration,
    completed,
    ok,
    wrongBody,
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    okPerS: ok / result.duration,
    allPerS: result.requests.average,
    latency: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    samples,
  };
}

if (require.main === module && process.send) {
  process.on('message', (m: ToLoad) => {
    if (m.t !== 'run') return;
    runLoad(m.spec).then(
      (result) => process.send!({ t: 'result', id: m.id, result } satisfies FromLoad),
      (e) => process.send!({ t: 'error', id: m.id, error: (e as Error)?.stack ?? String(e) } satisfies FromLoad),
    );
  });
  // The parent is gone: so is this process.
  process.on('disconnect', () => process.exit(0));
  process.send({ t: 'ready' } satisfies FromLoad);
}
