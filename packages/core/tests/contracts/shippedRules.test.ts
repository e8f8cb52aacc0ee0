import type { ConvertedValue, Dataset } from '../../src/index.js';
import { contractOf } from '../helpers/contracts.js';
import { HEADERS, NOW_MS, toFields, validatorFor, validRecord } from '../helpers/factories.js';

/**
 * The business rules of SPEC §3, as the shipped contracts (contracts/*.odcs.yaml) state them. The
 * rules are checked on converted values, as the row validator hands them over: cents, epoch ms,
 * lower-case statuses, and undefined for an absent value.
 */

/** The code and column of every rule of a shipped dataset that a row's converted values break. */
function brokenRules(dataset: Dataset, row: Readonly<Record<string, ConvertedValue>>, now = NOW_MS) {
  const contract = contractOf(dataset);
  for (const name of Object.keys(row)) {
    if (!contract.columns.some((column) => column.name === name))
      throw new Error(`${dataset} has no column ${name}`);
  }
  const values = contract.columns.map((column) => row[column.name]);
  return contract.rules
    .filter((rule) => !rule.check(values, now))
    .map(({ code, column }) => ({ code, column }));
}

describe('products: cost within retail price', () => {
  it('flags a cost above the retail price', () => {
    // Prepare
    const row = { cost: 5396, retail_price: 5395 };
    // Act
    const broken = brokenRules('products', row);
    // Assess
    expect(broken).toEqual([{ code: 'COST_ABOVE_RETAIL_PRICE', column: 'cost' }]);
  });

  it('passes a cost equal to the retail price', () => {
    // Prepare
    const row = { cost: 5395, retail_price: 5395 };
    // Act
    const broken = brokenRules('products', row);
    // Assess
    expect(broken).toEqual([]);
  });
});

describe.each(['orders', 'order_items'] as const)('%s: the timestamp and status rules', (dataset) => {
  describe('shipped after created', () => {
    it('flags shipping one millisecond before creation', () => {
      // Prepare
      const row = { created_at: 1_000, shipped_at: 999 };
      // Act
      const broken = brokenRules(dataset, row);
      // Assess
      expect(broken).toEqual([{ code: 'SHIPPED_BEFORE_CREATED', column: 'shipped_at' }]);
    });

    it.each([
      ['at the same instant', 1_000],
      ['not shipped yet', undefined],
    ])('passes when shipped %s', (_label, shippedAt) => {
      // Prepare
      const row = { created_at: 1_000, shipped_at: shippedAt };
      // Act
      const broken = brokenRules(dataset, row);
      // Assess
      expect(broken).toEqual([]);
    });
  });

  describe('delivered after shipped', () => {
    it('flags delivery before shipping', () => {
      // Prepare
      const row = { shipped_at: 2_000, delivered_at: 1_999 };
      // Act
      const broken = brokenRules(dataset, row);
      // Assess
      expect(broken).toEqual([{ code: 'DELIVERED_BEFORE_SHIPPED', column: 'delivered_at' }]);
    });

    it.each([
      [2_000, 2_000],
      [2_000, undefined],
      [undefined, 1_000],
    ])('passes shipped %p, delivered %p', (shippedAt, deliveredAt) => {
      // Prepare
      const row = { shipped_at: shippedAt, delivered_at: deliveredAt };
      // Act
      const broken = brokenRules(dataset, row);
      // Assess
      expect(broken).toEqual([]);
    });
  });

  describe('returned_at matches the status', () => {
    it('flags returned_at on a row that is not returned', () => {
      // Prepare
      const row = { status: 'delivered', returned_at: 5 };
      // Act
      const broken = brokenRules(dataset, row);
      // Assess
      expect(broken).toEqual([{ code: 'RETURNED_AT_WITHOUT_RETURN', column: 'returned_at' }]);
    });

    it('flags a returned row without returned_at', () => {
      // Prepare
      const row = { status: 'returned', returned_at: undefined };
      // Act
      const broken = brokenRules(dataset, row);
      // Assess
      expect(broken).toEqual([{ code: 'RETURN_WITHOUT_RETURNED_AT', column: 'returned_at' }]);
    });

    it.each([
      ['returned', 5],
      ['delivered', undefined],
      ['cancelled', undefined],
    ])('passes status %s with returned_at %p', (status, returnedAt) => {
      // Prepare
      const row = { status, returned_at: returnedAt };
      // Act
      const broken = brokenRules(dataset, row);
      // Assess
      expect(broken).toEqual([]);
    });
  });

  describe('created_at not in the future', () => {
    it('flags a creation one millisecond after the limit', () => {
      // Prepare: `now` in a rule is the injected clock plus the allowed skew, the limit
      const row = { created_at: 10_001 };
      // Act
      const broken = brokenRules(dataset, row, 10_000);
      // Assess
      expect(broken).toEqual([{ code: 'CREATED_AT_IN_FUTURE', column: 'created_at' }]);
    });

    it('passes a creation exactly at the limit', () => {
      // Prepare
      const row = { created_at: 10_000 };
      // Act
      const broken = brokenRules(dataset, row, 10_000);
      // Assess
      expect(broken).toEqual([]);
    });
  });
});

describe('products: sku matches the pattern of the contract', () => {
  const fieldsWithSku = (sku: string) => toFields(HEADERS.products, validRecord('products', { sku }));

  it.each(['eHZ-67752426', 'ABC-00000000', 'xyz-12345678'])('passes %s', (sku) => {
    // Prepare
    const validator = validatorFor('products');
    // Act
    const result = validator.validate(fieldsWithSku(sku), 2);
    // Assess
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it.each(['eH-67752426', 'eHZ-6775242', 'eHZ-677524260', 'eHZ67752426', '1HZ-67752426', 'eHZ-6775242a'])(
    'flags %j',
    (sku) => {
      // Prepare
      const validator = validatorFor('products');
      // Act
      const result = validator.validate(fieldsWithSku(sku), 2);
      // Assess
      expect(result.ok ? [] : result.issues).toEqual([
        expect.objectContaining({ code: 'SKU_PATTERN_MISMATCH', column: 'sku', value: sku }),
      ]);
    },
  );

  it('does not match an empty sku, which a row reports as a missing required value', () => {
    // Prepare: the pattern SPEC §3 gives as the default, with the code the contract declares
    const sku = contractOf('products').columns.find((column) => column.name === 'sku');
    const validator = validatorFor('products');
    // Act
    const matches = new RegExp(sku?.pattern ?? '', 'u').test('');
    const result = validator.validate(fieldsWithSku(''), 2);
    // Assess
    expect(sku).toMatchObject({ pattern: '^[A-Za-z]{3}-\\d{8}$', invalidCode: 'SKU_PATTERN_MISMATCH' });
    expect(matches).toBe(false);
    expect(result.ok ? [] : result.issues.map((issue) => issue.code)).toEqual(['REQUIRED_VALUE_MISSING']);
  });
});
