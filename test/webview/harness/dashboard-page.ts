/**
 * Driving the dashboard in the harness page: open it, post host messages, wait for the frame
 * that draws them, and read what a user would see (table rows in screen order, chart contents,
 * what the webview posted to the host, CSP violations).
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';

export interface Violation {
  readonly directive: string;
  readonly blocked: string;
  readonly source: string;
  readonly sample: string;
}

export interface Row {
  readonly number: number;
  readonly state: string;
  readonly selected: boolean;
  readonly cells: readonly string[];
}

export class DashboardPage {
  readonly errors: string[] = [];

  private constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Content Security Policy/.test(m.text())) this.errors.push(m.text());
    });
  }

  /** Opens the page and waits for the dashboard's `ready`. */
  static async open(context: BrowserContext, url: string): Promise<DashboardPage> {
    const d = new DashboardPage(await context.newPage());
    await d.page.goto(url);
    await d.waitForReady();
    return d;
  }

  async waitForReady(): Promise<void> {
    await this.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  }

  /** Frames the dashboard has drawn so far. */
  async frames(): Promise<number> {
    return this.page.evaluate(() => Number(document.documentElement.dataset.tkFrames ?? 0));
  }

  /** Posts a message as the host would, and waits for the frame that draws it. */
  async host(message: unknown): Promise<void> {
    const before = await this.frames();
    await this.page.evaluate((m) => window.postMessage(m, '*'), message as never);
    await this.page.waitForFunction((n) => Number(document.documentElement.dataset.tkFrames ?? 0) > n, before);
    await this.nextFrames();
  }

  /** Posts a message the dashboard should ignore; waits a few frames for any effect it has. */
  async hostIgnored(message: unknown): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message as never);
    await this.nextFrames(3);
  }

  async nextFrames(count = 2): Promise<void> {
    // A string, not a function: tsx names inner functions with a helper the page does not have.
    await this.page.evaluate(`new Promise((resolve) => {
      let left = ${Number(count)};
      const step = () => (--left <= 0 ? resolve() : requestAnimationFrame(step));
      requestAnimationFrame(step);
    })`);
  }

  async posted(): Promise<{ type: string; [k: string]: unknown }[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __posted: unknown[] }).__posted.length = 0;
    });
  }

  async violations(): Promise<Violation[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations: Violation[] }).__cspViolations);
  }

  /** The table's rows in the DOM, in the order they appear on screen. */
  async rows(): Promise<Row[]> {
    return this.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.tk-tr:not([hidden])')]
        .map((r) => ({ r, top: r.getBoundingClientRect().top }))
        .sort((a, b) => a.top - b.top)
        .map(({ r }) => ({
          number: Number(r.dataset.number),
          state: r.dataset.state ?? '',
          selected: r.classList.contains('tk-selected'),
          cells: [...r.querySelectorAll<HTMLElement>('.tk-td')].map((c) => c.textContent ?? ''),
        })),
    );
  }

  /** The index of a column by its header text (for reading `Row.cells`). */
  async columnIndex(label: string): Promise<number> {
    const labels = await this.page.locator('.tk-th').allTextContents();
    const i = labels.findIndex((l) => l.trim() === label);
    if (i < 0) throw new Error(`no column "${label}" in ${JSON.stringify(labels)}`);
    return i;
  }

  canvas(view: string): Locator {
    return this.page.locator(`.tk-card[data-view="${view}"] canvas`).first();
  }

  async canvasData(view: string, name: string): Promise<string | null> {
    return this.canvas(view).getAttribute(`data-${name}`);
  }

  /** Pixels of a view's canvas within `tolerance` of colour `hex` (#rrggbb). */
  async pixelsOfColor(view: string, hex: string, tolerance = 12): Promise<number> {
    return this.canvas(view).evaluate(
      (canvas, [color, tol]) => {
        const c = canvas as HTMLCanvasElement;
        const ctx = c.getContext('2d');
        if (!ctx) return 0;
        const want = [1, 3, 5].map((i) => Number.parseInt((color as string).slice(i, i + 2), 16));
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (Math.abs((data[i] as number) - (want[0] as number)) <= (tol as number) && Math.abs((data[i + 1] as number) - (want[1] as number)) <= (tol as number) && Math.abs((data[i + 2] as number) - (want[2] as number)) <= (tol as number) && (data[i + 3] as number) > 200) n++;
        }
        return n;
      },
      [hex, tolerance] as const,
    );
  }

  /** Picks an option of a toolkit dropdown the way a user does: open it, click the option. */
  async choose(dropdown: Locator, label: string): Promise<void> {
    await dropdown.click();
    await dropdown.locator('vscode-option', { hasText: label }).first().click();
    await this.nextFrames();
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
