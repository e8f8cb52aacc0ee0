import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SAMPLE_DATA_DIR } from '@storeflow/testing';
import {
  type CategoryKpiRow,
  computeDateKpis,
  type OrderKpiRow,
  type SilverOrder,
  type SilverOrderItem,
} from '../../src/index.js';

// Everything below is built from the CSVs by code written for this test, independent of core's
// parsers, timestamps, money and KPI code; the files have no quoted fields, so a split reads them.

/** Data rows of one CSV as column → text (the header names the columns). */
function readCsv(file: string): Record<string, string>[] {
  const [header = '', ...lines] = readFileSync(file, 'utf8').split('\n');
  const names = header.split(',');
  return lines
    .filter((line) => line !== '')
    .map((line) => {
      const values = line.split(',');
      return Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
    });
}

function readDataset(dataset: 'orders' | 'order_items'): Record<string, string>[] {
  const dir = path.join(SAMPLE_DATA_DIR, dataset);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.csv'))
    .sort()
    .flatMap((name) => readCsv(path.join(dir, name)));
}

/** '81.6' → 8160n, by digits. */
function centsOf(text: string): bigint {
  const [whole = '', fraction = ''] = text.split('.');
  return BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
}

/** The sample's status text as silver's status type, refusing anything unexpected. */
function statusOf(text: string | undefined): SilverOrder['status'] {
  const statuses: readonly SilverOrder['status'][] = [
    'processing',
    'shipped',
    'delivered',
    'complete',
    'returned',
    'cancelled',
    'pending',
  ];
  const status = statuses.find((candidate) => candidate === text);
  if (status === undefined) throw new Error(`unexpected status ${text}`);
  return status;
}

/** The sample's timestamps have no zone, which means UTC. */
const NAIVE_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}$/;

function dateOf(timestamp: string | undefined): string {
  const match = NAIVE_TIMESTAMP.exec(timestamp ?? '');
  if (match?.[1] === undefined) throw new Error(`unexpected timestamp ${timestamp}`);
  return match[1];
}

/**
 * n / d to `places` decimals, ties to even, as decimal text. Written unlike core's: it brackets
 * the scaled value between two integers with BigInt and compares the two distances.
 */
