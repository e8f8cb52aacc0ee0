import {
  InMemoryReferences,
  type OrderReference,
  type ProductReference,
  referencedIds,
  resolveItemReferences,
} from '../src/index.js';
import { orderItemRow } from './helpers/factories.js';

const ORDER_CREATED = Date.UTC(2025, 2, 8, 23, 50);
const products = new Map<number, ProductReference>([[1000, { category: 'Beauty' }]]);
const orders = new Map<number, OrderReference>([
  [10, { userId: 100, createdAtMs: ORDER_CREATED, status: 'returned' }],
]);

describe('resolveItemReferences', () => {
  it("resolves an item to its category and its order's date, even when the item rolls past midnight", () => {
    // Prepare: the item is created on the 9th, its order on the 8th
    const items = [{ line: 2, row: orderItemRow({ createdAtMs: Date.UTC(2025, 2, 9, 0, 20) }) }];
    // Act
    const [outcome] = resolveItemReferences(items, products, orders);
    // Assess
    expect(outcome).toEqual({
      outcome: 'resolved',
      references: {
        category: 'Beauty',
        orderCreatedAtMs: ORDER_CREATED,
        orderDate: '2025-03-08',
        orderStatus: 'returned',
        orderUserId: 100,
      },
    });
  });

  it('leaves an item with an unknown product unresolved, so the caller can defer it', () => {
    // Prepare
    const items = [{ line: 5, row: orderItemRow({ productId: 999 }) }];
    // Act
    const [outcome] = resolveItemReferences(items, products, orders);
    // Assess
    expect(outcome).toEqual({
      outcome: 'unresolved',
      unknownProduct: true,
      unknownOrder: false,
      issues: [
        expect.objectContaining({ code: 'UNKNOWN_PRODUCT', line: 5, column: 'product_id', value: '999' }),
      ],
    });
  });

  it('leaves an item with an unknown order unresolved, with both issues when both are unknown', () => {
    // Prepare
    const items = [{ line: 6, row: orderItemRow({ productId: 999, orderId: 11 }) }];
    // Act
    const [outcome] = resolveItemReferences(items, products, orders);
    // Assess
    expect(outcome).toMatchObject({ outcome: 'unresolved', unknownProduct: true, unknownOrder: true });
    expect(outcome?.outcome === 'unresolved' ? outcome.issues.map((issue) => issue.code) : []).toEqual([
      'UNKNOWN_PRODUCT',
      'UNKNOWN_ORDER',
    ]);
  });

  it('rejects an item whose user differs from its order, for good', () => {
    // Prepare
    const items = [{ line: 8, row: orderItemRow({ userId: 101 }) }];
    // Act
    const [outcome] = resolveItemReferences(items, products, orders);
    // Assess
    expect(outcome).toEqual({
      outcome: 'rejected',
      issues: [
        expect.objectContaining({ code: 'ITEM_USER_MISMATCH', line: 8, column: 'user_id', value: '101' }),
      ],
    });
  });

  it('keeps the input order across a mixed chunk', () => {
    // Prepare
    const items = [
      { line: 2, row: orderItemRow() },
      { line: 3, row: orderItemRow({ orderId: 12 }) },
      { line: 4, row: orderItemRow({ userId: 7 }) },
      { line: 5, row: orderItemRow({ id: 2 }) },
    ];
    // Act
    const outcomes = resolveItemReferences(items, products, orders);
    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['resolved', 'unresolved', 'rejected', 'resolved']);
  });
});

describe('referencedIds', () => {
  it('lists each product and order id once, in first-seen order', () => {
    // Prepare
    const items = [
      { line: 2, row: orderItemRow({ productId: 3, orderId: 9 }) },
      { line: 3, row: orderItemRow({ productId: 1, orderId: 9 }) },
      { line: 4, row: orderItemRow({ productId: 3, orderId: 8 }) },
    ];
    // Act
    const ids = referencedIds(items);
    // Assess
    expect(ids).toEqual({ productIds: [3, 1], orderIds: [9, 8] });
  });
});

