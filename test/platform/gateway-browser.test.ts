// CORS in a real browser: a page served by this test on another localhost origin calls a deployed
// service's endpoint with fetch() in Debian's Chromium (driven by playwright-core) and shows the
// posts; the same page served from an origin the environment does not allow cannot read anything.
// Skipped, saying why, where /usr/bin/chromium is missing (`apt-get install -y chromium`).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { chromium, type Browser } from 'playwright-core';
import { packServiceFolder } from '../../apiclient/src/pack';
import { prewarmTypeCheck } from '../../platform/src/build/typecheck';
import { call } from './helpers/http';
import { platformTargets, TestPlatform } from './helpers/platform';
import { blogService } from './helpers/service';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const missing = fs.existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`;
if (missing) process.stdout.write(`# skipping the browser CORS test: ${missing}\n`);

/** A frontend page: lists the posts the endpoint returns, or the error fetch() gave. */
function page(endpoint: string, key: string): string {
  return `<!doctype html><html><body><h1>Posts</h1><ul id="posts"></ul><p id="status">loading</p>
<script>
fetch(${JSON.stringify(endpoint)}, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-user-authorization': ${JSON.stringify(key)} },
  body: JSON.stringify({ query: 'query Frontend { allPosts { title } }' }),
}).then((r) => r.json()).then((body) => {
  for (const p of body.data.allPosts) { const li = document.createElement('li'); li.textContent = p.title; document.getElementById('posts').appendChild(li); }
  document.getElementById('status').textContent = 'loaded';
}, (e) => { document.getElementById('status').textContent = 'failed: ' + e.message; });
</script></body></html>`;
}

function serve(html: string, host: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  return new Promise((resolve) =>
    server.listen(0, host, () =>
      resolve({
        origin: `http://${host === '127.0.0.1' ? '127.0.0.1' : host}:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    ),
  );
}

for (const target of platformTargets()) {
  describe(`CORS in Chromium (${target.label})`, { skip: missing }, () => {
    let platform: TestPlatform;
    let browser: Browser;
    let endpoint: string;
    let key: string;

    before(async () => {
      platform = await TestPlatform.start(target);
      const { client } = await platform.signup('browser');
      const created = await client.createService('Blog');
      key = created.developerKey;
      endpoint = client.endpointUrl(created.service.environments[0]);
      prewarmTypeCheck();
      const dir = await blogService(path.join(platform.tmp, 'blog'), created.service.id);
      assert.equal((await client.push(created.service.id, await packServiceFolder(dir))).deployed, true);
      for (const title of ['First from the browser', 'Second'])
        await call(endpoint, key, `mutation { createPost(title: "${title}", body: "x") { id } }`);
      const env = {
        ...process.env,
        XDG_CONFIG_HOME: path.join(platform.tmp, 'xdg-config'),
        XDG_CACHE_HOME: path.join(platform.tmp, 'xdg-cache'),
      } as Record<string, string>;
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, env });
    });
    after(async () => {
      await browser?.close();
      await platform?.close();
    });

    it('a page on another localhost origin calls the private endpoint with fetch and shows the data', async () => {
      const site = await serve(page(endpoint, key), 'localhost');
      try {
        assert.notEqual(new URL(site.origin).port, new URL(endpoint).port, "another origin than the platform's");
        const tab = await browser.newPage();
        await tab.goto(`${site.origin}/`);
        await tab.waitForFunction("document.getElementById('status').textContent !== 'loading'");
        assert.equal(await tab.textContent('#status'), 'loaded');
        assert.deepEqual(await tab.$$eval('#posts li', (lis) => lis.map((li) => li.textContent)), ['First from the browser', 'Second']);
        await tab.close();
      } finally {
        await site.close();
      }
    });

    it('a page from an origin the environment does not allow cannot read the endpoint', async () => {
      // 127.0.0.2 is this machine too, but not an origin private accepts by default.
      const site = await serve(page(endpoint, key), '127.0.0.2');
      try {
        const tab = await browser.newPage();
        const console: string[] = [];
        tab.on('console', (m) => console.push(m.text()));
        await tab.goto(`${site.origin}/`);
        await tab.waitForFunction("document.getElementById('status').textContent !== 'loading'");
        assert.match((await tab.textContent('#status')) ?? '', /^failed: /);
        assert.equal(await tab.$$eval('#posts li', (lis) => lis.length), 0);
        // Chromium says why: the preflight was refused (403, no Access-Control-Allow-Origin).
        assert.ok(
          console.some((m) => /blocked by CORS policy/.test(m) && /preflight/.test(m)),
          console.join('\n'),
        );
        await tab.close();
      } finally {
        await site.close();
      }
    });
  });
}
