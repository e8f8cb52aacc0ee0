import { computeDateKpis, DateKpiAggregator } from '../../src/index.js';
import { silverItem, silverOrder } from './silverRows.js';

const DAY = '2025-03-30';

describe('DateKpiAggregator', () => {
  const orders = [
    silverOrder({ order_id: 1, user_id: 100, status: 'returned', _version: 'a' }),
    silverOrder({ order_id: 2, user_id: 200, _version: 'a' }),
    // a newer copy moves order 2 to a returned status
    silverOrder({ order_id: 2, user_id: 200, status: 'returned', _version: 'b' }),
  ];
  const items = [
    silverItem({ id: 11, order_id: 1, category: 'Jeans', sale_price_cents: 1000, _version: 'a' }),
    silverItem({ id: 21, order_id: 2, category: 'Tops', sale_price_cents: 250, _version: 'a' }),
    // a corrected price for item 21, then an older copy that must not win back
    silverItem({ id: 21, order_id: 2, category: 'Tops', sale_price_cents: 300, _version: 'c' }),
    silverItem({ id: 21, order_id: 2, category: 'Tops', sale_price_cents: 999, _version: 'b' }),
  ];

  it('gives the same KPIs whether items come before, after or between their orders', () => {
    // Prepare: items first, then orders interleaved with the rest
    const itemsFirst = new DateKpiAggregator(DAY);
    for (const item of items) itemsFirst.addItem(item);
    for (const order of orders) itemsFirst.addOrder(order);
    const interleaved = new DateKpiAggregator(DAY);
    interleaved.addOrder(orders[2] as (typeof orders)[number]);
    interleaved.addItem(items[3] as (typeof items)[number]);
    interleaved.addOrder(orders[0] as (typeof orders)[number]);
    for (const item of items.slice(0, 3)) interleaved.addItem(item);
    interleaved.addOrder(orders[1] as (typeof orders)[number]);
    // Act
    const results = [itemsFirst.result(), interleaved.result()];
    // Assess: hand-computed, the newest copy of each key counting
    for (const { orderKpis, categoryKpis, diagnostics } of results) {
      expect(orderKpis).toMatchObject({
        total_orders: 2,
        returned_orders: 2,
        total_revenue_cents: 1300,
        total_items_sold: 2,
        unique_customers: 2,
      });
      expect(categoryKpis.map((row) => [row.category, row.daily_revenue_cents, row.order_count])).toEqual([
        ['Jeans', 1000, 1],
        ['Tops', 300, 1],
      ]);
      expect(diagnostics.duplicateCopiesDropped).toBe(3);
    }
  });

  it('agrees with computeDateKpis over the same rows', () => {
    // Prepare
    const aggregator = new DateKpiAggregator(DAY);
    for (const order of orders) aggregator.addOrder(order);
    for (const item of items) aggregator.addItem(item);
    // Act
    const streamed = aggregator.result('2025-04-01T00:00:00.000Z');
    // Assess
    expect(streamed).toEqual(computeDateKpis(DAY, orders, items, '2025-04-01T00:00:00.000Z'));
  });

  it('answers again after more rows are added, counting them too', () => {
    // Prepare
    const aggregator = new DateKpiAggregator(DAY);
    aggregator.addOrder(silverOrder({ order_id: 1, user_id: 100 }));
    aggregator.addItem(silverItem({ id: 1, order_id: 1, sale_price_cents: 500 }));
    const before = aggregator.result();
    // Act
    aggregator.addOrder(silverOrder({ order_id: 2, user_id: 100 }));
    aggregator.addItem(silverItem({ id: 2, order_id: 2, sale_price_cents: 700 }));
    const after = aggregator.result();
    // Assess
    expect(before.orderKpis).toMatchObject({ total_orders: 1, total_revenue_cents: 500 });
    expect(after.orderKpis).toMatchObject({
      total_orders: 2,
      total_revenue_cents: 1200,
      unique_customers: 1,
    });
  });

  it('counts distinct customers and distinct orders per category exactly over 100,000 orders', () => {
    // Prepare: 100,000 orders of 30,000 customers, two items each (Jeans, and Tops for even orders)
    const aggregator = new DateKpiAggregator(DAY);
    for (let orderId = 1; orderId <= 100_000; orderId++) {
      aggregator.addOrder(silverOrder({ order_id: orderId, user_id: orderId % 30_000 }));
      aggregator.addItem(silverItem({ id: orderId * 2, order_id: orderId, category: 'Jeans' }));
      const category = orderId % 2 === 0 ? 'Tops' : 'Jeans';
      aggregator.addItem(silverItem({ id: orderId * 2 + 1, order_id: orderId, category }));
    }
    // Act
    const { orderKpis, categoryKpis } = aggregator.result();
    // Assess
    expect(orderKpis?.unique_customers).toBe(30_000);
    expect(orderKpis?.total_items_sold).toBe(200_000);
    expect(categoryKpis.map((row) => [row.category, row.order_count, row.items_sold])).toEqual([
      ['Jeans', 100_000, 150_000],
      ['Tops', 50_000, 50_000],
    ]);
  });
});
