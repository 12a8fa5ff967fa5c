// What `codestore dev` reads from codestore.yaml's `localConfiguration` (platform/src/dev/config.ts):
// the original code.store CLI's database mapping and port, a postgres:// URL, and clear errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_DEV_PORT, devConfigOf, devFolder } from '../../platform/src/dev/config';

const REPO = path.resolve(__dirname, '..', '..');

describe('codestore dev: localConfiguration', () => {
  it("reads the original blog's codestore.yaml: its database and port", () => {
    const text = fs.readFileSync(path.join(REPO, 'test/fixtures/original-blog/codestore.yaml'), 'utf8');
    assert.deepEqual(devConfigOf(text), {
      port: 3000,
      database: { url: 'postgres://postgres:postgres@localhost:5432/blog', label: 'localhost:5432/blog' },
    });
  });

  it('application.port is the port; without localConfiguration, 3000 and no database', () => {
    assert.deepEqual(devConfigOf('serviceId: x\nlocalConfiguration:\n  application:\n    port: 4100\n'), {
      port: 4100,
      database: undefined,
    });
    assert.deepEqual(devConfigOf('serviceId: x\n'), { port: DEFAULT_DEV_PORT });
  });

  it('takes a postgres:// URL, and encodes what a mapping gives', () => {
    assert.equal(devConfigOf('localConfiguration:\n  database: postgres://u:p@db:6543/app\n').database?.label, 'db:6543/app');
    const odd = devConfigOf('localConfiguration:\n  database:\n    host: h\n    database: d\n    username: "a@b"\n    password: "p/w:"\n');
    assert.equal(odd.database?.url, 'postgres://a%40b:p%2Fw%3A@h:5432/d');
  });

  it('says what to fix', () => {
    assert.throws(
      () => devConfigOf('localConfiguration:\n  application:\n    port: web\n'),
      /application\.port .* must be a port number, not "web"/,
    );
    assert.throws(
      () => devConfigOf('localConfiguration:\n  database:\n    host: h\n'),
      /localConfiguration\.database\.database .* is missing/,
    );
    assert.throws(() => devConfigOf('localConfiguration:\n  database:\n    type: mysql\n    database: d\n'), /"mysql" is not supported/);
    assert.throws(() => devConfigOf('localConfiguration: 3\n'), /must be a mapping/);
    assert.throws(() => devConfigOf('a: [\n'), /not valid YAML/);
  });

  it('.codestore/ ignores itself for git', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-dev-config-'));
    try {
      const made = devFolder(dir);
      assert.equal(made, path.join(dir, '.codestore'));
      assert.match(fs.readFileSync(path.join(made, '.gitignore'), 'utf8'), /^\*$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
