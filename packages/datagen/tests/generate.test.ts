import { createHash } from 'node:crypto';
import { detectFormat, InvalidOptionError, parseTimestamp, routeObjectKey } from '@storeflow/core';
import {
  ALL_ERROR_KINDS,
  DataGenerator,
  DEFAULT_ERROR_KINDS,
  DEFAULT_GENERATE_OPTIONS,
  ERROR_KINDS,
  type GenerateOptions,
} from '../src/index.js';
import { SeededRandom } from '../src/SeededRandom.js';
import { type FileTimestampStyle, formatTimestamp } from '../src/timestampStyles.js';

/** Every file's text, in generation order, and the manifest. */
function generateAll(options: Partial<GenerateOptions>) {
  const generator = new DataGenerator(options);
  const texts = generator.files.map((file) => ({
    key: file.key,
    text: [...generator.chunks(file)].join(''),
  }));
  return { generator, texts, manifest: generator.manifest() };
}

function digestOf(options: Partial<GenerateOptions>): string {
  const hash = createHash('sha256');
  const { texts, manifest } = generateAll(options);
  for (const { key, text } of texts) hash.update(`${key}\n${text}\n`);
  hash.update(JSON.stringify(manifest));
  return hash.digest('hex');
}

describe('DataGenerator', () => {
  const small = { orders: 400, products: 60, files: 2, errorRate: 0.03 } as const;

  it('gives the same bytes and manifest for the same options, and others for another seed', () => {
    // Act
    const first = digestOf({ ...small, seed: 'a' });
    const second = digestOf({ ...small, seed: 'a' });
    const otherSeed = digestOf({ ...small, seed: 'b' });

    // Assess
    expect(second).toBe(first);
    expect(otherSeed).not.toBe(first);
  });

  it.each([
    // Computed with the generator as it was before it could follow contracts (commit ec5c079),
    // by running digestOf on these options: without contracts it must keep writing exactly that.
    [
      'csv, every error kind',
      {
        seed: 'golden',
        orders: 1500,
        products: 300,
        files: 3,
        format: 'csv',
        timestamps: 'mixed',
        errorRate: 0.05,
        errorKinds: ALL_ERROR_KINDS,
        lateItems: true,
      },
      '4cd8f3e5aecf8b1e05ee52e16f5ee83a09da4438cc1352cacc45ab8c71c17809',
    ],
    [
      'gzip JSON Lines, every error kind',
      {
        seed: 'golden',
        orders: 1500,
        products: 300,
        files: 3,
        format: 'jsonl',
        gzip: true,
        timestamps: 'mixed',
        errorRate: 0.05,
        errorKinds: ALL_ERROR_KINDS,
        lateItems: true,
      },
      '57cea404715522ad73634c166f2edff45e6e8ec0896486bec3f35835656c6da5',
    ],
    [
      'a daily history with anomalies',
      {
        seed: 'golden-daily',
        orders: 600,
        products: 100,
        days: 6,
        files: 6,
        dailyFiles: true,
        anomalies: [
          { date: '2026-01-03', kind: 'null-burst' },
          { date: '2026-01-05', kind: 'reject-burst' },
        ],
      },
      'b7010909f4316c6ef2a8bbf4e26bf8132d34ecee346b4de1d7f1d8a443d6f0bd',
    ],
    ['the defaults', {}, '71ef1f095d5ee891477aeb90b6abc56db58b14f84796008962403a590eb06756'],
  ] as [string, Partial<GenerateOptions>, string][])(
    'writes the bytes and manifest it always wrote for a fixed seed (%s)',
    (_, options, digest) => {
      expect(digestOf(options)).toBe(digest);
    },
  );

  it('lays files out as <dataset>/year=YYYY/month=MM/day=DD/<dataset>_NNNN, routed to their dataset', () => {
    // Act
    const { texts } = generateAll({ ...small, format: 'jsonl', gzip: true, files: 3 });

    // Assess
    expect(texts.map(({ key }) => key.replace(/year=\d{4}\/month=\d{2}\/day=\d{2}/, 'DATE'))).toEqual([
      'products/DATE/products_0001.jsonl.gz',
      'products/DATE/products_0002.jsonl.gz',
      'products/DATE/products_0003.jsonl.gz',
      'orders/DATE/orders_0001.jsonl.gz',
      'orders/DATE/orders_0002.jsonl.gz',
      'orders/DATE/orders_0003.jsonl.gz',
      'order_items/DATE/order_items_0001.jsonl.gz',
      'order_items/DATE/order_items_0002.jsonl.gz',
      'order_items/DATE/order_items_0003.jsonl.gz',
    ]);
    for (const { key } of texts) {
      const dataset = key.slice(0, key.indexOf('/'));
      expect(routeObjectKey(`raw/${key}`)).toEqual({ routable: true, dataset });
      expect(detectFormat(key)).toEqual({ supported: true, format: 'jsonl', gzip: true });
    }
  });

  it('puts each orders and items file in the partition of the day of its first order', () => {
    // Act
    const { texts } = generateAll({ ...small, files: 4, startDate: '2025-12-30', days: 5 });

    // Assess
    const products = texts.filter(({ key }) => key.startsWith('products/'));
    expect(products.every(({ key }) => key.includes('/year=2025/month=12/day=30/'))).toBe(true);
    const orderFiles = texts.filter(({ key }) => key.startsWith('orders/'));
    const days = orderFiles.map(({ key, text }) => {
      const firstRow = text.split('\n')[1]?.split(',') ?? [];
      const createdAt = parseTimestamp(firstRow[4] ?? '') ?? Number.NaN;
      const [year, month, day] = new Date(createdAt).toISOString().slice(0, 10).split('-');
      expect(key).toContain(`/year=${year}/month=${month}/day=${day}/`);
      return key;
    });
    expect(new Set(days.map((key) => key.split('/').slice(1, 4).join('/'))).size).toBeGreaterThan(1);
    expect(texts.some(({ key }) => key.startsWith('orders/year=2026/month=01/'))).toBe(true);
  });

  it('with dailyFiles, gives each orders file the orders of one day and each items file their items', () => {
    // Act
    const { texts } = generateAll({ ...small, errorRate: 0, files: 3, days: 3, dailyFiles: true });

    // Assess: every order of orders file k was created on day k, and items file k holds exactly their items
    const orderFiles = texts.filter(({ key }) => key.startsWith('orders/'));
    const itemFiles = texts.filter(({ key }) => key.startsWith('order_items/'));
    const rowsOf = (text: string) =>
      text
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','));
    orderFiles.forEach(({ key, text }, index) => {
      const dates = new Set(
        rowsOf(text).map((row) => new Date(parseTimestamp(row[4] ?? '') ?? 0).toISOString().slice(0, 10)),
      );
      expect([...dates]).toEqual([`2026-01-0${index + 1}`]);
      expect(key).toContain(`/day=0${index + 1}/`);
      const orderIds = new Set(rowsOf(text).map((row) => row[0]));
      const itemOrders = new Set(rowsOf(itemFiles[index]?.text ?? '').map((row) => row[1]));
      expect(itemOrders).toEqual(orderIds);
    });
  });

  it('refuses dailyFiles unless there is one file per day', () => {
    expect(() => new DataGenerator({ ...small, files: 2, days: 3, dailyFiles: true })).toThrow(
      InvalidOptionError,
    );
  });

  it('writes each timestamp style SPEC §2 accepts, one per file in mixed mode', () => {
    // Act
    const { texts, generator } = generateAll({ ...small, files: 4, timestamps: 'mixed', errorRate: 0 });

    // Assess
    const orders = texts.filter(({ key }) => key.startsWith('orders/')).map(({ text }) => text);
    expect(
      generator.files.filter((file) => file.dataset === 'orders').map((file) => file.timestampStyle),
    ).toEqual(['iso', 'iso-z', 'offset', 'sql']);
    expect(orders[0]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2},/);
    expect(orders[1]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z,/);
    expect(orders[2]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2},/);
    expect(orders[2]).toMatch(/[+]05:30,/);
    expect(orders[3]).toMatch(/,\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6} UTC,/);
  });

  it('quotes CSV values that hold commas or quotes', () => {
    // Act
    const { texts } = generateAll({ ...small, products: 600, errorRate: 0 });

    // Assess
    const products = texts
      .filter(({ key }) => key.startsWith('products/'))
      .map(({ text }) => text)
      .join('');
    expect(products).toMatch(/,"[^"\n]*, Pack of \d[^"\n]*",/);
    expect(products).toMatch(/,"[^\n]*""[A-Za-z]+""[^\n]*",/);
  });

  it('hands text over in bounded chunks as they are pulled, so a writer can stream any size', () => {
    // Prepare
    const generator = new DataGenerator({ orders: 20_000, products: 100, files: 1, errorRate: 0 });
    const [products, orders] = generator.files;
    if (products === undefined || orders === undefined) throw new Error('missing files');
    for (const _ of generator.chunks(products)) {
      // products first: files are generated in order
    }

    // Act
    const chunks = generator.chunks(orders);
    const first = chunks.next();
    const sizes = [first.value?.length ?? 0, ...[...chunks].map((chunk) => chunk.length)];

    // Assess
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThan(64 * 1024 + 1024);
  });

  it('refuses to generate files out of order or to give the manifest early', () => {
    // Prepare
    const generator = new DataGenerator(small);
    const orders = generator.files.find((file) => file.dataset === 'orders');
    if (orders === undefined) throw new Error('no orders file');

    // Act and assess
    expect(() => generator.chunks(orders).next()).toThrow(/order of DataGenerator.files/);
    expect(() => generator.manifest()).toThrow(/every file generated first/);
  });

  it.each([
    [{ files: 5, orders: 4 }, 'files'],
    [{ files: 3, products: 2 }, 'files'],
    [{ orders: 0 }, 'orders'],
    [{ days: 1.5 }, 'days'],
    [{ startDate: '2026-02-30' }, 'startDate'],
    [{ startDate: '26-01-01' }, 'startDate'],
    [{ errorRate: 1.5 }, 'errorRate'],
    [{ errorKinds: ['negative-price', 'typo'] as never }, 'errorKinds'],
    [{ seed: '' }, 'seed'],
    [{ timestamps: 'local' as never }, 'timestamps'],
  ] as [Partial<GenerateOptions>, string][])('rejects %j as an invalid %s', (options, option) => {
    expect(() => new DataGenerator(options)).toThrow(InvalidOptionError);
    expect(() => new DataGenerator(options)).toThrow(new RegExp(`^invalid option ${option}:`));
  });

  it('takes the default of an option given as undefined', () => {
    expect(new DataGenerator({ seed: undefined, orders: undefined }).options).toEqual(
      DEFAULT_GENERATE_OPTIONS,
    );
  });

  it('defaults to a few thousand orders over a month with a handful of errors, none deferring a file', () => {
    // Act
    const { manifest } = generateAll({});

    // Assess
    expect(manifest.options).toEqual(DEFAULT_GENERATE_OPTIONS);
    expect(manifest.totals.orders.rows.total).toBe(3000);
    const rejected = Object.values(manifest.totals).reduce(
      (total, dataset) => total + dataset.rows.rejected,
      0,
    );
    expect(rejected).toBeGreaterThanOrEqual(3);
    expect(rejected).toBeLessThanOrEqual(40);
    expect(Object.values(manifest.totals).every((dataset) => dataset.rejectedFiles === 0)).toBe(true);
    expect(DEFAULT_ERROR_KINDS).not.toContain('unknown-product');
    expect(DEFAULT_ERROR_KINDS).not.toContain('unknown-order');
    expect(DEFAULT_ERROR_KINDS).toHaveLength(Object.keys(ERROR_KINDS).length - 2);
  });

  it.each([
    ['iso', 1000],
    ['iso-z', 1000],
    ['offset', 1000],
    ['sql', 1],
  ] as [FileTimestampStyle, number][])(
    'writes %s timestamps the validator reads back as the same instant',
    (style, precision) => {
      // Prepare: instants over four centuries, before and after 1970, every customer zone
      const instants = Array.from({ length: 2000 }, (_, i) => -2_000_000_000_000 + i * 6_553_800_017);

      // Act
      const parsed = instants.map((instant, i) => parseTimestamp(formatTimestamp(instant, style, i)));

      // Assess
      expect(parsed).toEqual(instants.map((instant) => Math.floor(instant / precision) * precision));
    },
  );
});

describe('SeededRandom.shuffle', () => {
  it('returns a permutation that the same seed replays and another seed changes', () => {
    // Prepare
    const items = Array.from({ length: 50 }, (_, index) => index);

    // Act
    const first = new SeededRandom('seed-a', 'arrival-order').shuffle(items);
    const again = new SeededRandom('seed-a', 'arrival-order').shuffle(items);
    const other = new SeededRandom('seed-b', 'arrival-order').shuffle(items);

    // Assess
    expect([...first].sort((a, b) => a - b)).toEqual(items);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first).not.toEqual(items);
    expect(items[0]).toBe(0);
  });
});
