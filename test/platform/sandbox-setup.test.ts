// How a platform starts with and without the OS sandbox: `--sandbox required` fails without it,
// an unsandboxed platform takes no second organization unless allowed, and `codestore platform
// status` says what the running platform has.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformClient } from '../../apiclient/src';
import { startPlatform } from '../../platform/src/main';
import { PASSWORD, platformError, REPO_ROOT, runCli, testDirectory } from './helpers/platform';

function tmpData(): string {
  return path.join(testDirectory('codestore-sandbox-setup-'), 'data');
}

describe('starting with and without the sandbox', () => {
  it('--sandbox required fails to start where there is no bubblewrap, saying how to get it', async () => {
    const dataDir = tmpData();
    const saved = process.env.PATH;
    // A PATH without bwrap is a machine without it.
    process.env.PATH = path.join(dataDir, 'no-such-bin');
    try {
      await assert.rejects(
        startPlatform({ port: 0, dataDir, sandbox: 'required' }),
        /--sandbox required, but deployments cannot be sandboxed here: bubblewrap \(bwrap\) is not installed: `apt-get install bubblewrap`/,
      );
    } finally {
      process.env.PATH = saved;
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });

  it('unsandboxed, a second organization may not sign up unless allowed; the start line says why', async () => {
    for (const allow of [false, true]) {
      const dataDir = tmpData();
      const lines: string[] = [];
      const platform = await startPlatform({ port: 0, dataDir, sandbox: 'off', allowUnsandboxedTenants: allow, log: (l) => lines.push(l) });
      try {
        assert.ok(
          lines.some((l) => /^sandbox: NONE .*not stop malicious code.*Install bubblewrap/.test(l)),
          lines.join('\n'),
        );
        await new PlatformClient({ url: platform.url }).signup(`first-${process.pid}@example.com`, PASSWORD);
        const second = new PlatformClient({ url: platform.url }).signup(`second-${process.pid}@example.com`, PASSWORD);
        if (allow) await second;
        else assert.match((await platformError(second, 'CONFLICT')).message, /without an OS sandbox.*--allow-unsandboxed-tenants/);
      } finally {
        await platform.close();
        fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
      }
    }
  });

  it('codestore platform status says the version, database, sandbox and limits of the running platform', async () => {
    const dataDir = tmpData();
    const platform = await startPlatform({ port: 0, dataDir, sandbox: 'off', limits: { memoryMiB: 300 } });
    try {
      const r = await runCli(['platform', 'status', '--data', dataDir], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`code.store platform \\S+ on ${platform.url.replace(/[.]/g, '\\.')}`));
      assert.match(r.stdout, /database: +embedded PostgreSQL server in /);
      assert.match(r.stdout, /sandbox: +NONE/);
      assert.match(r.stdout, /memory: +300 MiB per deployment/);
      const json = JSON.parse(
        (await runCli(['platform', 'status', '--data', dataDir, '--json'], { cwd: REPO_ROOT, env: process.env })).stdout,
      ) as { deployments: { sandbox: string } };
      assert.equal(json.deployments.sandbox, 'none');
    } finally {
      await platform.close();
    }
    const stopped = await runCli(['platform', 'status', '--data', dataDir], { cwd: REPO_ROOT, env: process.env });
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /No platform runs with the data directory/);
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });
});
