// The extension's TypeScript server plugin in a real tsserver (the repository's TypeScript), over
// its stdio protocol: in a generated service folder without node_modules, a resolver shows its own
// type error and nothing about typeorm, graphql or Node; without the plugin the same folder is a
// wall of "Cannot find module". Needs dist/ts-plugin.js (`npm run build`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { copyFolder, fixture, tempDir } from './support';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const PLUGIN = path.join(REPO_ROOT, 'dist', 'ts-plugin.js');
const TSSERVER = path.join(REPO_ROOT, 'node_modules', 'typescript', 'lib', 'tsserver.js');

interface Diagnostic {
  text: string;
  start: { line: number; offset: number };
}

/** A tsserver over stdio; `plugins` probes `probeDir` for codestore-ts-plugin. */
class TsServer {
  private readonly child: ChildProcess;
  private buffer = Buffer.alloc(0);
  private seq = 0;
  private readonly pending = new Map<number, (body: unknown) => void>();
  /** The text of each open file, as the server has it. */
  private readonly texts = new Map<string, string>();

  constructor(probeDir: string | undefined) {
    const args = [TSSERVER, '--disableAutomaticTypingAcquisition', '--useInferredProjectPerProjectRoot'];
    if (probeDir) args.push('--globalPlugins', 'codestore-ts-plugin', '--pluginProbeLocations', probeDir);
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = /^Content-Length: (\d+)\r\n\r\n/.exec(this.buffer.toString('latin1', 0, Math.min(this.buffer.length, 64)));
      if (!header) return;
      const start = header[0].length;
      const length = Number(header[1]);
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.toString('utf8', start, start + length)) as {
        type: string;
        request_seq?: number;
        body?: unknown;
        success?: boolean;
        message?: string;
      };
      this.buffer = this.buffer.subarray(start + length);
      if (message.type === 'response' && message.request_seq !== undefined) {
        const done = this.pending.get(message.request_seq);
        this.pending.delete(message.request_seq);
        done?.(message.success === false ? new Error(message.message) : message.body);
      }
    }
  }

  request<T>(command: string, args: unknown): Promise<T> {
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, (body) => (body instanceof Error ? reject(body) : resolve(body as T)));
      this.child.stdin!.write(JSON.stringify({ seq, type: 'request', command, arguments: args }) + '\n');
    });
  }

  /** Opens `file` and returns its syntactic and semantic diagnostics. */
  async diagnostics(file: string): Promise<Diagnostic[]> {
    const text = fs.readFileSync(file, 'utf8');
    this.texts.set(file, text);
    await this.request('updateOpen', { openFiles: [{ file, fileContent: text }] });
    const syntactic = await this.request<Diagnostic[]>('syntacticDiagnosticsSync', { file });
    const semantic = await this.request<Diagnostic[]>('semanticDiagnosticsSync', { file });
    return [...syntactic, ...semantic];
  }

  /** Replaces an open file's text (as an editor does) and returns its semantic diagnostics. */
  async change(file: string, text: string): Promise<Diagnostic[]> {
    const lines = (this.texts.get(file) ?? '').split('\n');
    const end = { line: lines.length, offset: lines[lines.length - 1].length + 1 };
    await this.request('updateOpen', {
      changedFiles: [{ fileName: file, textChanges: [{ start: { line: 1, offset: 1 }, end, newText: text }] }],
    });
    this.texts.set(file, text);
    return this.request<Diagnostic[]>('semanticDiagnosticsSync', { file });
  }

  stop(): void {
    this.child.kill();
  }
}

