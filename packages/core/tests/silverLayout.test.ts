import {
  parseSilverPartKey,
  silverPartitionPrefix,
  silverPartKey,
  silverVersionPrefix,
  sourceIdOf,
} from '../src/index.js';

describe('silver layout', () => {
  it('puts undated datasets, products and those a contract adds, in one partition per dataset', () => {
    // Act
    const prefixes = [silverPartitionPrefix('products', ''), silverPartitionPrefix('users', '')];
    // Assess
    expect(prefixes).toEqual(['silver/products/', 'silver/users/']);
  });

  it('names parts by dataset, date, source, version and chunk, and reads them back', () => {
    // Prepare
    const sourceId = sourceIdOf('raw/order_items/2025/part 7.csv.gz');

    // Act
    const key = silverPartKey('order_items', '2025-03-08', sourceId, '"abc-2"', 12);
    const parsed = parseSilverPartKey(silverPartitionPrefix('order_items', '2025-03-08'), key);

    // Assess
    expect(sourceId).toMatch(/^part_7-[0-9a-f]{12}$/);
    expect(key).toBe(`silver/order_items/order_date=2025-03-08/${sourceId}/_abc-2_/part-000012.jsonl`);
    expect(parsed).toEqual({ sourceId, versionSegment: '_abc-2_' });
    expect(key.startsWith(silverVersionPrefix('order_items', '2025-03-08', sourceId, '"abc-2"'))).toBe(true);
  });

  it('keeps products outside date partitions', () => {
    expect(silverPartKey('products', '', 'p-1', 'e', 0)).toBe('silver/products/p-1/e/part-000000.jsonl');
  });

  it('tells different keys with the same file name apart', () => {
    expect(sourceIdOf('raw/orders/2024/a.csv')).not.toBe(sourceIdOf('raw/orders/2025/a.csv'));
  });

  it('refuses keys that are not parts of the partition', () => {
    const prefix = silverPartitionPrefix('orders', '2025-03-08');
    expect(
      parseSilverPartKey(prefix, 'silver/orders/order_date=2025-03-09/s/v/part-000000.jsonl'),
    ).toBeUndefined();
    expect(parseSilverPartKey(prefix, `${prefix}s/v`)).toBeUndefined();
  });
});
