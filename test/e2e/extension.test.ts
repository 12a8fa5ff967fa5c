// The extension, packaged as a .vsix, in real VS Code (code-server) driven through headless
// Chromium: what a person sees and clicks. Run with `npm run test:e2e` (which packages and
// provisions first); screenshots and logs go to test/e2e/results/ (CODESTORE_E2E_RESULTS).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { provision, type Provisioned } from '../../scripts/e2e/provision.js';
import {
  ensureVsix,
  freePort,
  graphql,
  installedExtensionDir,
  installExtension,
  prepareServiceFolder,
  Processes,
  root,
  startCodeServer,
  startPlatform,
  workbenchSettings,
  writeUserSettings,
} from '../../scripts/e2e/workbench.js';
import { SECOND, Workbench } from './workbench';

const MINUTE = 60 * SECOND;
const resultsDir = path.resolve(process.env.CODESTORE_E2E_RESULTS ?? path.join(root, 'test', 'e2e', 'results'));
const keep = process.env.CODESTORE_E2E_KEEP === '1';
const EMAIL = 'e2e@example.com';
const PASSWORD = 'correct horse battery staple';
const SERVICE_NAME = 'blog';
/** Chromium as this machine runs it: no sandbox (root), no GPU, no network of its own. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const processes = new Processes();
let tmp: string;
let prov: Provisioned;
let browser: Browser | undefined;
let page: Page;
let wb: Workbench;
let folder: string;
let serviceId: string;
let platformUrl: string;
const passed = new Set<string>();

function log(message: string): void {
  console.log(`[e2e ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Runs a step; on failure saves a screenshot named after it before failing. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
    passed.add(name);
  } catch (error) {
    if (wb) await wb.screenshot(`FAILED-${name}`).catch(() => undefined);
    throw error;
  }
}

function needs(t: { skip(message?: string): void }, ...steps: string[]): boolean {
  const missing = steps.filter((s) => !passed.has(s));
  if (missing.length) t.skip(`needs ${missing.join(', ')}`);
  return missing.length === 0;
}

async function waitForFile(file: string, predicate: (text: string | undefined) => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    if (predicate(text)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / SECOND} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the extension in VS Code', { timeout: 60 * MINUTE }, () => {
  before(async () => {
    fs.rmSync(resultsDir, { recursive: true, force: true });
    fs.mkdirSync(resultsDir, { recursive: true });
    let t0 = Date.now();
    prov = provision({ browser: true });
    log(`provisioned code-server ${prov.codeServerVersion} in ${((Date.now() - t0) / SECOND).toFixed(1)} s (${prov.cache})`);
    t0 = Date.now();
    const vsix = ensureVsix({ rebuild: process.env.CODESTORE_E2E_REBUILD === '1' });
    log(
      `extension: ${path.relative(root, vsix)} (${(fs.statSync(vsix).size / 1024 / 1024).toFixed(1)} MB, ${((Date.now() - t0) / SECOND).toFixed(1)} s)`,
    );

    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'codestore-e2e-'));
    // As root the platform's PostgreSQL server runs as the user `postgres`, which must pass through.
    if (process.getuid?.() === 0) fs.chmodSync(tmp, 0o711);
    const userDataDir = path.join(tmp, 'user-data');
    const extensionsDir = path.join(tmp, 'extensions');
    log(`installed: ${installExtension(prov, vsix, { userDataDir, extensionsDir })}`);
    // The platform the workbench talks to is the installed extension's own (its dist/platform.js,
    // its node_modules with this machine's PostgreSQL binaries), run by code-server's Node as
    // "Start Local Platform" would: not the repository's build.
    const extensionDir = installedExtensionDir(extensionsDir);
    const platform = await startPlatform(processes, {
      port: await freePort(),
      dataDir: path.join(tmp, 'platform'),
      logFile: path.join(resultsDir, 'platform.log'),
      extensionDir,
      node: prov.node,
    });
    log(`platform on ${platform.url}, from ${extensionDir}`);
    platformUrl = platform.url;
    // The account exists before VS Code opens; the extension logs in through its own UI below.
    await graphql(platform.url, 'mutation($e: String!, $p: String!) { signup(email: $e, password: $p) { token } }', {
      e: EMAIL,
      p: PASSWORD,
    }).then(async (d: { signup: { token: string } }) => {
      const created = await graphql(
        platform.url,
        'mutation($n: String!) { createService(name: $n) { service { id } } }',
        { n: SERVICE_NAME },
        d.signup.token,
      );
      serviceId = created.createService.service.id;
    });
    folder = prepareServiceFolder(path.join(tmp, 'workspace', SERVICE_NAME), { serviceId });
    log(`service ${serviceId} in ${folder}`);

    writeUserSettings(
      userDataDir,
      workbenchSettings(platform.url, {
        // Typing in the editor types exactly what it says: no suggestion is accepted on the way.
        'editor.acceptSuggestionOnCommitCharacter': false,
        'editor.acceptSuggestionOnEnter': 'off',
        'editor.quickSuggestions': { other: false, comments: false, strings: false },
        'editor.suggestOnTriggerCharacters': false,
        'editor.autoClosingBrackets': 'never',
        'editor.minimap.enabled': false,
        'workbench.editor.enablePreview': false,
        'codestore.codegen.delayMs': 300,
      }),
    );
    const codeServer = await startCodeServer(processes, prov, {
      port: await freePort(),
      userDataDir,
      extensionsDir,
      folder,
      logFile: path.join(resultsDir, 'code-server.log'),
    });
    log(`code-server on ${codeServer.url}`);

    // Chromium's crash reports and caches go to the temporary folder, not ~/.config and ~/.cache.
    const browserEnv = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
      XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    } as Record<string, string>;
    browser = await chromium.launch({ executablePath: prov.chromium, headless: true, args: CHROMIUM_ARGS, env: browserEnv });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(30 * SECOND);
    wb = new Workbench(page, resultsDir);
    await page.goto(codeServer.folderUrl);
    await wb.ready(SERVICE_NAME);
    await wb.screenshot('workbench');
  });

  after(async () => {
    try {
      if (wb) await wb.screenshot('end').catch(() => undefined);
      await browser?.close().catch(() => undefined);
    } finally {
      await processes.stopAll();
      if (tmp) {
        // VS Code's own logs (extension host, the extension's output channels) for a failure's story.
        const logs = path.join(tmp, 'user-data', 'logs');
        if (fs.existsSync(logs)) fs.cpSync(logs, path.join(resultsDir, 'vscode-logs'), { recursive: true });
        if (keep) log(`kept ${tmp}`);
        else fs.rmSync(tmp, { recursive: true, force: true });
      }
      log(`results: ${resultsDir}`);
    }
  });

  it('(c) shows the code.store container with the Services, Projects and Rate plans views', { timeout: 3 * MINUTE }, () =>
    step('c', async () => {
      const item = wb.activityBarItem('code.store');
      await item.waitFor({ state: 'visible', timeout: 2 * MINUTE });
      await item.click();
      for (const view of ['Services', 'Projects', 'Rate plans']) {
        await wb.viewHeader(view).waitFor({ state: 'visible', timeout: MINUTE });
      }
      // Not logged in yet: the Services view says how to.
      await wb
        .viewBody('Services')
        .getByText(/Log in/i)
        .first()
        .waitFor({ state: 'visible', timeout: MINUTE });
      await wb.screenshot('c-codestore-views');
    }),
  );

  it('(a) shows a schema error in the Problems panel, and fixing it removes it', { timeout: 4 * MINUTE }, () =>
    step('a', async () => {
      await wb.openFile('src/schema.graphql');
      const lines = fs.readFileSync(path.join(folder, 'src', 'schema.graphql'), 'utf8').split('\n');
      const body = lines.findIndex((l) => /^\s*body: String!/.test(l)) + 1;
      assert.ok(body > 0, 'the fixture has a body field');
      await wb.goToLineEnd(body);
      await page.keyboard.press('Enter');
      await page.keyboard.type('subtitle: Strin');
      await page.keyboard.press('Escape');
      const problems = await wb.showProblems();
      const problem = wb.problem(/Unknown type "Strin"/);
      await problem.first().waitFor({ state: 'visible', timeout: MINUTE });
      await wb.screenshot('a-problem-shown');

      await wb
        .activeEditorLines()
        .first()
        .click({ position: { x: 5, y: 5 } })
        .catch(() => undefined);
      await wb.goToLineEnd(body + 1);
      await page.keyboard.type('g');
      await page.keyboard.press('Escape');
      await problem.first().waitFor({ state: 'detached', timeout: MINUTE });
      assert.equal(await problems.locator('.monaco-list-row', { hasText: /Unknown type/ }).count(), 0);
      await wb.screenshot('a-problem-fixed');
    }),
  );

  it('(b) regenerates the entity after the schema gains a field', { timeout: 3 * MINUTE }, () =>
    step('b', async () => {
      if (!passed.has('a')) {
        // (a) adds the field; without it, add it here.
        await wb.openFile('src/schema.graphql');
        const lines = fs.readFileSync(path.join(folder, 'src', 'schema.graphql'), 'utf8').split('\n');
        await wb.goToLineEnd(lines.findIndex((l) => /^\s*body: String!/.test(l)) + 1);
        await page.keyboard.press('Enter');
        await page.keyboard.type('subtitle: String');
        await page.keyboard.press('Escape');
      }
      const entity = path.join(folder, 'src', 'data', 'entities', 'Post.ts');
      // The language server writes it (unsaved schema, after codestore.codegen.delayMs).
      await waitForFile(entity, (t) => !!t && /subtitle/.test(t), MINUTE, 'src/data/entities/Post.ts to have the subtitle column');
      await wb.openFile('src/data/entities/Post.ts');
      await wb.activeEditorLines().filter({ hasText: 'subtitle' }).waitFor({ state: 'visible', timeout: MINUTE });
      await wb.screenshot('b-entity-regenerated');

      // Back to the schema as it was (the push below pushes the fixture as generated).
      await wb.openFile('src/schema.graphql');
      const lines = fs.readFileSync(path.join(folder, 'src', 'schema.graphql'), 'utf8').split('\n');
      const body = lines.findIndex((l) => /^\s*body: String!/.test(l)) + 1;
      await wb.goToLineEnd(body + 1);
      await page.keyboard.press('Control+Shift+K');
      await page.keyboard.press('Control+S');
      await waitForFile(
        path.join(folder, 'src', 'schema.graphql'),
        (t) => !!t && !/subtitle/.test(t),
        30 * SECOND,
        'the schema saved without subtitle',
      );
      await waitForFile(entity, (t) => !!t && !/subtitle/.test(t), MINUTE, 'Post.ts without subtitle again');
      await waitForFile(
        path.join(folder, 'src', 'data', 'pending-migration.ts'),
        (t) => t === undefined,
        MINUTE,
        'the pending migration to go',
      );
    }),
  );

  it('logs in with "code.store: Log In" from the command palette', { timeout: 3 * MINUTE }, () =>
    step('login', async () => {
      await wb.runCommand('code.store: Log In');
      await wb.answerInput(/email of your account/i, EMAIL);
      await wb.answerInput(/Password/, PASSWORD);
      await wb
        .notification(/logged in/i)
        .first()
        .waitFor({ state: 'visible', timeout: MINUTE });
      await wb.expandView('Services');
      await wb.treeRow('Services', SERVICE_NAME).first().waitFor({ state: 'visible', timeout: MINUTE });
      await wb.screenshot('logged-in');
    }),
  );

  it('(d) "Push to private" CodeLens ends with private DEPLOYED', { timeout: 6 * MINUTE }, (t) =>
    needs(t, 'login')
      ? step('d', async () => {
          await wb.openFile('src/schema.graphql');
          const lens = wb.codeLens(/Push to private/);
          await lens.first().waitFor({ state: 'visible', timeout: MINUTE });
          await wb.screenshot('d-before-push');
          await lens.first().click();
          await wb
            .codeLens(/private \S+ DEPLOYED/)
            .first()
            .waitFor({ state: 'visible', timeout: 4 * MINUTE });
          await wb
            .treeRow('Services', /private/)
            .filter({ hasText: /DEPLOYED/ })
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          await wb.screenshot('d-private-deployed');
        })
      : undefined,
  );

  it('(e) "Promote … to demo" CodeLens moves the version to demo', { timeout: 5 * MINUTE }, (t) =>
    needs(t, 'd')
      ? step('e', async () => {
          const lens = wb.codeLens(/Promote .*to demo/);
          await lens.first().waitFor({ state: 'visible', timeout: MINUTE });
          await lens.first().click();
          await wb
            .codeLens(/demo \S+ DEPLOYED/)
            .first()
            .waitFor({ state: 'visible', timeout: 3 * MINUTE });
          await wb
            .treeRow('Services', /demo/)
            .filter({ hasText: /DEPLOYED/ })
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          await wb.screenshot('e-demo-deployed');
        })
      : undefined,
  );

  it('(f) "Add to Project" on the service in the explorer creates the instance', { timeout: 6 * MINUTE }, (t) =>
    needs(t, 'e')
      ? step('f', async () => {
          const row = wb.treeRow('Services', SERVICE_NAME).first();
          await row.hover();
          await row.locator('.actions .action-label[aria-label^="Add to Project"]').click();
          await wb.pick(/New project/);
          await wb.answerInput(/project's name/i, 'shop');
          await wb.pick(/MONTHLY/);
          await wb.answerInput(/monthly fee/i, '29.99');
          await wb.expandView('Projects');
          const instanceEnv = wb.treeRow('Projects', /development/).filter({ hasText: /DEPLOYED/ });
          await instanceEnv.first().waitFor({ state: 'visible', timeout: 4 * MINUTE });
          await wb.treeRow('Projects', 'shop').first().waitFor({ state: 'visible' });
          await wb.expandView('Rate plans');
          await wb
            .treeRow('Rate plans', /29\.99/)
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          await wb.screenshot('f-instance-created');
        })
      : undefined,
  );
  // The service folder as a TypeScript project: `codestore generate` wrote its package.json and
  // tsconfig.json; it has no node_modules, so the extension offers `npm install` and its TypeScript
  // server plugin gives the editor typeorm's and graphql's declarations meanwhile.
  it('(k) a type error in a resolver shows in the Problems panel, and fixing it removes it', { timeout: 5 * MINUTE }, () =>
    step('k', async () => {
      assert.ok(fs.existsSync(path.join(folder, 'tsconfig.json')), 'codestore generate wrote tsconfig.json');
      assert.ok(!fs.existsSync(path.join(folder, 'node_modules')), 'the folder has no node_modules');
      await wb.runCommand('Notifications: Show Notifications');
      await wb
        .notification(/packages are not installed/)
        .first()
        .waitFor({ state: 'visible', timeout: MINUTE });
      await wb.screenshot('k-npm-install-offered');
      await wb.runCommand('Notifications: Hide Notifications').catch(() => undefined);

      const resolver = 'src/resolvers/queries/allPosts.ts';
      await wb.openFile(resolver);
      const lines = fs.readFileSync(path.join(folder, resolver), 'utf8').trimEnd().split('\n');
      await wb.goToLineEnd(lines.length);
      await page.keyboard.press('Enter');
      await page.keyboard.type('export const wrong: number = true;');
      await page.keyboard.press('Escape');
      const problems = await wb.showProblems();
      // Only this file's problems (a failed push above would fill the panel with its own).
      await wb.filterProblems('allPosts');
      const problem = wb.problem(/Type 'boolean' is not assignable to type 'number'/);
      // The first check waits for the editor's TypeScript server to start and load the project.
      await problem.first().waitFor({ state: 'visible', timeout: 3 * MINUTE });
      await problems.locator('.monaco-list-row', { hasText: 'allPosts.ts' }).first().waitFor({ state: 'visible' });
      assert.equal(await problems.locator('.monaco-list-row', { hasText: /Cannot find (module|name)|decorators/ }).count(), 0);
      await wb.screenshot('k-type-error-shown');
      // Nor in the entity open since (b): TypeScript's own (`ts(2307)`), not a failed push's.
      await wb.filterProblems('Cannot find');
      assert.equal(await problems.locator('.monaco-list-row', { hasText: /ts\(\d+\)/ }).count(), 0);
      await wb.filterProblems('allPosts');

      await wb.goToLineEnd(lines.length + 1);
      await page.keyboard.press('Control+Shift+K');
      await problem.first().waitFor({ state: 'detached', timeout: MINUTE });
      assert.equal(await problems.locator('.monaco-list-row', { hasText: /allPosts\.ts/ }).count(), 0);
      await wb.screenshot('k-type-error-fixed');
      await wb.filterProblems('');
    }),
  );

  // Organizations as teams: the organization switcher, the Members and Activity views. The account
  // is made a developer of another organization with a service of its own; switching to it changes
  // what the Services view shows, and switching back restores it for whatever runs after.
  const TEAM_OWNER = 'acme-owner@example.com';
  const TEAM_ORG = 'acme-owner';
  const TEAM_SERVICE = 'inventory';
  const NEWCOMER = 'newcomer@example.com';

  /** Signs up (or logs in) an account through the platform API; its token. */
  async function apiAccount(email: string): Promise<string> {
    try {
      const d = await graphql(platformUrl, 'mutation($e: String!, $p: String!) { signup(email: $e, password: $p) { token } }', {
        e: email,
        p: PASSWORD,
      });
      return d.signup.token;
    } catch {
      const d = await graphql(platformUrl, 'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
        e: email,
        p: PASSWORD,
      });
      return d.login.token;
    }
  }

  /** Clicks the organization in the status bar and picks `name` from the switcher. */
  async function switchOrganization(name: string): Promise<void> {
    await wb.closeQuickInput().catch(() => undefined);
    await wb.statusBarItem('code.store organization').click();
    await wb
      .quickInput()
      .filter({ hasText: 'Switch Organization' })
      .waitFor({ state: 'visible', timeout: 30 * SECOND });
    await wb.pickLabel(name);
    await wb.statusBarItem(`code.store organization: ${name}`).waitFor({ state: 'visible', timeout: MINUTE });
  }

  it('(g) switching the organization in the status bar changes the Services and Members views', { timeout: 6 * MINUTE }, (t) =>
    needs(t, 'login')
      ? step('g', async () => {
          // Another organization, with a service of its own, invites the account as a developer.
          const owner = await apiAccount(TEAM_OWNER);
          await graphql(platformUrl, 'mutation($n: String!) { createService(name: $n) { service { id } } }', { n: TEAM_SERVICE }, owner);
          const invited = await graphql(
            platformUrl,
            'mutation($e: String!) { inviteMember(email: $e, role: developer) { code } }',
            { e: EMAIL },
            owner,
          );
          await graphql(
            platformUrl,
            'mutation($c: String!) { joinOrganization(code: $c) { role } }',
            { c: invited.inviteMember.code },
            await apiAccount(EMAIL),
          );

          for (const view of ['Projects', 'Rate plans']) await wb.collapseView(view);
          await wb.expandView('Services');
          await wb.statusBarItem('code.store organization: e2e').waitFor({ state: 'visible', timeout: MINUTE });
          await wb.treeRow('Services', SERVICE_NAME).first().waitFor({ state: 'visible', timeout: MINUTE });

          await switchOrganization(TEAM_ORG);
          await wb.treeRow('Services', TEAM_SERVICE).first().waitFor({ state: 'visible', timeout: MINUTE });
          await wb.treeRow('Services', SERVICE_NAME).first().waitFor({ state: 'detached', timeout: MINUTE });
          // The Members view lists the organization's members with their roles; a developer gets no actions.
          await wb.expandView('Members');
          await wb.treeRow('Members', TEAM_OWNER).filter({ hasText: 'owner' }).first().waitFor({ state: 'visible', timeout: MINUTE });
          await wb
            .treeRow('Members', EMAIL)
            .filter({ hasText: /developer · you/ })
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          assert.equal(await (await wb.viewAction('Members', 'Invite Member')).count(), 0, 'a developer cannot invite');
          await wb.screenshot('g-other-organization');

          await switchOrganization('e2e');
          await wb.treeRow('Services', SERVICE_NAME).first().waitFor({ state: 'visible', timeout: MINUTE });
          await wb.treeRow('Services', TEAM_SERVICE).first().waitFor({ state: 'detached', timeout: MINUTE });
          await wb
            .treeRow('Members', EMAIL)
            .filter({ hasText: /owner · you/ })
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          await wb.screenshot('g-own-organization-again');
        })
      : undefined,
  );

  it('(h) the Members view invites a member: the one-time code is shown and works', { timeout: 4 * MINUTE }, (t) =>
    needs(t, 'g')
      ? step('h', async () => {
          await wb.clearNotifications();
          await (await wb.viewAction('Members', 'Invite Member')).click();
          await wb.answerInput(/email of the account to invite/i, NEWCOMER);
          await wb.pick(/^admin/);
          const shown = wb.notification(/one-time code/).first();
          await shown.waitFor({ state: 'visible', timeout: MINUTE });
          const code = /inv_[A-Za-z0-9_-]+/.exec((await shown.textContent()) ?? '')?.[0];
          assert.ok(code, 'the notification shows the code');
          await wb
            .treeRow('Members', NEWCOMER)
            .filter({ hasText: /invited as admin/ })
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          await wb.screenshot('h-invited');
          const joined = await graphql(
            platformUrl,
            'mutation($c: String!) { joinOrganization(code: $c) { role organization { name } } }',
            { c: code },
            await apiAccount(NEWCOMER),
          );
          assert.deepEqual(joined.joinOrganization, { role: 'admin', organization: { name: 'e2e' } });
          await wb.runCommand('code.store: Refresh');
          await wb
            .treeRow('Members', NEWCOMER)
            .filter({ hasText: /admin · joined/ })
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          await wb.screenshot('h-joined');
        })
      : undefined,
  );

  it("(j) an owner changes a member's role and removes the member from the Members view", { timeout: 3 * MINUTE }, (t) =>
    needs(t, 'h')
      ? step('j', async () => {
          await wb.closeQuickInput().catch(() => undefined);
          await wb.rowAction(wb.treeRow('Members', NEWCOMER).first(), 'Change Role');
          await wb.pickLabel('developer');
          await wb
            .treeRow('Members', NEWCOMER)
            .filter({ hasText: /developer · joined/ })
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          await wb.screenshot('j-role-changed');
          await wb.rowAction(wb.treeRow('Members', NEWCOMER).first(), 'Remove Member');
          await wb.dialogButton('Remove').click();
          await wb.treeRow('Members', NEWCOMER).first().waitFor({ state: 'detached', timeout: MINUTE });
          await wb.treeRow('Members', EMAIL).first().waitFor({ state: 'visible' });
          await wb.screenshot('j-member-removed');
        })
      : undefined,
  );

  it('(i) the Activity view lists the push, newest first', { timeout: 3 * MINUTE }, (t) =>
    needs(t, 'd')
      ? step('i', async () => {
          await wb.closeQuickInput().catch(() => undefined);
          await wb.collapseView('Members');
          await wb.collapseView('Services');
          await wb.expandView('Activity');
          await wb.statusBarItem('code.store organization: e2e').waitFor({ state: 'visible', timeout: MINUTE });
          await wb
            .treeRow('Activity', `pushed service ${serviceId}`)
            .filter({ hasText: EMAIL })
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          const rows = await wb.viewBody('Activity').locator('.monaco-list-row').allTextContents();
          if (passed.has('j'))
            await wb.treeRow('Activity', `removed member ${NEWCOMER}`).first().waitFor({ state: 'visible', timeout: MINUTE });
          const push = rows.findIndex((r) => r.includes(`pushed service ${serviceId}`));
          const promoted = rows.findIndex((r) => r.includes(`promoted to demo service ${serviceId}`));
          assert.ok(push >= 0, `the push is listed: ${rows.join(' | ')}`);
          if (passed.has('e')) assert.ok(promoted >= 0 && promoted < push, `newest first: ${rows.join(' | ')}`);
          await wb.screenshot('i-activity');
          await wb.expandView('Services');
        })
      : undefined,
  );

  // --- codestore dev: "Run Service Locally" serves the folder on this machine, Ctrl-C stops it. ---
  it('(l) "Run Service Locally" serves the service in a terminal; a query answers; Ctrl-C stops it', { timeout: 6 * MINUTE }, (t) =>
    needs(t, 'c')
      ? step('l', async () => {
          // A port of its own, the way the original codestore.yaml named it.
          const port = await freePort();
          const manifest = path.join(folder, 'codestore.yaml');
          fs.writeFileSync(manifest, `${fs.readFileSync(manifest, 'utf8')}localConfiguration:\n  application:\n    port: ${port}\n`);
          await wb.openFile('src/schema.graphql');
          await wb
            .codeLens(/Run locally/)
            .first()
            .waitFor({ state: 'visible', timeout: MINUTE });
          const url = `http://127.0.0.1:${port}`;
          const lock = path.join(folder, '.codestore', 'dev', 'platform.pid');
          try {
            await wb.runCommand('code.store: Run Service Locally');
            await wb.terminal().waitFor({ state: 'visible', timeout: MINUTE });
            // First start: the embedded database's initdb, the generation, the build.
            const deadline = Date.now() + 4 * MINUTE;
            type Created = { data?: { createPost?: { id: string } } };
            let created: Created | undefined;
            while (!created?.data?.createPost) {
              if (Date.now() > deadline) throw new Error(`codestore dev did not answer at ${url}/graphql in 4 minutes`);
              created = await fetch(`${url}/graphql`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ query: 'mutation { createPost(title: "Local", body: "run") { id } }' }),
              })
                .then((r) => r.json() as Promise<Created>)
                .catch(() => undefined);
              if (!created?.data?.createPost) await new Promise((r) => setTimeout(r, 500));
            }
            const read = await fetch(`${url}/graphql`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ query: '{ allPosts { id title } }' }),
            }).then((r) => r.json() as Promise<{ data: { allPosts: unknown[] } }>);
            assert.deepEqual(read.data.allPosts, [{ id: created.data!.createPost!.id, title: 'Local' }]);
            assert.match(await (await fetch(`${url}/`)).text(), /code\.store dev/);
            await wb.screenshot('l-run-locally');
            await wb.pressInTerminal('Control+C');
            await waitForFile(lock, (text) => text === undefined, MINUTE, 'codestore dev to stop and release its folder');
            await assert.rejects(fetch(`${url}/graphql`), 'nothing serves after Ctrl-C');
            await wb.screenshot('l-stopped');
          } finally {
            // A terminal's process is not in code-server's process group: stop it here if the test did not.
            const pid = fs.existsSync(lock) ? Number(fs.readFileSync(lock, 'utf8')) : undefined;
            if (pid) {
              try {
                process.kill(pid, 'SIGINT');
              } catch {
                /* gone */
              }
              await waitForFile(lock, (text) => text === undefined, MINUTE, 'codestore dev to stop').catch(() => undefined);
            }
          }
        })
      : undefined,
  );
});
