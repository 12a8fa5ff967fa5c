// Metering under load: hundreds of concurrent production calls are counted exactly; and the
// platform killed (SIGKILL) while calls are in flight, then started again, has counted every call
// that got an answer and none twice (the count lies between the answered and the sent calls).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { PlatformClient } from '../../apiclient/src';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { api, call } from './helpers/http';
import { PASSWORD, platformTargets, ScratchDatabase, testDirectory } from './helpers/platform';
import { PlatformProcess, startPlatformProcess, stopLeftovers, stopPlatformProcess } from './helpers/process';
import { blogService } from './helpers/service';

/** One production call; its status. */
async function allPosts(url: string, key: string): Promise<number> {
  return (await call(url, key, '{ allPosts { id } }')).status;
}

/** A service in production of a project, with a client key; through the API of the platform at `url`. */
async function productionInstance(
  url: string,
  dir: string,
): Promise<{ token: string; projectId: string; serviceId: string; endpoint: string; key: string }> {
  const client = new PlatformClient({ url });
  const { token } = await client.signup(`metering-${process.pid}-${Date.now()}@example.com`, PASSWORD);
  const { service } = await client.createService('Blog');
  const folder = await blogService(dir, service.id);
  assert.equal((await client.push(service.id, await packServiceFolder(folder))).deployed, true);
  await api({ url, token }, 'mutation($s: ID!) { promote(serviceId: $s) { status } }', { s: service.id });
  const { createProject } = await api({ url, token }, 'mutation { createProject(name: "Metered") { id } }');
  const { addServiceToProject } = await api(
    { url, token },
    `mutation($p: ID!, $s: ID!) {
    addServiceToProject(projectId: $p, serviceId: $s, plan: { billingType: PAY_PER_CALL, amount: 1 }) { environments { name path } } }`,
    { p: createProject.id, s: service.id },
  );
  for (const [from, to] of [
    ['development', 'staging'],
    ['staging', 'production'],
  ]) {
    const { promoteInstance } = await api(
      { url, token },
      `mutation($p: ID!, $s: ID!) { promoteInstance(projectId: $p, serviceId: $s, from: ${from}, to: ${to}) { status error } }`,
      { p: createProject.id, s: service.id },
    );
    assert.equal(promoteInstance.status, 'DEPLOYED', promoteInstance.error);
  }
  const { addClientKey } = await api({ url, token }, 'mutation($p: ID!) { addClientKey(projectId: $p, name: "load") { key } }', {
    p: createProject.id,
  });
  const production = addServiceToProject.environments.find((e: { name: string }) => e.name === 'production');
  return { token, projectId: createProject.id, serviceId: service.id, endpoint: `${url}${production.path}`, key: addClientKey.key };
}

async function productionCalls(url: string, token: string, projectId: string, serviceId: string): Promise<number> {
  return (
    await api({ url, token }, 'query($p: ID!, $s: ID!) { usage(projectId: $p, serviceId: $s) { production } }', {
      p: projectId,
      s: serviceId,
    })
  ).usage.production;
}

for (const target of platformTargets()) {
  describe(`metering (${target.label})`, () => {
    let tmp: string;
    let database: ScratchDatabase | undefined;
    let running: PlatformProcess | undefined;

    before(async () => {
      tmp = testDirectory('codestore-metering-');
      database = await target.database?.();
      prewarmTypeCheck();
    });
    after(async () => {
      if (running) await stopPlatformProcess(running, 'SIGKILL');
      await stopLeftovers(path.join(tmp, 'data'));
      await database?.drop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('counts hundreds of concurrent calls exactly, and keeps every answered call through a SIGKILL', async () => {
      const dataDir = path.join(tmp, 'data');
      running = await startPlatformProcess(dataDir, database?.url);
      const inst = await productionInstance(running.url, path.join(tmp, 'service'));
      const url1 = running.url;

      const concurrent = 300;
      const statuses = await Promise.all(Array.from({ length: concurrent }, () => allPosts(inst.endpoint, inst.key)));
      assert.deepEqual(
        statuses.filter((s) => s !== 200),
        [],
      );
      assert.equal(await productionCalls(url1, inst.token, inst.projectId, inst.serviceId), concurrent);

      // Calls in flight from 16 clients; the platform is killed in the middle of them.
      let sent = 0;
      let answered = 0;
      let stop = false;
      const clients = Array.from({ length: 16 }, async () => {
        while (!stop) {
          sent++;
          try {
            if ((await allPosts(inst.endpoint, inst.key)) === 200) answered++;
          } catch {
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 1500));
      await stopPlatformProcess(running, 'SIGKILL');
      stop = true;
      await Promise.all(clients);
      assert.ok(answered > 50, `only ${answered} calls answered before the kill`);

      running = await startPlatformProcess(dataDir, database?.url);
      const counted = (await productionCalls(running.url, inst.token, inst.projectId, inst.serviceId)) - concurrent;
      assert.ok(counted >= answered, `${answered} calls were answered, ${counted} counted: calls were lost`);
      assert.ok(counted <= sent, `${sent} calls were sent, ${counted} counted: calls were counted twice`);
      await stopPlatformProcess(running, 'SIGTERM');
      running = undefined;
    });
  });
}
