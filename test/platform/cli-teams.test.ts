// Teams and schema checks through the real CLI: the owner invites (--json gives the code), the
// developer joins, switches, sees the owner's service and its activity, is refused what an admin
// does with the role named; --org overrides the switch once; the last owner cannot leave; the
// rotated key is printed once; schema:check exits 0 when nothing in use breaks, 1 with --json when
// the working schema removes a field a client called.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { CliResult, PASSWORD, platformTargets, TestPlatform } from './helpers/platform';
import { blogService } from './helpers/service';

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

for (const target of platformTargets()) {
  describe(`codestore org, activity and schema:check commands (${target.label})`, () => {
    let platform: TestPlatform;
    const owner = { configDir: '', email: '' };
    const dev = { configDir: '', email: '' };
    let dir: string;
    let serviceId: string;
    let orgId: string;

    const cli = (who: typeof owner, args: string[], cwd?: string) =>
      platform.cli(args, { configDir: who.configDir, cwd: cwd ?? platform.tmp });

    before(async () => {
      platform = await TestPlatform.start(target);
      for (const [who, name] of [
        [owner, 'owner'],
        [dev, 'dev'],
      ] as const) {
        who.configDir = platform.dir(`config-${name}`);
        who.email = `cli-${name}-${process.pid}@example.com`;
        ok(await cli(who, ['auth:signup', '-e', who.email, '-p', PASSWORD]), `${name} signup`);
      }
      orgId = JSON.parse(ok(await cli(owner, ['auth:whoami', '--json']), 'whoami').stdout).organization.id;
      prewarmTypeCheck();
    });
    after(async () => {
      await platform?.close();
    });

    it("invite, join, switch: the developer works in the owner's organization", async () => {
      dir = platform.dir('service');
      const made = JSON.parse(ok(await cli(owner, ['service:create', 'Team Blog', '--json'], dir), 'service:create').stdout);
      serviceId = made.service.id;
      await blogService(path.join(dir, 'svc'), serviceId);
      const invite = JSON.parse(ok(await cli(owner, ['org:invite', '-e', dev.email, '--json']), 'org:invite').stdout);
      assert.match(invite.code, /^inv_/);
      const bad = await cli(owner, ['org:invite', '-e', dev.email, '-r', 'owner']);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /developer, admin/);
      ok(await cli(dev, ['org:join', invite.code]), 'org:join');
      const before = await cli(dev, ['service:list', '--json']);
      assert.ok(!before.stdout.includes(serviceId), 'its own organization has no such service');
      ok(await cli(dev, ['org:switch', orgId]), 'org:switch');
      const list = ok(await cli(dev, ['org:list']), 'org:list').stdout;
      assert.match(list, new RegExp(`^\\* .*${orgId}  developer$`, 'm'));
      assert.ok(ok(await cli(dev, ['service:list', '--json']), 'service:list').stdout.includes(serviceId));
      const members = JSON.parse(ok(await cli(dev, ['org:members', '--json']), 'org:members').stdout);
      assert.deepEqual(
        members.map((m: { email: string; role: string }) => [m.email, m.role]).sort(),
        [
          [dev.email, 'developer'],
          [owner.email, 'owner'],
        ].sort(),
      );
    });

    it('refuses what the role does not allow, naming the role; --org overrides once', async () => {
      const refused = await cli(dev, ['org:invite', '-e', 'someone@example.com']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /inviteMember needs the admin role/);
      // Its own organization, this once: there it is the owner.
      const own = JSON.parse(ok(await cli(dev, ['org:list', '--json']), 'org:list').stdout).find((m: { own: boolean }) => m.own);
      ok(await cli(dev, ['org:invite', '-e', 'someone@example.com', '--org', own.organization.id]), 'invite in its own organization');
      const activity = ok(await cli(owner, ['activity', '-n', '50']), 'activity').stdout;
      assert.match(activity, new RegExp(`${dev.email.replace(/\./g, '\\.')}  joinOrganization`));
      assert.match(activity, /createService/);
      assert.ok(!activity.includes('someone@example.com'), "the other organization's invitation is not in this feed");
    });

    it('the last owner cannot leave; a rotated key is printed once', async () => {
      const leave = await cli(owner, ['org:leave']);
      assert.equal(leave.code, 1);
      assert.match(leave.stderr, /own organization/);
      const rotated = JSON.parse(ok(await cli(dev, ['service:key:rotate', serviceId, '--json']), 'rotate').stdout);
      assert.equal(rotated.serviceId, serviceId);
      assert.match(rotated.developerKey, /\S{20,}/);
    });

    it('schema:check: nothing served breaks nothing; a removed field a client called fails with --json', async () => {
      const folder = path.join(dir, 'svc');
      const clean = ok(await cli(owner, ['schema:check'], folder), 'schema:check');
      assert.match(clean.stdout, /private: serves nothing/);
      const client = platform.client();
      await client.login(owner.email, PASSWORD);
      assert.equal((await client.push(serviceId, await packServiceFolder(folder))).deployed, true);
      const info = await client.serviceInfo(serviceId);
      const url = `${platform.url}${info.environments.find((e) => e.name === 'private')!.path}`;
      const key = JSON.parse(ok(await cli(owner, ['service:key:rotate', serviceId, '--json']), 'rotate').stdout).developerKey as string;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-user-authorization': key },
        body: JSON.stringify({ query: 'query Feed { allPosts { id tags } }' }),
      });
      assert.equal(res.status, 200);
      const schemaFile = path.join(folder, 'src/schema.graphql');
      fs.writeFileSync(schemaFile, fs.readFileSync(schemaFile, 'utf8').replace('  tags: [String!]\n', ''));
      const broken = await cli(owner, ['schema:check', '--json'], folder);
      assert.equal(broken.code, 1, broken.stderr);
      const report = JSON.parse(broken.stdout);
      assert.equal(report.breaking, true);
      const priv = report.environments.find((e: { environment: string }) => e.environment === 'private');
      assert.deepEqual(
        priv.changes
          .filter((c: { breaksUsage: boolean }) => c.breaksUsage)
          .map((c: { path: string; clients: string[]; calls: number }) => [c.path, c.clients, c.calls]),
        [['Post.tags', ['developer key'], 1]],
      );
    });
  });
}
