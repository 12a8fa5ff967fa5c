// The deployment process's side of the sandbox (bundled into dist/runtime.js): outbound HTTP(S)
// through the platform's egress proxy when the service may use it, and otherwise an error that says
// why there is no network, instead of a bare ENETUNREACH.
import * as http from 'http';
import * as https from 'https';
import * as net from 'net';
import type { Duplex } from 'stream';
import * as tls from 'tls';

// Node's own require, for the real http and https modules: a bundle's `import * as` namespace is
// read-only once webpack concatenates modules (production builds), and setting an agent on it
// throws; the agents belong on the modules every other module of the process gets.
declare const __non_webpack_require__: NodeJS.Require | undefined;
const nodeRequire: NodeJS.Require = typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;

export const NO_EGRESS_MESSAGE =
  "This deployment has no outbound network. A service that calls other APIs sets `runtime: { egress: true }` in its codestore.yaml (then http and https requests go through the platform's egress proxy, which reaches only public addresses).";

type Callback = (err: Error | null, socket: Duplex) => void;
type SocketCallback = (err: Error | null, socket?: net.Socket) => void;

/** A socket to host:port through the CONNECT proxy listening at `proxySocket`. */
function tunnel(proxySocket: string, host: string, port: number, cb: SocketCallback): void {
  const s = net.connect(proxySocket);
  let answer = '';
  const fail = (e: Error) => {
    s.destroy();
    cb(e);
  };
  s.once('error', fail);
  s.once('connect', () => s.write(`CONNECT ${host.includes(':') ? `[${host}]` : host}:${port} HTTP/1.1\r\nhost: ${host}:${port}\r\n\r\n`));
  const onData = (chunk: Buffer) => {
    answer += chunk.toString('latin1');
    const end = answer.indexOf('\r\n\r\n');
    if (end < 0) return;
    s.off('data', onData);
    s.off('error', fail);
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1];
    if (status !== '200')
      return fail(new Error(`The egress proxy refused ${host}:${port}: ${answer.slice(end + 4).trim() || answer.split('\r\n')[0]}`));
    // The tunnel is the request's socket from here; nothing more comes before the request.
    cb(null, s);
  };
  s.on('data', onData);
}

class EgressHttpAgent extends http.Agent {
  constructor(private readonly proxySocket: string | undefined) {
    super({ keepAlive: true });
  }
  createConnection(options: http.ClientRequestArgs, cb?: Callback): undefined {
    const done = cb as unknown as SocketCallback;
    if (!this.proxySocket) {
      process.nextTick(done, new Error(NO_EGRESS_MESSAGE));
      return undefined;
    }
    tunnel(this.proxySocket, options.host ?? 'localhost', Number(options.port ?? 80), done);
    return undefined;
  }
}

class EgressHttpsAgent extends https.Agent {
  constructor(private readonly proxySocket: string | undefined) {
    super({ keepAlive: true });
  }
  createConnection(options: https.RequestOptions, cb?: Callback): undefined {
    const done = cb as unknown as SocketCallback;
    if (!this.proxySocket) {
      process.nextTick(done, new Error(NO_EGRESS_MESSAGE));
      return undefined;
    }
    const host = options.host ?? 'localhost';
    tunnel(this.proxySocket, host, Number(options.port ?? 443), (err, socket) => {
      if (err || !socket) return done(err ?? new Error('no socket'));
      const secure = tls.connect({
        ...(options as tls.ConnectionOptions),
        socket,
        servername: options.servername ?? (net.isIP(host) ? undefined : host),
      });
      done(null, secure);
    });
    return undefined;
  }
}

/**
 * Every http/https request of the service goes through the egress proxy (or fails saying there is
 * no network). `fetch` has no agent to swap in Node 20: it fails with the same message.
 */
export function installEgress(proxySocket: string | undefined): void {
  const httpAgent = new EgressHttpAgent(proxySocket);
  const httpsAgent = new EgressHttpsAgent(proxySocket);
  (nodeRequire('http') as { globalAgent: http.Agent }).globalAgent = httpAgent;
  (nodeRequire('https') as { globalAgent: https.Agent }).globalAgent = httpsAgent;
  const g = globalThis as { fetch?: unknown };
  if (typeof g.fetch === 'function') {
    g.fetch = async () => {
      throw new TypeError(
        proxySocket
          ? 'fetch is not proxied in this runtime: use the http or https module (they go through the egress proxy).'
          : NO_EGRESS_MESSAGE,
      );
    };
  }
}

/** TypeORM options for a PostgreSQL URL whose host is a socket folder (`?host=/dir`), else the URL. */
export function postgresConnection(
  url: string,
): { url: string } | { host: string; port: number; username: string; password: string; database: string } {
  const u = new URL(url);
  const host = u.searchParams.get('host');
  if (!host?.startsWith('/')) return { url };
  return {
    host,
    port: Number(u.port || 5432),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}
