// The push check process (dist/check-worker.js, platform/src/build/checkProcess.ts): it checks and
// builds a real service, ends once its warm time after the last request is over, starts again for
// the next one, and a process that dies fails only the request it had.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { CheckProcess } from '../../platform/src/build/checkProcess';
import { REPO_ROOT, testDirectory } from './helpers/platform';
import { blogService } from './helpers/service';

const SCRIPT = path.join(REPO_ROOT, 'dist', 'check-worker.js');

async function until(what: string, condition: () => boolean, boundMs = 30_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${boundMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('check process', () => {
  let tmp: string;
  let blog: string;
  let checks: CheckProcess | undefined;
  const errors: string[] = [];

  before(async () => {
    if (!fs.existsSync(SCRIPT)) throw new Error('dist/check-worker.js is missing: run `npm run build` first.');
    tmp = testDirectory('codestore-check-process-');
    blog = await blogService(path.join(tmp, 'blog'), 'blog-chk001');
  });
  after(async () => {
    await checks?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('checks and builds a service, ends after its warm time, and starts again for the next push', async () => {
    checks = new CheckProcess({ script: SCRIPT, warmMs: 200, logError: (m) => errors.push(m) });
    assert.equal(checks.running, false, 'nothing runs before a push');
    const first = await checks.run({ pushDir: blog, buildPath: path.join(tmp, 'build-1'), serviceId: 'blog-chk001' });
    assert.ok(first.ok, JSON.stringify(first));
    assert.ok(fs.existsSync(path.join(tmp, 'build-1', 'manifest.json')));
    const pid = checks.pid;
    await until('the check process to end', () => !checks!.running);
    const second = await checks.run({ pushDir: blog, buildPath: path.join(tmp, 'build-2'), serviceId: 'blog-chk001' });
    assert.ok(second.ok);
    assert.notEqual(checks.pid, pid, 'a new process');
    assert.deepEqual(errors, []);
  });

  it('answers a refused check with its problems', async () => {
    fs.writeFileSync(path.join(blog, 'src', 'resolvers', 'queries', 'allPosts.ts'), 'export default 42;\n');
    const outcome = await checks!.run({ pushDir: blog, buildPath: path.join(tmp, 'build-3'), serviceId: 'blog-chk001' });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && outcome.problems.some((p) => p.code === 'resolver-not-a-function'), JSON.stringify(outcome));
    assert.equal(fs.existsSync(path.join(tmp, 'build-3')), false);
  });

  it('a check process that dies fails the push it had, and the next push gets a new one', async () => {
    const c = new CheckProcess({ script: SCRIPT, warmMs: 60_000, logError: () => undefined });
    try {
      const running = c.run({ pushDir: blog, buildPath: path.join(tmp, 'build-4'), serviceId: 'blog-chk001' });
      process.kill(c.pid!, 'SIGKILL');
      await assert.rejects(running, /check process was killed by SIGKILL while checking a push; push again/);
      fs.rmSync(path.join(tmp, 'build-4'), { recursive: true, force: true });
      const again = await c.run({ pushDir: blog, buildPath: path.join(tmp, 'build-4'), serviceId: 'blog-chk001' });
      assert.equal(again.ok, false, 'the broken resolver of the test before is still there');
    } finally {
      await c.close();
    }
    assert.equal(c.running, false);
  });
});
