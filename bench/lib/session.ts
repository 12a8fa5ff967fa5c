// One measured session: one server process, one schema document. Opens it, waits for the first
// diagnostics, replays the edit script (didChange -> publishDiagnostics latency), runs completion
// requests, reads the process's memory, and shuts it down. Never hangs: every wait has a timeout,
// and a server that stops answering ends the session with a status saying so.
import * as path from 'path';
import { performance } from 'perf_hooks';
import { URI } from 'vscode-uri';
import { applyEdit, Edit, EditKind } from './edits';
import { BenchClient, Position, Published, ServerCommand, sleep, TimeoutError } from './lsp-client';

export interface SessionPlan {
  server: ServerCommand;
  /** Workspace root (the rootUri / workspace folder). */
  root: string;
  /** Absolute path of the schema document to open. */
  file: string;
  text: string;
  edits: Edit[];
  /** Completion positions for the text the server holds after the edits (fewer edits may have run). */
  completions: (text: string) => Position[];
  initializationOptions?: unknown;
  /** Pause after each edit's diagnostics arrived before the next edit (typing cadence), ms. */
  pauseMs: number;
  /** Absolute deadline (performance.now()) for the edits and for the completions. */
  editsDeadline: number;
  completionsDeadline: number;
  timeouts: { initialize: number; open: number; change: number; completion: number };
}

export interface EditSample {
  kind: EditKind;
  line: number;
  version: number;
  /** didChange sent -> matching publishDiagnostics arrived, ms; null when none arrived in time. */
  ms: number | null;
  diagnostics?: number;
  /** Whether the publish carried a `version` (so it was matched by version, not by arrival). */
  versioned?: boolean;
  firstMessage?: string;
  expectError: boolean;
}

export interface CompletionSample {
  line: number;
  character: number;
  ms: number | null;
  items?: number;
  error?: string;
}

export interface SessionResult {
  label: string;
  /** ok | partial (budget ran out) | not answering | failed */
  status: 'ok' | 'partial' | 'not answering' | 'failed';
  problems: string[];
  syncKind: 'full' | 'incremental' | 'none';
  serverInfo?: string;
  initializeMs?: number;
  openMs?: number | null;
  openDiagnostics?: number;
  openFirstMessages?: string[];
  edits: EditSample[];
  completions: CompletionSample[];
  memory?: { rssMb: number; hwmMb: number };
  /** CPU time the server process used (user + system, ms): during the edits, during the completions. */
  cpu?: { editsMs?: number; completionsMs?: number };
  /** Published diagnostics the server sent that no edit was waiting for (other URIs included). */
  publishCount: number;
  stderrTail?: string;
}

const MAX_CONSECUTIVE_TIMEOUTS = 3;

