import {
  encodeSilverPart,
  type SilverOrder,
  type SilverOrderItem,
  type SilverProduct,
  toSilverOrder,
  toSilverOrderItem,
  toSilverProduct,
} from '../src/index.js';

const VERSION = '2026-01-01T00:00:00.000Z#raw/orders/orders_0001.csv';

/** The generic serializer, line by line: the text silver had before the hand-written encoder. */
function stringifyLines(records: readonly object[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

const product = toSilverProduct(
  {
    id: 7,
    sku: 'ABC-00000007',
    costCents: 1250,
    category: 'Jeans',
    name: 'Slim "fit" \\ denim',
    brand: '',
    retailPriceCents: 2999,
    department: 'Men',
    distributionCenterId: 3,
  },
  VERSION,
);

const order = toSilverOrder(
  {
    orderId: 42,
    userId: 9,
    status: 'returned',
    createdAtMs: 1_741_429_331_000,
    shippedAtMs: 1_741_500_000_000,
    deliveredAtMs: undefined,
    returnedAtMs: 1_741_600_000_000,
    numOfItem: 2,
    gender: 'F',
  },
  VERSION,
);

const item = toSilverOrderItem(
  {
    id: 100,
    orderId: 42,
    userId: 9,
    productId: 7,
    status: 'shipped',
    createdAtMs: 1_741_429_331_000,
    shippedAtMs: undefined,
    deliveredAtMs: undefined,
    returnedAtMs: undefined,
    salePriceCents: 1999,
    inventoryItemId: undefined,
  },
  {
    category: 'Jeans',
    orderCreatedAtMs: 1_741_429_331_000,
    orderDate: '2025-03-08',
    orderStatus: 'returned',
    orderUserId: 9,
  },
  VERSION,
);

describe('encodeSilverPart', () => {
  it('writes an order as one JSON line, leaving absent optional members out', () => {
    // Prepare: `order` has no delivered_at
    // Act
    const text = encodeSilverPart('orders', [order]);
    // Assess
    expect(text).toBe(
      '{"order_id":42,"user_id":9,"status":"returned","created_at_ms":1741429331000,' +
        '"shipped_at_ms":1741500000000,"returned_at_ms":1741600000000,"num_of_item":2,"gender":"F",' +
        `"order_date":"2025-03-08","_version":"${VERSION}"}\n`,
    );
  });

  it.each([
    ['products', [product]],
    ['orders', [order]],
    ['order_items', [item]],
  ] as const)('writes %s exactly as JSON.stringify does, line by line', (dataset, records) => {
    // Prepare: the records are the table rows
    // Act
    const text = encodeSilverPart(dataset, records);
    // Assess
    expect(text).toBe(stringifyLines(records));
    expect(JSON.parse(text.trimEnd())).toEqual(JSON.parse(JSON.stringify(records[0])));
  });

  it('escapes every string member as JSON.stringify does', () => {
    // Prepare: quotes, backslashes, control characters, a surrogate pair, lone surrogate halves,
    // line and paragraph separators, and a long text in each string member
    const awkward = [
      'a"b',
      'back\\slash',
      'tab\tnew\nline\rcr',
      '\u0000\u001f\u007f',
      'emoji 😀',
      'lone \ud800 high',
      'lone \udc00 low',
      '\u2028\u2029',
      'x'.repeat(100_000),
      '',
    ];
    const products: SilverProduct[] = awkward.map((text, index) => ({
      ...product,
      id: index + 1,
      sku: text,
      category: text,
      name: text,
      brand: text,
      department: text,
      _version: text,
    }));
    const orders: SilverOrder[] = awkward.map((text) => ({ ...order, gender: text, _version: text }));
    const items: SilverOrderItem[] = awkward.map((text) => ({ ...item, category: text, _version: text }));
    // Act
    const encoded = [
      encodeSilverPart('products', products),
      encodeSilverPart('orders', orders),
      encodeSilverPart('order_items', items),
    ];
    // Assess
    expect(encoded).toEqual([stringifyLines(products), stringifyLines(orders), stringifyLines(items)]);
  });

  it('writes every optional member that is present, and none that is absent', () => {
    // Prepare
    const full: SilverOrderItem = {
      ...item,
      shipped_at_ms: 1,
      delivered_at_ms: 2,
      returned_at_ms: 3,
      inventory_item_id: 4,
    };
    const bare: SilverProduct = { ...product, distribution_center_id: undefined };
    const noGender: SilverOrder = {
      ...order,
      gender: undefined,
      shipped_at_ms: undefined,
      returned_at_ms: undefined,
    };
    // Act
    const encoded = [
      encodeSilverPart('order_items', [full]),
      encodeSilverPart('products', [bare]),
      encodeSilverPart('orders', [noGender]),
    ];
    // Assess
    expect(encoded).toEqual([stringifyLines([full]), stringifyLines([bare]), stringifyLines([noGender])]);
    expect(encoded[2]).not.toContain('gender');
  });

  it('writes nothing for no records', () => {
    // Prepare: no records
    // Act
    const text = encodeSilverPart('orders', []);
    // Assess
    expect(text).toBe('');
  });
});
