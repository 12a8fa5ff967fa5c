// The login throttle on an injected clock: free failures, then waits that double up to a cap,
// per account and per address; a success forgives the account; sign-ups per address.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from '../../platform/src/auth/throttle';

function clock() {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('login throttle', () => {
  it('lets 5 failures through, then each further one waits twice as long, up to the cap', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now, maxDelayMs: 8000 });
    for (let i = 0; i < 5; i++) {
      assert.equal(t.loginWait('a@x', '10.0.0.1'), 0, `attempt ${i + 1}`);
      t.failed('a@x', '10.0.0.1');
    }
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const w = t.loginWait('a@x', '10.0.0.1');
      waits.push(w);
      c.advance(w);
      assert.equal(t.loginWait('a@x', '10.0.0.1'), 0);
      t.failed('a@x', '10.0.0.1');
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 8000, 8000]);
    // Another account from another address is not slowed down.
    assert.equal(t.loginWait('b@x', '10.0.0.2'), 0);
    // A success forgives the account.
    c.advance(8000);
    t.succeeded('a@x');
    assert.equal(t.loginWait('a@x', '10.0.0.3'), 0);
  });

  it('forgets failures older than the window', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 6; i++) t.failed('a@x', undefined);
    assert.ok(t.loginWait('a@x', undefined) > 0);
    c.advance(15 * 60_000);
    assert.equal(t.loginWait('a@x', undefined), 0);
  });

  it('slows down one address guessing many accounts', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now, addressFailures: 20 });
    for (let i = 0; i < 20; i++) {
      assert.equal(t.loginWait(`user${i}@x`, '10.0.0.9'), 0);
      t.failed(`user${i}@x`, '10.0.0.9');
    }
    assert.equal(t.loginWait('fresh@x', '10.0.0.9'), 1000);
    assert.equal(t.loginWait('fresh@x', '10.0.0.10'), 0);
  });

  it('counts sign-ups per address over their window', () => {
    const c = clock();
    const t = new LoginThrottle({ now: c.now, signups: 3, signupWindowMs: 60_000 });
    assert.deepEqual([t.signup('1.2.3.4'), t.signup('1.2.3.4'), t.signup('1.2.3.4')], [0, 0, 0]);
    c.advance(10_000);
    assert.equal(t.signup('1.2.3.4'), 50_000);
    assert.equal(t.signup('1.2.3.5'), 0);
    c.advance(50_000);
    assert.equal(t.signup('1.2.3.4'), 0);
  });
});
