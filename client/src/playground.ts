// A small GraphQL playground for a deployed environment: a webview with a query and variables
// editor; the extension sends the request (with the environment's key as x-user-authorization),
// so the key never enters the webview and no CORS applies.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { Ctx } from './ctx';

export interface PlaygroundTarget {
  /** `blog private`, `shop/blog production`. */
  title: string;
  /** The endpoint: <platform>/s/<endpointId>/graphql. */
  url: string;
  /** The key calls send; asked for when VS Code does not have it. */
  key(): Promise<string | undefined>;
  /** Forgets a key the endpoint refused, so the next run asks for it. */
  forgetKey(): Promise<void>;
}

const panels = new Map<string, vscode.WebviewPanel>();

export function openPlayground(ctx: Ctx, target: PlaygroundTarget): void {
  const open = panels.get(target.url);
  if (open) {
    open.reveal();
    return;
  }
  const panel = vscode.window.createWebviewPanel('codestore.playground', `GraphQL: ${target.title}`, vscode.ViewColumn.Active, {
    enableScripts: true,
    retainContextWhenHidden: true,
  });
  panels.set(target.url, panel);
  const nonce = randomBytes(16).toString('base64');
  panel.webview.html = html(panel.webview, nonce, target);
  panel.webview.onDidReceiveMessage(
    async (message: { type: string; query: string; variables: string }) => {
      if (message?.type !== 'run') return;
      try {
        let variables: unknown;
        if (message.variables.trim()) {
          try {
            variables = JSON.parse(message.variables);
          } catch (e) {
            void panel.webview.postMessage({
              type: 'result',
              status: 'variables',
              body: `The variables are not JSON: ${(e as Error).message}`,
            });
            return;
          }
        }
        const key = await target.key();
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
        };
        if (key) headers['x-user-authorization'] = key;
        const started = Date.now();
        const response = await fetch(target.url, { method: 'POST', headers, body: JSON.stringify({ query: message.query, variables }) });
        const text = await response.text();
        let body = text;
        try {
          body = JSON.stringify(JSON.parse(text), null, 2);
        } catch {
          // Not JSON: shown as it came.
        }
        let note = key ? '' : ' (no key sent)';
        if (key && (response.status === 401 || response.status === 403)) {
          await target.forgetKey();
          note = ' (the key was refused and forgotten: the next run asks for it)';
        }
        void panel.webview.postMessage({ type: 'result', status: `HTTP ${response.status} in ${Date.now() - started} ms${note}`, body });
      } catch (e) {
        void panel.webview.postMessage({ type: 'result', status: 'failed', body: `Cannot call ${target.url}: ${(e as Error).message}` });
      }
    },
    undefined,
    ctx.extensionContext.subscriptions,
  );
  panel.onDidDispose(() => panels.delete(target.url));
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(webview: vscode.Webview, nonce: string, target: PlaygroundTarget): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<title>GraphQL: ${escape(target.title)}</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px; }
  textarea, pre { width: 100%; box-sizing: border-box; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size);
    background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); }
  textarea { resize: vertical; padding: 6px; }
  pre { padding: 6px; min-height: 6em; white-space: pre-wrap; background: var(--vscode-textCodeBlock-background); }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 12px; cursor: pointer; }
  button:hover { background: var(--vscode-button-hoverBackground); }
  .url { opacity: 0.8; word-break: break-all; }
  label { display: block; margin: 8px 0 2px; }
</style>
</head>
<body>
<p class="url">POST ${escape(target.url)}</p>
<label for="query">Query</label>
<textarea id="query" rows="12" spellcheck="false">{
  __typename
}</textarea>
<label for="variables">Variables (JSON)</label>
<textarea id="variables" rows="3" spellcheck="false"></textarea>
<p><button id="run" title="Ctrl+Enter">Run</button> <span id="status"></span></p>
<pre id="result"></pre>
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const query = document.getElementById('query');
  const variables = document.getElementById('variables');
  const state = vscode.getState();
  if (state) { query.value = state.query; variables.value = state.variables; }
  const run = () => {
    vscode.setState({ query: query.value, variables: variables.value });
    document.getElementById('status').textContent = 'running…';
    vscode.postMessage({ type: 'run', query: query.value, variables: variables.value });
  };
  document.getElementById('run').addEventListener('click', run);
  document.addEventListener('keydown', (e) => { if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') run(); });
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (m.type !== 'result') return;
    document.getElementById('status').textContent = m.status;
    document.getElementById('result').textContent = m.body;
  });
</script>
</body>
</html>`;
}
