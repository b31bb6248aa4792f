/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with a fresh
 * profile each launch; the flags keep it from reaching the network.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.TUNEKIT_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why Chromium tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return fs.existsSync(CHROMIUM) ? undefined : `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set TUNEKIT_CHROMIUM`;
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1280, height: 1000 }): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tunekit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport, deviceScaleFactor: 1 });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
