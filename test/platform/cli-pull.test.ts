// `codestore service:pull` end to end, through the real CLI against a real platform: a teammate of
// another account (a developer of the organization) pulls the service an owner pushed into an empty
// folder, gets exactly the files the push packed, and pushes the folder unchanged; `--version`
// pulls an older version; another organization gets nothing; a folder with files is refused
// without --force, and --force writes the service's files without following a link that is there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { extractArchive } from '../../servicefs/src/archive';
import { CliResult, PASSWORD, platformError, platformTargets, TestPlatform } from './helpers/platform';
import { BLOG, generate, PUSH_BLOG } from './helpers/service';

function ok(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 0, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

function failed(r: CliResult, what: string): CliResult {
  assert.equal(r.code, 1, `${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

/** Every file under `dir` by relative path, with its content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const childRel = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(dir, childRel));
      if (st.isDirectory()) walk(childRel);
      else
        out[childRel] = st.isSymbolicLink()
          ? `link to ${fs.readlinkSync(path.join(dir, childRel))}`
          : fs.readFileSync(path.join(dir, childRel), 'utf8');
    }
  };
  walk('');
  return out;
}

let unpacked = 0;
/** The files a packed archive holds, as `tree` shows them. */
async function packedTree(archive: Buffer, scratch: string): Promise<Record<string, string>> {
  const dir = path.join(scratch, `unpacked-${++unpacked}`);
  await extractArchive(archive, dir);
  return tree(dir);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const target of platformTargets()) {
  describe(`codestore service:pull (${target.label})`, () => {
    let platform: TestPlatform;
    /** The owner's and the teammate's CLI config directories. */
    let ownerConfig: string;
    let teammateConfig: string;
    let strangerConfig: string;
    let strangerToken: string;
    let serviceId: string;
    /** The owner's service folder, and what each push packed. */
    let original: string;
    const packed: Record<string, Buffer> = {};
    const owner = (args: string[], cwd = original) => platform.cli(args, { configDir: ownerConfig, cwd });
    const teammate = (args: string[], cwd: string) => platform.cli(args, { configDir: teammateConfig, cwd });

    before(async () => {
      platform = await TestPlatform.start(target);
      prewarmTypeCheck();
      ownerConfig = platform.dir('owner-config');
      teammateConfig = platform.dir('teammate-config');
      strangerConfig = platform.dir('stranger-config');
      const ownerEmail = `pull-owner-${process.pid}@example.com`;
      const teammateEmail = `pull-teammate-${process.pid}@example.com`;
      ok(await platform.cli(['auth:signup', '-e', ownerEmail, '-p', PASSWORD], { configDir: ownerConfig }), 'owner auth:signup');
      ok(await platform.cli(['auth:signup', '-e', teammateEmail, '-p', PASSWORD], { configDir: teammateConfig }), 'teammate auth:signup');
      const strangerEmail = `pull-stranger-${process.pid}@example.com`;
      ok(await platform.cli(['auth:signup', '-e', strangerEmail, '-p', PASSWORD], { configDir: strangerConfig }), 'stranger auth:signup');
      strangerToken = (await platform.client().login(strangerEmail, PASSWORD)).token;
      assert.match(strangerToken, /^cst_/);

      original = path.join(platform.dir('owner'), 'blog');
      fs.cpSync(BLOG, original, { recursive: true });
      fs.cpSync(path.join(PUSH_BLOG, 'src'), path.join(original, 'src'), { recursive: true });
      fs.writeFileSync(path.join(original, 'codestore.yaml'), '# the blog\nruntime:\n  memoryMiB: 256\n');
      // What a push never packs: dependencies and version control.
      fs.mkdirSync(path.join(original, 'node_modules/left-pad'), { recursive: true });
      fs.writeFileSync(path.join(original, 'node_modules/left-pad/index.js'), 'module.exports = 1;\n');
      fs.mkdirSync(path.join(original, '.git'));
      fs.writeFileSync(path.join(original, '.git/HEAD'), 'ref: refs/heads/main\n');
      await generate(original);
      serviceId = JSON.parse(ok(await owner(['service:create', 'Pulled Blog', '--json']), 'service:create').stdout).service.id;

      ok(await owner(['push', '-r', 'first']), 'push 0.0.1');
      packed['0.0.1'] = await packServiceFolder(original);
      fs.mkdirSync(path.join(original, 'docs'));
      fs.writeFileSync(path.join(original, 'docs/notes.md'), '# Notes\n\nPosts have titles.\n');
      ok(await owner(['push', '-r', 'notes']), 'push 0.0.2');
      packed['0.0.2'] = await packServiceFolder(original);

      const invitation = JSON.parse(ok(await owner(['org:invite', '-e', teammateEmail, '--json']), 'org:invite').stdout);
      const joined = JSON.parse(ok(await teammate(['org:join', invitation.code, '--json'], platform.tmp), 'org:join').stdout);
      assert.equal(joined.role, 'developer');
      ok(await teammate(['org:switch', joined.organization.id], platform.tmp), 'org:switch');
    });
    after(async () => {
      await platform?.close();
    });

    it('the platform keeps the archive each push sent, and says its size and sha256', async () => {
      const client = platform.client();
      const login = await client.login(`pull-owner-${process.pid}@example.com`, PASSWORD);
      assert.ok(login.token);
      for (const version of ['0.0.1', '0.0.2']) {
        const source = await client.serviceSource(serviceId, version);
        assert.equal(source.version.version, version);
        assert.equal(source.sha256, sha256(packed[version]), `${version} is the archive its push sent`);
        assert.equal(source.sizeBytes, packed[version].length);
        assert.equal(source.downloadPath, `/source/${serviceId}?version=${version}`);
        assert.ok((await client.downloadSource(source)).equals(packed[version]));
      }
      const latest = await client.serviceSource(serviceId);
      assert.deepEqual([latest.version.version, latest.service], ['0.0.2', { id: serviceId, name: 'Pulled Blog' }]);
    });

    let pulled: string;
    it('a teammate pulls the latest version into a new folder named after the service: the files the push packed', async () => {
      const cwd = platform.dir('teammate');
      const r = ok(await teammate(['service:pull', 'Pulled Blog'], cwd), 'service:pull');
      pulled = path.join(cwd, 'Pulled Blog');
      const files = Object.keys(await packedTree(packed['0.0.2'], platform.tmp));
      assert.equal(
        r.stdout,
        `Pulled Pulled Blog (${serviceId}) version 0.0.2 into Pulled Blog: ${files.length} file(s).\nNext:\n  cd 'Pulled Blog'\n` +
          '  npm install           # the editor then type-checks the resolvers\n' +
          '  codestore dev         # serve it locally, reloading on save\n  codestore push        # a new version to private\n',
      );
      assert.deepEqual(tree(pulled), await packedTree(packed['0.0.2'], platform.tmp));
      assert.ok(tree(pulled)['docs/notes.md'], 'the file added for 0.0.2');
      assert.ok(!fs.existsSync(path.join(pulled, 'node_modules')) && !fs.existsSync(path.join(pulled, '.git')), 'what pack leaves out');
      // The manifest as pushed (its comment and runtime settings), naming the service.
      assert.equal(
        fs.readFileSync(path.join(pulled, 'codestore.yaml'), 'utf8'),
        `# the blog\nruntime:\n  memoryMiB: 256\nserviceId: ${serviceId}\n`,
      );
      // It packs to the very bytes that were pushed.
      assert.ok((await packServiceFolder(pulled)).equals(packed['0.0.2']), 'the pulled folder packs to the pushed archive');
    });

    it('the pulled folder pushes unchanged: nothing regenerated, a new version', async () => {
      const r = ok(await teammate(['push', '-r', 'from the pulled folder'], pulled), 'push of the pulled folder');
      assert.match(r.stdout, new RegExp(`^Pushed ${serviceId}: version 0\\.0\\.3 `));
      assert.doesNotMatch(r.stdout + r.stderr, /Regenerated|Committed migration/);
      assert.ok((await packServiceFolder(pulled)).equals(packed['0.0.2']), 'push changed nothing in the folder');
    });

    it('--version pulls an older version into the folder given', async () => {
      const cwd = platform.dir('teammate-old');
      const r = ok(await teammate(['service:pull', serviceId, 'v1', '--version', '0.0.1', '--json'], cwd), 'service:pull --version');
      const out = JSON.parse(r.stdout);
      assert.equal(out.version.version, '0.0.1');
      assert.equal(out.dir, path.join(cwd, 'v1'));
      assert.equal(out.sha256, sha256(packed['0.0.1']));
      assert.deepEqual(tree(path.join(cwd, 'v1')), await packedTree(packed['0.0.1'], platform.tmp));
      assert.ok(!fs.existsSync(path.join(cwd, 'v1/docs')), '0.0.1 has no docs/notes.md');

      // Not inside another service folder: its next push would carry the copy.
      const nested = failed(
        await teammate(['service:pull', serviceId, 'nested', '-v', 'v0.0.1'], path.join(cwd, 'v1')),
        'pull into a service folder',
      );
      assert.match(nested.stderr, /nested is inside the service folder .*v1: its next push would carry the pulled copy/);
      assert.ok(!fs.existsSync(path.join(cwd, 'v1/nested')));

      const missing = failed(await teammate(['service:pull', serviceId, 'v9', '--version', '0.0.9'], cwd), 'a version nobody pushed');
      assert.match(missing.stderr, new RegExp(`^codestore: ${serviceId} has no version 0\\.0\\.9\\. `));
      assert.ok(!fs.existsSync(path.join(cwd, 'v9')), 'nothing made for a refused pull');
    });

    it('another organization gets nothing: not the CLI, not the download route', async () => {
      const cwd = platform.dir('stranger');
      for (const given of [serviceId, 'Pulled Blog']) {
        const r = failed(await platform.cli(['service:pull', given], { configDir: strangerConfig, cwd }), `a stranger pulls ${given}`);
        assert.match(r.stderr, /^codestore: No service "/);
      }
      assert.deepEqual(fs.readdirSync(cwd), []);

      const url = `${platform.url}/source/${encodeURIComponent(serviceId)}?version=0.0.1`;
      const stranger = await fetch(url, { headers: { authorization: `Bearer ${strangerToken}` } });
      const nobody = await fetch(`${platform.url}/source/nobody-has-this-zzzzzz?version=0.0.1`, {
        headers: { authorization: `Bearer ${strangerToken}` },
      });
      assert.equal(stranger.status, 404);
      assert.equal(nobody.status, 404);
      type ErrorBody = { errors: Array<{ message: string; extensions: { code: string } }> };
      const [a, b] = [(await stranger.json()) as ErrorBody, (await nobody.json()) as ErrorBody];
      assert.equal(a.errors[0].extensions.code, 'NOT_FOUND');
      assert.equal(a.errors[0].message.replace(serviceId, 'X'), b.errors[0].message.replace('nobody-has-this-zzzzzz', 'X'));
      const anonymous = await fetch(url);
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as ErrorBody).errors[0].extensions.code, 'UNAUTHENTICATED');
    });

    it('a folder with files is refused without --force; --force writes over it and replaces a link, not what it points to', async () => {
      const cwd = platform.dir('teammate-busy');
      const busy = path.join(cwd, 'busy');
      const outside = path.join(cwd, 'outside');
      fs.mkdirSync(busy);
      fs.mkdirSync(outside);
      fs.writeFileSync(path.join(outside, 'schema.graphql'), 'not to be touched\n');
      fs.writeFileSync(path.join(busy, 'mine.txt'), 'my own file\n');
      fs.symlinkSync(outside, path.join(busy, 'src'));
      const before = tree(busy);

      const refused = failed(await teammate(['service:pull', serviceId, 'busy'], cwd), 'pull into a folder with files');
      assert.match(refused.stderr, /busy is not empty \(2 entries\): pull into a new or empty folder .* or pass --force/);
      assert.deepEqual(tree(busy), before, 'the folder is as it was');

      const file = path.join(cwd, 'a-file');
      fs.writeFileSync(file, 'x');
      assert.match(
        failed(await teammate(['service:pull', serviceId, 'a-file', '--force'], cwd), 'pull onto a file').stderr,
        /a-file is a file/,
      );

      const forced = ok(await teammate(['service:pull', serviceId, 'busy', '--force'], cwd), 'pull --force');
      assert.match(forced.stdout, /^Pulled Pulled Blog \(.*\) version 0\.0\.3 into busy: \d+ file\(s\), replacing src\.\n/);
      const got = tree(busy);
      assert.equal(got['mine.txt'], 'my own file\n', 'other files stay');
      assert.ok(!fs.lstatSync(path.join(busy, 'src')).isSymbolicLink(), 'the link was replaced by the folder');
      const { 'mine.txt': _mine, ...service } = got;
      assert.deepEqual(service, await packedTree(packed['0.0.2'], platform.tmp));
      assert.deepEqual(tree(outside), { 'schema.graphql': 'not to be touched\n' }, 'nothing written through the link');
      // Pulled into an empty folder that exists (the working directory): no cd to print.
      const empty = platform.dir('teammate-empty');
      const here = ok(await teammate(['service:pull', serviceId, '.'], empty), 'pull into .');
      assert.match(here.stdout, /into \.: \d+ file\(s\)\.\nNext:\n {2}npm install /);
      assert.deepEqual(tree(empty), await packedTree(packed['0.0.2'], platform.tmp));
    });

    it('the client refuses a download larger than it takes, or whose bytes are not the ones the platform named', async () => {
      const client = platform.client();
      await client.login(`pull-owner-${process.pid}@example.com`, PASSWORD);
      const source = await client.serviceSource(serviceId, '0.0.2');
      await platformError(client.downloadSource(source, { maxBytes: source.sizeBytes - 1 }), 'PAYLOAD_TOO_LARGE');
      const file = path.join(platform.dataDir, 'services', serviceId, 'versions', '0.0.2', 'source.tar.gz');
      const bytes = fs.readFileSync(file);
      const flipped = Buffer.from(bytes);
      flipped[flipped.length - 1] ^= 0xff;
      fs.writeFileSync(file, flipped);
      try {
        const damaged = await platformError(client.downloadSource(source), 'BAD_RESPONSE');
        assert.match(damaged.message, /was damaged on the way .*another sha256\): pull again/);
      } finally {
        fs.writeFileSync(file, bytes);
      }
      assert.ok((await client.downloadSource(source)).equals(packed['0.0.2']));
    });

    it('a version whose source was not kept says so', async () => {
      fs.rmSync(path.join(platform.dataDir, 'services', serviceId, 'versions', '0.0.1', 'source.tar.gz'));
      const r = failed(await teammate(['service:pull', serviceId, 'gone', '--version', '0.0.1'], platform.dir('gone')), 'pull of 0.0.1');
      assert.match(r.stderr, /The source of .* 0\.0\.1 is not on this platform: it was pushed before the platform kept sources/);
    });
  });
}
