// Shared pieces of the protocol tests: a server per test file, service folders copied to a
// temporary directory, an editor-like document that sends incremental edits and keeps its own
// copy of the text, and checks that ranges lie inside a document.
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Trace, TraceFormat } from 'vscode-jsonrpc/node';
import type { Diagnostic, Position, PublishDiagnosticsParams, Range } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { LspClient } from '../helpers/lspClient';

export const FIXTURES = path.resolve(__dirname, '../fixtures');

/** A fresh directory under the system's temporary directory. */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `codestore-${prefix}-`));
}

/** Copies a fixture folder (or any folder) to `dest`. */
export function copyFolder(from: string, dest: string): string {
  fs.cpSync(from, dest, { recursive: true });
  return dest;
}

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

/** The URI the server computes for a file (vscode-uri, as the server does). */
export function uriOf(file: string): string {
  return URI.file(file).toString();
}

export function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A server speaking JSON-RPC over stdio, validating without debounce. */
export async function startServer(root: string): Promise<LspClient> {
  const client = new LspClient([], { CODESTORE_DEBOUNCE_MS: '0' });
  await client.initialize(root, { debounceMs: 0 });
  return client;
}

/**
 * Shuts the server down the way an editor does (shutdown, exit) and waits for the process to end;
 * kills it when it does not. Unlike LspClient.stop, nothing is written after the stream closes.
 */
