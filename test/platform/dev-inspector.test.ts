// Debugging a resolver: `codestore dev --inspect` runs the service process under Node's inspector,
// and this test is the debugger. Over the Chrome DevTools Protocol it finds the resolver's built
// script, reads its source map (which must name the service's own `.ts` file), sets a breakpoint
// at a `.ts` line mapped to the built line, as VS Code does, calls the query over HTTP and sees
// the process pause there; it pauses again at the same `.ts` line after the resolver is edited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import { SourceMap } from 'module';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { CdpClient } from '../helpers/cdp';
import { BLOG, PUSH_BLOG } from './helpers/service';
import { testDirectory } from './helpers/platform';
import { DevProcess, eventually, graphql, startDev } from './helpers/dev';

interface Script {
  scriptId: string;
  url: string;
  sourceMapURL: string;
}

/** The script's source map as the debugger reads it, and the `.ts` files it names (absolute URLs). */
function sourceMapOf(script: Script): { map: SourceMap; sources: string[]; sourceRoot: string } {
  const file = fileURLToPath(new URL(script.sourceMapURL, script.url));
  const payload = JSON.parse(fs.readFileSync(file, 'utf8'));
  const sources = (payload.sources as string[]).map((s) => new URL((payload.sourceRoot ?? '') + s, script.url).href);
  return { map: new SourceMap(payload), sources, sourceRoot: payload.sourceRoot ?? '' };
}

/** The first built position (0-based) that maps to the 1-based `.ts` line. */
function builtPosition(map: SourceMap, tsLine: number): { lineNumber: number; columnNumber: number } {
  for (let line = 0; line < 500; line++) {
    for (let column = 0; column < 200; column++) {
      const entry = map.findEntry(line, column) as { originalLine?: number; generatedLine?: number; generatedColumn?: number };
      if (entry.originalLine === tsLine - 1 && entry.generatedLine === line)
        return { lineNumber: entry.generatedLine, columnNumber: entry.generatedColumn! };
    }
  }
  throw new Error(`no built position maps to .ts line ${tsLine}`);
}

describe('codestore dev --inspect: a breakpoint at a resolver .ts line', () => {
  let tmp: string;
  let dir: string;
  let dev: DevProcess;
  let cdp: CdpClient;
  const resolverFile = () => path.join(dir, 'src/resolvers/queries/allPosts.ts');

  before(async () => {
    tmp = testDirectory('codestore-dev-inspect-');
    dir = path.join(tmp, 'blog');
    fs.cpSync(BLOG, dir, { recursive: true });
    fs.cpSync(path.join(PUSH_BLOG, 'src'), path.join(dir, 'src'), { recursive: true });
    dev = await startDev(dir, ['--inspect', '127.0.0.1:0']);
    const ws = await eventually('the inspector URL', async () => /Debugger listening on (ws:\/\/\S+)/.exec(dev.stderr())?.[1]);
    cdp = await CdpClient.connect(ws);
    await cdp.send('Debugger.enable');
    await cdp.send('Runtime.enable');
  });

  after(async () => {
    cdp?.close();
    if (dev && dev.proc.exitCode === null && dev.proc.signalCode === null) {
      const exited = new Promise((r) => dev.proc.once('exit', r));
      dev.proc.kill('SIGINT');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The built allPosts.js last parsed, whose map names the service's own allPosts.ts. */
  async function resolverScript(after = 0): Promise<Script> {
    const want = pathToFileURL(resolverFile()).href;
    return eventually('the resolver script parsed', async () => {
      const scripts = cdp.events
        .slice(after)
        .filter((e) => e.method === 'Debugger.scriptParsed' && /\/src\/resolvers\/queries\/allPosts\.js$/.test(e.params.url));
      const last = scripts[scripts.length - 1]?.params as Script | undefined;
      if (!last?.sourceMapURL) return undefined;
      assert.deepEqual(sourceMapOf(last).sources, [want], 'the source map names the .ts file in the service folder');
      return last;
    });
  }

  async function pauseAt(tsLine: number, script: Script): Promise<void> {
    const { map, sourceRoot } = sourceMapOf(script);
    const at = builtPosition(map, tsLine);
    const bp = await cdp.send('Debugger.setBreakpointByUrl', { url: script.url, ...at });
    const events = cdp.events.length;
    const answer = graphql(dev.url, '{ allPosts { id } }');
    const paused = await eventually(
      'paused after the call',
      async () => cdp.events.slice(events).find((x) => x.method === 'Debugger.paused')?.params,
    );
    const frame = paused.callFrames[0];
    await cdp.send('Debugger.removeBreakpoint', { breakpointId: bp.breakpointId });
    await cdp.send('Debugger.resume');
    assert.equal(frame.location.scriptId, script.scriptId);
    const original = map.findEntry(frame.location.lineNumber, frame.location.columnNumber) as {
      originalLine: number;
      originalSource: string;
    };
    assert.equal(original.originalLine + 1, tsLine, 'paused at the .ts line of the breakpoint');
    // Node's SourceMap leaves sourceRoot to its reader, as a debugger applies it.
    assert.equal(new URL(sourceRoot + path.basename(original.originalSource), script.url).href, pathToFileURL(resolverFile()).href);
    const r = await answer;
    assert.ok(Array.isArray(r.data?.allPosts), JSON.stringify(r));
  }

  it('pauses at the line of allPosts.ts that reads the posts', async () => {
    const line =
      fs
        .readFileSync(resolverFile(), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('getRepository(Post)')) + 1;
    assert.ok(line > 0);
    await pauseAt(line, await resolverScript());
  });

  it('pauses there again after the resolver is edited and reloaded', async () => {
    const events = cdp.events.length;
    const output = dev.stdout().length;
    const text = fs.readFileSync(resolverFile(), 'utf8');
    // Two lines more above it: the same statement, at another .ts line, in a new build.
    fs.writeFileSync(resolverFile(), `// edited\n// twice\n${text}`);
    const line = text.split('\n').findIndex((l) => l.includes('getRepository(Post)')) + 3;
    const script = await resolverScript(events);
    // Parsed is not yet served: the new build serves once the reload says so.
    await eventually('the reload', async () => (dev.stdout().slice(output).includes('Reloaded in') ? true : undefined));
    await pauseAt(line, script);
  });
});
