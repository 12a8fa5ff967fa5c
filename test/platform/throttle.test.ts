// Throttled logins and sign-ups over the real API, on an injected clock: 20 wrong passwords in a
// row are answered 429 with Retry-After after the fifth, without spending a scrypt; the right
// password works after the wait; a token already given keeps working; sign-ups per address stop
// at their limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PASSWORD, platformTargets, TestPlatform } from './helpers/platform';

async function raw(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as any };
}

const LOGIN = 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }';
const SIGNUP = 'mutation($e: String!, $p: String!) { signup(email: $e, password: $p) { token } }';

for (const target of platformTargets()) {
  describe(`throttled logins (${target.label})`, () => {
    let platform: TestPlatform;
    let t = Date.UTC(2026, 0, 1);
    let scrypts = 0;

    before(async () => {
      platform = await TestPlatform.start(target, {
        auth: {
          throttle: { now: () => t, signups: 6 },
          onPasswordCheck: () => {
            scrypts++;
          },
        },
      });
    });
    after(async () => {
      await platform?.close();
    });

    it('throttles 20 wrong passwords after the fifth, spends no scrypt on them, and lets the right one in after the wait', async () => {
      const { email, client } = await platform.signup('throttled');
      const token = client.token!;
      const answers = [];
      for (let i = 0; i < 20; i++) answers.push(await raw(platform.url, LOGIN, { e: email, p: `wrong guess ${i}` }));
      assert.deepEqual(
        answers.slice(0, 5).map((a) => [a.status, a.body.errors[0].extensions.reason]),
        Array(5).fill([200, 'WRONG_CREDENTIALS']),
      );
      for (const a of answers.slice(5)) {
        assert.equal(a.status, 429);
        assert.equal(a.retryAfter, '1');
        assert.equal(a.body.errors[0].extensions.code, 'TOO_MANY_REQUESTS');
        assert.match(a.body.errors[0].message, /Too many failed logins .* wait 1 s/);
      }
      assert.equal(scrypts, 5, 'only the first five checked a password');
      // Even the right password waits until the time is up...
      assert.equal((await raw(platform.url, LOGIN, { e: email, p: PASSWORD })).status, 429);
      // ...and the token it had keeps working: throttling is for passwords only.
      assert.equal((await raw(platform.url, '{ viewer { account { email } } }', {}, token)).body.data.viewer.account.email, email);
      t += 1000;
      const ok = await raw(platform.url, LOGIN, { e: email, p: PASSWORD });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.match(ok.body.data.login.token, /^cst_/);
      assert.equal(scrypts, 6);
      // The success forgave the account: a typo now is an ordinary wrong password.
      assert.equal((await raw(platform.url, LOGIN, { e: email, p: 'typo' })).body.errors[0].extensions.reason, 'WRONG_CREDENTIALS');
    });

    it('limits sign-ups per address', async () => {
      t += 3600_000;
      const answers = [];
      for (let i = 0; i < 7; i++) answers.push(await raw(platform.url, SIGNUP, { e: `many-${process.pid}-${i}@example.com`, p: PASSWORD }));
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200, 200, 200, 200, 429],
      );
      assert.match(answers[6].body.errors[0].message, /Too many sign-ups from your address: try again in 3600 s/);
      assert.equal(answers[6].retryAfter, '3600');
    });
  });
}
