// The limits under the sandbox, on processes with nothing else in the way (no permission model):
// the cgroup's pids limit stops a fork bomb, its memory limit kills an allocation outside the V8
// heap, and the groups are gone afterwards; the egress proxy refuses internal addresses and
// tunnels to an allowed one; the database proxy admits only its own user and database.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { detectCgroups } from '../../platform/src/runtime/sandbox/cgroups';
import { isInternalAddress, startEgressProxy } from '../../platform/src/runtime/egressProxy';
import { startDatabaseProxy } from '../../platform/src/runtime/dbProxy';

const cgroups = detectCgroups();
const noCgroups = 'unavailable' in cgroups ? `no cgroups here: ${cgroups.unavailable}` : false;
if (noCgroups) process.stdout.write(`# cgroup limit tests skipped: ${noCgroups}\n`);

/** Runs `script` with node inside the group (entered before node starts); resolves with its exit and output. */
function runIn(procsFiles: string[], script: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        'while [ "$1" != "--" ]; do echo $$ > "$1" || exit 97; shift; done; shift; exec "$@"',
        'x',
        ...procsFiles,
        '--',
        process.execPath,
        '-e',
        script,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

describe('cgroup limits', { skip: noCgroups }, () => {
  const support = cgroups as Exclude<typeof cgroups, { unavailable: string }>;
  after(() => support.close?.());

  it('a fork bomb stops at the pids limit', { skip: support.controllers?.includes('pids') ? false : 'no pids controller' }, async () => {
    const group = support.create(`test-pids-${process.pid}`, { memoryBytes: 256 * 1024 * 1024, cpuWeight: 50, pids: 40 });
    try {
      const r = await runIn(
        group.procsFiles,
        `
        const cp = require('child_process'); let ok = 0, failed = 0;
        for (let i = 0; i < 200; i++) { try { const c = cp.spawn('sleep', ['3'], { stdio: 'ignore' }); c.on('error', () => failed++); if (c.pid) ok++; } catch { failed++; } }
        setTimeout(() => { console.log(JSON.stringify({ ok, failed })); process.exit(0); }, 500);`,
      );
      const { ok, failed } = JSON.parse(r.out) as { ok: number; failed: number };
      assert.ok(ok < 40, `${ok} processes started`);
      assert.ok(failed > 100, `${failed} refused`);
    } finally {
      await group.remove();
    }
  });

  it('an allocation outside the V8 heap is killed at the memory limit', async () => {
    const limit = 96 * 1024 * 1024;
    const group = support.create(`test-mem-${process.pid}`, { memoryBytes: limit, cpuWeight: 50, pids: 64 });
    const dirs = group.procsFiles.map((f) => path.dirname(f));
    try {
      const r = await runIn(
        group.procsFiles,
        `const b = []; for (let i = 0; i < 64; i++) b.push(Buffer.alloc(16 << 20, 1)); console.log('survived');`,
      );
      assert.equal(r.signal, 'SIGKILL');
      assert.ok(!r.out.includes('survived'));
      assert.equal(group.oomKilled(), true);
      const peak = group.peakMemory();
      if (peak !== undefined) assert.ok(peak <= limit, `peak ${peak} above the limit ${limit}`);
    } finally {
      await group.remove();
    }
    for (const d of dirs) assert.equal(fs.existsSync(d), false, `${d} was removed`);
  });
});

describe('egress proxy', () => {
  it('knows internal addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      assert.equal(isInternalAddress(a), true, a);
    for (const a of ['1.1.1.1', '93.184.216.34', '2606:4700::1111']) assert.equal(isInternalAddress(a), false, a);
  });

  it('refuses loopback, and tunnels to an address the operator allowed', async () => {
    const server = http.createServer((_req, res) => res.end('local answer'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as net.AddressInfo).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-egress-'));
    const said: string[] = [];
    const connectVia = async (socketPath: string, host: string) =>
      new Promise<string>((resolve) => {
        const s = net.connect(socketPath);
        let text = '';
        s.on('connect', () => s.write(`CONNECT ${host}:${port} HTTP/1.1\r\n\r\n`));
        s.on('data', (d) => {
          text += d.toString();
          if (text.startsWith('HTTP/1.1 200') && text.includes('\r\n\r\n') && !text.includes('local answer'))
            s.write(`GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
        });
        s.on('close', () => resolve(text));
      });
    try {
      const strict = await startEgressProxy({ socketPath: path.join(dir, 'strict.sock'), say: (l) => said.push(l) });
      const refused = await connectVia(path.join(dir, 'strict.sock'), '127.0.0.1');
      assert.match(refused, /^HTTP\/1\.1 403/);
      assert.match(refused, /internal address/);
      assert.ok(said.some((l) => l.startsWith('egress refused')));
      assert.match(
        await connectVia(path.join(dir, 'strict.sock'), 'localhost'),
        /^HTTP\/1\.1 403/,
        'a name is checked by what it resolves to',
      );
      await strict.close();
      const allowing = await startEgressProxy({ socketPath: path.join(dir, 'allow.sock'), say: () => undefined, allow: ['127.0.0.1'] });
      const tunnelled = await connectVia(path.join(dir, 'allow.sock'), '127.0.0.1');
      assert.match(tunnelled, /^HTTP\/1\.1 200 Connection established/);
      assert.match(tunnelled, /local answer/);
      await allowing.close();
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('database proxy', { skip: process.env.CODESTORE_TEST_PG_URL ? false : 'CODESTORE_TEST_PG_URL is not set' }, () => {
  it('admits its own user and database only, declining SSL', async () => {
    const { Client } = await import('pg');
    const admin = new URL(process.env.CODESTORE_TEST_PG_URL!);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-dbproxy-'));
    const refused: string[] = [];
    const proxy = await startDatabaseProxy({ socketDir: dir, url: admin.toString(), onRefused: (r) => refused.push(r) });
    try {
      const own = new Client({ connectionString: proxy.urlFor(dir) });
      await own.connect();
      assert.deepEqual((await own.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
      await own.end();
      const user = decodeURIComponent(admin.username) || 'postgres';
      const other = new Client({ host: dir, user, database: 'template1' });
      await assert.rejects(other.connect(), /may connect only to its own database/);
      const guessed = new Client({ host: dir, user: 'someone_else', database: decodeURIComponent(admin.pathname.slice(1)) });
      await assert.rejects(guessed.connect(), /may connect only to its own database/);
      assert.equal(refused.length, 2);
      // SSLRequest and GSSENCRequest are answered "N" (no encryption on a local hop); a cancel request is cut off.
      const ask = (code: number) =>
        new Promise<string>((resolve) => {
          const s = net.connect(path.join(dir, '.s.PGSQL.5432'));
          const packet = Buffer.alloc(code === 80877102 ? 16 : 8);
          packet.writeInt32BE(packet.length, 0);
          packet.writeInt32BE(code, 4);
          let got = '';
          s.on('connect', () => s.write(packet));
          s.on('data', (d) => {
            got += d.toString('latin1');
            s.destroy();
          });
          s.on('close', () => resolve(got));
        });
      assert.equal(await ask(80877103), 'N');
      assert.equal(await ask(80877104), 'N');
      assert.equal(await ask(80877102), '');
    } finally {
      await proxy.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
