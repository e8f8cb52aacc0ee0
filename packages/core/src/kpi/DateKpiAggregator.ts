import { KpiOverflowError } from '../errors.js';
import type { SilverOrder, SilverOrderItem } from '../silver.js';
import type { OrderStatus } from '../types.js';
import { LatestCopies, StringTable } from './LatestCopies.js';
import { roundHalfEven } from './roundHalfEven.js';
import type { CategoryKpiRow, DateKpis, OrderKpiRow } from './types.js';

const RETURNED: OrderStatus = 'returned';
const CENTS_PER_UNIT = 100;
const RATE_PLACES = 4;

// The fields kept per order and per item: only what the KPIs read, flags packed into one number.
const ORDER_USER = 0;
const ORDER_FLAGS = 1;
const ORDER_FIELDS = 2;
const ON_DATE = 1;
const ORDER_RETURNED = 2;
const ITEM_ORDER = 0;
const ITEM_PRICE_CENTS = 1;
/** `category id × 2 + 1 if returned`. */
const ITEM_CATEGORY_RETURNED = 2;
const ITEM_FIELDS = 3;

/** Running totals of one category. */
interface CategoryTotals {
  revenueCents: number;
  items: number;
  returnedItems: number;
  orderCount: number;
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
 * category and returned flag, each of the newest copy only ({@link LatestCopies}), 40 to 52 bytes
 * an item and 32 to 44 an order. So a date's recompute can stream its silver parts through it and hold only this state.
 *
 * 1. Orders and items are deduplicated by key (`order_id`, `id`), the greatest `_version` winning.
 * 2. The date's orders are those whose newest copy has `order_date === orderDate`.
 * 3. An item counts when the newest copy of its order is one of them, whatever the item's own
 *    `created_at` or stored `order_date`; an item whose order was never added counts nowhere and
 *    is reported in `itemsWithoutOrder`; an item of another date's order is ignored.
 *
 * Money is summed in integer cents and every average and rate is rounded half-even from the exact
 * rational ({@link roundHalfEven}); distinct customers and distinct orders per category are exact,
 * counted when the result is asked for (the date's user ids sorted, each category's orders marked). Add everything that may belong to the date
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
    const onDate = order.order_date === this.#orderDate ? ON_DATE : 0;
    this.#orders.set(slot, ORDER_FLAGS, onDate | (order.status === RETURNED ? ORDER_RETURNED : 0));
  }

  /** Takes one silver order item copy into account. */
  addItem(item: SilverOrderItem): void {
    const slot = this.#items.offer(item.id, item._version);
    if (slot === undefined) return;
    this.#items.set(slot, ITEM_ORDER, item.order_id);
    this.#items.set(slot, ITEM_PRICE_CENTS, item.sale_price_cents);
    const returned = item.status === RETURNED ? 1 : 0;
    this.#items.set(slot, ITEM_CATEGORY_RETURNED, this.#categories.idOf(item.category) * 2 + returned);
  }

  /**
   * The date's KPIs from everything added so far; adding more and asking again is allowed. The
   * distinct counts use typed arrays of the date's size (about 12 bytes an item), freed on return.
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
    const users = new Float64Array(orders.size);
    for (let slot = 0; slot < orders.size; slot++) {
      const flags = orders.get(slot, ORDER_FLAGS);
      if ((flags & ON_DATE) === 0) continue;
      users[totalOrders] = orders.get(slot, ORDER_USER);
      totalOrders += 1;
      if ((flags & ORDER_RETURNED) !== 0) returnedOrders += 1;
    }

    let revenueCents = 0;
    let itemsConsidered = 0;
    let itemsWithoutOrder = 0;
    const categories = new Map<number, CategoryTotals>();
    // The order slot and category of every counted item, for the distinct orders per category.
    const countedOrderSlots = new Int32Array(items.size);
    const countedCategories = new Int32Array(items.size);
    for (let slot = 0; slot < items.size; slot++) {
      const orderSlot = orders.slotOf(items.get(slot, ITEM_ORDER));
      if (orderSlot === undefined) {
        itemsWithoutOrder += 1;
        continue;
      }
      if ((orders.get(orderSlot, ORDER_FLAGS) & ON_DATE) === 0) continue;
      const priceCents = items.get(slot, ITEM_PRICE_CENTS);
      const categoryReturned = items.get(slot, ITEM_CATEGORY_RETURNED);
      const categoryId = categoryReturned >>> 1;
      countedOrderSlots[itemsConsidered] = orderSlot;
      countedCategories[itemsConsidered] = categoryId;
      itemsConsidered += 1;
      revenueCents += priceCents;
      // A sum of safe integers that leaves the safe range (or a non-integer input) fails this check.
      if (!Number.isSafeInteger(revenueCents))
        throw new KpiOverflowError('total_revenue_cents', { orderDate });
      let totals = categories.get(categoryId);
      if (totals === undefined) {
        totals = { revenueCents: 0, items: 0, returnedItems: 0, orderCount: 0 };
        categories.set(categoryId, totals);
      }
      totals.revenueCents += priceCents;
      if (!Number.isSafeInteger(totals.revenueCents)) {
        const category = this.#categories.valueOf(categoryId);
        throw new KpiOverflowError('daily_revenue_cents', { orderDate, category });
      }
      totals.items += 1;
      totals.returnedItems += categoryReturned & 1;
    }
    countOrdersPerCategory(
      countedOrderSlots.subarray(0, itemsConsidered),
      countedCategories.subarray(0, itemsConsidered),
      orders.size,
      categories,
    );

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
        unique_customers: distinctCount(users.subarray(0, totalOrders)),
        avg_order_value: centsToUnits(avgCents),
        avg_order_value_cents: avgCents,
        ...stamp,
      };
    }

    // Code-unit order, not locale order: the same on every machine. Category names are unique.
    const sorted = [...categories]
      .map(([categoryId, totals]) => [this.#categories.valueOf(categoryId), totals] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const categoryKpis = sorted.map(([category, totals]): CategoryKpiRow => {
      const orderCount = totals.orderCount;
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

/** Distinct values of `values`, which it sorts in place. */
function distinctCount(values: Float64Array): number {
  values.sort();
  let distinct = 0;
  for (let at = 0; at < values.length; at++) {
    if (at === 0 || values[at] !== values[at - 1]) distinct += 1;
  }
  return distinct;
}

