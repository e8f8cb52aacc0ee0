import type { Anomaly } from '@storeflow/core';
import {
  downsample,
  explainAnomaly,
  type FileVersionEntry,
  type QualityReportData,
  renderQualityReport,
  renderTrendChart,
  sampleQualityReportData,
} from '../src/index.js';

const HOSTILE_KEY = `raw/orders/<img src=x onerror="alert('key')">&.csv`;

function file(overrides: Partial<FileVersionEntry>): FileVersionEntry {
  return {
    key: 'raw/orders/orders-1.csv',
    dataset: 'orders',
    version: 'v1',
    status: 'SUCCESS',
    verdict: 'ACCEPTED',
    eventTime: '2026-12-01T10:00:00.000Z',
    rows: { total: 10, accepted: 9, rejected: 1 },
    topCodes: [{ code: 'TIMESTAMP_INVALID', count: 1 }],
    ...overrides,
  };
}

const ORDERS_SPIKE: Anomaly = {
  scope: 'date',
  date: '2026-11-30',
  metric: 'total_orders',
  value: 250,
  expected: { low: 80, high: 120 },
  baseline: { n: 28, centre: 100, spread: 5 },
  rule: 'seasonal-mad:z>4',
};

function data(overrides: Partial<QualityReportData> = {}): QualityReportData {
  return {
    generatedAt: '2026-12-02T10:00:00.000Z',
    source: 's3://storeflow-data',
    files: [file({})],
    completeness: [
      { dataset: 'orders', reports: 1, columns: [{ column: 'returned_at', present: 3, rows: 10 }] },
    ],
    columnCodes: [
      { dataset: 'orders', column: 'created_at', code: 'TIMESTAMP_INVALID', rows: 1, estimated: false },
    ],
    daily: [
      { date: '2026-11-29', total_orders: 100, total_revenue: 5000.5 },
      { date: '2026-11-30', total_orders: 250, total_revenue: 5100 },
      { date: '2026-12-01', total_orders: 98, total_revenue: 4900 },
    ],
    anomalies: [ORDERS_SPIKE],
    ...overrides,
  };
}

