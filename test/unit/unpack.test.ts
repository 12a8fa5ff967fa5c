// unpackInto: a pulled service archive goes into a folder on the user's disk. A new folder gets the
// files; an existing one keeps its other files; a link there is replaced, never written through; a
// file where the folder has a directory, and a hostile archive, are refused with nothing moved.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Header, type HeaderData } from 'tar';
import { ArchiveError } from '../../servicefs/src/archive';
import { unpackInto } from '../../servicefs/src/unpack';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-unpack-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name: string) => path.join(root, `${++n}-${name}`);

function entry(data: HeaderData, content = ''): Buffer {
  const block = Buffer.alloc(512);
  const body = Buffer.from(content);
  new Header({ mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), type: 'File', size: body.length, ...data }).encode(block, 0);
  const rest = body.length % 512;
  return Buffer.concat([block, body, Buffer.alloc(rest ? 512 - rest : 0)]);
}

function tgz(files: Record<string, string>, extra: Buffer[] = []): Buffer {
  const entries = Object.entries(files).map(([p, c]) => entry({ path: p }, c));
  return zlib.gzipSync(Buffer.concat([...entries, ...extra, Buffer.alloc(1024)]));
}

/** Every file under `dir`: path → content, or `-> target` for a link. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(dir, r));
      if (st.isSymbolicLink()) out[r] = `-> ${fs.readlinkSync(path.join(dir, r))}`;
      else if (st.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r), 'utf8');
    }
  };
  walk('');
  return out;
}

const SERVICE = { 'codestore.yaml': 'serviceId: blog\n', 'src/schema.graphql': 'type Query { a: String }\n' };

describe('unpackInto', () => {
  it('makes a missing folder with the files of the archive', async () => {
    const dir = fresh('new');
    const r = await unpackInto(tgz(SERVICE), dir);
    assert.deepEqual(tree(dir), SERVICE);
    assert.deepEqual([r.files, r.replaced], [['codestore.yaml', 'src/schema.graphql'], []]);
  });

  it('writes into a folder that has files: replaces those at its paths, keeps the others', async () => {
    const dir = fresh('busy');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src/schema.graphql'), 'old\n');
    fs.writeFileSync(path.join(dir, 'mine.txt'), 'mine\n');
    const r = await unpackInto(tgz(SERVICE), dir);
    assert.deepEqual(tree(dir), { ...SERVICE, 'mine.txt': 'mine\n' });
    assert.deepEqual(r.replaced, ['src/schema.graphql']);
  });

  it('replaces a link at a path of the archive instead of writing through it', async () => {
    const dir = fresh('links');
    const outside = fresh('outside');
    fs.mkdirSync(dir);
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'schema.graphql'), 'theirs\n');
    fs.writeFileSync(path.join(outside, 'codestore.yaml'), 'theirs\n');
    fs.symlinkSync(outside, path.join(dir, 'src'));
    fs.symlinkSync(path.join(outside, 'codestore.yaml'), path.join(dir, 'codestore.yaml'));
    await unpackInto(tgz(SERVICE), dir);
    assert.deepEqual(tree(dir), SERVICE);
    assert.deepEqual(tree(outside), { 'codestore.yaml': 'theirs\n', 'schema.graphql': 'theirs\n' });
  });

  it('refuses a file of the archive where the folder has a directory, before anything moves', async () => {
    const dir = fresh('conflict');
    fs.mkdirSync(path.join(dir, 'codestore.yaml'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'codestore.yaml', 'keep'), 'k');
    await assert.rejects(unpackInto(tgz(SERVICE), dir), (e: ArchiveError) => e.code === 'conflicting-entry');
    assert.deepEqual(tree(dir), { 'codestore.yaml/keep': 'k' }, 'src/ was not moved in either');
  });

  it('refuses a hostile archive: a new folder is not left behind, an existing one is as it was', async () => {
    const hostile = [
      tgz(SERVICE, [entry({ path: 'src/link', type: 'SymbolicLink', linkpath: '/etc/passwd' })]),
      tgz({ ...SERVICE, '../escape.txt': 'x' }),
      tgz({ ...SERVICE, '/abs.txt': 'x' }),
    ];
    for (const archive of hostile) {
      const dir = fresh('hostile');
      await assert.rejects(unpackInto(archive, dir), ArchiveError);
      assert.ok(!fs.existsSync(dir), 'no folder left');
      const existing = fresh('hostile-existing');
      fs.mkdirSync(existing);
      fs.writeFileSync(path.join(existing, 'mine.txt'), 'mine\n');
      await assert.rejects(unpackInto(archive, existing), ArchiveError);
      assert.deepEqual(tree(existing), { 'mine.txt': 'mine\n' });
    }
    assert.ok(!fs.existsSync(path.join(root, 'escape.txt')));
  });

  it('runs prepare on the extracted files first; a throw there leaves the folder as it was', async () => {
    const dir = fresh('prepare');
    await unpackInto(tgz(SERVICE), dir, {
      prepare: (d) => fs.appendFileSync(path.join(d, 'codestore.yaml'), '# pulled\n'),
    });
    assert.equal(fs.readFileSync(path.join(dir, 'codestore.yaml'), 'utf8'), 'serviceId: blog\n# pulled\n');
    const other = fresh('prepare-fails');
    fs.mkdirSync(other);
    await assert.rejects(
      unpackInto(tgz(SERVICE), other, {
        prepare: () => {
          throw new Error('no');
        },
      }),
      /no/,
    );
    assert.deepEqual(fs.readdirSync(other), []);
  });
});
