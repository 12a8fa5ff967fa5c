// Packing a service folder, and extracting pushed archives safely: every malicious archive is
// refused with its code, and leaves neither the destination nor a temporary folder behind.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { Header, type HeaderData } from 'tar';
import { ArchiveError, ArchiveErrorCode, ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, extractArchive } from '../../platform/src/build/archive';
import { packServiceFolder } from '../../apiclient/src/pack';

const BLOG = path.resolve(__dirname, '../fixtures/blog');

let work: string;
before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-archive-'));
});
after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

let counter = 0;
/** A fresh, empty parent folder; the destination is `<parent>/service` (absent). */
function freshDest(): { parent: string; dest: string } {
  const parent = path.join(work, `case-${++counter}`);
  fs.mkdirSync(parent);
  return { parent, dest: path.join(parent, 'service') };
}

// ---------------------------------------------------------------------------------------------
// Hand-assembled tar streams: tar's Header encodes each 512-byte header block as given, so entries
// that tar itself would refuse to pack (absolute paths, "..", links, devices) can be made.

function pad(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest ? Buffer.concat([data, Buffer.alloc(512 - rest)]) : data;
}

function header(data: HeaderData): Buffer {
  const block = Buffer.alloc(512);
  new Header({ mode: 0o644, uid: 0, gid: 0, mtime: new Date(0), type: 'File', size: 0, ...data }).encode(block, 0);
  return block;
}

/** A file entry: header plus padded content. `size` may lie about the content. */
function file(p: string, content: string | Buffer = 'x', size?: number): Buffer {
  const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return Buffer.concat([header({ path: p, size: size ?? data.length }), pad(data)]);
}

function dirEntry(p: string): Buffer {
  return header({ path: p, type: 'Directory', mode: 0o755 });
}

/** A pax extended header (`x`) whose records apply to the next entry. */
function pax(records: Record<string, string>): Buffer {
  let body = '';
  for (const [k, v] of Object.entries(records)) {
    const tail = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(tail) + 1;
    while (String(len).length + Buffer.byteLength(tail) !== len) len = String(len).length + Buffer.byteLength(tail);
    body += `${len}${tail}`;
  }
  const data = Buffer.from(body);
  return Buffer.concat([header({ path: 'PaxHeader/x', type: 'ExtendedHeader', size: data.length }), pad(data)]);
}

/** A GNU long-name (`L`) entry naming the next entry. */
function longName(name: string): Buffer {
  const data = Buffer.from(name + '\0');
  return Buffer.concat([header({ path: '././@LongLink', type: 'NextFileHasLongPath', size: data.length }), pad(data)]);
}

function tar(...entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(1024)]);
}

function tgz(...entries: Buffer[]): Buffer {
  return zlib.gzipSync(tar(...entries));
}

/** A valid service folder's entries to surround the bad one with. */
const ok = () => [file('codestore.yaml', 'serviceId: blog\n'), file('src/schema.graphql', 'type Query { a: String }\n')];