/**
 * Sets each category's `orderCount`: the distinct orders among its counted items. The items are
 * grouped by category (a counting sort of their positions), then each group marks the orders it
 * meets with its own stamp, so an order is counted once per category without a set of ids.
 */
function countOrdersPerCategory(
  orderSlots: Int32Array,
  categoryIds: Int32Array,
  orderCount: number,
  categories: ReadonlyMap<number, CategoryTotals>,
): void {
  let categoryBound = 0;
  for (const categoryId of categories.keys()) categoryBound = Math.max(categoryBound, categoryId + 1);
  const groupStart = new Int32Array(categoryBound + 1);
  for (const categoryId of categoryIds)
    groupStart[categoryId + 1] = (groupStart[categoryId + 1] as number) + 1;
  for (let id = 0; id < categoryBound; id++) {
    groupStart[id + 1] = (groupStart[id + 1] as number) + (groupStart[id] as number);
  }
  const grouped = new Int32Array(orderSlots.length);
  const next = groupStart.slice(0, categoryBound);
  for (let at = 0; at < orderSlots.length; at++) {
    const categoryId = categoryIds[at] as number;
    grouped[next[categoryId] as number] = orderSlots[at] as number;
    next[categoryId] = (next[categoryId] as number) + 1;
  }
  // stamps[order slot] = 1 + the last category that counted the order.
  const stamps = new Int32Array(orderCount);
  for (const [categoryId, totals] of categories) {
    let distinct = 0;
    for (let at = groupStart[categoryId] as number; at < (groupStart[categoryId + 1] as number); at++) {
      const orderSlot = grouped[at] as number;
      if (stamps[orderSlot] !== categoryId + 1) {
        stamps[orderSlot] = categoryId + 1;
        distinct += 1;
      }
    }
    totals.orderCount = distinct;
  }
}
