/**
 * Drives VS Code's workbench in a browser page the way a user does: the command palette, quick
 * picks and input boxes, notifications, modal dialogs, views in the side bar, and webviews
 * (code-server nests each webview in two iframes; the extension's HTML is in the inner one).
 * Every wait has a generous limit and a message saying what did not appear.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';

/** Generous: a cold workbench, a first extension activation or a Python start can be slow. */
export const LONG_WAIT_MS = 60_000;

/** How to answer a quick pick / input box whose title, placeholder or prompt matches `prompt`. */
export interface QuickInputRule {
  readonly prompt: RegExp;
  /** Click the row whose label matches (a quick pick). */
  readonly pick?: RegExp;
  /** Type this and press Enter (an input box, or a quick pick with no matching row). */
  readonly type?: string;
}

export class Workbench {
  constructor(
    readonly page: Page,
    /** Screenshots land here (test-artifacts/...). */
    private readonly artifactsDir: string,
  ) {
    fs.mkdirSync(artifactsDir, { recursive: true });
    // Playwright's 30 s default is short for a 2-core machine running VS Code, Chromium and
    // training trials at once.
    page.setDefaultTimeout(LONG_WAIT_MS);
  }

  /** Loads the workbench and waits until it is interactive. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: LONG_WAIT_MS });
    // The activity bar appears once the workbench has restored its parts.
    await this.page.locator('.part.activitybar').waitFor({ timeout: LONG_WAIT_MS });
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.artifactsDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  // ---------------------------------------------------------------- command palette & quick input

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * Runs a command by its palette label ("Tunekit: Tune This Script"), picking the row whose
   * label is exactly that, so a similarly named command never runs instead.
   */
  async runCommand(label: string): Promise<void> {
    await this.openQuickInput('Control+Shift+P', `>${label}`, `the command palette (for "${label}")`);
    const row = this.quickInputRow(label);
    await row.waitFor({ timeout: LONG_WAIT_MS }).catch(async () => {
      throw new Error(`the command palette lists no command "${label}"; it shows: ${await this.quickInputLabels()}`);
    });
    await row.click();
  }

  /**
   * Sets the quick input's text. Filled rather than typed: with the focus in a webview, keys
   * can land in the webview's own inputs before the palette takes the focus. The `>` prefix
   * keeps the palette in command mode.
   */
  /**
   * Opens the palette (Ctrl+Shift+P) or Quick Open (Ctrl+P) and sets its text. With the focus in
   * a webview the key goes through the webview, which may take the focus back and so close the
   * quick input (it closes on blur): then it is opened again. The text is filled rather than
   * typed, so no key lands in the webview's own inputs; `>` keeps the palette in command mode.
   */
  private async openQuickInput(key: string, text: string, what: string): Promise<void> {
    const input = this.quickInput.locator('input.input');
    for (let attempt = 1; ; attempt++) {
      await this.closeQuickInput();
      await this.page.keyboard.press(key);
      try {
        await this.quickInput.waitFor({ timeout: 10_000 });
        await input.fill(text, { timeout: 5_000 });
        await input.focus({ timeout: 5_000 });
        if ((await this.quickInput.isVisible()) && (await input.inputValue()) === text) return;
      } catch (error) {
        if (attempt >= 3) throw new Error(`could not open ${what} (3 tries): ${(error as Error).message.split('\n')[0]}`);
      }
      if (attempt >= 3) throw new Error(`could not open ${what} (3 tries): it closed while being filled`);
      await this.page.waitForTimeout(500);
    }
  }

  /** Waits for a quick pick / input box; `prompt` (regex) must appear in its title, placeholder or message. */
  async waitForQuickInput(what: string, prompt?: RegExp): Promise<void> {
    const deadline = Date.now() + LONG_WAIT_MS;
    for (;;) {
      if (await this.quickInput.isVisible()) {
        if (!prompt || prompt.test(await this.quickInputPrompt())) return;
      }
      if (Date.now() > deadline) {
        const seen = (await this.quickInput.isVisible()) ? `a quick input saying "${await this.quickInputPrompt()}"` : 'no quick input';
        throw new Error(`timed out waiting for ${what}${prompt ? ` (${prompt})` : ''}; the workbench shows ${seen}`);
      }
      await this.page.waitForTimeout(100);
    }
  }

