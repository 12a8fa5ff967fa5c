// A property test over real stdio: thousands of random incremental edits to real schemas,
// interleaved with random requests at random positions. The server must never exit, answer
// every request, keep every range it sends inside the document, and publish diagnostics for the
// last version. Reproduce a run with LSP_FUZZ_SEED=<seed> (and LSP_FUZZ_RUNS=<runs>).
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type {
  CodeAction,
  Command,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Location,
  LocationLink,
  PublishDiagnosticsParams,
  Range,
  SymbolInformation,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import {
  assertRangeInside,
  collectServerErrors,
  copyFolder,
  EditorDocument,
  fixture,
  linesOf,
  messageOf,
  observeNotifications,
  rangeContains,
  requestWithin,
  startServer,
  stopServer,
  tempDir,
  uriOf,
  writeFile,
} from './support';

const SEED = Number(process.env.LSP_FUZZ_SEED ?? 424242);
const RUNS = Number(process.env.LSP_FUZZ_RUNS ?? 500);
const ORACLE_RUNS = Number(process.env.LSP_FUZZ_ORACLE_RUNS ?? 250);

const FRAGMENTS = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ':',
  '!',
  '@',
  '#',
  '"',
  '"""',
  '|',
  '&',
  '=',
  ',',
  '...',
  '\n',
  '\n\n',
  '\r\n',
  ' ',
  '  ',
  '\t',
  'type X',
  'type X {',
  'type Post {\n  id: ID!\n}',
  'interface I {',
  ' implements I',
  ' implements Node & I',
  'extend type Post {',
  'union U = Post | Author',
  'enum E { A B }',
  'input In {',
  'scalar S',
  'directive @d on FIELD_DEFINITION',
  'schema { query: Query }',
  'id: ID!',
  'x: String',
  'title: Strin',
  ': [Post!]!',
  '(a: Int = 1)',
  '@unique',
  '@transient',
  '@relation(inverse: "posts")',
  '@relation(onDelete: CASCADE)',
  '@default(value: "0")',
  '@renamedFrom(name: "Old")',
  '@deprecated(reason: "x")',
  '# a comment\n',
  '"a description"\n',
  '"""\nblock\n"""\n',
  'Query',
  'Mutation',
  'DateTime',
  'JSON',
  'é',
  'ü',
  '日本語',
  '😀',
  '𝔊',
  '\u2028',
  '\u00a0',
  '\\',
  '\\"',
];
const NAMES = fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,10}$/);
const INSERT = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
      { weight: 3, arbitrary: NAMES },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(''));

/** Where in the document: anywhere, near the start, or at the very end (-1). */
const AT = fc.oneof(
  { weight: 8, arbitrary: fc.noBias(fc.nat()) },
  { weight: 1, arbitrary: fc.nat({ max: 20 }) },
  { weight: 1, arbitrary: fc.constant(-1) },
);

const METHODS = [
  'textDocument/completion',
  'textDocument/hover',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/formatting',
  'textDocument/codeAction',
  'textDocument/prepareRename',
  'textDocument/rename',
] as const;
type Method = (typeof METHODS)[number];
/** Methods that may answer with an error (a name that cannot be renamed). */
const MAY_FAIL = new Set<string>(['textDocument/prepareRename', 'textDocument/rename']);

