// What the extension reads from the platform and when (client/src/model.ts), against a fake client:
// two requests fill the Services and Projects trees, billing only while wanted, polling while a
// deployment settles or an action runs, and what "not logged in" and "unreachable" look like.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PlatformClient } from '../../apiclient/src/client';
import { PlatformError } from '../../apiclient/src/errors';
import { PlatformModel } from '../../client/src/model';
import { blogService, invoice, shopProject, usage } from './extension-fixtures';

type Call = string;

function fakeClient(options: { token?: string; fail?: PlatformError; services?: () => ReturnType<typeof blogService>[] } = {}) {
  const calls: Call[] = [];
  const answer =
    <T>(name: string, value: () => T) =>
    async () => {
      calls.push(name);
      if (options.fail) throw options.fail;
      return value();
    };
  const client = {
    token: 'token' in options ? options.token : 'tok',
    whoami: answer('whoami', () => ({
      account: { id: 'a', email: 'e@x', createdAt: '' },
      organization: { id: 'o', name: 'o', createdAt: '' },
    })),
    listServices: answer('services', () => (options.services ?? (() => [blogService('DEPLOYED')]))()),
    listProjects: answer('projects', () => [shopProject()]),
    invoice: async (projectId: string) => {
      calls.push(`invoice ${projectId}`);
      return invoice(projectId, 'blog-k3x9q2', 10, 0, 0);
    },
    usage: async (projectId: string, serviceId: string) => {
      calls.push(`usage ${projectId} ${serviceId}`);
      return usage(projectId, serviceId, 10);
    },
  };
  return { client: client as unknown as PlatformClient, calls };
}

const error = (code: string, reason?: string) => new PlatformError(code, `${code} happened`, { url: 'http://x', reason });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('extension: the platform model', () => {
  it('fills the Services and Projects trees with one services and one projects request', async () => {
    const { client, calls } = fakeClient();
    const model = new PlatformModel({ client: async () => client });
    let changes = 0;
    model.onDidChange(() => changes++);
    await model.ensureLoaded();
    assert.deepEqual(calls.sort(), ['projects', 'services']);
    assert.equal(model.state.connection, 'reachable');
    assert.equal(model.state.loggedIn, true);
    assert.equal(model.service('blog-k3x9q2')?.name, 'blog');
    assert.equal(model.state.projects?.length, 1);
    assert.equal(changes, 1);
    await model.ensureLoaded();
    assert.equal(calls.length, 2, 'a second ensureLoaded reads nothing');
    model.dispose();
  });

  it('reads billing (one invoice per project, one usage per instance) only while it is wanted', async () => {
    const { client, calls } = fakeClient();
    const model = new PlatformModel({ client: async () => client });
    await model.refresh();
    assert.equal(model.state.billing.size, 0);
    // Wanting it (the Rate plans view shows) reads it.
    model.wantBilling = true;
    await sleep(10);
    const billing = () => calls.filter((c) => !['services', 'projects'].includes(c));
    assert.deepEqual(billing(), ['invoice shop-a1b2c3', 'usage shop-a1b2c3 blog-k3x9q2']);
    assert.equal(model.state.billing.get('shop-a1b2c3')?.usage['blog-k3x9q2'].production, 10);
    // Polls leave it as it is.
    await model.refresh({ billing: false });
    assert.equal(billing().length, 2);
    assert.equal(model.state.billing.size, 1);
    model.wantBilling = false;
    await model.refresh();
    assert.equal(billing().length, 2);
    model.dispose();
  });

  it('without a token, asks once whether the platform is there: not logged in', async () => {
    const { client, calls } = fakeClient({ token: undefined });
    (client as unknown as { whoami: () => Promise<never> }).whoami = async () => {
      calls.push('whoami');
      throw error('UNAUTHENTICATED', 'TOKEN_MISSING');
    };
    const model = new PlatformModel({ client: async () => client });
    await model.refresh();
    assert.deepEqual(calls, ['whoami']);
    assert.deepEqual([model.state.connection, model.state.loggedIn, model.state.services], ['reachable', false, undefined]);
    model.dispose();
  });

  it('tells an unreachable platform from a refused token from another failure (which keeps what was shown)', async () => {
    let fail: PlatformError | undefined;
    const { client } = fakeClient();
    const model = new PlatformModel({ client: async () => (fail ? fakeClient({ fail }).client : client) });
    await model.refresh();
    fail = error('INTERNAL_SERVER_ERROR');
    await model.refresh();
    assert.equal(model.state.error, 'INTERNAL_SERVER_ERROR happened');
    assert.equal(model.state.services?.length, 1, 'kept');
    fail = error('UNREACHABLE');
    await model.refresh();
    assert.deepEqual([model.state.connection, model.state.loggedIn, model.state.services], ['unreachable', false, undefined]);
    fail = error('UNAUTHENTICATED', 'TOKEN_EXPIRED');
    await model.refresh();
    assert.deepEqual([model.state.connection, model.state.loggedIn], ['reachable', false]);
    fail = undefined;
    await model.refresh();
    assert.deepEqual([model.state.connection, model.state.loggedIn, model.state.error], ['reachable', true, undefined]);
    model.dispose();
  });

  it('polls while a deployment has not settled, and stops when it has', async () => {
    let status: 'DEPLOYMENT_IN_PROGRESS' | 'DEPLOYED' = 'DEPLOYMENT_IN_PROGRESS';
    const { client, calls } = fakeClient({ services: () => [blogService(status)] });
    const model = new PlatformModel({ client: async () => client, pollMs: 10 });
    await model.refresh();
    await sleep(60);
    const whileBusy = calls.filter((c) => c === 'services').length;
    assert.ok(whileBusy >= 3, `polled ${whileBusy} times`);
    status = 'DEPLOYED';
    await sleep(40);
    const settled = calls.filter((c) => c === 'services').length;
    await sleep(60);
    assert.equal(calls.filter((c) => c === 'services').length, settled, 'no more polls once settled');
    model.dispose();
  });

  it('polls while an action runs and reads again when it ends', async () => {
    const { client, calls } = fakeClient();
    const model = new PlatformModel({ client: async () => client, pollMs: 10 });
    await model.refresh();
    let finish!: () => void;
    const action = model.track(
      new Promise<void>((r) => {
        finish = r;
      }),
    );
    await sleep(50);
    assert.ok(calls.filter((c) => c === 'services').length >= 3);
    finish();
    await action;
    await sleep(30);
    const after = calls.filter((c) => c === 'services').length;
    await sleep(50);
    assert.equal(calls.filter((c) => c === 'services').length, after);
    model.dispose();
  });

  it('shares one more load among refreshes asked for while one runs', async () => {
    const { client, calls } = fakeClient();
    const model = new PlatformModel({ client: async () => client });
    await Promise.all([model.refresh(), model.refresh(), model.refresh(), model.refresh()]);
    assert.equal(calls.filter((c) => c === 'services').length, 2);
    model.dispose();
  });
});
