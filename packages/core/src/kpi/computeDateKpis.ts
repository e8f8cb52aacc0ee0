import type { SilverOrder, SilverOrderItem } from '../silver.js';
import { DateKpiAggregator } from './DateKpiAggregator.js';
import type { DateKpis } from './types.js';

/**
 * Computes the OrderKPIs and CategoryKPIs of one order date from silver rows already in memory, as
 * a pure function: the same rows in any order, with any number of redundant copies, give the same
 * result, so a recompute can simply overwrite what is stored. The rules are
 * {@link DateKpiAggregator}'s, which this feeds every row; a recompute that streams its rows uses
 * the aggregator directly.
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
  const aggregator = new DateKpiAggregator(orderDate);
  for (const order of orders) aggregator.addOrder(order);
  for (const item of items) aggregator.addItem(item);
  return aggregator.result(computedAt);
}