export async function stopServer(client: LspClient): Promise<void> {
  if (!client.exited) {
    try {
      await requestWithin(client, 'shutdown', undefined, 3000);
      await client.connection.sendNotification('exit');
    } catch {
      /* gone already, or hung: killed below */
    }
    for (let waited = 0; !client.exited && waited < 3000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  }
  if (!client.exited) await client.stop();
  else client.connection.dispose();
}

/** Calls `listener` with every notification the server sends (before the client's own handler). */
export function observeNotifications(client: LspClient, listener: (method: string, params: unknown) => void): void {
  void client.connection.trace(
    Trace.Verbose,
    {
      log(data: unknown) {
        const m = data as { isLSPMessage?: boolean; type?: string; message?: { method?: string; params?: unknown } };
        if (m && m.isLSPMessage && m.type === 'receive-notification' && m.message?.method) listener(m.message.method, m.message.params);
      },
    },
    { sendNotification: false, traceFormat: TraceFormat.JSON },
  );
}

/** Error lines the server logged about its own failures (handlers that threw, uncaught errors). */
export function collectServerErrors(client: LspClient): string[] {
  const errors: string[] = [];
  observeNotifications(client, (method, params) => {
    if (method !== 'window/logMessage') return;
    const p = params as { type: number; message: string };
    if (p.type === 1 && /codestore/.test(p.message)) errors.push(p.message);
  });
  return errors;
}

/** Sends a request; fails when no response arrives in time (a hung or dead server). */
export async function requestWithin<T>(client: LspClient, method: string, params: unknown, ms = 10000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no response to ${method} within ${ms} ms${client.exited ? ' (the server exited)' : ''}`)),
      ms,
    );
  });
  try {
    return await Promise.race([client.request<T>(method, params), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Lines as LSP counts them (\r\n, \r and \n end a line). */
export function linesOf(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

export function positionInside(pos: Position, text: string, lines = linesOf(text)): boolean {
  return (
    Number.isInteger(pos.line) &&
    Number.isInteger(pos.character) &&
    pos.line >= 0 &&
    pos.character >= 0 &&
    pos.line < lines.length &&
    pos.character <= lines[pos.line].length
  );
}

/** Asserts that a range lies inside the text and does not end before it starts. */
export function assertRangeInside(range: Range, text: string, what: string, lines = linesOf(text)): void {
  assert.ok(range && range.start && range.end, `${what}: no range in ${JSON.stringify(range)}`);
  assert.ok(
    positionInside(range.start, text, lines),
    `${what}: start ${JSON.stringify(range.start)} is outside the document (${lines.length} lines)`,
  );
  assert.ok(
    positionInside(range.end, text, lines),
    `${what}: end ${JSON.stringify(range.end)} is outside the document (${lines.length} lines)`,
  );
  const before = range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character);
  assert.ok(before, `${what}: range ends before it starts: ${JSON.stringify(range)}`);
}

export function rangeContains(outer: Range, inner: Range): boolean {
  const le = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

/** An open document as an editor holds it: sends incremental edits and keeps the same text. */
export class EditorDocument {
  version = 1;
  private doc: TextDocument;
  /** The text of every version sent, for checking what the server published for a version. */
  readonly history = new Map<number, string>();

  constructor(
    readonly client: LspClient,
    readonly uri: string,
    text: string,
  ) {
    this.doc = TextDocument.create(uri, 'graphql', this.version, text);
    this.history.set(this.version, text);
  }

  get text(): string {
    return this.doc.getText();
  }

  open(): this {
    this.client.open(this.uri, this.text, this.version);
    return this;
  }

  close(): void {
    void this.client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: this.uri } });
  }

  positionAt(offset: number): Position {
    return this.doc.positionAt(offset);
  }
  offsetAt(position: Position): number {
    return this.doc.offsetAt(position);
  }

  /** The position of the `occurrence`-th match of `needle`, plus `delta` characters. */
  pos(needle: string, delta = 0, occurrence = 0): Position {
    return this.positionAt(this.indexOf(needle, occurrence) + delta);
  }

  /** The range of the `occurrence`-th match of `needle`. */
  rangeOf(needle: string, occurrence = 0): Range {
    const start = this.indexOf(needle, occurrence);
    return { start: this.positionAt(start), end: this.positionAt(start + needle.length) };
  }

  indexOf(needle: string, occurrence = 0): number {
    let at = -1;
    for (let i = 0; i <= occurrence; i++) {
      at = this.text.indexOf(needle, at + 1);
      if (at < 0) throw new Error(`"${needle}" (occurrence ${occurrence}) is not in the document:\n${this.text}`);
    }
    return at;
  }

  /** Replaces the range with text, as an editor's incremental didChange; returns the new version. */
  edit(range: Range, text: string): number {
    this.version++;
    this.client.change(this.uri, this.version, range, text);
    this.doc = TextDocument.update(this.doc, [{ range, text }], this.version);
    this.history.set(this.version, this.text);
    return this.version;
  }

  editOffsets(start: number, end: number, text: string): number {
    return this.edit({ start: this.positionAt(start), end: this.positionAt(end) }, text);
  }

  /** Replaces the `occurrence`-th match of `needle` with `replacement`. */
  replace(needle: string, replacement: string, occurrence = 0): number {
    const at = this.indexOf(needle, occurrence);
    return this.editOffsets(at, at + needle.length, replacement);
  }

  insertAfter(needle: string, text: string, occurrence = 0): number {
    const at = this.indexOf(needle, occurrence) + needle.length;
    return this.editOffsets(at, at, text);
  }

  insertBefore(needle: string, text: string, occurrence = 0): number {
    const at = this.indexOf(needle, occurrence);
    return this.editOffsets(at, at, text);
  }

  /** Appends text at the end of the document. */
  append(text: string): number {
    const end = this.text.length;
    return this.editOffsets(end, end, text);
  }

  /** Replaces the whole text with one range edit. */
  setText(text: string): number {
    return this.editOffsets(0, this.text.length, text);
  }

  /** The diagnostics the server publishes for the current version, each checked to lie inside it. */
  async diagnostics(): Promise<Diagnostic[]> {
    const version = this.version;
    const diagnostics = await this.client.diagnosticsFor(this.uri, version);
    const text = this.history.get(version)!;
    for (const d of diagnostics) assertRangeInside(d.range, text, `diagnostic ${d.code} "${messageOf(d)}"`);
    return diagnostics;
  }
}

/** Diagnostics published for another file (resolver files), once they pass `test`. */
export function diagnosticsOf(client: LspClient, uri: string, test: (p: PublishDiagnosticsParams) => boolean): Promise<Diagnostic[]> {
  return client.waitForDiagnostics(uri, test, 10000).then((p) => p.diagnostics);
}

/** A diagnostic's message as text (the protocol also allows markup). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

export function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => String(d.code));
}

/** The text a range covers. */
export function textOf(doc: EditorDocument, range: Range): string {
  return doc.text.slice(doc.offsetAt(range.start), doc.offsetAt(range.end));
}

/** Applies text edits to a text (edits must not overlap), as an editor would. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const doc = TextDocument.create('file:///x', 'graphql', 0, text);
  return TextDocument.applyEdits(doc, edits);
}
