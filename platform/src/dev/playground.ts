// The GraphQL playground `codestore dev` serves at `/`: one self-contained page (no script, font or
// style from anywhere else), an operation, its variables and headers, the answer, and the schema's
// Query and Mutation fields from introspection (a click writes the field into the editor).

export function playgroundPage(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · code.store dev</title>
<style>
  :root { color-scheme: light dark; --line: #8884; --muted: #888; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px system-ui, sans-serif; height: 100vh; display: grid; grid-template-rows: auto 1fr; }
  header { display: flex; gap: 12px; align-items: center; padding: 8px 12px; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 15px; margin: 0; font-weight: 600; }
  header .endpoint { color: var(--muted); font-family: ui-monospace, monospace; }
  button { font: inherit; padding: 4px 14px; cursor: pointer; }
  main { display: grid; grid-template-columns: 220px 1fr 1fr; min-height: 0; }
  nav { border-right: 1px solid var(--line); overflow: auto; padding: 8px; }
  nav h2 { font-size: 12px; text-transform: uppercase; color: var(--muted); margin: 12px 0 4px; }
  nav a { display: block; padding: 2px 4px; cursor: pointer; font-family: ui-monospace, monospace; font-size: 13px; text-decoration: none; color: inherit; }
  nav a:hover { background: #8882; }
  .editors { display: grid; grid-template-rows: 1fr auto auto; min-height: 0; border-right: 1px solid var(--line); }
  textarea, pre { font: 13px/1.45 ui-monospace, monospace; margin: 0; padding: 8px; border: 0; resize: none; background: transparent; color: inherit; }
  textarea { width: 100%; outline: none; }
  label { display: block; padding: 4px 8px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line); }
  #variables, #headers { height: 80px; }
  #result { overflow: auto; white-space: pre-wrap; }
  #status { color: var(--muted); margin-left: auto; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1><span class="endpoint" id="endpoint"></span>
  <button id="run" title="Ctrl+Enter">Run</button><span id="status"></span>
</header>
<main>
  <nav id="fields"><h2>Schema</h2>loading…</nav>
  <div class="editors">
    <textarea id="query" spellcheck="false" aria-label="Operation">{\n  __typename\n}\n</textarea>
    <div><label for="variables">Variables (JSON)</label><textarea id="variables" spellcheck="false">{}</textarea></div>
    <div><label for="headers">Headers (JSON), e.g. {"x-user-authorization": "..."}</label><textarea id="headers" spellcheck="false">{}</textarea></div>
  </div>
  <pre id="result" aria-label="Result"></pre>
</main>
<script>
const endpoint = new URL('/graphql', location.href).href;
document.getElementById('endpoint').textContent = endpoint;
const $ = (id) => document.getElementById(id);
const saved = localStorage.getItem('codestore.dev.query');
if (saved) $('query').value = saved;
function json(id) {
  const text = $(id).value.trim();
  if (!text) return {};
  try { return JSON.parse(text); } catch (e) { throw new Error(id + ' is not JSON: ' + e.message); }
}
async function post(query, variables, headers) {
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: await res.text() };
}
async function run() {
  localStorage.setItem('codestore.dev.query', $('query').value);
  $('status').textContent = 'running…';
  const started = performance.now();
  try {
    const { status, body } = await post($('query').value, json('variables'), json('headers'));
    let shown = body;
    try { shown = JSON.stringify(JSON.parse(body), null, 2); } catch {}
    $('result').textContent = shown;
    $('status').textContent = status + ' in ' + Math.round(performance.now() - started) + ' ms';
  } catch (e) {
    $('result').textContent = String(e.message || e);
    $('status').textContent = 'failed';
  }
}
function typeName(t) { return t.kind === 'NON_NULL' ? typeName(t.ofType) + '!' : t.kind === 'LIST' ? '[' + typeName(t.ofType) + ']' : t.name; }
function leaf(t) { while (t.ofType) t = t.ofType; return t; }
async function loadSchema() {
  const q = '{ __schema { queryType { name } mutationType { name } types { name kind fields { name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }';
  const nav = $('fields');
  try {
    const { body } = await post(q, {}, json('headers'));
    const schema = JSON.parse(body).data.__schema;
    const types = Object.fromEntries(schema.types.map((t) => [t.name, t]));
    nav.innerHTML = '';
    for (const [word, root] of [['query', schema.queryType], ['mutation', schema.mutationType]]) {
      if (!root) continue;
      const h = document.createElement('h2');
      h.textContent = root.name;
      nav.append(h);
      for (const f of types[root.name].fields) {
        const a = document.createElement('a');
        a.textContent = f.name + (f.args.length ? '(…)' : '') + ': ' + typeName(f.type);
        a.title = f.args.map((x) => x.name + ': ' + typeName(x.type)).join(', ');
        a.onclick = () => {
          const target = types[leaf(f.type).name];
          const scalars = (target && target.fields || []).filter((x) => ['SCALAR', 'ENUM'].includes(leaf(x.type).kind)).map((x) => x.name);
          const vars = f.args.map((x) => '$' + x.name + ': ' + typeName(x.type)).join(', ');
          const args = f.args.map((x) => x.name + ': $' + x.name).join(', ');
          $('query').value = word + ' ' + f.name[0].toUpperCase() + f.name.slice(1) + (vars ? '(' + vars + ')' : '') + ' {\\n  ' + f.name + (args ? '(' + args + ')' : '') + (scalars.length ? ' {\\n    ' + scalars.join('\\n    ') + '\\n  }' : '') + '\\n}\\n';
          $('variables').value = JSON.stringify(Object.fromEntries(f.args.map((x) => [x.name, null])), null, 2);
        };
        nav.append(a);
      }
    }
  } catch (e) {
    nav.textContent = 'The schema could not be read: ' + (e.message || e);
  }
}
$('run').onclick = run;
document.addEventListener('keydown', (e) => { if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') { e.preventDefault(); run(); } });
loadSchema();
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
