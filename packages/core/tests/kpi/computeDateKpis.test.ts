import { type CategoryKpiRow, computeDateKpis, KpiOverflowError, type OrderKpiRow } from '../../src/index.js';
import { silverItem, silverOrder } from './silverRows.js';

const DAY = '2025-03-30';
const NEXT_DAY = '2025-03-31';

describe('computeDateKpis', () => {
  // Three orders on DAY (two customers), one on NEXT_DAY, items over two categories, one orphan item.
  const orders = [
    silverOrder({ order_id: 1, user_id: 100, status: 'returned' }),
    silverOrder({ order_id: 2, user_id: 100, status: 'delivered' }),
    silverOrder({ order_id: 3, user_id: 200, status: 'shipped' }),
    silverOrder({ order_id: 4, user_id: 300, order_date: NEXT_DAY, created_at_ms: Date.UTC(2025, 2, 31, 1) }),
  ];
  const items = [
    // order 1 is returned, yet one of its items was delivered
    silverItem({ id: 11, order_id: 1, category: 'Jeans', sale_price_cents: 1000, status: 'delivered' }),
    silverItem({ id: 12, order_id: 1, category: 'Jeans', sale_price_cents: 2550, status: 'returned' }),
    silverItem({ id: 21, order_id: 2, category: 'Jeans', sale_price_cents: 499 }),
    silverItem({ id: 22, order_id: 2, category: 'Tops', sale_price_cents: 1201 }),
    // created the next day, still counts towards its order's day
    silverItem({
      id: 31,
      order_id: 3,
      category: 'Tops',
      sale_price_cents: 702,
      status: 'returned',
      created_at_ms: Date.UTC(2025, 2, 31, 2),
    }),
    // another day's order: ignored for DAY
    silverItem({ id: 41, order_id: 4, category: 'Tops', sale_price_cents: 10_000, order_date: NEXT_DAY }),
    // its order is not among the orders at all
    silverItem({ id: 91, order_id: 99, category: 'Tops', sale_price_cents: 5 }),
  ];

  it('computes the OrderKPIs of the day exactly as SPEC §4 defines them', () => {
    // Prepare: the fixture above
    // Act
    const { orderKpis } = computeDateKpis(DAY, orders, items);
    // Assess: hand-computed
    const expected: OrderKpiRow = {
      order_date: DAY,
      total_orders: 3,
      total_revenue: 59.52, // 10.00 + 25.50 + 4.99 + 12.01 + 7.02
      total_revenue_cents: 5952,
      total_items_sold: 5,
      returned_orders: 1, // the ORDER status, not the items'
      return_rate: 0.3333, // 1/3
      unique_customers: 2, // users 100 and 200
      avg_order_value: 19.84, // 5952 / 3 = 1984 cents
      avg_order_value_cents: 1984,
    };
    expect(orderKpis).toEqual(expected);
  });

  it('computes one CategoryKPIs row per category, sorted, with distinct orders and half-even averages', () => {
    // Prepare: the fixture above
    // Act
    const { categoryKpis } = computeDateKpis(DAY, orders, items);
    // Assess: hand-computed
    const expected: CategoryKpiRow[] = [
      {
        category: 'Jeans',
        order_date: DAY,
        daily_revenue: 40.49, // 10.00 + 25.50 + 4.99
        daily_revenue_cents: 4049,
        items_sold: 3,
        order_count: 2, // orders 1 and 2
        returned_items: 1,
        avg_order_value: 20.24, // 4049 / 2 = 2024.5 cents, a tie, down to even
        avg_order_value_cents: 2024,
        avg_return_rate: 0.3333,
      },
      {
        category: 'Tops',
        order_date: DAY,
        daily_revenue: 19.03, // 12.01 + 7.02 (not the other day's 100.00, not the orphan)
        daily_revenue_cents: 1903,
        items_sold: 2,
        order_count: 2, // orders 2 and 3
        returned_items: 1,
        avg_order_value: 9.52, // 1903 / 2 = 951.5 cents, a tie, up to even
        avg_order_value_cents: 952,
        avg_return_rate: 0.5,
      },
    ];
    expect(categoryKpis).toEqual(expected);
  });

  it('reports what it considered, ignored and dropped', () => {
    // Prepare: the fixture, with one order and one item delivered twice
    const redelivered = [...orders, orders[0]] as typeof orders;
    const itemsTwice = [...items, items[0]] as typeof items;
    // Act
    const { diagnostics } = computeDateKpis(DAY, redelivered, itemsTwice);
    // Assess: item 41 belongs to another day and is neither considered nor orphaned
    expect(diagnostics).toEqual({
      ordersConsidered: 3,
      itemsConsidered: 5,
      itemsWithoutOrder: 1,
      duplicateCopiesDropped: 2,
    });
  });

  it('gives the same result whatever the order of the rows', () => {
    // Prepare
    const reversedOrders = [...orders].reverse();
    const reversedItems = [...items].reverse();
    // Act
    const forward = computeDateKpis(DAY, orders, items);
    const backward = computeDateKpis(DAY, reversedOrders, reversedItems);
    // Assess
    expect(backward).toEqual(forward);
  });

  it('counts the other day from the same rows', () => {
    // Prepare: the fixture above
    // Act
    const { orderKpis, categoryKpis } = computeDateKpis(NEXT_DAY, orders, items);
    // Assess
    expect(orderKpis).toMatchObject({ total_orders: 1, total_revenue: 100, total_items_sold: 1 });
    expect(categoryKpis.map((row) => [row.category, row.daily_revenue_cents])).toEqual([['Tops', 10_000]]);
  });

  it('uses the newest version of each order and item: a corrected price and status replace the old', () => {
    // Prepare: order 1 first delivered, then returned; item 1 first 99.99, corrected to 19.99
    const copies = [
      silverOrder({ order_id: 1, status: 'returned', _version: '2025-04-02#2' }),
      silverOrder({ order_id: 1, status: 'delivered', _version: '2025-03-30#1' }),
    ];
    const itemCopies = [
      silverItem({ id: 1, sale_price_cents: 9999, _version: '2025-03-30#1' }),
      silverItem({ id: 1, sale_price_cents: 1999, _version: '2025-04-02#2' }),
    ];
    // Act
    const { orderKpis, categoryKpis, diagnostics } = computeDateKpis(DAY, copies, itemCopies);
    // Assess
    expect(orderKpis).toMatchObject({
      total_orders: 1,
      total_revenue: 19.99,
      total_items_sold: 1,
      returned_orders: 1,
      return_rate: 1,
    });
    expect(categoryKpis).toHaveLength(1);
    expect(categoryKpis[0]).toMatchObject({ daily_revenue_cents: 1999, items_sold: 1, order_count: 1 });
    expect(diagnostics.duplicateCopiesDropped).toBe(2);
  });

  it('leaves out an order whose newest version moved to another day, and its items', () => {
    // Prepare: order 1 corrected from DAY to NEXT_DAY
    const copies = [
      silverOrder({ order_id: 1, _version: 'b', order_date: NEXT_DAY }),
      silverOrder({ order_id: 1, _version: 'a' }),
      silverOrder({ order_id: 2 }),
    ];
    const dayItems = [
      silverItem({ id: 1, order_id: 1 }),
      silverItem({ id: 2, order_id: 2, sale_price_cents: 250 }),
    ];
    // Act
    const { orderKpis, diagnostics } = computeDateKpis(DAY, copies, dayItems);
    // Assess
    expect(orderKpis).toMatchObject({ total_orders: 1, total_revenue_cents: 250, total_items_sold: 1 });
    expect(diagnostics).toMatchObject({ ordersConsidered: 1, itemsConsidered: 1, itemsWithoutOrder: 0 });
  });

  it('gives a day with orders but no items zero revenue and a zero average', () => {
    // Prepare
    const dayOrders = [silverOrder({ order_id: 1, user_id: 5 }), silverOrder({ order_id: 2, user_id: 6 })];
    // Act
    const { orderKpis, categoryKpis } = computeDateKpis(DAY, dayOrders, []);
    // Assess
    expect(orderKpis).toEqual({
      order_date: DAY,
      total_orders: 2,
      total_revenue: 0,
      total_revenue_cents: 0,
      total_items_sold: 0,
      returned_orders: 0,
      return_rate: 0,
      unique_customers: 2,
      avg_order_value: 0,
      avg_order_value_cents: 0,
    });
    expect(categoryKpis).toEqual([]);
  });

  it('has no rows for a day without orders, even when items claim that day', () => {
    // Prepare: an item filed under DAY whose order is on NEXT_DAY
    const otherDayOrders = [silverOrder({ order_id: 1, order_date: NEXT_DAY })];
    const strayItems = [silverItem({ id: 1, order_id: 1, order_date: DAY })];
    // Act
    const result = computeDateKpis(DAY, otherDayOrders, strayItems);
    // Assess
    expect(result).toEqual({
      orderKpis: undefined,
      categoryKpis: [],
      diagnostics: {
        ordersConsidered: 0,
        itemsConsidered: 0,
        itemsWithoutOrder: 0,
        duplicateCopiesDropped: 0,
      },
    });
  });

  it('stamps every row with computedAt when it is given, and never reads a clock', () => {
    // Prepare
    const computedAt = '2025-04-20T00:00:00.000Z';
    // Act
    const { orderKpis, categoryKpis } = computeDateKpis(DAY, orders, items, computedAt);
    // Assess
    expect(orderKpis?.computed_at).toBe(computedAt);
    expect(categoryKpis.map((row) => row.computed_at)).toEqual([computedAt, computedAt]);
    expect(computeDateKpis(DAY, orders, items).orderKpis).not.toHaveProperty('computed_at');
  });

  it('sorts categories by code unit, not by locale', () => {
    // Prepare: 'Z' (0x5A) sorts before 'a' (0x61) by code unit; localeCompare would put 'a' first
    const dayItems = [
      silverItem({ id: 1, category: 'accessories' }),
      silverItem({ id: 2, category: 'Zip' }),
      silverItem({ id: 3, category: 'Active' }),
    ];
    // Act
    const { categoryKpis } = computeDateKpis(DAY, [silverOrder()], dayItems);
    // Assess
    expect(categoryKpis.map((row) => row.category)).toEqual(['Active', 'Zip', 'accessories']);
  });

  it('throws a KpiOverflowError when the day revenue leaves the safe integer range', () => {
    // Prepare: 2^52 + 2^52 cents is 2^53, one past Number.MAX_SAFE_INTEGER
    const dayItems = [
      silverItem({ id: 1, sale_price_cents: 2 ** 52 }),
      silverItem({ id: 2, sale_price_cents: 2 ** 52, category: 'Tops' }),
    ];
    // Act
    const compute = () => computeDateKpis(DAY, [silverOrder()], dayItems);
    // Assess
    expect(compute).toThrow(KpiOverflowError);
    expect(compute).toThrow(
      expect.objectContaining({ code: 'KPI_OVERFLOW', quantity: 'total_revenue_cents', orderDate: DAY }),
    );
  });

  it('throws a KpiOverflowError when one category revenue leaves the range while the day total does not', () => {
    // Prepare: a negative amount elsewhere keeps the day total safe
    const dayItems = [
      silverItem({ id: 1, sale_price_cents: -10, category: 'Tops' }),
      silverItem({ id: 2, sale_price_cents: 2 ** 52 }),
      silverItem({ id: 3, sale_price_cents: 2 ** 52 }),
    ];
    // Act
    const compute = () => computeDateKpis(DAY, [silverOrder()], dayItems);
    // Assess
    expect(compute).toThrow(
      expect.objectContaining({ quantity: 'daily_revenue_cents', orderDate: DAY, category: 'Jeans' }),
    );
  });
});