export async function runSession(plan: SessionPlan): Promise<SessionResult> {
  const result: SessionResult = {
    label: plan.server.label,
    status: 'ok',
    problems: [],
    syncKind: 'none',
    edits: [],
    completions: [],
    publishCount: 0,
  };
  const client = new BenchClient(plan.server);
  const uri = URI.file(plan.file).toString();
  const rootUri = URI.file(plan.root).toString();
  try {
    // initialize
    let t0 = performance.now();
    const init = await client.request<{
      capabilities: { textDocumentSync?: number | { change?: number } };
      serverInfo?: { name: string; version?: string };
    }>(
      'initialize',
      {
        processId: process.pid,
        clientInfo: { name: 'codestore-bench' },
        rootUri,
        rootPath: plan.root,
        workspaceFolders: [{ uri: rootUri, name: path.basename(plan.root) }],
        capabilities: {
          workspace: { workspaceFolders: true, configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
          textDocument: {
            synchronization: { didSave: false, dynamicRegistration: false },
            publishDiagnostics: { versionSupport: true, relatedInformation: true },
            completion: { completionItem: { snippetSupport: false } },
          },
        },
        initializationOptions: plan.initializationOptions,
      },
      plan.timeouts.initialize,
    );
    result.initializeMs = performance.now() - t0;
    const sync = init.capabilities.textDocumentSync;
    const change = typeof sync === 'number' ? sync : sync?.change;
    result.syncKind = change === 2 ? 'incremental' : change === 1 ? 'full' : 'none';
    if (init.serverInfo) result.serverInfo = `${init.serverInfo.name} ${init.serverInfo.version ?? ''}`.trim();
    client.notify('initialized', {});

    // open
    let text = plan.text;
    let version = 1;
    t0 = performance.now();
    const opened = client.nextDiagnostics((p) => p.uri === uri, plan.timeouts.open);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'graphql', version, text } });
    const first = await opened;
    if (!first) {
      result.openMs = null;
      result.status = client.exited ? 'failed' : 'not answering';
      result.problems.push(
        client.exited
          ? `server ${client.exitInfo} before publishing diagnostics for the opened document`
          : `no publishDiagnostics within ${plan.timeouts.open} ms of didOpen`,
      );
      return result;
    }
    result.openMs = first.at - t0;
    result.openDiagnostics = first.params.diagnostics.length;
    result.openFirstMessages = first.params.diagnostics.slice(0, 3).map((d) => d.message);
    // Anything the server still does after the first publish (a second pass, code generation)
    // is not an edit's cost: wait until it published nothing for a while and used no CPU.
    await client.settle(300, 5000);
    if (!(await client.idle(300, 15_000)))
      result.problems.push('the server was still busy 15 s after the first diagnostics; edits started anyway');

    // edits
    result.cpu = {};
    const cpuBeforeEdits = client.cpuMs();
    let consecutiveTimeouts = 0;
    for (const edit of plan.edits) {
      if (performance.now() > plan.editsDeadline) {
        result.status = 'partial';
        result.problems.push(`time budget for edits ran out after ${result.edits.length} of ${plan.edits.length} edits`);
        break;
      }
      version++;
      text = applyEdit(text, edit);
      const v = version;
      const waiting = client.nextDiagnostics((p) => p.uri === uri && (p.version === undefined || p.version === v), plan.timeouts.change);
      const contentChanges = result.syncKind === 'full' ? [{ text }] : [{ range: edit.range, text: edit.text }];
      t0 = performance.now();
      client.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges });
      const got: Published | undefined = await waiting;
      const sample: EditSample = {
        kind: edit.kind,
        line: edit.line,
        version: v,
        ms: got ? got.at - t0 : null,
        expectError: edit.expectError,
      };
      if (got) {
        sample.diagnostics = got.params.diagnostics.length;
        sample.versioned = got.params.version !== undefined;
        sample.firstMessage = got.params.diagnostics[0]?.message;
        consecutiveTimeouts = 0;
      } else {
        consecutiveTimeouts++;
        if (client.exited) {
          result.edits.push(sample);
          result.status = 'failed';
          result.problems.push(`server ${client.exitInfo} during the edits`);
          return result;
        }
        // A versionless answer may still be on its way: let it pass before the next edit.
        await client.settle(500, 5000);
      }
      result.edits.push(sample);
      if (plan.pauseMs > 0) await sleep(plan.pauseMs);
      if (consecutiveTimeouts >= MAX_CONSECUTIVE_TIMEOUTS) {
        result.status = 'not answering';
        result.problems.push(
          `no publishDiagnostics within ${plan.timeouts.change} ms for ${consecutiveTimeouts} edits in a row; stopped replaying`,
        );
        break;
      }
    }
    const missed = result.edits.filter((e) => e.ms === null).length;
    if (missed && result.status === 'ok') {
      result.status = 'partial';
      result.problems.push(`${missed} of ${result.edits.length} edits got no publishDiagnostics within ${plan.timeouts.change} ms`);
    }
    // CPU of the edits: counted before background work that a pause triggers (code generation).
    const cpuAfterEdits = client.cpuMs();
    if (cpuBeforeEdits !== undefined && cpuAfterEdits !== undefined) result.cpu.editsMs = cpuAfterEdits - cpuBeforeEdits;
    await client.settle(200, 3000);
    if (!(await client.idle(300, 15_000)))
      result.problems.push('the server was still busy 15 s after the last edit; completions started anyway');
    const cpuBeforeCompletions = client.cpuMs();

    // completion
    let completionTimeouts = 0;
    const positions = plan.completions(text);
    for (const pos of positions) {
      if (performance.now() > plan.completionsDeadline) {
        if (result.status === 'ok') result.status = 'partial';
        result.problems.push(`time budget for completion ran out after ${result.completions.length} of ${positions.length} requests`);
        break;
      }
      t0 = performance.now();
      try {
        const r = await client.request<unknown>(
          'textDocument/completion',
          { textDocument: { uri }, position: pos, context: { triggerKind: 1 } },
          plan.timeouts.completion,
        );
        const items = Array.isArray(r) ? r.length : ((r as { items?: unknown[] } | null)?.items?.length ?? 0);
        result.completions.push({ ...pos, ms: performance.now() - t0, items });
        completionTimeouts = 0;
      } catch (e) {
        const timedOut = e instanceof TimeoutError;
        result.completions.push({ ...pos, ms: null, error: (e as Error).message.split('\n')[0].slice(0, 200) });
        if (client.exited) {
          result.status = 'failed';
          result.problems.push(`server ${client.exitInfo} during completion`);
          return result;
        }
        if (timedOut && ++completionTimeouts >= MAX_CONSECUTIVE_TIMEOUTS) {
          result.status = 'not answering';
          result.problems.push(`completion: no answer within ${plan.timeouts.completion} ms for ${completionTimeouts} requests in a row`);
          break;
        }
      }
    }
    const cpuAfterCompletions = client.cpuMs();
    if (cpuBeforeCompletions !== undefined && cpuAfterCompletions !== undefined)
      result.cpu.completionsMs = cpuAfterCompletions - cpuBeforeCompletions;
    const failedCompletions = result.completions.filter((c) => c.ms === null);
    if (failedCompletions.length)
      result.problems.push(
        `${failedCompletions.length} of ${result.completions.length} completion requests failed (${failedCompletions[0].error})`,
      );
    return result;
  } catch (e) {
    result.status = client.exited ? 'failed' : e instanceof TimeoutError ? 'not answering' : 'failed';
    result.problems.push((e as Error).message.split('\n')[0]);
    return result;
  } finally {
    result.memory = client.memory();
    result.publishCount = client.published.length;
    if (result.status === 'failed' || result.status === 'not answering') result.stderrTail = client.stderr().slice(-1500);
    await client.stop();
  }
}

