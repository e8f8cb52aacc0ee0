import {
  costWithinRetailPrice,
  createdAtNotInFuture,
  DEFAULT_SKU_PATTERN,
  deliveredAfterShipped,
  returnedAtMatchesStatus,
  shippedAfterCreated,
  skuMatchesPattern,
} from '../../src/index.js';

describe('costWithinRetailPrice', () => {
  it('flags a cost above the retail price', () => {
    // Prepare
    const row = { costCents: 5396, retailPriceCents: 5395 };
    // Act
    const violation = costWithinRetailPrice(row);
    // Assess
    expect(violation).toMatchObject({ code: 'COST_ABOVE_RETAIL_PRICE', column: 'cost' });
  });

  it('passes a cost equal to the retail price', () => {
    // Prepare
    const row = { costCents: 5395, retailPriceCents: 5395 };
    // Act
    const violation = costWithinRetailPrice(row);
    // Assess
    expect(violation).toBeUndefined();
  });
});

describe('shippedAfterCreated', () => {
  it('flags shipping one millisecond before creation', () => {
    // Prepare
    const row = { createdAtMs: 1_000, shippedAtMs: 999 };
    // Act
    const violation = shippedAfterCreated(row);
    // Assess
    expect(violation).toMatchObject({ code: 'SHIPPED_BEFORE_CREATED', column: 'shipped_at' });
  });

  it.each([
    ['at the same instant', 1_000],
    ['not shipped yet', undefined],
  ])('passes when shipped %s', (_label, shippedAtMs) => {
    // Prepare
    const row = { createdAtMs: 1_000, shippedAtMs };
    // Act
    const violation = shippedAfterCreated(row);
    // Assess
    expect(violation).toBeUndefined();
  });
});

describe('deliveredAfterShipped', () => {
  it('flags delivery before shipping', () => {
    // Prepare
    const row = { shippedAtMs: 2_000, deliveredAtMs: 1_999 };
    // Act
    const violation = deliveredAfterShipped(row);
    // Assess
    expect(violation).toMatchObject({ code: 'DELIVERED_BEFORE_SHIPPED', column: 'delivered_at' });
  });

  it.each([
    [2_000, 2_000],
    [2_000, undefined],
    [undefined, 1_000],
  ])('passes shipped %p, delivered %p', (shippedAtMs, deliveredAtMs) => {
    // Prepare
    const row = { shippedAtMs, deliveredAtMs };
    // Act
    const violation = deliveredAfterShipped(row);
    // Assess
    expect(violation).toBeUndefined();
  });
});

describe('returnedAtMatchesStatus', () => {
  it('flags returned_at on a row that is not returned', () => {
    // Prepare
    const row = { status: 'delivered' as const, returnedAtMs: 5 };
    // Act
    const violation = returnedAtMatchesStatus(row);
    // Assess
    expect(violation).toMatchObject({ code: 'RETURNED_AT_WITHOUT_RETURN', column: 'returned_at' });
  });

  it('flags a returned row without returned_at', () => {
    // Prepare
    const row = { status: 'returned' as const, returnedAtMs: undefined };
    // Act
    const violation = returnedAtMatchesStatus(row);
    // Assess
    expect(violation).toMatchObject({ code: 'RETURN_WITHOUT_RETURNED_AT', column: 'returned_at' });
  });

  it.each([
    ['returned' as const, 5],
    ['delivered' as const, undefined],
    ['cancelled' as const, undefined],
  ])('passes status %s with returned_at %p', (status, returnedAtMs) => {
    // Prepare
    const row = { status, returnedAtMs };
    // Act
    const violation = returnedAtMatchesStatus(row);
    // Assess
    expect(violation).toBeUndefined();
  });
});

describe('skuMatchesPattern', () => {
  it.each(['eHZ-67752426', 'ABC-00000000', 'xyz-12345678'])('passes %s with the default pattern', (sku) => {
    // Prepare: the inputs are the table rows
    // Act
    const violation = skuMatchesPattern({ sku }, DEFAULT_SKU_PATTERN);
    // Assess
    expect(violation).toBeUndefined();
  });

  it.each(['eH-67752426', 'eHZ-6775242', 'eHZ-677524260', 'eHZ67752426', '1HZ-67752426', 'eHZ-6775242a', ''])(
    'flags %j with the default pattern',
    (sku) => {
      // Prepare: the inputs are the table rows
      // Act
      const violation = skuMatchesPattern({ sku }, DEFAULT_SKU_PATTERN);
      // Assess
      expect(violation).toMatchObject({ code: 'SKU_PATTERN_MISMATCH', column: 'sku' });
    },
  );
});

describe('createdAtNotInFuture', () => {
  it('flags a creation one millisecond after the limit', () => {
    // Prepare
    const row = { createdAtMs: 10_001 };
    // Act
    const violation = createdAtNotInFuture(row, 10_000);
    // Assess
    expect(violation).toMatchObject({ code: 'CREATED_AT_IN_FUTURE', column: 'created_at' });
  });

  it('passes a creation exactly at the limit', () => {
    // Prepare
    const row = { createdAtMs: 10_000 };
    // Act
    const violation = createdAtNotInFuture(row, 10_000);
    // Assess
    expect(violation).toBeUndefined();
  });
});
