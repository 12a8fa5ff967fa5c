// Part 2 of the code generation benchmark: edit → disk in the warm language server. The server
// runs on a service folder that already has a committed migration and snapshot; it opens the
// schema, settles (its first generation writes nothing new), and then gets one-field edits as
// incremental didChange notifications, each on another entity. Per edit: didChange sent → the
// entity file contains the new field, → src/data/pending-migration.ts contains the new column,
// → publishDiagnostics for that version; and the server's CPU time for the edit.
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { URI } from 'vscode-uri';
import { BenchClient, Published } from './lsp-client';
import { applyFieldEdit, fieldEdit, FieldEdit, sleep, waitForContents } from './codegen-setup';
import { filesUnder } from './machine';

export const PENDING = 'src/data/pending-migration.ts';

export interface ServerEditSample {
  entity: string;
  field: string;
  type: string;
  /** didChange sent → ..., ms; undefined when it did not happen within the timeout. */
  entityMs?: number;
  pendingMs?: number;
  diagnosticsMs?: number;
  /** Server CPU (user + system) from the didChange until it went idle, ms. */
  cpuMs?: number;
  /** Files the server said it wrote for this edit (its `codestore: generated ...` log line). */
  written?: string[];
}

export interface ServerRun {
  label: string;
  status: 'ok' | 'partial' | 'failed';
  problems: string[];
  initializeMs?: number;
  /** didOpen → first publishDiagnostics; didOpen → server idle (initial generation settled). */
  openMs?: number;
  settledMs?: number;
  /** Files the initial generation changed (it should change none: the folder was generated). */
  initialChanges?: string[];
  edits: ServerEditSample[];
  memoryMb?: { rss: number; hwm: number };
  /** process.hrtime (µs) at the first didChange and after the last edit: the profile window. */
  window?: { startUs: number; endUs: number };
  stderrTail?: string;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

function snapshotMtimes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of filesUnder(path.join(dir, 'src/data'))) out.set(path.relative(dir, p), fs.statSync(p).mtimeMs);
  return out;
}