/** The text of the element with `id`, tags removed: enough to read a section in a test. */
function sectionText(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  const end = html.indexOf('</section>', start);
  expect(start).toBeGreaterThanOrEqual(0);
  return html
    .slice(start, end)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

describe('renderQualityReport', () => {
  it('shows every section of the page', () => {
    // Act
    const html = renderQualityReport(data());

    // Assess
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const id of ['anomalies', 'trends', 'datasets', 'files', 'completeness', 'codes']) {
      expect(html).toContain(`<section id="${id}">`);
    }
    expect(sectionText(html, 'files')).toContain('raw/orders/orders-1.csv');
    expect(sectionText(html, 'completeness')).toContain('returned_at 3 10 30%');
    expect(sectionText(html, 'codes')).toContain('orders created_at TIMESTAMP_INVALID 1');
  });

  it('states the age of the data: newest file, newest order date, generation time', () => {
    // Act
    const html = renderQualityReport(data());

    // Assess: the newest file came 24 h before generation, the newest order date 34 h before
    const age = html.slice(html.indexOf('id="age"'), html.indexOf('</dl>'));
    expect(age).toContain('2026-12-02T10:00:00.000Z');
    expect(age).toContain('2026-12-01T10:00:00.000Z (24.0 h earlier)');
    expect(age).toContain('2026-12-01 (34.0 h earlier)');
  });

  it('escapes file names, codes and every other value', () => {
    // Prepare
    const hostile = data({
      source: '<script>alert(1)</script>',
      files: [
        file({
          key: HOSTILE_KEY,
          topCodes: [{ code: '<b>CODE</b>', count: 2 }],
          lastError: '"><svg onload=x>',
        }),
      ],
      anomalies: [{ ...ORDERS_SPIKE, scope: 'file', key: `${HOSTILE_KEY}@v1`, rule: '</td><script>' }],
    });

    // Act
    const html = renderQualityReport(hostile);

    // Assess
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('<b>CODE');
    expect(html).toContain('raw/orders/&lt;img src=x onerror=&quot;alert(&#39;key&#39;)&quot;&gt;&amp;.csv');
  });

  it('refers to nothing outside the page: s3 objects are text, only relative links are links', () => {
    // Prepare
    const linked = data({
      files: [
        file({
          report: { text: 's3://storeflow-data/validation-reports/a.json', href: 'reports/a.json' },
          rejectedRows: { text: 's3://storeflow-data/rejected/a.jsonl', href: 'https://example.com/a.jsonl' },
        }),
        file({ key: 'raw/orders/b.csv', report: { text: 'b', href: 'javascript:alert(1)' } }),
        file({ key: 'raw/orders/c.csv', report: { text: 'c', href: '//example.com/c.json' } }),
      ],
    });

    // Act
    const html = renderQualityReport(linked);

    // Assess
    const targets = [...html.matchAll(/\s(?:href|src|xlink:href|action)="([^"]*)"/g)].map(
      (match) => match[1],
    );
    expect(targets).toEqual(['reports/a.json']);
    expect(html).not.toMatch(/https?:|javascript:|url\(/i);
    expect(html).toContain("default-src 'none'");
  });

  it('draws a chart per daily metric with each anomaly marked over its expected range', () => {
    // Act
    const html = renderQualityReport(data());

    // Assess: two metrics have values, one anomaly is on total_orders
    const figures = [...html.matchAll(/<figure data-metric="([a-z_]+)">(.*?)<\/figure>/g)];
    expect(figures.map((match) => match[1])).toEqual(['total_orders', 'total_revenue']);
    const orders = figures[0]?.[2] ?? '';
    expect(orders).toMatch(/<path class="line" d="M[\d. ]+L[\d. ]+L[\d. ]+"\/>/);
    expect(orders.match(/<g class="anomaly">/g)).toHaveLength(1);
    expect(orders).toContain('<rect class="expected"');
    expect(figures[1]?.[2]).not.toContain('class="anomaly"');
  });

  it('lists the anomalies with their baseline explained', () => {
    // Act
    const text = sectionText(renderQualityReport(data()), 'anomalies');

    // Assess
    expect(text).toContain('date 2026-11-30');
    expect(text).toContain('total_orders 250 80 – 120');
    expect(text).toContain('the median 100 of 28 earlier values with a robust spread of 5');
  });

  it('lists the newest versions, folds older ones away and only counts the oldest', () => {
    // Prepare: 12 versions, one per hour
    const files = Array.from({ length: 12 }, (_, hour) =>
      file({
        key: `raw/orders/f${hour}.csv`,
        eventTime: `2026-12-01T${String(hour).padStart(2, '0')}:00:00.000Z`,
      }),
    );

    // Act
    const html = renderQualityReport(data({ files }), { recentFiles: 3, olderFiles: 4 });

    // Assess
    const open = html.slice(
      html.indexOf('id="files-table"'),
      html.indexOf('</table>', html.indexOf('id="files-table"')),
    );
    expect([...open.matchAll(/raw\/orders\/(f\d+)\.csv/g)].map((match) => match[1])).toEqual([
      'f11',
      'f10',
      'f9',
    ]);
    const folded = html.slice(html.indexOf('<details id="older-files">'), html.indexOf('</details>'));
    expect([...folded.matchAll(/raw\/orders\/(f\d+)\.csv/g)].map((match) => match[1])).toEqual([
      'f8',
      'f7',
      'f6',
      'f5',
    ]);
    expect(sectionText(html, 'files')).toContain('5 older versions not listed here');
  });

  it('sums every version per dataset, listed or not', () => {
    // Prepare
    const files = [
      file({ key: 'raw/orders/a.csv', version: 'v1', rows: { total: 10, accepted: 10, rejected: 0 } }),
      file({
        key: 'raw/orders/a.csv',
        version: 'v2',
        status: 'FAILED',
        rows: { total: 20, accepted: 5, rejected: 15 },
      }),
      file({ key: 'raw/products/p.csv', dataset: 'products', rows: { total: 7, accepted: 7, rejected: 0 } }),
    ];

    // Act
    const text = sectionText(
      renderQualityReport(data({ files }), { recentFiles: 1, olderFiles: 0 }),
      'datasets',
    );

    // Assess: dataset, keys, versions, statuses, rows, accepted, rejected
    expect(text).toContain('orders 1 2 FAILED 1 SUCCESS 1 30 15 15');
    expect(text).toContain('products 1 1 SUCCESS 1 7 7 0');
  });

  it('says so when there is nothing yet', () => {
    // Act
    const html = renderQualityReport(
      data({ files: [], completeness: [], columnCodes: [], daily: [], anomalies: [] }),
    );

    // Assess
    expect(sectionText(html, 'anomalies')).toContain('No anomalies');
    expect(sectionText(html, 'trends')).toContain('No daily KPIs yet');
    expect(sectionText(html, 'files')).toContain('No files yet');
    expect(html).toContain('none yet');
  });

  it('stays small for 10,000 file versions and 3 years of dates', () => {
    // Prepare
    const large = sampleQualityReportData({
      files: 10_000,
      days: 3 * 365,
      anomalousDays: 24,
      generatedAt: '2026-12-06T07:00:00.000Z',
    });

    // Act
    const html = renderQualityReport(large);

    // Assess: the default limits list 1,000 versions and draw at most 320 vertices per line
    expect((html.match(/<tr><td><code>raw\//g) ?? []).length).toBe(1000);
    for (const [, path] of html.matchAll(/<path class="line" d="([^"]+)"/g)) {
      expect((path ?? '').split(/[ML]/).length - 1).toBeLessThanOrEqual(320);
    }
    expect(Buffer.byteLength(html)).toBeLessThan(1_500_000);
  });
});

describe('downsample', () => {
  it('keeps the lowest and highest value of each run, in date order', () => {
    // Prepare: 10 days, one spike on the 7th
    const points = Array.from({ length: 10 }, (_, index) => ({
      date: `2026-01-${String(index + 1).padStart(2, '0')}`,
      value: index === 6 ? 99 : index,
    }));

    // Act
    const kept = downsample(points, 4);

    // Assess: runs of days 1-5 and 6-10
    expect(kept.map((point) => point.value)).toEqual([0, 4, 5, 99]);
  });

  it('leaves a short series as it is', () => {
    // Prepare
    const points = [{ date: '2026-01-01', value: 1 }];

    // Act, Assess
    expect(downsample(points, 4)).toBe(points);
  });
});

describe('explainAnomaly', () => {
  it('formats money with cents and rates as percentages', () => {
    // Prepare
    const rate: Anomaly = {
      scope: 'file',
      key: 'raw/orders/a.csv@v1',
      dataset: 'orders',
      metric: 'rejected_row_rate',
      value: 0.2,
      expected: { low: 0, high: 0.02 },
      baseline: { n: 12, centre: 0.005, spread: 0.003 },
      rule: 'mad:z>4',
    };

    // Act, Assess
    expect(explainAnomaly(rate)).toBe(
      'rejected_row_rate in raw/orders/a.csv@v1 was 20%, above the expected 0% to 2%: the baseline is ' +
        'the median 0.5% of 12 earlier values with a robust spread of 0.3% (rule mad:z>4)',
    );
    expect(explainAnomaly({ ...ORDERS_SPIKE, metric: 'avg_order_value', value: 12.5 })).toContain(
      'was 12.50, below the expected 80.00 to 120.00',
    );
  });
});

describe('renderTrendChart', () => {
  it('labels large values in thousands so they fit left of the plot', () => {
    // Prepare
    const points = [
      { date: '2026-01-01', value: 500 },
      { date: '2026-01-02', value: 18_544.05 },
    ];

    // Act
    const svg = renderTrendChart(points, [], { title: 'Revenue', format: (value) => value.toFixed(2) });

    // Assess: 0, the middle and the top of the y axis (its labels end at x 58)
    const labels = [...svg.matchAll(/<text class="axis" x="58"[^>]*>([^<]*)<\/text>/g)].map(
      (match) => match[1],
    );
    expect(labels).toEqual(['0.00', '9.3k', '18.5k']);
  });
});
