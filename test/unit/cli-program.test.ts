// The command line's framework behaviour, through the real bundle (`node bin/codestore.js`, built by
// `npm run build`): --version, grouped help, a command's own help with its usage, options and an
// example, did-you-mean for a mistyped command or option (exit 2), and every command the README
// lists. Nothing here talks to a platform.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../platform/helpers/platform';
import { COMMANDS } from '../../cli/src/commands';
import { idFor } from '../../cli/src/names';

const REPO = path.resolve(__dirname, '..', '..');
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-cli-program-'));
const cli = (...args: string[]) => runCli(args, { cwd, env: { ...process.env, CODESTORE_CONFIG_DIR: cwd, NO_COLOR: '1' } });

describe('the codestore command line', () => {
  before(() => {
    if (!fs.existsSync(path.join(REPO, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first.');
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) {
      const r = await cli(flag);
      assert.deepEqual(r, { code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  it('help lists every command under the groups of before', async () => {
    const r = await cli('help');
    assert.equal(r.code, 0, r.stderr);
    const groups = [
      'Service folder:',
      'Account (on the platform):',
      'Services (',
      'Deployments (',
      'Projects (',
      'Secrets (',
      'Billing (',
      'Platform:',
    ];
    let at = -1;
    for (const g of groups) {
      const i = r.stdout.indexOf(`\n${g}`);
      assert.ok(i > at, `${g} after the group before it:\n${r.stdout}`);
      at = i;
    }
    for (const c of [...COMMANDS.map((c) => c.name), 'platform']) assert.match(r.stdout, new RegExp(`\\n  ${c}\\b`), c);
    assert.equal((await cli()).stdout, r.stdout, 'no arguments: the same help');
  });

  it('<command> --help: its usage, its options and an example, not the whole help', async () => {
    const r = await cli('push', '--help');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: codestore push \[options\] \[serviceDir\]\n/);
    for (const o of ['-r, --release-notes <notes>', '-y, --yes', '--json', '--platform <url>']) assert.ok(r.stdout.includes(o), o);
    assert.match(r.stdout, /\nExamples:\n {2}\$ codestore push\n/);
    assert.doesNotMatch(r.stdout, /project:service:add/);
    const add = await cli('help', 'project:service:add');
    assert.match(add.stdout, /^Usage: codestore project:service:add -p <projectId> -s <serviceId>/);
  });

  it('a mistyped command or option: did you mean, exit 2', async () => {
    const command = await cli('pus');
    assert.equal(command.code, 2);
    assert.equal(command.stdout, '');
    assert.match(command.stderr, /^codestore: Unknown command 'pus'\n\(Did you mean push\?\)\n$/);
    const option = await cli('logs', '--folow');
    assert.equal(option.code, 2);
    assert.match(option.stderr, /^codestore: Unknown option '--folow' \(logs\)\n\(Did you mean --follow\?\)\n$/);
    const extra = await cli('project:list', 'extra');
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /^codestore: project:list takes no arguments; got "extra"/);
  });

  it('an alias runs its command: service:dev is dev, as the original CLI named it', async () => {
    const r = await cli('service:dev', '--help');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: codestore dev\|service:dev \[options\] \[serviceDir\]/m);
    assert.match(r.stdout, /--inspect \[host:port\]/);
    const outside = await cli('dev');
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /^codestore: Not in a service folder \(no codestore\.yaml here or above\)/);
  });

  it('every command and flag the README lists is there', async () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const listed = new Set([...readme.matchAll(/`(?:codestore |cs )?([a-z]+:[a-z:]+|(?<=`codestore )[a-z]+)/g)].map((m) => m[1]));
    assert.ok(listed.size > 30, [...listed].join(' '));
    const known = new Set([...COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]), 'platform', 'help']);
    for (const name of listed) assert.ok(known.has(name), `README lists \`codestore ${name}\``);
  });
});

describe('names where ids are asked', () => {
  const all = [
    { id: 'svc_1', name: 'blog' },
    { id: 'svc_2', name: 'shop' },
    { id: 'svc_3', name: 'shop' },
    { id: 'blog', name: 'other' },
  ];
  it('an id is itself, a name its id (any case when nothing has it exactly), an unknown value goes on as it is', () => {
    assert.equal(idFor('service', 'svc_2', all, '-s'), 'svc_2');
    assert.equal(idFor('service', 'blog', all, '-s'), 'blog', 'an id wins over a name');
    assert.equal(idFor('service', 'other', all, '-s'), 'blog');
    assert.equal(idFor('service', 'OTHER', all, '-s'), 'blog');
    assert.equal(idFor('service', 'nothing', all, '-s'), 'nothing');
  });
  it('a name several share is refused with their ids', () => {
    assert.throws(
      () => idFor('service', 'shop', all, '-s'),
      (e: Error & { exitCode?: number }) =>
        e.exitCode === 2 && e.message === '"shop" names 2 services: svc_2 (shop), svc_3 (shop). Pass the id of the one you mean (-s <id>).',
    );
  });
});

describe('codestore completion', () => {
  it("completes command names (colons and all) and a command's options in bash", async () => {
    const script = await cli('completion');
    assert.equal(script.code, 0, script.stderr);
    assert.match(script.stdout, /\ncomplete -o default -F _codestore codestore cs\n$/);
    const file = path.join(cwd, 'completion.bash');
    fs.writeFileSync(file, script.stdout);
    const complete = (line: string) => {
      const r = spawnSync(
        'bash',
        [
          '-c',
          `source ${JSON.stringify(file)}; COMP_LINE="$1"; COMP_POINT=\${#1}; _codestore; printf '%s\\n' "\${COMPREPLY[@]}"`,
          'bash',
          line,
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter(Boolean);
    };
    assert.deepEqual(complete('codestore pu'), ['push']);
    // bash replaces the part of the word after its last colon.
    assert.deepEqual(complete('codestore project:service:a'), ['add']);
    assert.deepEqual(complete('cs push --y'), ['--yes']);
    assert.deepEqual(complete('codestore logs --fo'), ['--follow']);
  });
});
