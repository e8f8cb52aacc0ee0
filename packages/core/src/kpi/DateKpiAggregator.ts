import { KpiOverflowError } from '../errors.js';
import type { SilverOrder, SilverOrderItem } from '../silver.js';
import type { OrderStatus } from '../types.js';
import { LatestCopies, StringTable } from './LatestCopies.js';
import { roundHalfEven } from './roundHalfEven.js';
import type { CategoryKpiRow, DateKpis, OrderKpiRow } from './types.js';

const RETURNED: OrderStatus = 'returned';
const CENTS_PER_UNIT = 100;
const RATE_PLACES = 4;

// The fields kept per order and per item: only what the KPIs read.
const ORDER_USER = 0;
const ORDER_ON_DATE = 1;
const ORDER_RETURNED = 2;
const ORDER_FIELDS = 3;
const ITEM_ORDER = 0;
const ITEM_PRICE_CENTS = 1;
const ITEM_CATEGORY = 2;
const ITEM_RETURNED = 3;
const ITEM_FIELDS = 4;

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
 * Computes the OrderKPIs and CategoryKPIs of one order date exactly as SPEC §4 defines them, from
 * silver rows fed one at a time ({@link addOrder}, {@link addItem}) in any order, with any number
 * of redundant copies; {@link result} gives the same rows whatever that order. It keeps no row:
 * per order key its user, whether it is of the date and returned, per item key its order, price,
 * category and returned flag, each of the newest copy only ({@link LatestCopies}), about 60 bytes
 * an item. So a date's recompute can stream its silver parts through it and hold only this state.
 *
 * 1. Orders and items are deduplicated by key (`order_id`, `id`), the greatest `_version` winning.
 * 2. The date's orders are those whose newest copy has `order_date === orderDate`.
 * 3. An item counts when the newest copy of its order is one of them, whatever the item's own
 *    `created_at` or stored `order_date`; an item whose order was never added counts nowhere and
 *    is reported in `itemsWithoutOrder`; an item of another date's order is ignored.
 *
 * Money is summed in integer cents and every average and rate is rounded half-even from the exact
 * rational ({@link roundHalfEven}); distinct customers and distinct orders per category are exact
 * (sets of ids, built when the result is asked for). Add everything that may belong to the date
 * (in practice everything under the date's silver prefix); rows of other dates are allowed.
 *
 * @example
 * const aggregator = new DateKpiAggregator('2025-03-30');
 * for await (const order of orders) aggregator.addOrder(order);
 * for await (const item of items) aggregator.addItem(item);
 * const { orderKpis, categoryKpis, diagnostics } = aggregator.result(nowIso);
 */
export class DateKpiAggregator {
  readonly #orderDate: string;
  readonly #categories = new StringTable();
  readonly #orders: LatestCopies;
  readonly #items: LatestCopies;

  /** @param orderDate - the UTC day, `YYYY-MM-DD` */
  constructor(orderDate: string) {
    this.#orderDate = orderDate;
    const versions = new StringTable();
    this.#orders = new LatestCopies(versions, ORDER_FIELDS);
    this.#items = new LatestCopies(versions, ITEM_FIELDS);
  }

  /** Takes one silver order copy into account. */
  addOrder(order: SilverOrder): void {
    const slot = this.#orders.offer(order.order_id, order._version);
    if (slot === undefined) return;
    this.#orders.set(slot, ORDER_USER, order.user_id);
    this.#orders.set(slot, ORDER_ON_DATE, order.order_date === this.#orderDate ? 1 : 0);
    this.#orders.set(slot, ORDER_RETURNED, order.status === RETURNED ? 1 : 0);
  }

  /** Takes one silver order item copy into account. */
  addItem(item: SilverOrderItem): void {
    const slot = this.#items.offer(item.id, item._version);
    if (slot === undefined) return;
    this.#items.set(slot, ITEM_ORDER, item.order_id);
    this.#items.set(slot, ITEM_PRICE_CENTS, item.sale_price_cents);
    this.#items.set(slot, ITEM_CATEGORY, this.#categories.idOf(item.category));
    this.#items.set(slot, ITEM_RETURNED, item.status === RETURNED ? 1 : 0);
  }

  /**
   * The date's KPIs from everything added so far; adding more and asking again is allowed.
   *
   * @param computedAt - copied to every row as `computed_at` when given (core reads no clock)
   * @throws {KpiOverflowError} when a sum of cents is not a safe integer
   */
  result(computedAt?: string): DateKpis {
    const orderDate = this.#orderDate;
    const orders = this.#orders;
    const items = this.#items;
    const stamp = computedAt === undefined ? {} : { computed_at: computedAt };

    let totalOrders = 0;
    let returnedOrders = 0;
    const customers = new Set<number>();
    for (const slot of orders.slots()) {
      if (orders.get(slot, ORDER_ON_DATE) === 0) continue;
      totalOrders += 1;
      if (orders.get(slot, ORDER_RETURNED) === 1) returnedOrders += 1;
      customers.add(orders.get(slot, ORDER_USER));
    }

    let revenueCents = 0;
    let itemsConsidered = 0;
    let itemsWithoutOrder = 0;
    const categories = new Map<string, CategoryTotals>();
    for (const slot of items.slots()) {
      const orderId = items.get(slot, ITEM_ORDER);
      const orderSlot = orders.slotOf(orderId);
      if (orderSlot === undefined) {
        itemsWithoutOrder += 1;
        continue;
      }
      if (orders.get(orderSlot, ORDER_ON_DATE) === 0) continue;
      const priceCents = items.get(slot, ITEM_PRICE_CENTS);
      const category = this.#categories.valueOf(items.get(slot, ITEM_CATEGORY));
      itemsConsidered += 1;
      revenueCents += priceCents;
      // A sum of safe integers that leaves the safe range (or a non-integer input) fails this check.
      if (!Number.isSafeInteger(revenueCents))
        throw new KpiOverflowError('total_revenue_cents', { orderDate });
      let totals = categories.get(category);
      if (totals === undefined) {
        totals = { revenueCents: 0, items: 0, returnedItems: 0, orderIds: new Set() };
        categories.set(category, totals);
      }
      totals.revenueCents += priceCents;
      if (!Number.isSafeInteger(totals.revenueCents)) {
        throw new KpiOverflowError('daily_revenue_cents', { orderDate, category });
      }
      totals.items += 1;
      if (items.get(slot, ITEM_RETURNED) === 1) totals.returnedItems += 1;
      totals.orderIds.add(orderId);
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
        duplicateCopiesDropped: orders.dropped + items.dropped,
      },
    };
  }
}
