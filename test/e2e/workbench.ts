// Drives VS Code's workbench (code-server in headless Chromium) the way a person does: the command
// palette, quick open, input boxes, the editor, views, CodeLens, notifications. Every wait is on
// something appearing on screen, bounded.
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';

export const SECOND = 1000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Workbench {
  private shot = 0;

  constructor(
    readonly page: Page,
    readonly resultsDir: string,
  ) {}

  /** Waits for the workbench to be laid out with the folder open in the explorer. */
  async ready(folderName: string, timeoutMs = 180 * SECOND): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.activitybar, .activitybar').first().waitFor({ state: 'visible', timeout: timeoutMs });
    // The explorer's title names the folder once the workspace is loaded.
    await this.page
      .locator('.part.sidebar')
      .getByText(folderName, { exact: false })
      .first()
      .waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Saves a screenshot as `<n>-<name>.png` in the results folder; returns its path. */
  async screenshot(name: string): Promise<string> {
    this.shot += 1;
    const file = path.join(this.resultsDir, `${String(this.shot).padStart(2, '0')}-${name}.png`);
    fs.mkdirSync(this.resultsDir, { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  quickInputBox(): Locator {
    return this.quickInput().locator('.quick-input-box input');
  }

  /** Rows of the open quick pick. */
  quickPickRow(text: string | RegExp): Locator {
    return this.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: text });
  }

  /** Clicks into the editor area, so that keyboard shortcuts go to the workbench rather than an input. */
  async focusEditor(): Promise<void> {
    await this.page.locator('.part.editor .monaco-editor .view-lines').first().click();
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput().isVisible()) await this.page.keyboard.press('Escape');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 10 * SECOND });
  }

  /** Runs a command from the palette by its title, as shown there ("code.store: Log In"). */
  async runCommand(title: string, timeoutMs = 30 * SECOND): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await this.quickInputBox().waitFor({ state: 'visible', timeout: timeoutMs });
    await this.quickInputBox().fill(`>${title}`);
    const row = this.quickPickRow(title).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /** Opens a file of the workspace by typing its path into quick open (Ctrl+P). */
  async openFile(relativePath: string, timeoutMs = 30 * SECOND): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+P');
    await this.quickInputBox().waitFor({ state: 'visible', timeout: timeoutMs });
    await this.quickInputBox().fill(relativePath);
    const base = path.posix.basename(relativePath);
    // The row of that very file (quick open also lists recently opened ones while it searches).
    const row = this.quickInput()
      .locator('.quick-input-list .monaco-list-row', {
        has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(base)}$`) }),
      })
      .filter({ hasText: path.posix.dirname(relativePath) === '.' ? '' : path.posix.dirname(relativePath) })
      .first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
    await this.activeTab(base).waitFor({ state: 'visible', timeout: timeoutMs });
    await this.activeEditorLines().first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  activeTab(name: string): Locator {
    return this.page.locator('.part.editor .tab.active', { hasText: name });
  }

  /** The rendered lines of the editor that has focus (or the only one). */
  activeEditorLines(): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines');
  }

  /** Answers the input box that shows `prompt` with `value` and Enter. */
  async answerInput(prompt: string | RegExp, value: string, timeoutMs = 30 * SECOND): Promise<void> {
    await this.quickInput().filter({ hasText: prompt }).waitFor({ state: 'visible', timeout: timeoutMs });
    await this.quickInputBox().fill(value);
    await this.page.keyboard.press('Enter');
  }

  /** Picks the row of the open quick pick that shows `text`. */
  async pick(text: string | RegExp, timeoutMs = 30 * SECOND): Promise<void> {
    const row = this.quickPickRow(text).first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /** Picks the row of the open quick pick whose label is exactly `label` (not its description or detail). */
  async pickLabel(label: string, timeoutMs = 30 * SECOND): Promise<void> {
    const row = this.quickInput()
      .locator('.quick-input-list .monaco-list-row', {
        has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
      })
      .first();
    await row.waitFor({ state: 'visible', timeout: timeoutMs });
    await row.click();
  }

  /** Moves the cursor to the end of line `line` (1-based) with Go to Line. */
  async goToLineEnd(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    await this.quickInputBox().waitFor({ state: 'visible', timeout: 10 * SECOND });
    await this.quickInputBox().fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 10 * SECOND });
    await this.page.keyboard.press('End');
  }

  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast, .notifications-center .notification-list-item', { hasText: text });
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }

  /** Shows the Problems panel (View: Problems). */
  async showProblems(): Promise<Locator> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.runCommand('View: Toggle Problems');
    await panel.waitFor({ state: 'visible', timeout: 30 * SECOND });
    return panel;
  }

  problem(text: string | RegExp): Locator {
    return this.page.locator('.markers-panel .monaco-list-row', { hasText: text });
  }

  /** Types `text` into the Problems panel's filter ('' clears it): its list only renders the rows in view. */
  async filterProblems(text: string): Promise<void> {
    const input = this.page.locator('.part.panel .viewpane-filter .monaco-inputbox input').first();
    await input.waitFor({ state: 'visible', timeout: 10 * SECOND });
    await input.fill(text);
  }

  /** The activity bar entry of a view container, by its title. */
  activityBarItem(title: string): Locator {
    return this.page
      .locator(
        `.part.activitybar .action-item a.action-label[aria-label^="${title}"], .part.activitybar .action-item .action-label[aria-label^="${title}"]`,
      )
      .first();
  }

  /** A view's header in the side bar, by its name ("Services"). */
  viewHeader(name: string): Locator {
    return this.page.locator('.part.sidebar').locator(this.paneHeader(name));
  }

  /** A pane's header (relative: `has` locators are looked for inside the element). */
  private paneHeader(name: string): Locator {
    return this.page.locator('.pane-header', { has: this.page.locator('h3.title', { hasText: new RegExp(`^${name}$`, 'i') }) });
  }

  /** The body of a view in the side bar: its tree, or its welcome content. */
  viewBody(name: string): Locator {
    return this.page.locator('.part.sidebar .pane', { has: this.paneHeader(name) }).locator('.pane-body');
  }

  /** A tree row of a view showing `text` (label or description). */
  treeRow(view: string, text: string | RegExp): Locator {
    return this.viewBody(view).locator('.monaco-list-row', { hasText: text });
  }

  /** Expands the view when it is collapsed. */
  async expandView(name: string): Promise<void> {
    const header = this.viewHeader(name);
    await header.waitFor({ state: 'visible', timeout: 30 * SECOND });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  }

  /** Collapses the view when it is expanded (so that the others have room). */
  async collapseView(name: string): Promise<void> {
    const header = this.viewHeader(name);
    await header.waitFor({ state: 'visible', timeout: 30 * SECOND });
    if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  }

  /** An action of a view's title bar, by its title ("Invite Member…"); shown while the header is hovered. */
  async viewAction(view: string, title: string): Promise<Locator> {
    const header = this.viewHeader(view);
    await header.hover();
    return header.locator(`.actions .action-label[aria-label^="${title}"]`);
  }

  /** A button of the modal dialog on screen (a confirmation), by its label. */
  dialogButton(label: string): Locator {
    return this.page.locator('.monaco-dialog-box').getByRole('button', { name: label, exact: true });
  }

  /** Clicks an inline action of a tree row (shown while the row is hovered), by the start of its title. */
  async rowAction(row: Locator, title: string): Promise<void> {
    await row.hover();
    await row.locator(`.actions .action-label[aria-label^="${title}"]`).click();
  }

  /** A status bar item, by the start of its accessible label. */
  statusBarItem(label: string): Locator {
    return this.page
      .locator(`.part.statusbar .statusbar-item [aria-label^="${label}"], .part.statusbar .statusbar-item[aria-label^="${label}"]`)
      .first();
  }

  codeLens(text: string | RegExp): Locator {
    return this.page.locator('.part.editor .editor-group-container.active .codelens-decoration a', { hasText: text });
  }

  /** The terminal shown in the panel. */
  terminal(): Locator {
    return this.page.locator('.part.panel .terminal-wrapper.active .xterm').first();
  }

  /** Clicks into the terminal shown in the panel and presses keys there (`Control+C`). */
  async pressInTerminal(keys: string): Promise<void> {
    await this.terminal().click();
    await this.page.keyboard.press(keys);
  }
}