/** A short behaviour probe: open, one edit, one completion, with short timeouts. */
export async function probeSession(
  server: ServerCommand,
  root: string,
  file: string,
  text: string,
  edit: Edit,
  timeoutMs: number,
): Promise<{
  openMs: number | null;
  openDiagnostics?: string[];
  changeMs: number | null;
  changeDiagnostics?: string[];
  completion: string;
  logs: string[];
}> {
  const client = new BenchClient(server);
  const logs: string[] = [];
  client.connection.onNotification('window/logMessage', (p: { message: string }) => {
    if (!/No documents configured|"type":"usage"/.test(p.message)) logs.push(p.message.split('\n')[0].slice(0, 200));
  });
  const uri = URI.file(file).toString();
  const rootUri = URI.file(root).toString();
  try {
    const init = await client.request<{ capabilities: { textDocumentSync?: number | { change?: number } } }>(
      'initialize',
      {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
        capabilities: {
          workspace: { workspaceFolders: true, configuration: true },
          textDocument: { publishDiagnostics: { versionSupport: true } },
        },
      },
      timeoutMs,
    );
    const sync = init.capabilities.textDocumentSync;
    const full = (typeof sync === 'number' ? sync : sync?.change) === 1;
    client.notify('initialized', {});
    const openT0 = performance.now();
    const opened = client.nextDiagnostics((p) => p.uri === uri, timeoutMs);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'graphql', version: 1, text } });
    const o = await opened;
    await client.settle(300, 3000);
    const changed = applyEdit(text, edit);
    const t0 = performance.now();
    const waiting = client.nextDiagnostics((p) => p.uri === uri && (p.version === undefined || p.version === 2), timeoutMs);
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: full ? [{ text: changed }] : [{ range: edit.range, text: edit.text }],
    });
    const c = await waiting;
    let completion: string;
    try {
      const r = await client.request<unknown>('textDocument/completion', { textDocument: { uri }, position: edit.range.start }, timeoutMs);
      const items = Array.isArray(r) ? r.length : ((r as { items?: unknown[] } | null)?.items?.length ?? 0);
      completion = `${items} items`;
    } catch (e) {
      completion = `error: ${(e as Error).message.split('\n')[0].slice(0, 160)}`;
    }
    await sleep(50);
    return {
      openMs: o ? o.at - openT0 : null,
      openDiagnostics: o?.params.diagnostics.map((d) => d.message.split('\n')[0]),
      changeMs: c ? c.at - t0 : null,
      changeDiagnostics: c?.params.diagnostics.map((d) => d.message.split('\n')[0]),
      completion,
      logs,
    };
  } finally {
    await client.stop();
  }
}