  /** The quick input's title, placeholder and validation / prompt message, joined. */
  async quickInputPrompt(): Promise<string> {
    return this.quickInput.evaluate((el) => {
      const title = el.querySelector('.quick-input-title')?.textContent ?? '';
      const input = el.querySelector<HTMLInputElement>('input.input');
      const message = el.querySelector('.quick-input-message')?.textContent ?? '';
      const parts = [title, input?.placeholder ?? '', input?.getAttribute('aria-label') ?? '', message].map((p) => p.trim()).filter((p) => p && p !== 'input');
      return [...new Set(parts)].join(' | ');
    });
  }

  /** Labels of the rows the quick pick shows now. */
  async quickInputLabels(): Promise<string[]> {
    return this.quickInput.locator('.monaco-list-row .label-name').allTextContents();
  }

  private quickInputRow(label: string | RegExp): Locator {
    const exact = typeof label === 'string' ? new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) : label;
    return this.quickInput.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
  }

  /** Answers the quick pick whose prompt matches by clicking the row with that label. */
  async pick(prompt: RegExp, label: string | RegExp): Promise<void> {
    await this.waitForQuickInput(`a quick pick asking ${prompt}`, prompt);
    const row = this.quickInputRow(label);
    await row.waitFor({ timeout: LONG_WAIT_MS }).catch(async () => {
      throw new Error(`the quick pick "${await this.quickInputPrompt()}" has no row ${label}; its rows: ${(await this.quickInputLabels()).join(', ')}`);
    });
    await row.click();
  }

  /** Answers the input box whose prompt matches: replaces its value with `text` and presses Enter. */
  async type(prompt: RegExp, text: string): Promise<void> {
    await this.waitForQuickInput(`an input box asking ${prompt}`, prompt);
    const input = this.quickInput.locator('input.input');
    await input.fill(text);
    await input.press('Enter');
  }

  /** Accepts the quick pick whose prompt matches as it stands (its default / active row). */
  async accept(prompt: RegExp): Promise<void> {
    await this.waitForQuickInput(`a quick input asking ${prompt}`, prompt);
    await this.quickInput.locator('input.input').press('Enter');
  }

  /**
   * Answers quick picks and input boxes as they come, by `rules` (the first rule whose prompt
   * matches); one no rule covers is accepted as offered (Enter), as a user hurrying through
   * defaults would. Stops when `done` holds. Returns what was answered, for the test's log.
   */
  async answerQuickInputs(rules: readonly QuickInputRule[], done: () => Promise<boolean>, what: string, timeoutMs = LONG_WAIT_MS): Promise<string[]> {
    const answered: string[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await done()) return answered;
      if (await this.quickInput.isVisible()) {
        const prompt = await this.quickInputPrompt();
        const rule = rules.find((r) => r.prompt.test(prompt));
        const answer = await this.answerOne(rule, done);
        // Closed, or done, while it was being answered: look again.
        if (answer === undefined) continue;
        answered.push(`"${prompt}" -> ${answer}`);
        // The next quick input replaces this one, or the widget closes.
        await this.waitUntil(`the quick input "${prompt}" to take the answer ${answer}`, async () =>
          !(await this.quickInput.isVisible()) || (await this.quickInputPrompt()) !== prompt || (await done()) ? true : undefined,
        10_000);
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; quick inputs answered: ${JSON.stringify(answered)}; notifications: ${JSON.stringify(await this.notificationTexts())}`);
      }
      await this.page.waitForTimeout(200);
    }
  }

  /** Undefined when the quick input went away (or `done` came true) before it could be answered. */
  private async answerOne(rule: QuickInputRule | undefined, done: () => Promise<boolean>): Promise<string | undefined> {
    const input = this.quickInput.locator('input.input');
    if (rule?.pick) {
      // Items may arrive a moment after the widget opens; the widget may also be on its way out.
      const row = this.quickInputRow(rule.pick);
      const deadline = Date.now() + (rule.type === undefined ? LONG_WAIT_MS : 3_000);
      for (;;) {
        if (await row.isVisible()) {
          const label = (await row.locator('.label-name').first().textContent()) ?? '';
          await row.click();
          return `picked "${label.trim()}"`;
        }
        if (!(await this.quickInput.isVisible()) || (await done())) return undefined;
        if (Date.now() > deadline) break;
        await this.page.waitForTimeout(200);
      }
      if (rule.type === undefined) throw new Error(`the quick pick "${await this.quickInputPrompt()}" has no row ${rule.pick}; its rows: ${(await this.quickInputLabels()).join(', ')}`);
    }
    if (rule?.type !== undefined) {
      await input.fill(rule.type);
      await input.press('Enter');
      return `typed "${rule.type}"`;
    }
    const focused = this.quickInput.locator('.monaco-list-row.focused .label-name');
    const active = (await focused.count()) > 0 ? ((await focused.first().textContent()) ?? '') : await input.inputValue();
    await input.press('Enter');
    return `accepted "${active.trim()}"`;
  }

  /** Labels of the palette's commands matching `text` (the palette is closed again). */
  async paletteLabels(text: string): Promise<string[]> {
    await this.openQuickInput('Control+Shift+P', `>${text}`, 'the command palette');
    // The list filters as one types; give it a moment to settle.
    await this.page.waitForTimeout(1_000);
    const labels = (await this.quickInputLabels()).filter((l) => l.toLowerCase().includes(text.toLowerCase()));
    await this.closeQuickInput();
    return labels;
  }

  async closeQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) await this.page.keyboard.press('Escape');
  }

  // ---------------------------------------------------------------- notifications & dialogs

  /** Waits for a notification toast whose message matches; returns its text. */
  async waitForNotification(message: RegExp, timeoutMs = LONG_WAIT_MS): Promise<string> {
    const toast = this.page.locator('.notification-toast, .notifications-center .notification-list-item').filter({ hasText: message }).first();
    await toast.waitFor({ timeout: timeoutMs }).catch(async () => {
      throw new Error(`timed out waiting for a notification matching ${message}; notifications shown: ${JSON.stringify(await this.notificationTexts())}`);
    });
    return (await toast.textContent()) ?? '';
  }

  async notificationTexts(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allTextContents();
  }

  /** Clicks `button` on the notification whose message matches. */
  async clickNotificationButton(message: RegExp, button: string | RegExp): Promise<void> {
    await this.waitForNotification(message);
    const toast = this.page.locator('.notification-toast').filter({ hasText: message }).first();
    await toast.locator('.monaco-button', { hasText: button }).first().click();
  }

  /** Clicks `button` on the modal dialog (showInformationMessage(..., { modal: true }, ...)) whose text matches. */
  async clickDialogButton(message: RegExp, button: string | RegExp, timeoutMs = LONG_WAIT_MS): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box').filter({ hasText: message }).first();
    await dialog.waitFor({ timeout: timeoutMs }).catch(async () => {
      const shown = await this.page.locator('.monaco-dialog-box').allTextContents();
      throw new Error(`timed out waiting for a dialog matching ${message}; dialogs shown: ${JSON.stringify(shown)}; notifications: ${JSON.stringify(await this.notificationTexts())}`);
    });
    await dialog.locator('.monaco-button', { hasText: button }).first().click();
  }

  // ---------------------------------------------------------------- views & editors

  /** Opens a file of the workspace through Quick Open (Ctrl+P), as a user does. */
  async openFile(relativePath: string): Promise<void> {
    await this.openQuickInput('Control+P', relativePath, `Quick Open (for ${relativePath})`);
    const name = path.basename(relativePath);
    await this.quickInputRow(name).waitFor({ timeout: LONG_WAIT_MS }).catch(async () => {
      throw new Error(`Quick Open does not list ${relativePath}; it shows: ${(await this.quickInputLabels()).join(', ')}`);
    });
    await this.page.keyboard.press('Enter');
    await this.tab(name, '.active').first().waitFor({ timeout: LONG_WAIT_MS });
  }

  async dialogVisible(message: RegExp): Promise<boolean> {
    return this.page.locator('.monaco-dialog-box').filter({ hasText: message }).first().isVisible();
  }

  /** Whether the editor tab labelled `name` has unsaved changes. */
  async editorIsDirty(name: string): Promise<boolean> {
    return (await this.tab(name, '.dirty').count()) > 0;
  }

  /**
   * The editor tab for `name`: a file's tab by its file name (so "train.py" is not
   * "train.py.tunekit.json"), any other tab (a webview) by the start of its label.
   */
  tab(name: string, state = ''): Locator {
    const byFile = this.page.locator(`.tabs-container .tab${state}[data-resource-name=${JSON.stringify(name)}]`);
    const byLabel = this.page
      .locator(`.tabs-container .tab${state}`)
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) }) });
    return byFile.or(byLabel);
  }

  /** Makes the editor tab labelled `name` the active one (so Ctrl+S saves it). */
  async focusEditor(name: string): Promise<void> {
    await this.tab(name).first().click({ timeout: LONG_WAIT_MS }).catch(async (error: Error) => {
      throw new Error(`no editor tab "${name}"; the tabs are: ${JSON.stringify(await this.tabLabels())} (${error.message.split('\n')[0]})`);
    });
    await this.tab(name, '.active').first().waitFor({ timeout: LONG_WAIT_MS });
  }

  /** Every editor tab's accessible label (for failure messages). */
  async tabLabels(): Promise<string[]> {
    return this.page.locator('.tabs-container .tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label') ?? t.textContent ?? ''));
  }

  async closeActiveEditor(): Promise<void> {
    await this.runCommand('View: Close Editor');
  }

  /** Shows a view container of the activity bar ("Tunekit") through its "View: Show ..." command. */
  async showViewContainer(title: string): Promise<void> {
    await this.runCommand(`View: Show ${title}`);
    await this.page.locator('.part.sidebar .composite.title', { hasText: new RegExp(escapeRegExp(title), 'i') }).waitFor({ timeout: LONG_WAIT_MS });
  }

  /** Picks a colour theme through "Preferences: Color Theme", as a user does. */
  async setColorTheme(theme: string): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    await this.pick(/theme/i, theme);
    await this.quickInput.waitFor({ state: 'hidden', timeout: LONG_WAIT_MS });
  }

  /** Leaves the editor area alone on screen (for screenshots of an editor or a webview). */
  async hideSideBarAndPanel(): Promise<void> {
    if (await this.page.locator('.part.sidebar').isVisible()) await this.runCommand('View: Close Primary Side Bar');
    if (await this.page.locator('.part.panel').isVisible()) await this.runCommand('View: Hide Panel');
  }

  /** A view pane in the side bar, by its title ("Studies"). */
  viewPane(title: string): Locator {
    return this.page.locator('.pane').filter({ has: this.page.locator('.pane-header', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}`, 'i') }) });
  }

  /** The row of a tree view whose label is exactly `label` (its description aside). */
  treeRow(viewTitle: string, label: string): Locator {
    return this.viewPane(viewTitle)
      .locator('.monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }) })
      .first();
  }

  /** Tree rows' accessible labels (label, description and tooltip-free text) in a view pane. */
  async treeRowLabels(viewTitle: string): Promise<string[]> {
    return this.viewPane(viewTitle).locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? r.textContent ?? ''));
  }

  /** Polls until `check` returns a value (not undefined); fails naming `what`. */
  async waitUntil<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = LONG_WAIT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
      await this.page.waitForTimeout(250);
    }
  }

  // ---------------------------------------------------------------- webviews

  /**
   * The frame holding a webview's own HTML: code-server puts each webview in an outer iframe
   * (`.../webview/index.html?...`) which loads the content into an inner one; the content frame
   * is the one where `selector` matches. Returns undefined while no such frame exists.
   */
  async findWebviewFrame(selector: string): Promise<Frame | undefined> {
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame() || frame.isDetached()) continue;
      const hasIt = await frame.locator(selector).count().catch(() => 0);
      if (hasIt > 0) return frame;
    }
    return undefined;
  }

  async waitForWebviewFrame(selector: string, what: string, timeoutMs = LONG_WAIT_MS): Promise<Frame> {
    return this.waitUntil(what, () => this.findWebviewFrame(selector), timeoutMs);
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