/** Lines that keep a schema parsing, mostly: what a user adds while editing a working schema. */
const LINES = [
  '  extra: String',
  '  ref: Post',
  '  refs: [Author!]!',
  '  id: ID!',
  '  other: ID',
  '  when: DateTime @default(value: "now()")',
  '  name: String! @unique',
  '  node: Node',
  '  author: Author @relation(inverse: "posts")',
  '  field(arg: Int): String',
  '  bad: Missing',
  'type Node2 {',
  '}',
  'interface Node {\n  id: ID!\n}',
  'extend type Post {\n  more: Int\n}',
  'type Post implements Node {',
  'type Tag @transient {',
  'enum Color {\n  RED\n  GREEN\n}',
  'input PostInput {\n  title: String!\n}',
  'union Thing = Post | Author',
  'scalar Upload',
  'directive @tag(name: String!) on FIELD_DEFINITION | OBJECT',
  'type Query {\n  ping: String\n}',
  '"""\nA description.\n"""',
  '# a comment',
  '',
  'schema {\n  query: Query\n}',
  'type Author {\n  id: ID!\n}',
  'extend type Query {\n  tags: [String]\n}',
];
const POOL = [
  'Post',
  'Author',
  'Query',
  'Mutation',
  'ID',
  'String',
  'Int',
  'DateTime',
  'JSON',
  'Node',
  'Named',
  'Foo',
  'Missing',
  'implements',
  'type',
  'extend',
  'id',
  'posts',
  'author',
  'unique',
  'transient',
];

type Step =
  | { kind: 'edit'; at: number; deleteLength: number; text: string }
  | { kind: 'line'; op: 'delete' | 'duplicate' | 'insert' | 'move'; line: number; other: number; text: string }
  | { kind: 'name'; token: number; other: number; name: string }
  | { kind: 'request'; method: Method; at: number; span: number; newName: string }
  | { kind: 'format' };

const STEP: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      at: AT,
      deleteLength: fc.oneof(fc.constant(0), fc.nat({ max: 3 }), fc.nat({ max: 80 })),
      text: INSERT,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('line' as const),
      op: fc.constantFrom('delete' as const, 'duplicate' as const, 'insert' as const, 'move' as const),
      line: fc.nat(),
      other: fc.nat(),
      text: fc.constantFrom(...LINES),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('name' as const),
      token: fc.nat(),
      other: fc.nat(),
      name: fc.oneof(fc.constantFrom(...POOL), fc.constant(''), NAMES),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      method: fc.constantFrom(...METHODS),
      at: AT,
      span: fc.nat({ max: 60 }),
      newName: fc.oneof(NAMES, fc.constantFrom('1bad', 'a-b', '__x', '')),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'format' as const }) },
);

interface Subject {
  name: string;
  doc: EditorDocument;
  base: string;
  oracleUri: string;
}

let root: string;
let client: LspClient;
let serverErrors: string[];
const subjects: Subject[] = [];
const problems: string[] = [];
const stats = { runs: 0, edits: 0, requests: 0, errorResponses: 0, formatsApplied: 0, publications: 0 };

