// The project commands end to end, through the real CLI (`node bin/codestore.js`) against a real
// platform: a pushed and promoted service is added to a project with a PAY_PER_CALL plan and
// promoted development → staging → production; production answers a client key (not the developer
// key), and its calls are in `usage` and `invoice` (major units for people, minor units in --json);
// secrets are set (from -v and from stdin), listed without their values and removed; `logs -p`
// reads the instance's log; `roll` deploys another version; a revoked client key is refused (403);
// removing an instance and deleting a project with instances need -f.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { CliResult, PASSWORD, platformTargets, TestPlatform } from './helpers/platform';
import { blogService } from './helpers/service';

const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z (stdout|stderr|request|platform) /;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** A command that must fail with `code`, saying one line on stderr and nothing on stdout. */
function refused(r: CliResult, code: number, what: string): string {
  assert.equal(r.code, code, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout, '', what);
  assert.match(r.stderr, /^codestore: [^\n]+\n$/, what);
  return r.stderr;
}

for (const target of platformTargets()) {
  describe(`codestore project, secret, usage and invoice commands (${target.label})`, () => {
    let platform: TestPlatform;
    let configDir: string;
    /** The service folder (its codestore.yaml names the service), the service and its developer key. */
    let dir: string;
    let serviceId: string;
    let developerKey: string;
    let projectId: string;
    /** The instance's endpoints. */
    const urls: Record<'development' | 'staging' | 'production', string> = { development: '', staging: '', production: '' };
    let clientKey: string;
    let clientKeyId: string;
    let otherKey: string;
    /** Calls the gateway accepted, per environment, to compare with `usage`. */
    const accepted = { development: 0, staging: 0, production: 0 };

    const cli = (args: string[], options: { cwd?: string; input?: string } = {}) =>
      platform.cli(args, { configDir, cwd: options.cwd ?? dir, input: options.input });
    const json = async (args: string[], cwd?: string) => JSON.parse(ok(await cli([...args, '--json'], { cwd }), args.join(' ')).stdout);
    const call = async (url: string, key: string | null, query = '{ allPosts { id title } }') => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'x-user-authorization': key } : {}) },
        body: JSON.stringify({ query }),
      });
      return { status: res.status, body: await res.text() };
    };
    /** A call that must be answered: counted as the platform should meter it. */
    const answered = async (env: keyof typeof urls, key: string) => {
      const r = await call(urls[env], key);
      assert.equal(r.status, 200, `${env}: ${r.body}`);
      assert.equal(JSON.parse(r.body).errors, undefined, r.body);
      accepted[env]++;
      return JSON.parse(r.body).data;
    };

    before(async () => {
      platform = await TestPlatform.start(target);
      configDir = platform.dir('config');
      ok(
        await platform.cli(['auth:signup', '-e', `projects-cli-${process.pid}@example.com`, '-p', PASSWORD], { configDir }),
        'auth:signup',
      );
      const created = JSON.parse(ok(await platform.cli(['service:create', 'Blog', '--json'], { configDir }), 'service:create').stdout);
      serviceId = created.service.id;
      developerKey = created.developerKey;
      dir = await blogService(path.join(platform.tmp, 'blog'), serviceId);
      prewarmTypeCheck();
      ok(await cli(['push', '-r', 'first']), 'push');
      ok(await cli(['promote']), 'promote');
    });
    after(async () => {
      await platform?.close();
    });

    let emptyProjectId: string;
    it('project:create makes a project; project:list and project:info show it', async () => {
      const r = ok(await cli(['project:create', 'Shop']), 'project:create');
      const m =
        /^Created project "Shop": (shop-[0-9a-z]+)\nAdd a service to it with `codestore project:service:add -p \1 -s <serviceId>`\.\n$/.exec(
          r.stdout,
        );
      assert.ok(m, r.stdout);
      projectId = m[1];
      const empty = await json(['project:create', '-n', 'Empty Shop']);
      assert.deepEqual([empty.name, empty.instances], ['Empty Shop', []]);
      emptyProjectId = empty.id;

      const list = ok(await cli(['project:list']), 'project:list').stdout;
      assert.match(list, new RegExp(`^ID +NAME +SERVICES\\n${projectId} +Shop +-\\n${emptyProjectId} +Empty Shop +-\\n$`));
      assert.deepEqual(
        (await json(['project:list'])).map((p: { id: string }) => p.id),
        [projectId, emptyProjectId],
      );
      const info = ok(await cli(['project:info', '-p', projectId]), 'project:info').stdout;
      assert.match(
        info,
        new RegExp(
          `^Shop \\(${projectId}\\), created \\S+\\nNo services yet: add one with \`codestore project:service:add -p ${projectId} -s <serviceId>\`\\.\\n$`,
        ),
      );
      // Without -p only when there is one project.
      assert.match(refused(await cli(['project:info']), 2, 'project:info'), /Which project\? Pass -p <projectId>: you have 2/);
      assert.match(refused(await cli(['project:create', 'shop']), 1, 'a second "shop"'), /already have a project named "shop"/);
    });

    it("project:service:add deploys what demo serves to the instance's development environment and prints its endpoint", async () => {
      // -s defaults to the service folder's service.
      const r = ok(await cli(['project:service:add', '-p', projectId, '-t', 'PAY_PER_CALL', '-v', '0.05']), 'project:service:add');
      const m = new RegExp(
        `^Added Blog \\(${serviceId}\\) to project ${projectId}, rate plan PAY_PER_CALL 0\\.05 EUR a call\\.\\nDeployed 0\\.0\\.1 to development: (http://127\\.0\\.0\\.1:\\d+/s/\\w+/graphql)\\n`,
      ).exec(r.stdout);
      assert.ok(m, r.stdout);
      assert.match(r.stdout, /production takes a client key \(`codestore project:client:add -p \S+ -n <name>`\)\.\n$/);
      urls.development = m[1];

      const instance = await json(['project:service:info', '-p', projectId]);
      assert.equal(instance.service.id, serviceId);
      assert.equal(instance.projectId, projectId);
      assert.deepEqual(
        {
          billingType: instance.ratePlan.billingType,
          amount: instance.ratePlan.amount,
          currency: instance.ratePlan.currency,
          free: instance.ratePlan.freeCallsPerMonth,
        },
        { billingType: 'PAY_PER_CALL', amount: 5, currency: 'EUR', free: 0 },
      );
      assert.deepEqual(
        instance.environments.map((e: any) => [e.name, e.status, e.currentVersion?.version ?? null]),
        [
          ['development', 'DEPLOYED', '0.0.1'],
          ['staging', null, null],
          ['production', null, null],
        ],
      );
      for (const e of instance.environments) urls[e.name as keyof typeof urls] = e.url;
      assert.equal(urls.development, m[1]);
      assert.equal(new Set(Object.values(urls)).size, 3, 'each environment has its own endpoint');

      // Development takes the developer key, and has its own database (demo's post is not there).
      assert.deepEqual((await answered('development', developerKey)).allPosts, []);

      const human = ok(
        await cli(['project:service:info', '-p', projectId, '-s', serviceId], { cwd: platform.tmp }),
        'project:service:info',
      ).stdout;
      assert.match(
        human,
        new RegExp(
          `^Blog \\(${serviceId}\\) in project "Shop" \\(${projectId}\\), added \\S+\\nRate plan: PAY_PER_CALL 0\\.05 EUR a call, since \\S+\\n`,
        ),
      );
      assert.match(
        human,
        new RegExp(
          `\\n  development  DEPLOYED +serving 0\\.0\\.1 +${escape(urls.development)}\\n  staging      not deployed +${escape(urls.staging)}\\n  production   not deployed +${escape(urls.production)}\\n$`,
        ),
      );

      assert.match(
        refused(await cli(['project:service:add', '-p', projectId]), 1, 'add again'),
        new RegExp(`has the service ${serviceId} already`),
      );
    });

    it('project:service:promote moves the version from development to staging, and from staging to production', async () => {
      const staging = ok(
        await cli(['project:service:promote', '-p', projectId, '-e', 'development', '-t', 'staging']),
        'promote to staging',
      );
      assert.equal(staging.stdout, `Deployed 0.0.1 to staging: ${urls.staging}\n`);
      // -e alone: staging goes to production.
      const production = await json(['project:service:promote', '-p', projectId, '-s', serviceId, '-e', 'staging'], platform.tmp);
      assert.deepEqual(
        [production.environment, production.status, production.error, production.version.version, production.url],
        ['production', 'DEPLOYED', null, '0.0.1', urls.production],
      );

      const list = ok(await cli(['project:service:list', '-p', projectId]), 'project:service:list').stdout;
      assert.match(
        list,
        new RegExp(
          `^SERVICE +NAME +RATE PLAN +DEVELOPMENT +STAGING +PRODUCTION\\n${serviceId} +Blog +PAY_PER_CALL 0\\.05 EUR a call +0\\.0\\.1 DEPLOYED +0\\.0\\.1 DEPLOYED +0\\.0\\.1 DEPLOYED\\n$`,
        ),
      );
      assert.match(ok(await cli(['project:list']), 'project:list').stdout, new RegExp(`\\n${projectId} +Shop +${serviceId}\\n`));
      assert.match(
        refused(await cli(['project:service:promote', '-p', projectId]), 2, 'promote without -e'),
        /needs -e\/--env <from> and -t\/--to <to>/,
      );
      assert.match(
        refused(await cli(['project:service:promote', '-p', projectId, '-e', 'demo']), 2, 'promote -e demo'),
        /not "demo" \(demo is the service's own/,
      );
    });

    it('production answers a client key, not the developer key; development and staging the developer key only', async () => {
      const r = ok(await cli(['project:client:add', '-p', projectId, '-n', 'web']), 'project:client:add');
      const m = new RegExp(
        `^Created client key "web" \\((\\S+)\\) for project ${projectId}\\.\\nThe key is shown only now: keep it\\. Calls to the project's production endpoints send it as x-user-authorization:\\n  (\\S+)\\n$`,
      ).exec(r.stdout);
      assert.ok(m, r.stdout);
      [, clientKeyId, clientKey] = m;
      const mobile = await json(['project:client:add', '-p', projectId, '-n', 'mobile']);
      otherKey = mobile.key;
      assert.equal(mobile.clientKey.name, 'mobile');
      assert.equal(mobile.clientKey.revokedAt, null);
      assert.ok(otherKey.startsWith(mobile.clientKey.prefix), "the prefix is the key's first characters");

      const list = ok(await cli(['project:client:list', '-p', projectId]), 'project:client:list').stdout;
      assert.match(
        list,
        new RegExp(
          `^ID +NAME +KEY +CREATED +STATUS\\n${escape(clientKeyId)} +web +\\S+\\.\\.\\. +\\S+ +active\\n${escape(mobile.clientKey.id)} +mobile +\\S+\\.\\.\\. +\\S+ +active\\n$`,
        ),
      );
      assert.ok(!list.includes(clientKey) && !list.includes(otherKey), 'project:client:list shows no key in full');

      for (let i = 0; i < 2; i++) assert.deepEqual((await answered('production', clientKey)).allPosts, []);
      await answered('production', otherKey);
      await answered('staging', developerKey);
      // Refused calls are no calls of the service: usage does not count them.
      const noKey = await call(urls.production, null);
      assert.equal(noKey.status, 401, noKey.body);
      const devKeyOnProduction = await call(urls.production, developerKey);
      assert.equal(devKeyOnProduction.status, 403, devKeyOnProduction.body);
      const clientKeyOnStaging = await call(urls.staging, clientKey);
      assert.equal(clientKeyOnStaging.status, 403, clientKeyOnStaging.body);
      const wrong = await call(urls.production, `${clientKey.slice(0, -2)}xx`);
      assert.equal(wrong.status, 403, wrong.body);
    });

    it('usage and invoice: production calls under the plan, in major units, and minor units with --json', async () => {
      const usage = await json(['usage', '-p', projectId]);
      assert.match(usage.month, /^\d{4}-\d\d$/);
      assert.deepEqual(
        { ...usage, byPlan: usage.byPlan.map((p: any) => [p.plan.billingType, p.plan.amount, p.plan.currency, p.calls]) },
        {
          projectId,
          serviceId,
          month: usage.month,
          ...accepted,
          byPlan: [['PAY_PER_CALL', 5, 'EUR', accepted.production]],
          refused: [],
        },
      );
      assert.equal(accepted.production, 3);
      const human = ok(
        await cli(['usage', '-p', projectId, '-s', serviceId, '--month', usage.month], { cwd: platform.tmp }),
        'usage',
      ).stdout;
      assert.match(
        human,
        new RegExp(
          `^Calls to ${serviceId} in project ${projectId}, ${usage.month} \\(UTC\\):\\n  production +3\\n  staging +1\\n  development +1\\nProduction calls by rate plan:\\n  PAY_PER_CALL 0\\.05 EUR a call +from \\S+ +3\\n$`,
        ),
      );

      const invoice = await json(['invoice', '-p', projectId]);
      assert.deepEqual(
        { ...invoice, lines: invoice.lines.map(({ plan, ...l }: any) => ({ ...l, plan: [plan.billingType, plan.amount, plan.currency] })) },
        {
          projectId,
          month: usage.month,
          lines: [{ serviceId, serviceName: 'Blog', plan: ['PAY_PER_CALL', 5, 'EUR'], calls: 3, billedCalls: 3, total: 15 }],
          totals: [{ amount: 15, currency: 'EUR' }],
        },
      );
      const text = ok(await cli(['invoice', '-p', projectId]), 'invoice').stdout;
      assert.match(
        text,
        new RegExp(
          `^Invoice of project ${projectId} for ${usage.month} \\(UTC\\):\\n  SERVICE +RATE PLAN +CALLS +BILLED CALLS +TOTAL\\n  ${serviceId} +PAY_PER_CALL 0\\.05 EUR a call +3 +3 +0\\.15 EUR\\nTotal: 0\\.15 EUR\\n$`,
        ),
      );

      // A monthly plan from the next call on: the month bills both.
      const plan = ok(await cli(['project:service:plan', '-p', projectId, '-t', 'MONTHLY', '-v', '29.99']), 'project:service:plan').stdout;
      assert.match(plan, new RegExp(`^Rate plan of ${serviceId} in project ${projectId}: MONTHLY 29\\.99 EUR a month, from \\S+\\.\\n$`));
      await answered('production', clientKey);
      const both = await json(['invoice', '-p', projectId, '--month', usage.month]);
      const lines = both.lines.map((l: any) => [l.plan.billingType, l.calls, l.billedCalls, l.total]).sort();
      assert.deepEqual(lines, [
        ['MONTHLY', 1, 0, 2999],
        ['PAY_PER_CALL', 3, 3, 15],
      ]);
      assert.deepEqual(both.totals, [{ amount: 3014, currency: 'EUR' }]);
      assert.match(
        ok(await cli(['invoice', '-p', projectId]), 'invoice').stdout,
        /\n  \S+ +MONTHLY 29\.99 EUR a month +1 +0 +29\.99 EUR\n(?:.*\n)*Total: 30\.14 EUR\n$/,
      );
      const byPlan = (await json(['usage', '-p', projectId])).byPlan.map((p: any) => [p.plan.billingType, p.calls]).sort();
      assert.deepEqual(byPlan, [
        ['MONTHLY', 1],
        ['PAY_PER_CALL', 3],
      ]);
      const info = ok(await cli(['project:service:info', '-p', projectId]), 'project:service:info').stdout;
      assert.match(
        info,
        /\nRate plan: MONTHLY 29\.99 EUR a month, since \S+\n[\s\S]*\nEarlier rate plans:\n  from \S+  PAY_PER_CALL 0\.05 EUR a call\n$/,
      );

      // A month before the project: nothing.
      assert.deepEqual(await json(['invoice', '-p', projectId, '--month', '2000-01']), {
        projectId,
        month: '2000-01',
        lines: [],
        totals: [],
      });
      assert.match(
        ok(await cli(['invoice', '-p', projectId, '--month', '2000-01']), 'invoice 2000-01').stdout,
        /No services were billable this month\.\nTotal: nothing\n$/,
      );
      assert.equal(
        refused(await cli(['invoice', '-p', projectId, '--month', '2024-13']), 2, 'bad month'),
        'codestore: --month is YYYY-MM (like 2024-05), not "2024-13".\n',
      );
    });

    it('secret:add (from -v or stdin), secret:list shows names and previews only, secret:remove', async () => {
      const value = 'super-secret-value-1234';
      const added = ok(await cli(['secret:add', '-p', projectId, '-e', 'development', '-k', 'API_TOKEN', '-v', value]), 'secret:add');
      assert.ok(!added.stdout.includes(value) && !added.stderr.includes(value), added.stdout);
      assert.match(
        added.stdout,
        new RegExp(
          `^Set secret API_TOKEN of ${serviceId}'s development environment in project ${projectId}: su\\S* \\(23 characters\\)\\. The service reads it as the environment variable API_TOKEN\\.\\n$`,
        ),
      );
      const fromStdin = ok(
        await cli(['secret:add', '-p', projectId, '-e', 'development', '-k', 'FROM_STDIN', '--json'], { input: 'piped-secret\n' }),
        'secret:add from stdin',
      );
      assert.deepEqual(JSON.parse(fromStdin.stdout).preview, 'pi… (12 characters)');
      assert.match(
        refused(await cli(['secret:add', '-p', projectId, '-e', 'development', '-k', 'EMPTY'], { input: '' }), 2, 'empty stdin'),
        /read no value for EMPTY on stdin/,
      );

      const list = ok(await cli(['secret:list', '-p', projectId, '-e', 'development']), 'secret:list').stdout;
      assert.match(list, /^NAME +VALUE +UPDATED\nAPI_TOKEN +su… \(23 characters\) +\S+\nFROM_STDIN +pi… \(12 characters\) +\S+\n$/);
      assert.ok(!list.includes(value) && !list.includes('piped-secret'), list);
      const listed = await json(['secret:list', '-p', projectId, '-e', 'development']);
      assert.deepEqual(
        listed.map((s: any) => s.name),
        ['API_TOKEN', 'FROM_STDIN'],
      );
      assert.ok(!JSON.stringify(listed).includes(value));
      // Secrets are per environment.
      assert.deepEqual(await json(['secret:list', '-p', projectId, '-e', 'staging']), []);
      assert.match(
        ok(await cli(['secret:list', '-p', projectId, '-e', 'production']), 'secret:list production').stdout,
        /^No secrets in \S+'s production environment/,
      );

      assert.equal(
        ok(await cli(['secret:remove', '-p', projectId, '-e', 'development', '-k', 'FROM_STDIN']), 'secret:remove').stdout,
        `Removed secret FROM_STDIN from ${serviceId}'s development environment in project ${projectId}.\n`,
      );
      assert.deepEqual(
        (await json(['secret:list', '-p', projectId, '-e', 'development'])).map((s: any) => s.name),
        ['API_TOKEN'],
      );
      assert.match(
        refused(await cli(['secret:remove', '-p', projectId, '-e', 'development', '-k', 'FROM_STDIN']), 1, 'remove again'),
        /FROM_STDIN/,
      );
      assert.match(
        refused(await cli(['secret:add', '-p', projectId, '-e', 'development', '-k', '1BAD', '-v', 'x']), 1, 'a bad name'),
        /environment variable name/,
      );
      assert.match(
        refused(await cli(['secret:list', '-p', projectId]), 2, 'no -e'),
        /^codestore: secret:list needs -e\/--env: development, staging or production\.\n$/,
      );
      // The environment restarted with its secrets and serves.
      await answered('development', developerKey);
    });

    it("logs -p reads the instance's log: development by default, -e for the others", async () => {
      const lines = ok(await cli(['logs', '-p', projectId, '--json', '-n', '1000']), 'logs -p')
        .stdout.split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      assert.ok(
        lines.some((l) => l.stream === 'platform'),
        JSON.stringify(lines),
      );
      assert.ok(
        lines.some((l) => l.stream === 'request'),
        'the development calls are logged',
      );
      const production = ok(
        await cli(['logs', '-p', projectId, '-s', serviceId, '-e', 'production', '-n', '2'], { cwd: platform.tmp }),
        'logs -p -e production',
      )
        .stdout.split('\n')
        .filter(Boolean);
      assert.equal(production.length, 2, production.join('\n'));
      for (const l of production) assert.match(l, LOG_LINE);
      assert.match(
        refused(await cli(['logs', '-p', projectId, '-e', 'private']), 2, 'logs -p -e private'),
        /-e\/--env is development, staging or production in a project, not "private"/,
      );
      assert.match(
        refused(await cli(['logs', '-p', projectId], { cwd: platform.tmp }), 2, 'logs -p without a service'),
        /Which service\? Pass its id \(`codestore logs -p <projectId> -s <serviceId>`\)/,
      );
    });

    it('project:service:roll deploys another version of the service to an environment, and back', async () => {
      ok(await cli(['push', '-r', 'second']), 'push 0.0.2');
      const up = ok(await cli(['project:service:roll', '-p', projectId, '-e', 'development', '-v', '0.0.2']), 'roll to 0.0.2');
      assert.equal(up.stdout, `Deployed 0.0.2 to development: ${urls.development}\n`);
      const down = await json(['project:service:roll', '-p', projectId, '-e', 'development', '-v', '0.0.1']);
      assert.deepEqual(
        [down.environment, down.status, down.version.version, down.url],
        ['development', 'DEPLOYED', '0.0.1', urls.development],
      );
      const info = ok(await cli(['project:service:info', '-p', projectId]), 'project:service:info').stdout;
      assert.match(info, /\n  development  DEPLOYED +serving 0\.0\.1 /);
      assert.match(
        refused(await cli(['project:service:roll', '-p', projectId, '-e', 'staging', '-v', '9.9.9']), 1, 'an unknown version'),
        /9\.9\.9/,
      );
      assert.match(
        refused(await cli(['project:service:roll', '-p', projectId, '-e', 'staging']), 2, 'no -v'),
        /needs -v\/--version <version>/,
      );
    });

    it('project:client:remove revokes a key: production refuses it (403) and takes the other', async () => {
      const r = ok(await cli(['project:client:remove', '-p', projectId, '-k', clientKeyId]), 'project:client:remove');
      assert.equal(r.stdout, `Revoked client key ${clientKeyId} of project ${projectId}: calls with it are refused from now on.\n`);
      const revoked = await call(urls.production, clientKey);
      assert.equal(revoked.status, 403, revoked.body);
      await answered('production', otherKey);
      const keys = await json(['project:client:list', '-p', projectId]);
      assert.deepEqual(
        keys.map((k: any) => [k.name, k.revokedAt === null]),
        [
          ['web', false],
          ['mobile', true],
        ],
      );
      assert.match(
        ok(await cli(['project:client:list', '-p', projectId]), 'project:client:list').stdout,
        /\n\S+ +web +\S+ +\S+ +revoked \S+\n/,
      );
      assert.match(
        refused(await cli(['project:client:remove', '-p', projectId, '-k', 'no-such-key']), 1, 'an unknown key'),
        /no client key "no-such-key"/,
      );
    });

    it('project:delete refuses a project with services without -f; -f deletes it with them', async () => {
      const message = refused(await cli(['project:delete', '-p', projectId]), 2, 'project:delete without -f');
      assert.equal(
        message,
        `codestore: Project "Shop" (${projectId}) has 1 service-instance (${serviceId}): deleting it removes it with its databases. Add -f to delete it.\n`,
      );
      assert.equal((await json(['project:service:list', '-p', projectId])).length, 1, 'nothing was deleted');

      // The other project gets an instance, and goes with -f.
      const added = await json(['project:service:add', '-p', emptyProjectId]);
      assert.equal(added.ratePlan.billingType, 'NOT_BILLABLE');
      const devUrl = added.environments.find((e: any) => e.name === 'development').url;
      assert.equal((await call(devUrl, developerKey)).status, 200);
      assert.equal(
        ok(await cli(['project:delete', '-p', emptyProjectId, '-f']), 'project:delete -f').stdout,
        `Deleted project ${emptyProjectId}.\n`,
      );
      assert.equal((await call(devUrl, developerKey)).status, 404);
      assert.match(
        refused(await cli(['project:info', '-p', emptyProjectId]), 1, 'the deleted project'),
        new RegExp(`No project "${emptyProjectId}"`),
      );
    });

    it('project:service:remove drops 3 databases only with -f; then project:delete deletes the project', async () => {
      const message = refused(await cli(['project:service:remove', '-p', projectId]), 2, 'project:service:remove without -f');
      assert.equal(
        message,
        `codestore: Removing ${serviceId} from project ${projectId} drops its 3 databases (development, staging and production) with their data. Add -f to remove it.\n`,
      );
      await answered('production', otherKey);

      const removed = ok(await cli(['project:service:remove', '-p', projectId, '-f']), 'project:service:remove -f');
      assert.equal(
        removed.stdout,
        `Removed ${serviceId} from project ${projectId}; its development, staging and production databases were dropped.\n`,
      );
      for (const url of Object.values(urls)) assert.equal((await call(url, otherKey)).status, 404, url);
      assert.match(
        ok(await cli(['project:service:list', '-p', projectId]), 'project:service:list').stdout,
        /^Project "Shop" \(\S+\) has no services yet/,
      );
      assert.match(refused(await cli(['usage', '-p', projectId]), 1, 'usage of a removed instance'), new RegExp(serviceId));

      assert.equal(ok(await cli(['project:delete', '-p', projectId]), 'project:delete').stdout, `Deleted project ${projectId}.\n`);
      assert.deepEqual(await json(['project:list']), []);
      assert.equal(
        ok(await cli(['project:list']), 'project:list').stdout,
        'No projects yet. Create one with `codestore project:create <name>`.\n',
      );
      // The service itself stays, serving private and demo.
      assert.equal((await json(['service:info'])).environments.find((e: any) => e.name === 'demo').status, 'DEPLOYED');
    });

    it('usage mistakes: one line, exit 2, before anything is sent', async () => {
      const cases: Array<[string[], RegExp]> = [
        [
          ['project:service:add', '-s', serviceId],
          /^codestore: project:service:add needs -p\/--project <projectId> \(`codestore project:list` shows your projects\)\.\n$/,
        ],
        [['project:service:add', '-p', 'p', '-t', 'PAY_PER_CALL'], /needs -v\/--value <the price of one call>, like -v 0\.05/],
        [['project:service:add', '-p', 'p', '-t', 'PAY_PER_CALL', '-v', '0.055'], /-v\/--value has at most 2 decimals in EUR/],
        [['project:service:add', '-p', 'p', '-v', '1'], /give its type too/],
        [['project:service:plan', '-p', 'p'], /needs -t\/--type/],
        [
          ['project:service:add', '-p', 'p', '-t', 'YEARLY', '-v', '1'],
          /-t\/--type is NOT_BILLABLE, MONTHLY or PAY_PER_CALL, not "YEARLY"/,
        ],
        [['project:client:add', '-p', 'p'], /needs -n\/--name/],
        [['project:client:remove', '-p', 'p'], /needs -k\/--key <id>/],
        [['project:delete'], /project:delete needs -p\/--project/],
        [['project:create'], /Name the project/],
        [['usage', '-p', 'p', '--month', 'May'], /--month is YYYY-MM/],
        [['project:service:roll', '-p', 'p', '-v', '0.0.1'], /needs -e\/--env: development, staging or production/],
        [['project:list', 'extra'], /takes no arguments/],
      ];
      for (const [args, message] of cases) assert.match(refused(await cli(args), 2, args.join(' ')), message);
      // Outside a service folder, -s names the service.
      for (const args of [
        ['project:service:info', '-p', 'p'],
        ['secret:list', '-p', 'p', '-e', 'development'],
        ['usage', '-p', 'p'],
      ]) {
        const r = await cli(args, { cwd: platform.tmp });
        assert.match(refused(r, 2, args[0]), new RegExp(`Which service\\? Pass its id \\(\`codestore ${args[0]} -s <serviceId>\`\\)`));
      }
      assert.match(
        refused(await cli(['project:info', '-p', 'no-such-project-abcdef']), 1, 'an unknown project'),
        /^codestore: No project "no-such-project-abcdef"/,
      );
      const help = ok(await cli(['project:service:add', '--help']), 'help').stdout;
      assert.match(help, /project:service:add -p <projectId> -s <serviceId>/);
      assert.ok(fs.existsSync(path.join(dir, 'codestore.yaml')));
    });
  });
}