describe('the TypeScript server plugin, in a service folder without node_modules', () => {
  let tmp: string;
  let folder: string;
  let probe: string;
  const servers: TsServer[] = [];

  before(() => {
    assert.ok(fs.existsSync(PLUGIN), `${PLUGIN} is missing: run \`npm run build\``);
    tmp = tempDir('ts-plugin');
    folder = copyFolder(fixture('blog'), path.join(tmp, 'blog'));
    copyFolder(fixture('push-blog/src'), path.join(folder, 'src'));
    const gen = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'cli', 'src', 'cli.ts'), 'generate', folder], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    assert.equal(gen.status, 0, `${gen.stdout}${gen.stderr}`);
    assert.ok(fs.existsSync(path.join(folder, 'tsconfig.json')));
    assert.ok(!fs.existsSync(path.join(folder, 'node_modules')));
    // Where the .vsix has it: node_modules/codestore-ts-plugin requiring dist/ts-plugin.js.
    probe = path.join(tmp, 'probe');
    fs.mkdirSync(path.join(probe, 'node_modules', 'codestore-ts-plugin'), { recursive: true });
    fs.writeFileSync(
      path.join(probe, 'node_modules', 'codestore-ts-plugin', 'package.json'),
      '{ "name": "codestore-ts-plugin", "main": "index.js" }\n',
    );
    fs.writeFileSync(
      path.join(probe, 'node_modules', 'codestore-ts-plugin', 'index.js'),
      `module.exports = require(${JSON.stringify(PLUGIN)});\n`,
    );
  });

  after(() => {
    for (const s of servers) s.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const files = () => [
    path.join(folder, 'src', 'resolvers', 'queries', 'allPosts.ts'),
    path.join(folder, 'src', 'data', 'entities', 'Post.ts'),
    path.join(folder, 'src', 'data', 'resolverTypes.ts'),
    path.join(folder, 'src', 'data', 'data-source.ts'),
  ];

  it('without the plugin: typeorm and graphql cannot be found', async () => {
    const server = new TsServer(undefined);
    servers.push(server);
    const texts = (await Promise.all(files().map((f) => server.diagnostics(f)))).flat().map((d) => d.text);
    assert.ok(
      texts.some((t) => /Cannot find module 'typeorm'/.test(t)),
      texts.join('\n'),
    );
    assert.ok(
      texts.some((t) => /Cannot find module 'graphql'/.test(t)),
      texts.join('\n'),
    );
  });

  it('with it: no error in generated files or resolvers; a type error in a resolver shows, and goes when fixed', async () => {
    const server = new TsServer(probe);
    servers.push(server);
    for (const file of files())
      assert.deepEqual(
        (await server.diagnostics(file)).map((d) => d.text),
        [],
        file,
      );

    const resolver = files()[0];
    const good = fs.readFileSync(resolver, 'utf8');
    const shown = await server.change(resolver, `${good}\nexport const wrong: number = 'not a number';\n`);
    assert.deepEqual(
      shown.map((d) => `${d.start.line}: ${d.text}`),
      [`${good.split('\n').length + 1}: Type 'string' is not assignable to type 'number'.`],
    );
    // A resolver that misuses an entity's column is caught too: the types are typeorm's own.
    const misuse = await server.change(resolver, good.replace("order: { id: 'ASC' }", "order: { id: 'UP' }"));
    assert.equal(misuse.length, 1, misuse.map((d) => d.text).join('\n'));
    assert.deepEqual(await server.change(resolver, good), []);
  });
  it('after `npm install` (node_modules appears) the folder resolves its own packages, and the stand-in goes', async () => {
    const server = new TsServer(probe);
    servers.push(server);
    const resolver = files()[0];
    assert.deepEqual(await server.diagnostics(resolver), []);
    const program = async () =>
      (await server.request<{ fileNames: string[] }>('projectInfo', { file: resolver, needFileNameList: true })).fileNames;
    const standIn = (names: string[]) => names.some((f) => f.endsWith(path.join('ts-plugin', 'node-globals', 'index.d.ts')));
    assert.ok(standIn(await program()), 'Node globals come from the stand-in');

    // What npm install leaves: the declared packages (here: links to this repository's copies).
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const name of [...Object.keys(manifest.dependencies), ...Object.keys(manifest.devDependencies)]) {
      fs.mkdirSync(path.dirname(path.join(folder, 'node_modules', name)), { recursive: true });
      fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', name), path.join(folder, 'node_modules', name), 'dir');
    }
    // tsserver notices through its file watchers: ask again until it has (bounded).
    const deadline = Date.now() + 60_000;
    let names = await program();
    while (standIn(names) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      names = await program();
    }
    assert.ok(!standIn(names), 'the stand-in is gone once @types/node is installed');
    assert.ok(
      names.some((f) => /[\\/]@types[\\/]node[\\/]/.test(f)),
      '@types/node is in the program',
    );
    assert.deepEqual(
      (await server.diagnostics(resolver)).map((d) => d.text),
      [],
    );
  });
});
