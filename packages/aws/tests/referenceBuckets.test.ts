import {
  bucketKey,
  mergeIntoBucket,
  ORDER_ROWS,
  PRODUCT_ROWS,
  parseBucketRows,
} from '../src/dynamodb/referenceBuckets.js';

const TABLE = 'test-References';

describe('bucketKey', () => {
  it.each([
    ['products', 0, 'products#0'],
    ['products', 499, 'products#0'],
    ['products', 500, 'products#1'],
    ['orders', 123_456, 'orders#246'],
  ] as const)('puts %s %i in %s', (kind, id, key) => {
    // Act / Assess
    expect(bucketKey(kind, id)).toBe(key);
  });
});

describe('mergeIntoBucket', () => {
  const stored = {
    1: ['Jeans', 'v2', 'raw/products/b.csv'],
    2: ['Tops', 'v1', 'raw/products/a.csv'],
    3: ['Socks', 'v1', 'raw/products/a.csv'],
  };
  const record = (id: number, category: string) => ({
    id,
    stored: { category, version: 'v1', sourceKey: 'raw/products/c.csv' },
  });

  it('keeps a row stored with a greater version, rewrites an equal one and adds a new one', () => {
    // Act
    const merge = mergeIntoBucket(
      stored,
      [record(1, 'Shorts'), record(2, 'Hats'), record(4, 'Belts')],
      'v1',
      PRODUCT_ROWS,
      TABLE,
    );

    // Assess
    expect(merge.results).toEqual([
      {
        id: 1,
        outcome: 'kept',
        current: { category: 'Jeans', version: 'v2', sourceKey: 'raw/products/b.csv' },
      },
      {
        id: 2,
        outcome: 'written',
        previous: { category: 'Tops', version: 'v1', sourceKey: 'raw/products/a.csv' },
      },
      { id: 4, outcome: 'written' },
    ]);
    expect(merge.changed).toBe(true);
    expect(merge.rows).toEqual({
      1: ['Jeans', 'v2', 'raw/products/b.csv'],
      2: ['Hats', 'v1', 'raw/products/c.csv'],
      3: ['Socks', 'v1', 'raw/products/a.csv'],
      4: ['Belts', 'v1', 'raw/products/c.csv'],
    });
  });

  it('leaves the bucket unchanged when every row is kept', () => {
    // Act
    const merge = mergeIntoBucket(stored, [record(1, 'Shorts')], 'v0', PRODUCT_ROWS, TABLE);

    // Assess
    expect(merge.changed).toBe(false);
    expect(merge.rows).toEqual(stored);
    expect(merge.results.map((result) => result.outcome)).toEqual(['kept']);
  });

  it('compares versions as strings, the order of the source events', () => {
    // Act: '2025-10-02…' sorts after '2025-10-01…', whatever the object key that follows.
    const merge = mergeIntoBucket(
      { 7: ['Jeans', '2025-10-01T00:00:00.000Z#raw/products/z.csv', 'raw/products/z.csv'] },
      [
        {
          id: 7,
          stored: {
            category: 'Tops',
            version: '2025-10-02T00:00:00.000Z#raw/products/a.csv',
            sourceKey: 'raw/products/a.csv',
          },
        },
      ],
      '2025-10-02T00:00:00.000Z#raw/products/a.csv',
      PRODUCT_ROWS,
      TABLE,
    );

    // Assess
    expect(merge.results[0]?.outcome).toBe('written');
  });
});

describe('row codecs', () => {
  it('stores an order as [user_id, created_at_ms, status, version, source_key] and derives its UTC order_date', () => {
    // Prepare
    const createdAtMs = Date.parse('2025-03-08T23:30:00-02:00');
    const order = {
      userId: 7,
      createdAtMs,
      status: 'shipped' as const,
      orderDate: '2025-03-09',
      version: 'v1',
      sourceKey: 'k',
    };

    // Act
    const fields = ORDER_ROWS.encode(order);

    // Assess
    expect(fields).toEqual([7, createdAtMs, 'shipped', 'v1', 'k']);
    expect(ORDER_ROWS.decode(fields, TABLE, '5')).toEqual(order);
  });

  it.each([
    ['a row that is not an array', { user: 7 }, 'is not an array of 5 fields'],
    ['a row of the wrong length', [7, 1, 'shipped', 'v1'], 'is not an array of 5 fields'],
    [
      'a user id that is not an integer',
      ['7', 1, 'shipped', 'v1', 'k'],
      'has a user_id that is not an integer',
    ],
    ['an unknown status', [7, 1, 'lost', 'v1', 'k'], 'holds unknown order status "lost"'],
    ['a version that is not a string', [7, 1, 'shipped', 1, 'k'], 'has a version that is not a string'],
  ])('refuses %s as an invalid item naming the row', (_, fields, problem) => {
    // Act / Assess
    expect(() => ORDER_ROWS.decode(fields, TABLE, '5')).toThrow(`${TABLE}: attribute rows.5 ${problem}`);
  });

  it('refuses rows text that is not a JSON object', () => {
    // Act / Assess
    expect(() => parseBucketRows('[1,2]', TABLE)).toThrow(
      'attribute rows is not a JSON object of rows by id',
    );
    expect(() => parseBucketRows('{', TABLE)).toThrow(/attribute rows is not JSON/);
    expect(parseBucketRows('{"1":["Jeans","v1","k"]}', TABLE)).toEqual({ 1: ['Jeans', 'v1', 'k'] });
  });
});
