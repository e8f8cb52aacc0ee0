import type { Anomaly, FileQualitySummary } from '@storeflow/core';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  FileProfileStore,
  resolveAwsConnection,
  resourceNamesFor,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let tableName: string;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
  const names = resourceNamesFor(uniquePrefix('fp'));
  await bootstrapResources(clients, { names });
  tableName = names.qualityTable;
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

/** A fresh store per test: each test's table is shared, so each gets its own empty one by prefix. */
async function freshStore(): Promise<FileProfileStore> {
  const names = resourceNamesFor(uniquePrefix('fp'));
  await bootstrapResources(clients, { names });
  return new FileProfileStore({ clients, tableName: names.qualityTable });
}

function summary(
  dataset: string,
  day: number,
  overrides: Partial<FileQualitySummary> = {},
): FileQualitySummary {
  const name = `raw/${dataset}/2025-04-${String(day).padStart(2, '0')}@x.csv`;
  return {
    key: `${name}@etag-${day}`,
    dataset,
    eventTime: `2025-04-${String(day).padStart(2, '0')}T10:00:00.000Z`,
    rows: 1000 + day,
    rejectedRowRatio: 0.001 * day,
    nullRates: { status: 0, returned_at: 0.25 },
    ...overrides,
  };
}

function anomalyOf(file: FileQualitySummary): Anomaly {
  return {
    scope: 'file',
    key: file.key,
    dataset: file.dataset,
    metric: 'row_count',
    value: file.rows,
    expected: { low: 900, high: 1100 },
    baseline: { n: 20, centre: 1000, spread: 25 },
    rule: 'mad:z>4',
  };
}

const details = { anomalies: [], reportKey: 'validation-reports/r.json', verdict: 'ACCEPTED' as const };

describe('FileProfileStore on DynamoDB Local', () => {
  it('keeps the first profile of a version, and its alerts pending until they are published', async () => {
    // Prepare: a source key holding an @, which the version must not be confused with
    const store = new FileProfileStore({ clients, tableName });
    const file = summary('orders', 3);
    const anomaly = anomalyOf(file);

    // Act
    const first = await store.put(file, { ...details, anomalies: [anomaly] });
    const again = await store.put({ ...file, rows: 5 }, details);
    await store.alertsPublished(file);
    const afterPublishing = await store.put(file, details);

    // Assess
    expect(first.created).toBe(true);
    expect(again).toEqual({
      created: false,
      profile: { summary: file, ...details, anomalies: [anomaly], alertsPending: true },
    });
    expect(afterPublishing.created).toBe(false);
    expect(afterPublishing.profile.alertsPending).toBe(false);
    expect(afterPublishing.profile.anomalies).toEqual([anomaly]);
  });

  it('reads the newest profiles before an event time, newest first, within the limit', async () => {
    // Prepare: days 1 to 6 of orders, one products file, one orders file at the judged time itself
    const store = await freshStore();
    for (let day = 1; day <= 6; day++) await store.put(summary('orders', day), details);
    await store.put(summary('products', 2), details);
    const judged = summary('orders', 5, { key: 'raw/orders/late.csv@v9' });

    // Act
    const recent = await store.recent('orders', { before: judged.eventTime, limit: 3 });

    // Assess: days 4, 3 and 2; day 5 is not before the judged file's time, nor are products orders
    expect(recent.map((profile) => profile.summary)).toEqual([
      summary('orders', 4),
      summary('orders', 3),
      summary('orders', 2),
    ]);
    await expect(store.recent('orders', { before: judged.eventTime, limit: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });

  it('lists profiles and anomalies by dataset and event-time range, across pages', async () => {
    // Prepare: 120 orders files of about 10 KB of null rates each, so a listing spans the 1 MB
    // pages of a Query
    const store = await freshStore();
    const wideNullRates = Object.fromEntries(
      Array.from({ length: 300 }, (_, index) => [`column_with_a_rather_long_name_${index}`, 0.5]),
    );
    const orders = Array.from({ length: 120 }, (_, index) =>
      summary('orders', 1, {
        key: `raw/orders/part-${index}.csv@v1`,
        eventTime: `2025-04-${String(1 + (index % 20)).padStart(2, '0')}T10:00:00.${String(index).padStart(3, '0')}Z`,
        nullRates: wideNullRates,
      }),
    );
    for (const file of orders) {
      const anomalies = file.key.endsWith('part-7.csv@v1') ? [anomalyOf(file)] : [];
      await store.put(file, { ...details, anomalies });
    }
    const items = summary('order_items', 9);
    await store.put(items, { ...details, anomalies: [anomalyOf(items)], verdict: 'REJECTED' });

    // Act
    const all = await store.list();
    const ordersInRange = await store.list({ dataset: 'orders', from: '2025-04-03', to: '2025-04-04' });
    const anomalies = await store.listAnomalies({ from: '2025-04-08' });

    // Assess
    expect(all).toHaveLength(121);
    expect(all.at(-1)?.verdict).toBe('REJECTED');
    const expectedInRange = orders.filter(
      (file) => file.eventTime >= '2025-04-03' && file.eventTime < '2025-04-05',
    );
    expect(ordersInRange.map((profile) => profile.summary.key).sort()).toEqual(
      expectedInRange.map((file) => file.key).sort(),
    );
    expect(ordersInRange).toHaveLength(12);
    expect(anomalies.map((anomaly) => anomaly.key)).toEqual(['raw/orders/part-7.csv@v1', items.key]);
  });
});
