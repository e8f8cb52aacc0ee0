import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's chromium, which scripts/setup.sh installs: no test ever downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';
/** Headless, and quiet on the network: no background fetches of its own to be refused. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A page open in headless chromium, with what it asked for and complained about while loading. */
export interface OpenedPage {
  readonly page: Page;
  readonly url: string;
  readonly status: number | undefined;
  /** Every URL the page requested, its own first; any other was refused. */
  readonly requested: readonly string[];
  /** Console errors and uncaught page errors. */
  readonly consoleErrors: readonly string[];
  close(): Promise<void>;
}

/**
 * Serves `html` over loopback (so every request the page makes passes the router, which refuses
 * all but the page itself) and opens it in Debian's chromium headless, 1280x1000.
 *
 * @throws Error when chromium is not installed, naming the set-up command that installs it
 */
export async function openHtmlInChromium(html: string): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run 'bash scripts/setup.sh' (it installs Debian's chromium)`);
  }
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`;
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'storeflow-chromium-'));
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close();
    await new Promise((resolve) => server.close(resolve));
    await rm(userDataDir, { recursive: true, force: true });
  };
  try {
    // Loaded here, not with the package: playwright is large, and most users of @storeflow/testing
    // (the bench's core run among them, whose peak RSS is measured) never open a browser.
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 1000 },
    });
    await context.route('**/*', (route) =>
      route.request().url() === url ? route.continue() : route.abort('blockedbyclient'),
    );
    const requested: string[] = [];
    const consoleErrors: string[] = [];
    const page = await context.newPage();
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const response = await page.goto(url, { waitUntil: 'load' });
    return { page, url, status: response?.status(), requested, consoleErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
