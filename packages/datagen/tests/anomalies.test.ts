import { InvalidOptionError } from '@storeflow/core';
import { DataGenerator, type GenerateOptions, historyOptions, type InjectedAnomaly } from '../src/index.js';

/** Every file's rows (CSV, header first), by key, and the manifest. */
function generateHistory(anomalies: readonly InjectedAnomaly[], extra: Partial<GenerateOptions> = {}) {
  const generator = new DataGenerator({
    ...historyOptions({ seed: 'anomalies', startDate: '2025-05-01', days: 14, ordersPerDay: 150, anomalies }),
    errorRate: 0,
    ...extra,
  });
  const rows = new Map<string, string[][]>();
  for (const file of generator.files) {
    const lines = [...generator.chunks(file)].join('').trim().split('\n');
    rows.set(
      file.key,
      lines.map((line) => line.split(',')),
    );
  }
  return { generator, rows, manifest: generator.manifest() };
}

function fileOf(rows: Map<string, string[][]>, dataset: string, date: string): string[][] {
  const [year, month, day] = date.split('-');
  const key = [...rows.keys()].find((candidate) =>
    candidate.startsWith(`${dataset}/year=${year}/month=${month}/day=${day}/`),
  );
  return rows.get(key ?? '') ?? [];
}

/** Column `name` of every data row of a CSV file. */
function column(file: string[][], name: string): string[] {
  const at = (file[0] ?? []).indexOf(name);
  return file.slice(1).map((row) => row[at] ?? '');
}

describe('DataGenerator anomalies', () => {
  it('writes a history as the catalogue once, then one orders and one items file per day', () => {
    // Act
    const { generator } = generateHistory([]);

    // Assess
    const count = (dataset: string) => generator.files.filter((file) => file.dataset === dataset).length;
    expect([count('products'), count('orders'), count('order_items')]).toEqual([1, 14, 14]);
  });

  it('leaves every day but the injected one as it was', () => {
    // Act
    const plain = generateHistory([]);
    const injected = generateHistory([{ date: '2025-05-09', kind: 'null-burst' }]);

    // Assess
    for (const [key, file] of plain.rows) {
      if (key.includes('day=09/')) expect(injected.rows.get(key)).not.toEqual(file);
      else expect(injected.rows.get(key)).toEqual(file);
    }
  });

  it('gives a volume-drop day about 40% of the orders of the same weekday a week before', () => {
    // Act
    const { rows } = generateHistory([{ date: '2025-05-10', kind: 'volume-drop' }]);

    // Assess: the noise is ±15%, so the ratio lies within 0.4 × (0.85/1.15 .. 1.15/0.85), trend aside
    const dropped = fileOf(rows, 'orders', '2025-05-10').length - 1;
    const weekBefore = fileOf(rows, 'orders', '2025-05-03').length - 1;
    expect(dropped / weekBefore).toBeGreaterThan(0.28);
    expect(dropped / weekBefore).toBeLessThan(0.56);
  });

  it('triples every sale price of a price-spike day', () => {
    // Act
    const plain = generateHistory([]);
    const spiked = generateHistory([{ date: '2025-05-07', kind: 'price-spike' }]);

    // Assess
    const prices = (rows: Map<string, string[][]>) =>
      column(fileOf(rows, 'order_items', '2025-05-07'), 'sale_price').map(Number);
    const before = prices(plain.rows);
    expect(prices(spiked.rows)).toEqual(before.map((price) => expect.closeTo(price * 3, 2)));
  });

  it('empties gender and inventory_item_id of about 90% of the rows of a null-burst day only', () => {
    // Act
    const { rows } = generateHistory([{ date: '2025-05-09', kind: 'null-burst' }]);

    // Assess
    const emptyShare = (values: string[]) => values.filter((value) => value === '').length / values.length;
    expect(emptyShare(column(fileOf(rows, 'orders', '2025-05-09'), 'gender'))).toBeGreaterThan(0.8);
    expect(
      emptyShare(column(fileOf(rows, 'order_items', '2025-05-09'), 'inventory_item_id')),
    ).toBeGreaterThan(0.8);
    expect(emptyShare(column(fileOf(rows, 'orders', '2025-05-08'), 'gender'))).toBe(0);
    expect(emptyShare(column(fileOf(rows, 'order_items', '2025-05-10'), 'inventory_item_id'))).toBe(0);
  });

  it('breaks 1 row in 33 of a reject-burst day, under the file threshold, and no row of the others', () => {
    // Act
    const { manifest } = generateHistory([{ date: '2025-05-06', kind: 'reject-burst' }]);

    // Assess
    for (const file of manifest.files) {
      const share = file.rows.rejected / file.rows.total;
      if (file.key.includes('day=06/')) {
        expect(share).toBeGreaterThan(0.025);
        expect(share).toBeLessThan(0.04);
        expect(file.verdict).toBe('ACCEPTED');
      } else {
        expect(file.rows.rejected).toBe(0);
      }
    }
  });

  it.each([
    [{ anomalies: [{ date: '2025-05-15', kind: 'volume-drop' }] }, /2025-05-15.*2025-05-01 to 2025-05-14/],
    [{ anomalies: [{ date: '2025-02-30', kind: 'volume-drop' }] }, /2025-02-30/],
    [{ anomalies: [{ date: '2025-05-02', kind: 'meteor' }] }, /unknown kind meteor/],
    [
      { anomalies: [{ date: '2025-05-02', kind: 'volume-drop' }], dailyFiles: false, files: 2 },
      /need dailyFiles/,
    ],
  ])('refuses %j', (extra, message) => {
    expect(() => generateHistory([], extra as Partial<GenerateOptions>)).toThrow(InvalidOptionError);
    expect(() => generateHistory([], extra as Partial<GenerateOptions>)).toThrow(message);
  });
});
