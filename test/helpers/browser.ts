// Debian's chromium driven by playwright-core (no browser download), for the HTML report tests.
// A test file without the browser says why and skips, instead of passing silently.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
export const SKIP_NOTE = `${CHROMIUM} not found: the browser test needs Debian's chromium (apt-get install chromium; .ci/run installs it)`;

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'agent-lab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

export interface Loaded {
  page: Page;
  /** Console errors, page errors, failed requests and dialogs, as they happen. */
  problems: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** Open a file, recording every console error, page error, failed request, dialog and request made. */
export async function openPage(context: BrowserContext, file: string, ready: string): Promise<Loaded> {
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  page.on('pageerror', (e) => void problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => void problems.push(`requestfailed: ${r.url()}`));
  page.on('request', (r) => void requests.push(r.url()));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector(ready, { timeout: 15_000 });
  return { page, problems, requests };
}

/** The Responses section's status line ("tasks 1–20 of 45 …"). */
export const statusText = (page: Page): Promise<string> => page.$eval('#rs-status', (s) => s.textContent ?? '');

/** Wait until the status line matches; on a timeout, say what it reads instead. */
export async function waitForStatus(page: Page, wanted: RegExp, timeout = 5000): Promise<void> {
  await page
    .waitForFunction(
      // A function, not a string: the page's CSP allows no eval. The project compiles without the DOM types.
      (source) => new RegExp(source).test((globalThis as unknown as { document: { getElementById(id: string): { textContent: string | null } } }).document.getElementById('rs-status').textContent ?? ''),
      wanted.source,
      { timeout, polling: 16 },
    )
    .catch(async (error: Error) => {
      throw new Error(`${error.message}: the status reads "${await statusText(page)}", not ${wanted}`);
    });
}
