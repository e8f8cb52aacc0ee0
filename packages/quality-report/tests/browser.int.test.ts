import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type OpenedPage, openHtmlInChromium } from '@storeflow/testing';
import { type QualityReportData, renderQualityReport, sampleQualityReportData } from '../src/index.js';

/** Where the screenshot is kept for a person to look at (git ignores it). */
const OUTPUT_DIR = path.join(import.meta.dirname, '..', 'test-output');
const HOSTILE_KEY = 'raw/orders/<img src="https://example.com/x.png">&"quoted".csv';

describe('the quality report in a browser', () => {
  let data: QualityReportData;
  let opened: OpenedPage | undefined;

  beforeAll(() => {
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
  });

  afterAll(async () => {
    await opened?.close();
  });

  it('renders every part without a request beyond the page or a console error', async () => {
    // Act
    opened = await openHtmlInChromium(renderQualityReport(data));
    const { page } = opened;

    // Assess: the page alone was fetched, and rendered without complaint
    expect(opened.status).toBe(200);
    expect(opened.requested).toEqual([opened.url]);
    expect(opened.consoleErrors).toEqual([]);

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