function halfEvenText(n: bigint, d: bigint, places: number): string {
  const scale = 10n ** BigInt(places);
  const lower = (n * scale) / d; // inputs are non-negative here, so this is the floor
  const below = n * scale - lower * d;
  const above = (lower + 1n) * d - n * scale;
  const pick = below < above ? lower : above < below ? lower + 1n : lower % 2n === 0n ? lower : lower + 1n;
  const digits = pick.toString().padStart(places + 1, '0');
  return places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** Cents as the number a reader gets from the amount's decimal text ('69188.47'). */
function units(cents: bigint): number {
  return Number(halfEvenText(cents, 100n, 2));
}

interface Expected {
  orderRow: OrderKpiRow;
  categoryRows: CategoryKpiRow[];
}

/** The straightforward reading of SPEC §4, one date at a time, with plain loops. */
function expectedFor(
  date: string,
  orderRows: Record<string, string>[],
  itemRows: Record<string, string>[],
  categoryOfProduct: Map<string, string>,
): Expected {
  const dayOrderIds = new Set<string>();
  const users = new Set<string>();
  let returnedOrders = 0;
  for (const order of orderRows) {
    if (dateOf(order.created_at) !== date) continue;
    dayOrderIds.add(order.order_id ?? '');
    users.add(order.user_id ?? '');
    if (order.status === 'returned') returnedOrders++;
  }
  let revenue = 0n;
  let itemCount = 0;
  const perCategory: Record<
    string,
    { revenue: bigint; items: number; returned: number; orders: Set<string> }
  > = {};
  for (const item of itemRows) {
    if (!dayOrderIds.has(item.order_id ?? '')) continue;
    const cents = centsOf(item.sale_price ?? '');
    revenue += cents;
    itemCount++;
    const category = categoryOfProduct.get(item.product_id ?? '') ?? '';
    perCategory[category] ??= { revenue: 0n, items: 0, returned: 0, orders: new Set() };
    const bucket = perCategory[category];
    bucket.revenue += cents;
    bucket.items++;
    if (item.status === 'returned') bucket.returned++;
    bucket.orders.add(item.order_id ?? '');
  }
  const orders = BigInt(dayOrderIds.size);
  const orderRow: OrderKpiRow = {
    order_date: date,
    total_orders: dayOrderIds.size,
    total_revenue: units(revenue),
    total_revenue_cents: Number(revenue),
    total_items_sold: itemCount,
    returned_orders: returnedOrders,
    return_rate: Number(halfEvenText(BigInt(returnedOrders), orders, 4)),
    unique_customers: users.size,
    avg_order_value: Number(halfEvenText(revenue, orders * 100n, 2)),
    avg_order_value_cents: Number(halfEvenText(revenue, orders, 0)),
  };
  const categoryRows = Object.keys(perCategory)
    .sort()
    .map((category): CategoryKpiRow => {
      const bucket = perCategory[category] as NonNullable<(typeof perCategory)[string]>;
      const orderCount = BigInt(bucket.orders.size);
      return {
        category,
        order_date: date,
        daily_revenue: units(bucket.revenue),
        daily_revenue_cents: Number(bucket.revenue),
        items_sold: bucket.items,
        order_count: bucket.orders.size,
        returned_items: bucket.returned,
        avg_order_value: Number(halfEvenText(bucket.revenue, orderCount * 100n, 2)),
        avg_order_value_cents: Number(halfEvenText(bucket.revenue, orderCount, 0)),
        avg_return_rate: Number(halfEvenText(BigInt(bucket.returned), BigInt(bucket.items), 4)),
      };
    });
  return { orderRow, categoryRows };
}

describe('KPIs of the thelook sample', () => {
  let orderRows: Record<string, string>[];
  let itemRows: Record<string, string>[];
  let categoryOfProduct: Map<string, string>;
  /** Silver-like records per order date, as the validator files them. */
  let ordersByDate: Map<string, SilverOrder[]>;
  let itemsByDate: Map<string, SilverOrderItem[]>;

  beforeAll(() => {
    orderRows = readDataset('orders');
    itemRows = readDataset('order_items');
    categoryOfProduct = new Map(
      readCsv(path.join(SAMPLE_DATA_DIR, 'products.csv')).map((row) => [row.id ?? '', row.category ?? '']),
    );
    const dateOfOrder = new Map<number, string>();
    ordersByDate = new Map();
    for (const row of orderRows) {
      const order: SilverOrder = {
        order_id: Number(row.order_id),
        user_id: Number(row.user_id),
        status: statusOf(row.status),
        created_at_ms: Date.parse(`${row.created_at}Z`),
        num_of_item: Number(row.num_of_item),
        order_date: dateOf(row.created_at),
        _version: 'v2',
      };
      dateOfOrder.set(order.order_id, order.order_date);
      ordersByDate.set(order.order_date, [...(ordersByDate.get(order.order_date) ?? []), order]);
    }
    itemsByDate = new Map();
    for (const row of itemRows) {
      const orderDate = dateOfOrder.get(Number(row.order_id));
      if (orderDate === undefined) throw new Error(`item ${row.id} has no order`);
      const item: SilverOrderItem = {
        id: Number(row.id),
        order_id: Number(row.order_id),
        user_id: Number(row.user_id),
        product_id: Number(row.product_id),
        status: statusOf(row.status),
        created_at_ms: Date.parse(`${row.created_at}Z`),
        sale_price_cents: Number(centsOf(row.sale_price ?? '')),
        order_date: orderDate,
        category: categoryOfProduct.get(row.product_id ?? '') ?? '',
        _version: 'v2',
      };
      itemsByDate.set(orderDate, [...(itemsByDate.get(orderDate) ?? []), item]);
    }
  });

  it('matches an independent computation on every row of every date', () => {
    // Prepare
    const dates = [...ordersByDate.keys()].sort();
    // Act
    const results = dates.map((date) =>
      computeDateKpis(date, ordersByDate.get(date) ?? [], itemsByDate.get(date) ?? []),
    );
    // Assess
    results.forEach((result, i) => {
      const date = dates[i] ?? '';
      const expected = expectedFor(date, orderRows, itemRows, categoryOfProduct);
      expect(result.orderKpis).toEqual(expected.orderRow);
      expect(result.categoryKpis).toEqual(expected.categoryRows);
      expect(result.diagnostics).toEqual({
        ordersConsidered: expected.orderRow.total_orders,
        itemsConsidered: expected.orderRow.total_items_sold,
        itemsWithoutOrder: 0,
        duplicateCopiesDropped: 0,
      });
    });
  });

  it('has the known totals: 31 days, 215 category-days, 9,000 orders, 27,007 items, 2,153,497.97', () => {
    // Prepare
    const dates = [...ordersByDate.keys()];
    // Act
    const results = dates.map((date) =>
      computeDateKpis(date, ordersByDate.get(date) ?? [], itemsByDate.get(date) ?? []),
    );
    // Assess
    const orderRows = results.flatMap((result) => (result.orderKpis === undefined ? [] : [result.orderKpis]));
    const categoryRows = results.flatMap((result) => result.categoryKpis);
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    expect(orderRows).toHaveLength(31);
    expect(categoryRows).toHaveLength(215);
    expect(sum(orderRows.map((row) => row.total_orders))).toBe(9_000);
    expect(sum(orderRows.map((row) => row.total_items_sold))).toBe(27_007);
    expect(sum(orderRows.map((row) => row.total_revenue_cents))).toBe(215_349_797);
    expect(sum(categoryRows.map((row) => row.daily_revenue_cents))).toBe(215_349_797);
  });

  it('gives the same KPIs when files arrive in another order, twice, and after stale copies', () => {
    // Prepare: per date, rows reversed, every row delivered twice, and an older copy of each with
    // a different price and status that must lose to the newer one
    const dates = [...ordersByDate.keys()].sort();
    const stale = <T extends { _version: string }>(rows: T[], change: Partial<T>): T[] =>
      rows.map((row) => ({ ...row, ...change, _version: 'v1' }));
    // Act
    const shuffled = dates.map((date) => {
      const orders = ordersByDate.get(date) ?? [];
      const items = itemsByDate.get(date) ?? [];
      return computeDateKpis(
        date,
        [...orders].reverse().concat(stale(orders, { status: 'returned' }), orders),
        stale(items, { sale_price_cents: 1, status: 'returned' }).concat([...items].reverse(), items),
      );
    });
    // Assess
    shuffled.forEach((result, i) => {
      const date = dates[i] ?? '';
      const plain = computeDateKpis(date, ordersByDate.get(date) ?? [], itemsByDate.get(date) ?? []);
      expect(result.orderKpis).toEqual(plain.orderKpis);
      expect(result.categoryKpis).toEqual(plain.categoryKpis);
      expect(result.diagnostics.duplicateCopiesDropped).toBe(
        2 * (plain.diagnostics.ordersConsidered + plain.diagnostics.itemsConsidered),
      );
    });
  });
});
