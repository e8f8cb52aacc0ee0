import type { OrderReference, ProductReference } from './ports.js';
import { utcDate } from './timestamps.js';
import type { OrderItemRow, OrderStatus, RowIssue } from './types.js';

/** A validated row with the line it came from, for issues found after validation. */
export interface LocatedRow<R> {
  readonly line: number;
  readonly row: R;
}

/** What an item gains from its references: everything the KPIs need. */
export interface ItemReferences {
  readonly category: string;
  readonly orderCreatedAtMs: number;
  /** UTC date of the order's created_at: the date the item counts towards (SPEC §4). */
  readonly orderDate: string;
  readonly orderStatus: OrderStatus;
  readonly orderUserId: number;
}

/**
 * Referential outcome of one item:
 * - `resolved`: both references exist and agree;
 * - `rejected`: a reference exists but contradicts the item (user mismatch): final, retrying cannot help;
 * - `unresolved`: a product or order is not known yet. Per SPEC §3 "Late references" the caller
 *   defers the file and retries until the grace window has passed, then rejects with `issues`.
 */
export type ReferenceResolution =
  | { readonly outcome: 'resolved'; readonly references: ItemReferences }
  | { readonly outcome: 'rejected'; readonly issues: readonly RowIssue[] }
  | {
      readonly outcome: 'unresolved';
      readonly unknownProduct: boolean;
      readonly unknownOrder: boolean;
      readonly issues: readonly RowIssue[];
    };

/**
 * The distinct product and order ids of a chunk, in first-seen order: the arguments of one
 * batched ReferenceLookup call each.
 */
export function referencedIds(items: readonly LocatedRow<OrderItemRow>[]): {
  productIds: number[];
  orderIds: number[];
} {
  const productIds = new Set<number>();
  const orderIds = new Set<number>();
  for (const { row } of items) {
    productIds.add(row.productId);
    orderIds.add(row.orderId);
  }
  return { productIds: [...productIds], orderIds: [...orderIds] };
}

/**
 * Resolves the references of a chunk of validated items against the lookup results, pure and
 * in input order (result i belongs to item i).
 *
 * @example
 * const { productIds, orderIds } = referencedIds(chunk);
 * const [products, orders] = await Promise.all([lookup.findProducts(productIds), lookup.findOrders(orderIds)]);
 * const outcomes = resolveItemReferences(chunk, products, orders);
 */
export function resolveItemReferences(
  items: readonly LocatedRow<OrderItemRow>[],
  products: ReadonlyMap<number, ProductReference>,
  orders: ReadonlyMap<number, OrderReference>,
): ReferenceResolution[] {
  // Chunks hold many items per order; one date string per order, not per item.
  const orderDates = new Map<number, string>();
  return items.map(({ line, row }): ReferenceResolution => {
    const product = products.get(row.productId);
    const order = orders.get(row.orderId);
    if (product !== undefined && order !== undefined && order.userId === row.userId) {
      let orderDate = orderDates.get(row.orderId);
      if (orderDate === undefined) {
        orderDate = utcDate(order.createdAtMs);
        orderDates.set(row.orderId, orderDate);
      }
      return {
        outcome: 'resolved',
        references: {
          category: product.category,
          orderCreatedAtMs: order.createdAtMs,
          orderDate,
          orderStatus: order.status,
          orderUserId: order.userId,
        },
      };
    }
    const issues: RowIssue[] = [];
    if (product === undefined) {
      issues.push({
        code: 'UNKNOWN_PRODUCT',
        line,
        column: 'product_id',
        value: String(row.productId),
        rule: 'product_id refers to a known product',
      });
    }
    if (order === undefined) {
      issues.push({
        code: 'UNKNOWN_ORDER',
        line,
        column: 'order_id',
        value: String(row.orderId),
        rule: 'order_id refers to a known order',
      });
    } else if (order.userId !== row.userId) {
      issues.push({
        code: 'ITEM_USER_MISMATCH',
        line,
        column: 'user_id',
        value: String(row.userId),
        rule: `user_id equals the order's user_id (${order.userId})`,
      });
      return { outcome: 'rejected', issues };
    }
    return {
      outcome: 'unresolved',
      unknownProduct: product === undefined,
      unknownOrder: order === undefined,
      issues,
    };
  });
}