/** 300 lines of GitHub's public schema, from the start of a definition. */
function octokitSlice(): string {
  const lines = fs.readFileSync(path.resolve(__dirname, '../../node_modules/@octokit/graphql-schema/schema.graphql'), 'utf8').split('\n');
  let from = 20000;
  while (!/^("""|type |enum |input |interface |union |scalar )/.test(lines[from])) from++;
  return lines.slice(from, from + 300).join('\n') + '\n';
}

/** Moves an offset off the middle of a surrogate pair or a \r\n: an editor never points there. */
function snap(text: string, offset: number): number {
  let o = offset < 0 ? text.length : Math.min(offset, text.length);
  const prev = text.charCodeAt(o - 1);
  const next = text.charCodeAt(o);
  if (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) o--;
  else if (prev === 13 && next === 10) o--;
  return o;
}

function check(condition: unknown, message: string): void {
  if (!condition) {
    problems.push(message);
    assert.fail(message);
  }
}

/** Every range a response holds for this document lies inside `text`. */
function checkResponse(method: string, result: unknown, uri: string, text: string): void {
  const lines = linesOf(text);
  const inside = (range: Range | undefined, what: string) => {
    if (range === undefined) return;
    try {
      assertRangeInside(range, text, `${method} ${what}`, lines);
    } catch (e) {
      problems.push((e as Error).message);
      throw e;
    }
  };
  const workspaceEdit = (edit: WorkspaceEdit | undefined, what: string) => {
    if (!edit) return;
    for (const [u, edits] of Object.entries(edit.changes ?? {})) if (u === uri) for (const e of edits) inside(e.range, `${what} edit`);
    for (const c of edit.documentChanges ?? []) {
      if ('textDocument' in c && c.textDocument.uri === uri)
        for (const e of (c as TextDocumentEdit).edits) inside((e as TextEdit).range, `${what} edit`);
    }
  };
  if (result === null || result === undefined) return;
  switch (method) {
    case 'textDocument/completion': {
      const items = Array.isArray(result) ? (result as CompletionItem[]) : (result as CompletionList).items;
      check(Array.isArray(items), `${method}: no items in ${JSON.stringify(result)}`);
      for (const item of items) {
        const te = item.textEdit as { range?: Range; insert?: Range; replace?: Range } | undefined;
        inside(te?.range, 'textEdit');
        inside(te?.insert, 'textEdit.insert');
        inside(te?.replace, 'textEdit.replace');
        for (const e of item.additionalTextEdits ?? []) inside(e.range, 'additionalTextEdit');
      }
      return;
    }
    case 'textDocument/hover':
      inside((result as Hover).range, 'range');
      return;
    case 'textDocument/definition':
    case 'textDocument/references': {
      const list = (Array.isArray(result) ? result : [result]) as (Location | LocationLink)[];
      for (const l of list) {
        if ('targetUri' in l) {
          if (l.targetUri === uri) {
            inside(l.targetRange, 'targetRange');
            inside(l.targetSelectionRange, 'targetSelectionRange');
          }
        } else if (l.uri === uri) inside(l.range, 'location');
      }
      return;
    }
    case 'textDocument/documentSymbol': {
      const visit = (s: DocumentSymbol | SymbolInformation) => {
        if ('location' in s) {
          if (s.location.uri === uri) inside(s.location.range, `symbol ${s.name}`);
          return;
        }
        inside(s.range, `symbol ${s.name} range`);
        inside(s.selectionRange, `symbol ${s.name} selectionRange`);
        check(
          rangeContains(s.range, s.selectionRange),
          `${method}: the selectionRange of "${s.name}" ${JSON.stringify(s.selectionRange)} is not inside its range ${JSON.stringify(s.range)}`,
        );
        for (const c of s.children ?? []) visit(c);
      };
      for (const s of result as (DocumentSymbol | SymbolInformation)[]) visit(s);
      return;
    }
    case 'textDocument/foldingRange':
      for (const r of result as FoldingRange[]) {
        check(
          Number.isInteger(r.startLine) && r.startLine >= 0 && r.startLine <= r.endLine && r.endLine < lines.length,
          `${method}: ${JSON.stringify(r)} is outside the document (${lines.length} lines)`,
        );
        if (r.startCharacter !== undefined)
          check(r.startCharacter <= lines[r.startLine].length, `${method}: startCharacter of ${JSON.stringify(r)}`);
        if (r.endCharacter !== undefined)
          check(r.endCharacter <= lines[r.endLine].length, `${method}: endCharacter of ${JSON.stringify(r)}`);
      }
      return;
    case 'textDocument/formatting':
      for (const e of result as TextEdit[]) inside(e.range, 'edit');
      return;
    case 'textDocument/codeAction':
      for (const a of result as (CodeAction | Command)[]) {
        if ('edit' in a) workspaceEdit(a.edit, `action "${a.title}"`);
        for (const d of ('diagnostics' in a ? a.diagnostics : undefined) ?? []) inside(d.range, `action "${a.title}" diagnostic`);
      }
      return;
    case 'textDocument/prepareRename': {
      const r = result as Range | { range: Range; placeholder: string } | { defaultBehavior: boolean };
      if ('range' in r) inside(r.range, 'range');
      else if ('start' in r) inside(r, 'range');
      return;
    }
    case 'textDocument/rename':
      workspaceEdit(result as WorkspaceEdit, 'rename');
      return;
  }
}

async function send(subject: Subject, method: Method, params: Record<string, unknown>): Promise<unknown> {
  const { doc } = subject;
  const text = doc.text;
  stats.requests++;
  let result: unknown;
  try {
    result = await requestWithin(client, method, { textDocument: { uri: doc.uri }, ...params }, 10000);
  } catch (e) {
    const error = e as { code?: number; message?: string };
    check(typeof error.code === 'number', `${method}: ${error.message ?? e}`);
    check(MAY_FAIL.has(method), `${method} answered with an error ${error.code}: ${error.message}`);
    stats.errorResponses++;
    return undefined;
  }
  checkResponse(method, result, doc.uri, text);
  return result;
}

async function runStep(subject: Subject, step: Step): Promise<void> {
  const { doc } = subject;
  switch (step.kind) {
    case 'edit': {
      const text = doc.text;
      const start = snap(text, step.at < 0 ? -1 : step.at % (text.length + 1));
      const end = snap(text, Math.min(text.length, start + step.deleteLength));
      doc.editOffsets(start, Math.max(start, end), step.text);
      stats.edits++;
      return;
    }
    case 'line': {
      // Whole-line edits: delete, duplicate, insert or move a line (with its \n).
      const text = doc.text;
      const starts = [0];
      for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
      const lineAt = (k: number) => {
        const from = starts[k % starts.length];
        const nl = text.indexOf('\n', from);
        return { from, to: nl < 0 ? text.length : nl + 1 };
      };
      const { from, to } = lineAt(step.line);
      const line = text.slice(from, to);
      const withNewline = line.endsWith('\n') ? line : line + '\n';
      if (step.op === 'delete') doc.editOffsets(from, to, '');
      else if (step.op === 'duplicate') doc.editOffsets(to, to, line.endsWith('\n') ? line : '\n' + line);
      else if (step.op === 'insert') doc.editOffsets(from, from, step.text + '\n');
      else {
        doc.editOffsets(from, to, '');
        stats.edits++;
        const target = lineAt(step.other).from;
        const at = snap(doc.text, Math.min(target < from ? target : target - line.length, doc.text.length));
        doc.editOffsets(at, at, withNewline);
      }
      stats.edits++;
      return;
    }
    case 'name': {
      // Replace a name token with another name: one from the document, a known one, or none.
      const text = doc.text;
      const tokens = [...text.matchAll(/[_A-Za-z][_0-9A-Za-z]*/g)];
      if (!tokens.length) {
        doc.editOffsets(0, 0, step.name);
        stats.edits++;
        return;
      }
      const token = tokens[step.token % tokens.length];
      const name = step.other % 3 === 0 ? tokens[step.other % tokens.length][0] : step.name;
      doc.editOffsets(token.index!, token.index! + token[0].length, name);
      stats.edits++;
      return;
    }
    case 'format': {
      const edits = (await send(subject, 'textDocument/formatting', { options: { tabSize: 2, insertSpaces: true } })) as
        TextEdit[] | undefined;
      // Apply what the formatter proposes, last edit first, as an editor would.
      const ordered = [...(edits ?? [])].sort((a, b) => doc.offsetAt(b.range.start) - doc.offsetAt(a.range.start));
      for (const e of ordered) {
        doc.edit(e.range, e.newText);
        stats.edits++;
      }
      if (ordered.length) stats.formatsApplied++;
      return;
    }
    case 'request': {
      const text = doc.text;
      const offset = snap(text, step.at < 0 ? -1 : step.at % (text.length + 1));
      const position = doc.positionAt(offset);
      const endPosition = doc.positionAt(snap(text, Math.min(text.length, offset + step.span)));
      switch (step.method) {
        case 'textDocument/references':
          await send(subject, step.method, { position, context: { includeDeclaration: step.span % 2 === 0 } });
          return;
        case 'textDocument/documentSymbol':
        case 'textDocument/foldingRange':
          await send(subject, step.method, {});
          return;
        case 'textDocument/formatting':
          await send(subject, step.method, { options: { tabSize: 1 + (step.span % 4), insertSpaces: step.span % 5 !== 0 } });
          return;
        case 'textDocument/codeAction': {
          // The diagnostics an editor would pass: the latest ones, when they are for this version.
          const latest = latestDiagnostics.get(doc.uri);
          const diagnostics: Diagnostic[] = latest && latest.version === doc.version ? latest.diagnostics : [];
          const range = { start: position, end: endPosition };
          await send(subject, step.method, { range, context: { diagnostics } });
          return;
        }
        case 'textDocument/rename':
          await send(subject, step.method, { position, newName: step.newName });
          return;
        default:
          await send(subject, step.method, { position });
      }
    }
  }
}

const latestDiagnostics = new Map<string, PublishDiagnosticsParams>();
let oracleDocs: Map<string, EditorDocument>;
let oracleVersion = 0;

/** What a feature answers for the text, from a fresh analysis: the twin is closed and opened anew. */
async function fresh(subject: Subject, text: string): Promise<{ diagnostics: string[]; symbols: string; folding: string }> {
  const twin = oracleDocs.get(subject.oracleUri);
  if (twin) twin.close();
  // Versions only grow, so an old publication is never taken for this one.
  const doc = new EditorDocument(client, subject.oracleUri, text);
  doc.version = ++oracleVersion;
  doc.history.set(doc.version, text);
  doc.open();
  oracleDocs.set(subject.oracleUri, doc);
  return { diagnostics: render(await doc.diagnostics()), ...(await outline(doc.uri)) };
}

function render(diagnostics: Diagnostic[]): string[] {
  return diagnostics
    .map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code} ${messageOf(d)}`)
    .sort();
}

async function outline(uri: string): Promise<{ symbols: string; folding: string }> {
  const symbols = await requestWithin(client, 'textDocument/documentSymbol', { textDocument: { uri } });
  const folding = await requestWithin(client, 'textDocument/foldingRange', { textDocument: { uri } });
  return { symbols: JSON.stringify(symbols), folding: JSON.stringify(folding) };
}

before(async () => {
  root = tempDir('lsp-robustness');
  const blog = copyFolder(fixture('blog'), path.join(root, 'blog'));
  // Twins of the fuzzed documents, opened fresh to compare the incremental analysis with.
  const blogOracle = copyFolder(fixture('blog'), path.join(root, 'blog-oracle'));
  const plain = path.join(root, 'plain');
  writeFile(path.join(plain, 'github.graphql'), octokitSlice());
  client = await startServer(root);
  serverErrors = collectServerErrors(client);
  const docs = new Map<string, EditorDocument>();
  // Check every publication as it arrives, against the text of the version it names.
  observeNotifications(client, (method, params) => {
    if (method !== 'textDocument/publishDiagnostics') return;
    const p = params as PublishDiagnosticsParams;
    stats.publications++;
    latestDiagnostics.set(p.uri, p);
    const doc = docs.get(p.uri);
    let text: string | undefined;
    if (doc) {
      if (p.version === undefined) {
        if (p.diagnostics.length) problems.push(`diagnostics for ${p.uri} without a version`);
        return;
      }
      text = doc.history.get(p.version);
      if (text === undefined) {
        problems.push(`diagnostics for version ${p.version} of ${p.uri}, which was never sent`);
        return;
      }
    } else {
      try {
        text = fs.readFileSync(new URL(p.uri), 'utf8');
      } catch {
        text = '';
      }
    }
    for (const d of p.diagnostics) {
      try {
        assertRangeInside(d.range, text, `published diagnostic ${d.code} "${messageOf(d)}" (${p.uri} v${p.version})`);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  });
  const files = [
    ['blog', path.join(blog, 'src/schema.graphql'), path.join(blogOracle, 'src/schema.graphql')],
    ['github', path.join(plain, 'github.graphql'), path.join(plain, 'github-oracle.graphql')],
  ];
  for (const [name, file, oracle] of files) {
    const base = fs.readFileSync(file, 'utf8');
    const doc = new EditorDocument(client, uriOf(file), base).open();
    docs.set(doc.uri, doc);
    subjects.push({ name, doc, base, oracleUri: uriOf(oracle) });
    await doc.diagnostics();
  }
  oracleDocs = docs;
});

after(async () => {
  if (client) await stopServer(client);
  fs.rmSync(root, { recursive: true, force: true });
});

describe('robustness under random edits and requests', () => {
  it('survives random incremental edits interleaved with requests', async (t) => {
    t.diagnostic(`fast-check seed ${SEED}, ${RUNS} runs (LSP_FUZZ_SEED / LSP_FUZZ_RUNS to change)`);
    const started = Date.now();
    const scenario = fc.record({
      subject: fc.nat({ max: subjects.length - 1 }),
      steps: fc.array(STEP, { minLength: 1, maxLength: 80, size: 'max' }),
    });
    try {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ subject: which, steps }) => {
          const subject = subjects[which];
          stats.runs++;
          problems.length = 0;
          // Each run starts from the real schema again, with one full-range edit.
          subject.doc.setText(subject.base);
          for (const step of steps) {
            await runStep(subject, step);
            check(!client.exited, 'the server exited');
          }
          const version = subject.doc.version;
          const final = await client
            .waitForDiagnostics(subject.doc.uri, (p) => p.version === version, 10000)
            .catch((e: Error) => {
              check(false, `no diagnostics for the last version ${version}: ${e.message}`);
            });
          check(final, 'final diagnostics');
          // Publications are checked as they arrive; a bad one fails this run.
          check(problems.length === 0, problems.join('\n'));
          check(!client.exited, 'the server exited');
        }),
        { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 120000, markInterruptAsFailure: true, includeErrorInReport: true },
      );
    } finally {
      t.diagnostic(
        `${stats.runs} runs, ${stats.edits} edits, ${stats.requests} requests (${stats.errorResponses} error responses), ` +
          `${stats.formatsApplied} formattings applied, ${stats.publications} diagnostics publications, ${Date.now() - started} ms`,
      );
    }
  });

  it('after random edits, the incremental analysis agrees with a fresh one of the same text', async (t) => {
    const seed = SEED + 1;
    t.diagnostic(`fast-check seed ${seed}, ${ORACLE_RUNS} runs (LSP_FUZZ_SEED=${SEED} / LSP_FUZZ_ORACLE_RUNS to change)`);
    const started = Date.now();
    let edits = 0;
    const scenario = fc.record({
      subject: fc.nat({ max: subjects.length - 1 }),
      edits: fc.array(
        STEP.filter((s): s is Exclude<Step, { kind: 'request' }> => s.kind !== 'request'),
        { minLength: 1, maxLength: 40, size: 'max' },
      ),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ subject: which, edits: steps }) => {
        const subject = subjects[which];
        const { doc } = subject;
        doc.setText(subject.base);
        for (const step of steps) {
          await runStep(subject, step);
          edits++;
        }
        const incremental = { diagnostics: render(await doc.diagnostics()), ...(await outline(doc.uri)) };
        const text = doc.text;
        const reference = await fresh(subject, text);
        assert.deepEqual(incremental.diagnostics, reference.diagnostics, `diagnostics differ for the text:\n${text}`);
        assert.equal(incremental.symbols, reference.symbols, `document symbols differ for the text:\n${text}`);
        assert.equal(incremental.folding, reference.folding, `folding ranges differ for the text:\n${text}`);
      }),
      { seed, numRuns: ORACLE_RUNS, interruptAfterTimeLimit: 120000, markInterruptAsFailure: true, includeErrorInReport: true },
    );
    t.diagnostic(`${edits} edits compared in ${Date.now() - started} ms`);
  });

  it('no request handler failed inside the server while fuzzing', () => {
    // withDocument() answers "empty" when a feature throws and logs the error: a hidden failure.
    const distinct = [...new Set(serverErrors.map((e) => e.split('\n').slice(0, 3).join(' | ')))];
    assert.deepEqual(distinct, []);
  });
});
