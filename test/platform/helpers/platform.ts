// A platform for one test file: started in this process on a free port with a temporary data
// directory and its own embedded PostgreSQL server (cases share it), driven through the real
// HTTP API with the real PlatformClient, and through the real CLI (`node bin/codestore.js`).
// When CODESTORE_TEST_PG_URL is set, the same suites also run with the store in a scratch
// database on that server (--database-url), dropped at the end.
import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';
import { PlatformClient, PlatformError, Session } from '../../../apiclient/src';
import { PlatformOptions, RunningPlatform, startPlatform } from '../../../platform/src/main';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(REPO_ROOT, 'bin', 'codestore.js');
export const PASSWORD = 'correct horse battery';

export interface PlatformTarget {
  label: 'embedded' | 'postgres';
  /** A scratch database for the store, or none for the embedded server. */
  database?: () => Promise<ScratchDatabase>;
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** The embedded server always; the PostgreSQL server too when CODESTORE_TEST_PG_URL is set. */
export function platformTargets(): PlatformTarget[] {
  const targets: PlatformTarget[] = [{ label: 'embedded' }];
  const adminUrl = process.env.CODESTORE_TEST_PG_URL;
  if (adminUrl) targets.push({ label: 'postgres', database: () => scratchDatabase(adminUrl) });
  return targets;
}

/** A new database on the server at `adminUrl`; `drop` removes it with the environments' databases named after it. */
export async function scratchDatabase(adminUrl: string, prefix = 'codestore_platform_test'): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      try {
        // The environments' databases are named after the store's.
        const envs = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [`${name}_e_`]);
        for (const { datname } of envs.rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * A temporary folder for a platform's data. As root, the embedded server runs as the user
 * `postgres`, which must pass through it (a mkdtemp folder is owner-only).
 */
export function testDirectory(prefix = 'codestore-platform-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (process.getuid?.() === 0) fs.chmodSync(dir, 0o711);
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let emails = 0;

export class TestPlatform {
  /** Holds the data directory, the CLI's config directories and service folders. */
  readonly tmp: string;
  readonly dataDir: string;
  private running: RunningPlatform | undefined;
  readonly log: string[] = [];

  private constructor(
    readonly target: PlatformTarget,
    private readonly database: ScratchDatabase | undefined,
    private readonly options: Partial<PlatformOptions>,
  ) {
    this.tmp = testDirectory();
    this.dataDir = path.join(this.tmp, 'data');
  }

  /** `options`: more of startPlatform's options (an auth clock, the gateway's checks, the sandbox, limits). */
  static async start(target: PlatformTarget, options: Partial<PlatformOptions> = {}): Promise<TestPlatform> {
    for (const f of ['dist/cli.js', 'dist/platform.js', 'dist/check-worker.js']) {
      if (!fs.existsSync(path.join(REPO_ROOT, f)))
        throw new Error(`${f} is missing: run \`npx webpack --mode development\` first (npm test does).`);
    }
    const database = await target.database?.();
    const platform = new TestPlatform(target, database, options);
    await platform.boot();
    return platform;
  }

  private async boot(port = 0): Promise<void> {
    // Tests sign up many organizations; on a machine without the sandbox that is refused by default.
    // Suites sign up many accounts from one address: the sign-up throttle is lifted unless a test sets it.
    const auth = { ...this.options.auth, throttle: { signups: 100_000, ...this.options.auth?.throttle } };
    this.running = await startPlatform({
      allowUnsandboxedTenants: true,
      ...this.options,
      auth,
      port,
      dataDir: this.dataDir,
      databaseUrl: this.database?.url,
      log: (l) => this.log.push(l),
    });
  }

  get url(): string {
    return this.platform.url;
  }

  /** The store's database, with the platform's credentials (on the embedded server while it runs). */
  get databaseUrl(): string {
    return this.database?.url ?? this.platform.databaseUrl;
  }

  get platform(): RunningPlatform {
    if (!this.running) throw new Error('the platform is not running');
    return this.running;
  }

  /** Stops the platform and starts it again on the same data directory (and database) and port. */
  async restart(): Promise<void> {
    const port = this.running?.port ?? 0;
    await this.running?.close();
    this.running = undefined;
    await this.boot(port);
  }

  async close(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
    await this.database?.drop();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  client(token?: string): PlatformClient {
    return new PlatformClient({ url: this.url, token });
  }

  /** A new account (unique email) and a client logged in as it. */
  async signup(prefix = 'user'): Promise<{ client: PlatformClient; session: Session; email: string }> {
    const email = `${prefix}-${process.pid}-${++emails}@example.com`;
    const client = this.client();
    const session = await client.signup(email, PASSWORD);
    return { client, session, email };
  }

  /** A fresh directory under the test's temporary directory. */
  dir(name: string): string {
    const dir = fs.mkdtempSync(path.join(this.tmp, `${name}-`));
    return dir;
  }

  /** Runs `node bin/codestore.js ...args` against this platform (asynchronously: the platform runs in this process). */
  cli(args: string[], options: { cwd?: string; configDir: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CODESTORE_PLATFORM_URL: this.url,
      CODESTORE_CONFIG_DIR: options.configDir,
      NO_COLOR: '1',
      ...options.env,
    };
    return runCli(args, { cwd: options.cwd ?? this.tmp, env, input: options.input });
  }
}

export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Asserts that `promise` fails with a PlatformError of `code` (and `reason`), and returns it. */
export async function platformError(promise: Promise<unknown>, code: string, reason?: string): Promise<PlatformError> {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof PlatformError)) throw new Error(`expected a PlatformError ${code}, got ${(e as Error)?.stack ?? String(e)}`);
    if (e.code !== code || (reason !== undefined && e.reason !== reason)) {
      throw new Error(`expected ${code}${reason ? `/${reason}` : ''}, got ${e.code}/${e.reason}: ${e.message}`);
    }
    return e;
  }
  throw new Error(`expected a PlatformError ${code}, but the call succeeded`);
}