async function refused(
  archive: Buffer,
  code: ArchiveErrorCode,
  entry?: string | RegExp,
  limits?: Partial<ArchiveLimits>,
): Promise<ArchiveError> {
  const { parent, dest } = freshDest();
  const err = await extractArchive(archive, dest, limits).then(
    () => assert.fail(`expected the archive to be refused with ${code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ArchiveError, `an ArchiveError, not ${String(err)}`);
  assert.equal(err.code, code, err.message);
  if (typeof entry === 'string') {
    assert.equal(err.entry, entry);
    assert.ok(err.message.includes(entry), `the message names the entry: ${err.message}`);
  } else if (entry) assert.match(err.message, entry);
  assert.equal(fs.existsSync(dest), false, 'the destination does not exist');
  assert.deepEqual(fs.readdirSync(parent), [], 'no temporary folder is left');
  return err;
}

describe('packServiceFolder', () => {
  it('packs the folder and extracts to the same files', async () => {
    const buf = await packServiceFolder(BLOG);
    assert.equal(buf[0], 0x1f);
    assert.equal(buf[1], 0x8b);
    const { parent, dest } = freshDest();
    const result = await extractArchive(buf, dest);
    assert.equal(result.dir, dest);
    assert.deepEqual(result.files.slice().sort(), [
      'codestore.yaml',
      'src/resolvers/mutations/createPost.ts',
      'src/resolvers/queries/allPosts.ts',
      'src/resolvers/queries/post.ts',
      'src/schema.graphql',
    ]);
    for (const f of result.files) assert.equal(fs.readFileSync(path.join(dest, f), 'utf8'), fs.readFileSync(path.join(BLOG, f), 'utf8'), f);
    assert.deepEqual(fs.readdirSync(parent), ['service'], 'only the destination remains');
  });

  it('is deterministic: the same folder packs to the same bytes', async () => {
    const a = await packServiceFolder(BLOG);
    const b = await packServiceFolder(BLOG);
    assert.ok(a.equals(b));
  });

  it("leaves out node_modules, .git, dist, build outputs and codestore dev's .codestore/", async () => {
    const { dest: src } = freshDest();
    fs.cpSync(BLOG, src, { recursive: true });
    for (const junk of [
      'node_modules/typeorm/index.js',
      '.git/HEAD',
      'dist/index.js',
      'build/manifest.json',
      'out/x.js',
      'src/nested/node_modules/x.js',
      '.codestore/dev/postgres/PG_VERSION',
    ]) {
      fs.mkdirSync(path.dirname(path.join(src, junk)), { recursive: true });
      fs.writeFileSync(path.join(src, junk), 'junk');
    }
    const { dest } = freshDest();
    const { files } = await extractArchive(await packServiceFolder(src), dest);
    assert.ok(
      files.every((f) => !/(^|\/)(node_modules|\.git|dist|build|out|\.codestore)\//.test(f)),
      files.join(', '),
    );
    assert.ok(files.includes('src/schema.graphql'));
  });

  it('refuses a symbolic link in the folder, and a folder without codestore.yaml', async () => {
    const { dest: src } = freshDest();
    fs.cpSync(BLOG, src, { recursive: true });
    fs.symlinkSync('/etc/passwd', path.join(src, 'src', 'passwd.ts'));
    await assert.rejects(packServiceFolder(src), (e: ArchiveError) => e.code === 'symlink' && e.entry === 'src/passwd.ts');
    await assert.rejects(packServiceFolder(path.join(BLOG, 'src')), (e: ArchiveError) => e.code === 'not-a-service-folder');
  });

  it('refuses to pack what the platform would refuse to unpack', async () => {
    await assert.rejects(packServiceFolder(BLOG, { limits: { maxEntries: 2 } }), (e: ArchiveError) => e.code === 'too-many-entries');
    await assert.rejects(packServiceFolder(BLOG, { limits: { maxEntryBytes: 10 } }), (e: ArchiveError) => e.code === 'entry-too-large');
  });
});

describe('extractArchive', () => {
  it('extracts a hand-made archive with directories, "./" prefixes and long pax paths', async () => {
    const long = `src/${'deep/'.repeat(25)}file.ts`;
    const { dest } = freshDest();
    const result = await extractArchive(
      tgz(dirEntry('./'), dirEntry('./src/'), ...ok(), pax({ path: long }), file('placeholder', 'long')),
      dest,
    );
    assert.deepEqual(result.files, ['codestore.yaml', 'src/schema.graphql', long]);
    assert.equal(fs.readFileSync(path.join(dest, long), 'utf8'), 'long');
    assert.equal(fs.statSync(path.join(dest, 'codestore.yaml')).mode & 0o777, 0o644);
  });

  it('refuses an existing destination and leaves it as it was', async () => {
    const { dest } = freshDest();
    fs.mkdirSync(dest);
    fs.writeFileSync(path.join(dest, 'keep'), 'mine');
    await assert.rejects(extractArchive(tgz(...ok()), dest), (e: ArchiveError) => e.code === 'destination-exists');
    assert.deepEqual(fs.readdirSync(dest), ['keep']);
  });

  describe('refuses malicious and malformed archives, writing nothing', () => {
    it('an absolute path', async () => {
      const outside = path.join(work, `abs-${process.pid}.txt`);
      await refused(tgz(...ok(), file(outside, 'pwned')), 'absolute-path', outside);
      assert.equal(fs.existsSync(outside), false);
    });

    it('a drive letter', async () => {
      await refused(tgz(...ok(), file('C:/Windows/evil.txt')), 'absolute-path', 'C:/Windows/evil.txt');
    });

    it('"../x"', async () => {
      await refused(tgz(...ok(), file('../x-escape.txt', 'pwned')), 'path-traversal', '../x-escape.txt');
      assert.equal(fs.existsSync(path.join(work, 'x-escape.txt')), false);
    });

    it('"a/../../x"', async () => {
      await refused(tgz(...ok(), file('a/../../x.txt', 'pwned')), 'path-traversal', 'a/../../x.txt');
    });

    it('a ".." segment that stays inside ("src/../codestore.yaml")', async () => {
      await refused(tgz(file('src/../codestore.yaml')), 'path-traversal', 'src/../codestore.yaml');
    });

    it('backslash traversal', async () => {
      await refused(tgz(...ok(), file('..\\..\\evil.txt', 'pwned')), 'backslash-path', '..\\..\\evil.txt');
      await refused(tgz(...ok(), file('src\\..\\..\\evil.txt')), 'backslash-path', 'src\\..\\..\\evil.txt');
      await refused(tgz(...ok(), file('C:\\evil.txt')), 'backslash-path', 'C:\\evil.txt');
    });

    it('a traversal hidden in a pax header', async () => {
      await refused(tgz(...ok(), pax({ path: '../pax-escape.txt' }), file('harmless.txt', 'pwned')), 'path-traversal', '../pax-escape.txt');
    });

    it('a traversal hidden in a GNU long name', async () => {
      await refused(
        tgz(...ok(), longName('../../gnu-escape.txt'), file('harmless.txt', 'pwned')),
        'path-traversal',
        '../../gnu-escape.txt',
      );
    });

    it('a symbolic link', async () => {
      await refused(tgz(...ok(), header({ path: 'src/passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' })), 'symlink', 'src/passwd');
    });

    it('a symbolic link then a file through it', async () => {
      await refused(tgz(header({ path: 'src', type: 'SymbolicLink', linkpath: '/tmp' }), file('src/evil.txt')), 'symlink', 'src');
    });

    it('a file given a link target by a pax header', async () => {
      await refused(tgz(...ok(), pax({ linkpath: '/etc/passwd' }), file('src/x.ts', '')), 'unsupported-entry', 'src/x.ts');
    });

    it('a hard link', async () => {
      await refused(tgz(...ok(), header({ path: 'src/hl', type: 'Link', linkpath: '/etc/shadow' })), 'hardlink', 'src/hl');
    });

    it('a character device, a block device and a FIFO', async () => {
      await refused(tgz(...ok(), header({ path: 'dev/null', type: 'CharacterDevice', devmaj: 1, devmin: 3 })), 'device', 'dev/null');
      await refused(tgz(...ok(), header({ path: 'dev/sda', type: 'BlockDevice', devmaj: 8, devmin: 0 })), 'device', 'dev/sda');
      await refused(tgz(...ok(), header({ path: 'src/pipe', type: 'FIFO' })), 'fifo', 'src/pipe');
    });

    it('an entry type the platform does not know', async () => {
      const block = header({ path: 'src/sparse', size: 0 });
      block[156] = 'S'.charCodeAt(0); // GNU sparse file
      // Fix the checksum for the changed type flag.
      block.fill(0x20, 148, 156);
      let sum = 0;
      for (const b of block) sum += b;
      block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
      await refused(tgz(...ok(), block), 'unsupported-entry', 'src/sparse');
    });

    it('a huge entry (header size over the limit, no data needed)', async () => {
      await refused(tgz(...ok(), header({ path: 'src/huge.bin', size: 10 * 1024 * 1024 * 1024 })), 'entry-too-large', 'src/huge.bin');
    });

    it('an entry over a lowered per-file limit', async () => {
      await refused(tgz(...ok(), file('src/big.ts', Buffer.alloc(2000, 'a'))), 'entry-too-large', 'src/big.ts', { maxEntryBytes: 1000 });
    });

    it('too many entries', async () => {
      const many = Array.from({ length: 11 }, (_, i) => file(`src/f${i}.ts`, 'x'));
      await refused(tgz(...many), 'too-many-entries', undefined, { maxEntries: 10 });
    });

    it('more bytes unpacked than allowed', async () => {
      const files = Array.from({ length: 4 }, (_, i) => file(`src/f${i}.ts`, Buffer.alloc(1000, 'a')));
      await refused(tgz(...files), 'too-large', undefined, { maxTotalBytes: 3000 });
    });

    it('a gzip bomb (stops decompressing at the limit)', async () => {
      const bomb = zlib.gzipSync(tar(file('src/zeros.bin', Buffer.alloc(8 * 1024 * 1024))));
      assert.ok(bomb.length < 64 * 1024);
      await refused(bomb, 'too-large', undefined, { maxTotalBytes: 100_000, maxEntries: 10 });
    });

    it('a compressed archive over the size limit', async () => {
      await refused(tgz(...ok()), 'archive-too-large', undefined, { maxArchiveBytes: 10 });
    });

    it('not gzip: a plain tar, random bytes, nothing', async () => {
      await refused(tar(...ok()), 'not-gzip');
      await refused(Buffer.from('PK\x03\x04 this is a zip'), 'not-gzip');
      await refused(Buffer.alloc(0), 'not-gzip');
    });

    it('a truncated gzip stream', async () => {
      const whole = tgz(...ok(), file('src/a.ts', Buffer.alloc(5000, 'q')));
      await refused(whole.subarray(0, Math.floor(whole.length / 2)), 'truncated');
      await refused(whole.subarray(0, 12), 'truncated');
    });

    it('a corrupted gzip stream', async () => {
      const whole = Buffer.from(tgz(...ok(), file('src/a.ts', 'export default () => 1;\n')));
      whole[whole.length - 6] ^= 0xff; // the CRC
      await refused(whole, 'malformed');
    });

    it('a tar stream cut inside an entry', async () => {
      const t = tar(...ok(), file('src/a.ts', Buffer.alloc(5000, 'q')));
      await refused(zlib.gzipSync(t.subarray(0, 2048 + 512 + 1000)), 'truncated', 'src/a.ts');
      await refused(zlib.gzipSync(t.subarray(0, 2048 + 300)), 'truncated');
    });

    it('gzip holding something that is not a tar', async () => {
      await refused(zlib.gzipSync(Buffer.from('just some text, not a tar archive at all\n'.repeat(40))), 'malformed');
      await refused(zlib.gzipSync(Buffer.alloc(0)), 'malformed');
    });

    it('a header with a bad checksum', async () => {
      const bad = file('src/a.ts', 'x');
      bad[0] ^= 0x01;
      await refused(tgz(...ok(), bad), 'malformed');
    });

    it('an archive compressed twice', async () => {
      await refused(zlib.gzipSync(tgz(...ok())), 'malformed');
    });

    it('the same path twice', async () => {
      await refused(tgz(...ok(), file('src/a.ts', '1'), file('src/a.ts', '2')), 'duplicate-entry', 'src/a.ts');
    });

    it('a file below a file, and a file where a directory is', async () => {
      await refused(tgz(...ok(), file('src/a', '1'), file('src/a/b.ts', '2')), 'conflicting-entry', 'src/a/b.ts');
      await refused(tgz(...ok(), file('src/a/b.ts', '1'), file('src/a', '2')), 'conflicting-entry', 'src/a');
      await refused(tgz(...ok(), dirEntry('src/lib/'), file('src/lib', '2')), 'conflicting-entry', 'src/lib');
    });

    it('control characters and colons in paths', async () => {
      await refused(tgz(...ok(), file('src/a\u0001.ts')), 'invalid-path');
      await refused(tgz(...ok(), file('src/a.ts:stream')), 'invalid-path', 'src/a.ts:stream');
    });

    it('the refusal comes before anything is written, even when good entries came first', async () => {
      const good = Array.from({ length: 20 }, (_, i) => file(`src/ok${i}.ts`, 'export {};\n'));
      await refused(tgz(...ok(), ...good, file('../late-escape.txt')), 'path-traversal', '../late-escape.txt');
    });
  });

  it('has sensible default limits', () => {
    assert.ok(DEFAULT_ARCHIVE_LIMITS.maxEntries >= 1000);
    assert.ok(DEFAULT_ARCHIVE_LIMITS.maxTotalBytes >= DEFAULT_ARCHIVE_LIMITS.maxEntryBytes);
  });
});
