// Sign up, log in, who am I, log out: through the PlatformClient and through the CLI.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import axios from 'axios';
import { sha256 } from '../../platform/src/auth/tokens';
import { PASSWORD, platformError, platformTargets, runCli, TestPlatform } from './helpers/platform';

for (const target of platformTargets()) {
  describe(`auth (${target.label})`, () => {
    let platform: TestPlatform;
    before(async () => {
      platform = await TestPlatform.start(target);
    });
    after(async () => {
      await platform?.close();
    });

    it('signs up: a token, the account with its email in lower case, an organization', async () => {
      const client = platform.client();
      const session = await client.signup(`  Mixed.Case-${process.pid}@Example.COM `, PASSWORD);
      assert.match(session.token, /^cst_[A-Za-z0-9_-]{43}$/);
      assert.equal(session.account.email, `mixed.case-${process.pid}@example.com`);
      assert.match(session.organization.id, /^org_/);
      assert.equal(client.token, session.token);
      const viewer = await client.whoami();
      assert.deepEqual(viewer, { account: session.account, organization: session.organization, role: 'owner' });
    });

    it('keeps only hashes: the sha256 of a token, an scrypt hash with its salt and parameters', async () => {
      const { session, email } = await platform.signup('hashes');
      const tokens = await platform.platform.db.query<{ token_sha256: string }>(
        'SELECT t.token_sha256 FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE a.email = $1',
        [email],
      );
      assert.deepEqual(
        tokens.map((t) => t.token_sha256),
        [sha256(session.token)],
      );
      const [account] = await platform.platform.db.query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE email = $1', [
        email,
      ]);
      assert.match(account.password_hash, /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      assert.ok(!account.password_hash.includes(PASSWORD));
      const dump = JSON.stringify(await platform.platform.db.query('SELECT * FROM tokens'));
      assert.ok(!dump.includes(session.token.slice(4)), 'no clear token in the store');
    });

    it('refuses a second account with the same email, whatever its case', async () => {
      const { email } = await platform.signup('dup');
      const e = await platformError(platform.client().signup(email.toUpperCase(), PASSWORD), 'CONFLICT');
      assert.match(e.message, /already exists.*Log in instead/);
    });

    it('answers a wrong password exactly like an unknown email', async () => {
      const { email } = await platform.signup('wrong');
      const wrong = await platformError(platform.client().login(email, 'not the password'), 'UNAUTHENTICATED', 'WRONG_CREDENTIALS');
      const unknown = await platformError(
        platform.client().login(`nobody-${process.pid}@example.com`, PASSWORD),
        'UNAUTHENTICATED',
        'WRONG_CREDENTIALS',
      );
      assert.equal(wrong.message, unknown.message);
      assert.match(wrong.message, /^Wrong email or password/);
      assert.ok(!wrong.needsLogin);
    });

    it('logs in with a new token; logout revokes only the token it is sent with', async () => {
      const { client: first, email } = await platform.signup('logout');
      const second = platform.client();
      const session = await second.login(email.toUpperCase(), PASSWORD);
      assert.notEqual(session.token, first.token);
      const revoked = second.token!;
      await second.logout();
      assert.equal(second.token, undefined);
      const e = await platformError(platform.client(revoked).whoami(), 'UNAUTHENTICATED', 'TOKEN_REVOKED');
      assert.ok(e.needsLogin);
      assert.match(e.message, /ended by a logout.*log in again with `codestore auth:login`/);
      assert.equal((await first.whoami()).account.email, email);
    });

    it('says what is wrong with a missing, unknown or malformed token', async () => {
      const missing = await platformError(platform.client().whoami(), 'UNAUTHENTICATED', 'TOKEN_MISSING');
      assert.match(missing.message, /Not logged in to the platform at .*: log in with `codestore auth:login`/);
      const unknown = await platformError(platform.client('cst_' + 'x'.repeat(43)).whoami(), 'UNAUTHENTICATED', 'TOKEN_INVALID');
      assert.match(unknown.message, /log in again with `codestore auth:login`/);
      const raw = await axios.post(
        `${platform.url}/graphql`,
        { query: '{ viewer { account { id } } }' },
        { headers: { authorization: 'Basic abc' }, validateStatus: () => true },
      );
      assert.equal(raw.data.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.equal(raw.data.errors[0].extensions.reason, 'TOKEN_MALFORMED');
    });

    it('expires a token past its lifetime', async () => {
      const { client } = await platform.signup('expiry');
      await platform.platform.db.query("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE token_sha256 = $1", [
        sha256(client.token!),
      ]);
      const e = await platformError(client.whoami(), 'UNAUTHENTICATED', 'TOKEN_EXPIRED');
      assert.match(e.message, /expired.*log in again/);
    });

    it('refuses malformed emails and passwords, naming the field', async () => {
      const cases: Array<[string, string, string]> = [
        ['', PASSWORD, 'email'],
        ['not-an-email', PASSWORD, 'email'],
        ['a@b@c.com', PASSWORD, 'email'],
        [`${'x'.repeat(250)}@example.com`, PASSWORD, 'email'],
        [`short-${process.pid}@example.com`, 'short', 'password'],
        [`long-${process.pid}@example.com`, 'x'.repeat(257), 'password'],
      ];
      for (const [email, password, field] of cases) {
        const e = await platformError(platform.client().signup(email, password), 'BAD_USER_INPUT');
        assert.equal(e.field, field, `${email} / ${password.length} chars`);
      }
      const count = await platform.platform.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM accounts WHERE email LIKE 'short-%' OR email LIKE 'long-%'",
      );
      assert.equal(count[0].n, 0);
    });

    describe('CLI', () => {
      let configDir: string;
      let email: string;
      before(() => {
        configDir = platform.dir('config');
        email = `cli-${process.pid}@example.com`;
      });

      it('auth:whoami before any login says to log in', async () => {
        const r = await platform.cli(['auth:whoami'], { configDir });
        assert.equal(r.code, 1);
        assert.equal(r.stdout, '');
        assert.match(
          r.stderr,
          /^codestore: Not logged in to the platform at http:\/\/127\.0\.0\.1:\d+: log in with `codestore auth:login`.*\n$/,
        );
      });

      it('auth:signup stores the token, owner-only, and auth:whoami uses it', async () => {
        const r = await platform.cli(['auth:signup', '-e', email, '--password', PASSWORD], { configDir });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`Signed up as ${email.replace(/\./g, '\\.')}`));
        const file = path.join(configDir, 'credentials.json');
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);
        const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
        assert.equal(stored[platform.url].email, email);
        assert.match(stored[platform.url].token, /^cst_/);
        const who = await platform.cli(['auth:whoami', '--json'], { configDir });
        assert.equal(who.code, 0, who.stderr);
        const viewer = JSON.parse(who.stdout);
        assert.equal(viewer.platform, platform.url);
        assert.equal(viewer.account.email, email);
        assert.ok(viewer.organization.id);
      });

      it('auth:signup again: one clear line and a non-zero exit', async () => {
        const r = await platform.cli(['auth:signup', '-e', email, '-p', PASSWORD], { configDir: platform.dir('config') });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^codestore: An account with the email .* already exists\. Log in instead.*\n$/);
      });

      it('auth:logout revokes the token on the platform and forgets it here', async () => {
        const token = JSON.parse(fs.readFileSync(path.join(configDir, 'credentials.json'), 'utf8'))[platform.url].token;
        const r = await platform.cli(['auth:logout'], { configDir });
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /Logged out of/);
        await platformError(platform.client(token).whoami(), 'UNAUTHENTICATED', 'TOKEN_REVOKED');
        assert.equal(JSON.parse(fs.readFileSync(path.join(configDir, 'credentials.json'), 'utf8'))[platform.url], undefined);
        assert.equal((await platform.cli(['auth:whoami'], { configDir })).code, 1);
      });

      it('auth:login: a wrong password fails, the right one logs in (--json)', async () => {
        const wrong = await platform.cli(['auth:login', '-e', email, '-p', 'wrong password'], { configDir });
        assert.equal(wrong.code, 1);
        assert.equal(wrong.stderr, 'codestore: Wrong email or password. Check both, or sign up if you have no account.\n');
        const r = await platform.cli(['auth:login', '--email', email, '-p', PASSWORD, '--json'], { configDir });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).account.email, email);
        assert.equal((await platform.cli(['auth:whoami'], { configDir })).code, 0);
      });

      it('auth:login without a terminal and without -p says which options to pass', async () => {
        const r = await platform.cli(['auth:login', '-e', email], { configDir });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^codestore: auth:login needs -p\/--password \(there is no terminal to ask on\)\.\n$/);
      });

      it('a revoked stored token gets the advice to log in again', async () => {
        const dir = platform.dir('config');
        assert.equal((await platform.cli(['auth:login', '-e', email, '-p', PASSWORD], { configDir: dir })).code, 0);
        const token = JSON.parse(fs.readFileSync(path.join(dir, 'credentials.json'), 'utf8'))[platform.url].token;
        await platform.client(token).logout();
        const r = await platform.cli(['service:list'], { configDir: dir });
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          /^codestore: The platform at .* refused the request \(your login there was ended by a logout\): log in again with `codestore auth:login`\.\n$/,
        );
      });

      it('--platform wins over CODESTORE_PLATFORM_URL; an unreachable platform says how to start it', async () => {
        const r = await runCli(['auth:whoami', '--platform', 'http://127.0.0.1:9'], {
          cwd: platform.tmp,
          env: { ...process.env, CODESTORE_CONFIG_DIR: configDir, CODESTORE_PLATFORM_URL: platform.url },
        });
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^codestore: Not logged in to the platform at http:\/\/127\.0\.0\.1:9/);
        const dir = platform.dir('config');
        fs.writeFileSync(
          path.join(dir, 'credentials.json'),
          JSON.stringify({ 'http://127.0.0.1:9': { token: 'cst_x', email, savedAt: '' } }),
        );
        const down = await runCli(['service:list'], {
          cwd: platform.tmp,
          env: { ...process.env, CODESTORE_CONFIG_DIR: dir, CODESTORE_PLATFORM_URL: 'http://127.0.0.1:9' },
        });
        assert.equal(down.code, 1);
        assert.equal(
          down.stderr,
          'codestore: Cannot reach the platform at http://127.0.0.1:9: start it with `codestore platform start`.\n',
        );
      });

      it('an unknown option or a stray argument is a usage error (exit 2)', async () => {
        const r = await platform.cli(['auth:whoami', '--bogus'], { configDir });
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^codestore: Unknown option '--bogus' \(auth:whoami\)/);
        const extra = await platform.cli(['auth:logout', 'now'], { configDir });
        assert.equal(extra.code, 2);
        assert.match(extra.stderr, /auth:logout takes no arguments/);
      });
    });
  });
}
