// Outbound network for a deployment whose service asks for it (`runtime.egress: true`): an HTTP
// CONNECT proxy on a Unix socket in the deployment's sandbox folder (its only way out: the sandbox
// has no network of its own). It resolves the name itself and connects to the address it checked,
// refusing loopback, private, link-local, shared and multicast ranges, so that egress never reaches
// the platform's ports, the database server, other deployments or the local network.
import * as dns from 'dns';
import * as fs from 'fs';
import * as net from 'net';

export interface EgressProxy {
  close(): Promise<void>;
}

const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  BLOCKED.addSubnet(prefix, bits, 'ipv6');

/** Whether an address is one egress must not reach. */
export function isInternalAddress(address: string): boolean {
  // An IPv4-mapped IPv6 address is the IPv4 address it maps (a ::ffff:0:0/96 rule in a BlockList
  // would match every IPv4 address too).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isInternalAddress(mapped[1]);
  const family = net.isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

export interface EgressProxyOptions {
  socketPath: string;
  say: (line: string) => void;
  /** Internal addresses egress may reach all the same (an operator's own API; tests' local server). */
  allow?: readonly string[];
}

export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const allowed = new Set(options.allow ?? []);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 8192) client.destroy();
        return;
      }
      client.off('data', onData);
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      const m = /^CONNECT ([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5}) HTTP\/1\.[01]\r\n/.exec(head);
      const refuse = (status: string, why: string) => {
        options.say(`egress refused: ${why}`);
        client.end(`HTTP/1.1 ${status}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${why}\n`);
      };
      if (!m) return refuse('405 Method Not Allowed', 'only CONNECT host:port is proxied');
      const host = m[1].replace(/^\[|\]$/g, '');
      const port = Number(m[2]);
      dns.lookup(host, { all: true }, (err, addresses) => {
        if (err || !addresses.length) return refuse('502 Bad Gateway', `cannot resolve ${host}`);
        const internal = addresses.find((a) => isInternalAddress(a.address) && !allowed.has(a.address));
        if (internal)
          return refuse(
            '403 Forbidden',
            `${host} is ${internal.address}, an internal address (loopback, private or link-local): egress reaches only the public internet`,
          );
        const upstream = net.connect({ host: addresses[0].address, port });
        sockets.add(upstream);
        upstream.on('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        let connected = false;
        upstream.on('error', (e) => {
          if (!connected && !client.destroyed) refuse('502 Bad Gateway', `cannot connect to ${host}:${port} (${e.message})`);
        });
        upstream.once('connect', () => {
          connected = true;
          client.write('HTTP/1.1 200 Connection established\r\n\r\n');
          if (rest.length) upstream.write(rest);
          client.pipe(upstream);
          upstream.pipe(client);
        });
      });
    };
    client.on('data', onData);
  });
  fs.rmSync(options.socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  fs.chmodSync(options.socketPath, 0o666);
  return {
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
