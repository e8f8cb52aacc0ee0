import { KpiOverflowError } from '../errors.js';
import type { SilverOrder, SilverOrderItem } from '../silver.js';
import type { OrderStatus } from '../types.js';
import { deduplicateByVersion } from './deduplicateByVersion.js';
import { roundHalfEven } from './roundHalfEven.js';
import type { CategoryKpiRow, DateKpis, OrderKpiRow } from './types.js';

const RETURNED: OrderStatus = 'returned';
const CENTS_PER_UNIT = 100;
const RATE_PLACES = 4;

/** Running totals of one category. */
interface CategoryTotals {
  revenueCents: number;
  items: number;
  returnedItems: number;
  readonly orderIds: Set<number>;
}

/**
 * Integer cents to currency units (averages are first rounded half-even to a whole cent, which is
 * SPEC §4's 2 places). One correctly rounded division of two exact integers gives the
 * double nearest to the 2-decimal amount, the same as parsing its decimal text; no sum is ever
 * done in units.
 */
function centsToUnits(cents: number): number {
  return cents / CENTS_PER_UNIT;
}

/**
 * Computes the OrderKPIs and CategoryKPIs of one order date from silver rows, exactly as SPEC §4
 * defines them, as a pure function: the same rows in any order, with any number of redundant
 * copies, give the same result, so a recompute can simply overwrite what is stored.
 *
 * 1. Orders and items are deduplicated by key (`order_id`, `id`), the greatest `_version` winning
 *    ({@link deduplicateByVersion}).
 * 2. The date's orders are those whose newest copy has `order_date === orderDate`.
 * 3. An item counts when the newest copy of its order is one of them, whatever the item's own
 *    `created_at` or stored `order_date`; an item whose order is missing from `orders` counts
 *    nowhere and is reported in `itemsWithoutOrder`; an item of another date's order is ignored.
 *
 * Money is summed in integer cents and every average and rate is rounded half-even from the exact
 * rational ({@link roundHalfEven}). Pass all orders and items that may belong to the date (in
 * practice everything under the date's silver prefix); rows of other dates are allowed.
 *
 * @param orderDate - the UTC day, `YYYY-MM-DD`
 * @param orders - silver orders, possibly with several copies per `order_id`
 * @param items - silver order items, possibly with several copies per `id`
 * @param computedAt - copied to every row as `computed_at` when given (core reads no clock)
 * @throws {KpiOverflowError} when a sum of cents is not a safe integer
 *
 * @example
 * const { orderKpis, categoryKpis, diagnostics } = computeDateKpis('2025-03-30', orders, items, nowIso);
 * if (orderKpis === undefined) {
 *   // no orders that day: delete the stored rows of the date
 * }
 */
export function computeDateKpis(
  orderDate: string,
  orders: readonly SilverOrder[],
  items: readonly SilverOrderItem[],
  computedAt?: string,
): DateKpis {
  const latestOrders = deduplicateByVersion(orders, (order) => order.order_id);
  const latestItems = deduplicateByVersion(items, (item) => item.id);
  const stamp = computedAt === undefined ? {} : { computed_at: computedAt };

  let totalOrders = 0;
  let returnedOrders = 0;
  const customers = new Set<number>();
  for (const order of latestOrders.latest.values()) {
    if (order.order_date !== orderDate) continue;
    totalOrders += 1;
    if (order.status === RETURNED) returnedOrders += 1;
    customers.add(order.user_id);
  }

  let revenueCents = 0;
  let itemsConsidered = 0;
  let itemsWithoutOrder = 0;
  const categories = new Map<string, CategoryTotals>();
  for (const item of latestItems.latest.values()) {
    const order = latestOrders.latest.get(item.order_id);
    if (order === undefined) {
      itemsWithoutOrder += 1;
      continue;
    }
    if (order.order_date !== orderDate) continue;
    itemsConsidered += 1;
    revenueCents += item.sale_price_cents;
    // A sum of safe integers that leaves the safe range (or a non-integer input) fails this check.
    if (!Number.isSafeInteger(revenueCents)) throw new KpiOverflowError('total_revenue_cents', { orderDate });
    let totals = categories.get(item.category);
    if (totals === undefined) {
      totals = { revenueCents: 0, items: 0, returnedItems: 0, orderIds: new Set() };
      categories.set(item.category, totals);
    }
    totals.revenueCents += item.sale_price_cents;
    if (!Number.isSafeInteger(totals.revenueCents)) {
      throw new KpiOverflowError('daily_revenue_cents', { orderDate, category: item.category });
    }
    totals.items += 1;
    if (item.status === RETURNED) totals.returnedItems += 1;
    totals.orderIds.add(item.order_id);
  }

  let orderKpis: OrderKpiRow | undefined;
  if (totalOrders > 0) {
    const avgCents = roundHalfEven(revenueCents, totalOrders, 0);
    orderKpis = {
      order_date: orderDate,
      total_orders: totalOrders,
      total_revenue: centsToUnits(revenueCents),
      total_revenue_cents: revenueCents,
      total_items_sold: itemsConsidered,
      returned_orders: returnedOrders,
      return_rate: roundHalfEven(returnedOrders, totalOrders, RATE_PLACES),
      unique_customers: customers.size,
      avg_order_value: centsToUnits(avgCents),
      avg_order_value_cents: avgCents,
      ...stamp,
    };
  }

  // Code-unit order, not locale order: the same on every machine. Category names are map keys, so unique.
  const sorted = [...categories].sort(([a], [b]) => (a < b ? -1 : 1));
  const categoryKpis = sorted.map(([category, totals]): CategoryKpiRow => {
    const orderCount = totals.orderIds.size;
    const avgCents = roundHalfEven(totals.revenueCents, orderCount, 0);
    return {
      category,
      order_date: orderDate,
      daily_revenue: centsToUnits(totals.revenueCents),
      daily_revenue_cents: totals.revenueCents,
      items_sold: totals.items,
      order_count: orderCount,
      returned_items: totals.returnedItems,
      avg_order_value: centsToUnits(avgCents),
      avg_order_value_cents: avgCents,
      avg_return_rate: roundHalfEven(totals.returnedItems, totals.items, RATE_PLACES),
      ...stamp,
    };
  });

  return {
    orderKpis,
    categoryKpis,
    diagnostics: {
      ordersConsidered: totalOrders,
      itemsConsidered,
      itemsWithoutOrder,
      duplicateCopiesDropped: latestOrders.dropped + latestItems.dropped,
    },
  };
}