describe('InMemoryReferences', () => {
  it('keeps what the checks need of accepted products and orders, and finds only known ids', async () => {
    // Prepare
    const references = new InMemoryReferences();
    // Act
    references.accept('products', [
      {
        id: 7,
        sku: 'ABC-00000007',
        cost_cents: 100,
        category: 'Jeans',
        name: 'J',
        brand: '',
        retail_price_cents: 200,
        department: 'Men',
        _version: 'v',
      },
    ]);
    references.accept('orders', [
      {
        order_id: 3,
        user_id: 9,
        status: 'complete',
        created_at_ms: 1_700_000_000_000,
        num_of_item: 1,
        order_date: '2023-11-14',
        _version: 'v',
      },
    ]);
    references.accept('users', [{ id: 1, _version: 'v' }]);
    const products = await references.findProducts([7, 8]);
    const orders = await references.findOrders([3, 7]);
    // Assess
    expect([...products]).toEqual([[7, { category: 'Jeans' }]]);
    expect([...orders]).toEqual([[3, { userId: 9, createdAtMs: 1_700_000_000_000, status: 'complete' }]]);
  });

  it('keeps every order exactly as put, beyond the first columns and for ids past 32 bits', async () => {
    // Prepare: more orders than the columns start with, ids and user ids too large for a 32-bit integer
    const references = new InMemoryReferences();
    const put = new Map<number, OrderReference>();
    for (let index = 0; index < 3_000; index++) {
      const id = 2 ** 40 + index * 7;
      const order: OrderReference = {
        userId: Number.MAX_SAFE_INTEGER - index,
        createdAtMs: ORDER_CREATED + index * 61_001,
        status: (['complete', 'cancelled', 'returned'] as const)[index % 3] ?? 'complete',
      };
      put.set(id, order);
    }
    // Act
    for (const [id, order] of put) references.putOrder(id, order);
    const found = await references.findOrders([...put.keys(), 5]);
    // Assess
    expect(found).toEqual(put);
  });

  it('replaces what it holds for an id with what is put later', async () => {
    // Prepare
    const references = new InMemoryReferences(
      [[1, { category: 'Jeans' }]],
      [[3, { userId: 9, createdAtMs: ORDER_CREATED, status: 'processing' }]],
    );
    // Act
    references.putProduct(1, { category: 'Tops' });
    references.putOrder(3, { userId: 9, createdAtMs: ORDER_CREATED, status: 'shipped' });
    // Assess
    expect(await references.findProducts([1])).toEqual(new Map([[1, { category: 'Tops' }]]));
    expect(await references.findOrders([3])).toEqual(
      new Map([[3, { userId: 9, createdAtMs: ORDER_CREATED, status: 'shipped' }]]),
    );
  });

  it('takes in everything another holds, the other one winning for the same id', async () => {
    // Prepare
    const earlier = new InMemoryReferences(
      [
        [1, { category: 'Jeans' }],
        [2, { category: 'Tops' }],
      ],
      [[3, { userId: 9, createdAtMs: ORDER_CREATED, status: 'processing' }]],
    );
    const file = new InMemoryReferences(
      [[2, { category: 'Jeans' }]],
      [
        [3, { userId: 9, createdAtMs: ORDER_CREATED, status: 'complete' }],
        [4, { userId: 8, createdAtMs: ORDER_CREATED + 1, status: 'cancelled' }],
      ],
    );
    // Act
    earlier.acceptAll(file);
    // Assess
    expect(await earlier.findProducts([1, 2])).toEqual(
      new Map([
        [1, { category: 'Jeans' }],
        [2, { category: 'Jeans' }],
      ]),
    );
    expect(await earlier.findOrders([3, 4])).toEqual(
      new Map([
        [3, { userId: 9, createdAtMs: ORDER_CREATED, status: 'complete' }],
        [4, { userId: 8, createdAtMs: ORDER_CREATED + 1, status: 'cancelled' }],
      ]),
    );
  });

  it('refuses an order whose status is not one the contract knows, and keeps nothing of it', async () => {
    // Prepare
    const references = new InMemoryReferences();
    const order = { userId: 1, createdAtMs: ORDER_CREATED, status: 'lost' } as unknown as OrderReference;
    // Act
    const put = () => references.putOrder(7, order);
    // Assess
    expect(put).toThrow(/order 7 has an unknown status "lost"/);
    expect(await references.findOrders([7])).toEqual(new Map());
  });
});
