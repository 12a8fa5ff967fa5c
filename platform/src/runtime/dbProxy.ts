// The one way a deployment reaches a database: a proxy the platform runs for each deployment
// process, listening on a Unix socket in the folder bound into its sandbox (named
// `.s.PGSQL.<port>`, so `pg` finds it with `host=<folder>`), forwarding to the environment's real
// server. It reads the PostgreSQL startup packet first and lets through only the environment's own
// user and database: the server may trust its local connections (CI's does), and a guessed
// `postgres` user must not become a superuser. Encrypted sessions (SSL, GSS) are declined — the
// hop is a local socket — and cancel requests refused: a cancel key names another session.
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
/** A startup packet is a few hundred bytes; anything larger is not a client. */
const STARTUP_MAX = 10_000;
const STARTUP_TIMEOUT_MS = 10_000;

export const PG_SOCKET_PORT = 5432;

export interface DatabaseProxyOptions {
  /** The folder the socket `.s.PGSQL.5432` is made in. */
  socketDir: string;
  /** The environment's database, as the platform knows it. */
  url: string;
  /** Told why a connection was refused (a line in the environment's log). */
  onRefused?: (reason: string) => void;
}

export interface DatabaseProxy {
  /** The URL the deployment process uses: same credentials, host = the socket's folder as `inside`. */
  urlFor(insideSocketDir: string): string;
  close(): Promise<void>;
}

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([Buffer.from('SFATAL\0VFATAL\0', 'utf8'), Buffer.from(`C${code}\0M${message}\0\0`, 'utf8')]);
  const head = Buffer.alloc(5);
  head.write('E', 0, 'ascii');
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

function startupParameters(packet: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  const parts = packet.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) params.set(parts[i], parts[i + 1]);
  return params;
}

/** Where the real server is: a TCP address, or its own socket folder (`?host=/dir`). */
function upstreamOf(url: URL): net.NetConnectOpts {
  const port = Number(url.port || PG_SOCKET_PORT);
  const hostParam = url.searchParams.get('host');
  if (hostParam?.startsWith('/')) return { path: path.join(hostParam, `.s.PGSQL.${port}`) };
  const host = url.hostname.replace(/^\[|\]$/g, '') || 'localhost';
  if (host.startsWith('/')) return { path: path.join(host, `.s.PGSQL.${port}`) };
  return { host, port };
}

export async function startDatabaseProxy(options: DatabaseProxyOptions): Promise<DatabaseProxy> {
  const url = new URL(options.url);
  const user = decodeURIComponent(url.username) || 'postgres';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || user;
  const upstream = upstreamOf(url);
  const sockets = new Set<net.Socket>();
  const refuse = (client: net.Socket, code: string, message: string) => {
    options.onRefused?.(message);
    client.end(errorResponse(code, message));
  };

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => client.destroy(), STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 8) {
        const length = buffered.readInt32BE(0);
        if (length < 8 || length > STARTUP_MAX) {
          clearTimeout(timer);
          client.destroy();
          return;
        }
        if (buffered.length < length) return;
        const code = buffered.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          // "N": no encryption; the client goes on with a plain startup packet.
          buffered = buffered.subarray(length);
          client.write('N');
          continue;
        }
        clearTimeout(timer);
        client.off('data', onData);
        if (code === CANCEL_REQUEST) {
          client.destroy();
          return;
        }
        if (code !== PROTOCOL_3) {
          refuse(client, '08P01', 'Only PostgreSQL protocol 3.0 is spoken here.');
          return;
        }
        const params = startupParameters(buffered.subarray(0, length));
        const askedUser = params.get('user') ?? '';
        const askedDb = params.get('database') || askedUser;
        if (params.has('replication')) {
          refuse(client, '28000', 'Replication connections are not allowed.');
          return;
        }
        if (askedUser !== user || askedDb !== database) {
          refuse(
            client,
            '28000',
            `This deployment may connect only to its own database "${database}" as "${user}" (asked: database "${askedDb}" as "${askedUser}").`,
          );
          return;
        }
        const server = net.connect(upstream);
        sockets.add(server);
        server.on('close', () => {
          sockets.delete(server);
          client.destroy();
        });
        client.on('close', () => server.destroy());
        server.on('error', () => client.destroy());
        server.write(buffered);
        client.pipe(server);
        server.pipe(client);
        return;
      }
    };
    client.on('data', onData);
  });
  fs.mkdirSync(options.socketDir, { recursive: true });
  const socketPath = path.join(options.socketDir, `.s.PGSQL.${PG_SOCKET_PORT}`);
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // The sandboxed process runs as a uid of its own: it may connect; the folder is not its to change.
  fs.chmodSync(socketPath, 0o666);
  return {
    urlFor(insideSocketDir) {
      const u = new URL('postgres://localhost');
      u.username = url.username || 'postgres';
      u.password = url.password;
      u.hostname = 'localhost';
      u.pathname = `/${encodeURIComponent(database)}`;
      u.searchParams.set('host', insideSocketDir);
      return u.toString();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