export async function serverEdits(opts: {
  label: string;
  server: string;
  dir: string;
  /** Entities to edit, one edit each, in order. */
  entities: string[];
  fieldPrefix?: string;
  timeouts: { initialize: number; open: number; settle: number; edit: number };
  deadline: number;
  /** Extra node arguments (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Wait this long for a clean exit after shutdown (a --cpu-prof profile is written on exit). */
  gracefulExitMs?: number;
}): Promise<ServerRun> {
  const result: ServerRun = { label: opts.label, status: 'ok', problems: [], edits: [] };
  const file = path.join(opts.dir, 'src/schema.graphql');
  const uri = URI.file(file).toString();
  const rootUri = URI.file(opts.dir).toString();
  const before = snapshotMtimes(opts.dir);
  const client = new BenchClient({
    label: 'codestore',
    command: process.execPath,
    args: [...(opts.nodeArgs ?? []), opts.server, '--stdio'],
    cwd: opts.dir,
  });
  const logs: string[] = [];
  client.connection.onNotification('window/logMessage', (p: { message: string }) => {
    logs.push(p.message);
  });
  try {
    let t0 = performance.now();
    await client.request(
      'initialize',
      {
        processId: process.pid,
        clientInfo: { name: 'codestore-codegen-bench' },
        rootUri,
        rootPath: opts.dir,
        workspaceFolders: [{ uri: rootUri, name: path.basename(opts.dir) }],
        capabilities: {
          workspace: { workspaceFolders: true, configuration: true },
          textDocument: { synchronization: { didSave: false, dynamicRegistration: false }, publishDiagnostics: { versionSupport: true } },
        },
        initializationOptions: { codegenDelayMs: 0, debounceMs: 0, codegen: 'onType' },
      },
      opts.timeouts.initialize,
    );
    result.initializeMs = performance.now() - t0;
    client.notify('initialized', {});

    let text = fs.readFileSync(file, 'utf8');
    let version = 1;
    t0 = performance.now();
    const opened = client.nextDiagnostics((p) => p.uri === uri, opts.timeouts.open);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'graphql', version, text } });
    const first = await opened;
    if (!first) {
      result.status = 'failed';
      result.problems.push(
        client.exited
          ? `server ${client.exitInfo} before its first diagnostics`
          : `no publishDiagnostics within ${opts.timeouts.open} ms of didOpen`,
      );
      return result;
    }
    result.openMs = first.at - t0;
    const errors = first.params.diagnostics.filter((d) => d.severity === 1);
    if (errors.length)
      result.problems.push(`the opened schema has ${errors.length} error(s) (first: ${errors[0].message}); the server will not generate`);
    // The initial generation (and the lazily loaded planner's second pass) must be over before the
    // first edit: nothing published for a while and no CPU used for a while.
    await client.settle(300, opts.timeouts.settle);
    if (!(await client.idle(300, opts.timeouts.settle)))
      result.problems.push(`the server was still busy ${opts.timeouts.settle} ms after opening; edits started anyway`);
    result.settledMs = performance.now() - t0;
    const after = snapshotMtimes(opts.dir);
    result.initialChanges = [...after.keys()].filter((k) => before.get(k) !== after.get(k)).sort();

    let consecutiveMisses = 0;
    result.window = { startUs: nowUs(), endUs: 0 };
    for (const [i, entity] of opts.entities.entries()) {
      if (performance.now() > opts.deadline) {
        result.status = 'partial';
        result.problems.push(`time budget ran out after ${i} of ${opts.entities.length} edits`);
        break;
      }
      const edit: FieldEdit = fieldEdit(text, entity, i + 1, opts.fieldPrefix);
      text = applyFieldEdit(text, edit);
      const v = ++version;
      const sample: ServerEditSample = { entity, field: edit.field, type: edit.type };
      const diagnostics = client.nextDiagnostics((p) => p.uri === uri && p.version === v, opts.timeouts.edit);
      const onDisk = waitForContents(
        [
          { file: path.join(opts.dir, 'src/data/entities', `${entity}.ts`), needle: `${edit.field}` },
          { file: path.join(opts.dir, PENDING), needle: `"${edit.field}"` },
        ],
        opts.timeouts.edit,
      );
      const logsBefore = logs.length;
      const cpu0 = client.cpuMs();
      const sent = performance.now();
      client.notify('textDocument/didChange', {
        textDocument: { uri, version: v },
        contentChanges: [{ range: { start: { line: edit.line, character: 0 }, end: { line: edit.line, character: 0 } }, text: edit.text }],
      });
      const [[entityAt, pendingAt], published] = (await Promise.all([onDisk, diagnostics])) as [
        Array<number | undefined>,
        Published | undefined,
      ];
      if (entityAt !== undefined) sample.entityMs = entityAt - sent;
      if (pendingAt !== undefined) sample.pendingMs = pendingAt - sent;
      if (published) sample.diagnosticsMs = published.at - sent;
      // Whatever the server still does for this edit (a second publish, the plan) is its CPU.
      await client.idle(100, 5000);
      const cpu1 = client.cpuMs();
      if (cpu0 !== undefined && cpu1 !== undefined) sample.cpuMs = cpu1 - cpu0;
      for (const line of logs.slice(logsBefore)) {
        const m = /^codestore: generated (.*)$/.exec(line);
        if (m) (sample.written ??= []).push(...m[1].split(', '));
      }
      result.edits.push(sample);
      if (client.exited) {
        result.status = 'failed';
        result.problems.push(`server ${client.exitInfo} during the edits`);
        break;
      }
      if (sample.entityMs === undefined || sample.pendingMs === undefined) {
        consecutiveMisses++;
        if (published && published.params.diagnostics.some((d) => d.severity === 1)) {
          result.problems.push(
            `edit ${i + 1} (${entity}.${edit.field}) made the schema invalid: ${published.params.diagnostics.find((d) => d.severity === 1)!.message}`,
          );
        }
        if (consecutiveMisses >= 3) {
          result.status = 'partial';
          result.problems.push(`${consecutiveMisses} edits in a row did not reach disk within ${opts.timeouts.edit} ms; stopped`);
          break;
        }
      } else consecutiveMisses = 0;
      await sleep(20);
    }
    result.window.endUs = nowUs();
    const missed = result.edits.filter((e) => e.entityMs === undefined || e.pendingMs === undefined).length;
    if (missed) {
      if (result.status === 'ok') result.status = 'partial';
      result.problems.push(`${missed} of ${result.edits.length} edits did not reach disk within ${opts.timeouts.edit} ms`);
    }
    const memory = client.memory();
    if (memory) result.memoryMb = { rss: memory.rssMb, hwm: memory.hwmMb };
    return result;
  } catch (e) {
    result.status = 'failed';
    result.problems.push((e as Error).message.split('\n')[0]);
    return result;
  } finally {
    if (result.status === 'failed') result.stderrTail = client.stderr().slice(-1500);
    if (opts.gracefulExitMs && !client.exited) {
      try {
        await client.request('shutdown', null, 5000);
      } catch {
        /* stopped below */
      }
      try {
        client.notify('exit', null);
      } catch {
        /* gone */
      }
      const until = performance.now() + opts.gracefulExitMs;
      while (!client.exited && performance.now() < until) await sleep(25);
    }
    await client.stop();
  }
}
