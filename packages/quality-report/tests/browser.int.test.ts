import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { type QualityReportData, renderQualityReport, sampleQualityReportData } from '../src/index.js';

/** Debian's chromium, which scripts/setup.sh installs: the test never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
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
/** Where the screenshot is kept for a person to look at (git ignores it). */
const OUTPUT_DIR = path.join(import.meta.dirname, '..', 'test-output');
const HOSTILE_KEY = 'raw/orders/<img src="https://example.com/x.png">&"quoted".csv';

describe('the quality report in a browser', () => {
  let server: Server;
  let pageUrl: string;
  let userDataDir: string;
  let context: BrowserContext;
  let data: QualityReportData;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: run 'bash scripts/setup.sh' (it installs Debian's chromium)`);
    }
    // Prepare: a realistic pipeline, one of whose files has a name that is also markup
    const sample = sampleQualityReportData({
      files: 600,
      days: 180,
      anomalousDays: 5,
      generatedAt: '2026-12-06T07:00:00.000Z',
    });
    const files = [...sample.files].sort((a, b) => b.eventTime.localeCompare(a.eventTime));
    files[2] = { ...(files[2] as (typeof files)[number]), key: HOSTILE_KEY };
    data = { ...sample, files };
    const html = renderQualityReport(data);
    // Served over loopback rather than file://, so every request the page makes passes the router.
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`;
    userDataDir = await mkdtemp(path.join(tmpdir(), 'storeflow-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 1000 },
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  });

  it('renders every part without a request beyond the page or a console error', async () => {
    const requested: string[] = [];
    const consoleErrors: string[] = [];
    await context.route('**/*', (route) =>
      route.request().url() === pageUrl ? route.continue() : route.abort('blockedbyclient'),
    );
    const page = await context.newPage();
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));

    // Act
    const response = await page.goto(pageUrl, { waitUntil: 'load' });

    // Assess: the page alone was fetched, and rendered without complaint
    expect(response?.status()).toBe(200);
    expect(requested).toEqual([pageUrl]);
    expect(consoleErrors).toEqual([]);

    // The newest files are listed, the hostile name as text, not as an image
    const fileKeys = await page.locator('#files-table tbody tr td:first-child code').allTextContents();
    expect(fileKeys).toHaveLength(100);
    expect(fileKeys[2]).toBe(HOSTILE_KEY);
    expect(await page.locator('img').count()).toBe(0);

    // Every anomaly is listed
    expect(await page.locator('#anomalies tbody tr').count()).toBe(data.anomalies.length);

    // Every daily metric has a drawn line, and the abnormal days are marked on their chart
    const figures = page.locator('#trends figure');
    expect(await figures.count()).toBe(6);
    for (const figure of await figures.all()) {
      const box = await figure.locator('svg').boundingBox();
      expect(box?.width).toBeGreaterThan(100);
      expect(box?.height).toBeGreaterThan(30);
      expect(await figure.locator('path.line').getAttribute('d')).toMatch(
        /^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+$/,
      );
    }
    const dateAnomalies = data.anomalies.filter((anomaly) => anomaly.scope === 'date').length;
    expect(await page.locator('#trends figure[data-metric="total_orders"] g.anomaly circle').count()).toBe(
      dateAnomalies,
    );

    // Completeness and codes by column show one table per dataset and one row per count
    expect(await page.locator('#completeness table').count()).toBe(data.completeness.length);
    expect(await page.locator('#codes tbody tr').count()).toBe(data.columnCodes.length);

    await mkdir(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'quality-report.png') });
  }, 60_000);
});
