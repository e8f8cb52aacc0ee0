import { DATASET_COLUMNS, type Dataset } from '../datasets.js';
import { costWithinRetailPrice } from '../rules/costWithinRetailPrice.js';
import { createdAtNotInFuture } from '../rules/createdAtNotInFuture.js';
import { deliveredAfterShipped } from '../rules/deliveredAfterShipped.js';
import { returnedAtMatchesStatus } from '../rules/returnedAtMatchesStatus.js';
import { shippedAfterCreated } from '../rules/shippedAfterCreated.js';
import { skuMatchesPattern } from '../rules/skuMatchesPattern.js';
import type { OrderItemRow, OrderRow, OrderStatus, ProductRow, RuleViolation } from '../types.js';

/** A converted column value: number (id, count, cents, epoch ms), string, or undefined when absent. */
export type ConvertedValue = number | string | undefined;

/** Name of any column of a dataset. */
export type ColumnName<D extends Dataset> =
  | (typeof DATASET_COLUMNS)[D]['required'][number]
  | (typeof DATASET_COLUMNS)[D]['optional'][number];

/** The typed row a dataset's validator produces. */
export type RowOf<D extends Dataset> = D extends 'products'
  ? ProductRow
  : D extends 'orders'
    ? OrderRow
    : OrderItemRow;

/** A business rule bound to its options, with the columns it reads as a bit mask of column ordinals. */
export interface BoundRule<R> {
  /** Bit i is set when the rule reads column ordinal i; the rule is skipped if one of them already failed. */
  readonly reads: number;
  readonly check: (row: R) => RuleViolation | undefined;
}

/** Options the rules need, already validated. */
export interface RuleSettings {
  readonly skuPattern: RegExp;
  /** Injected clock plus the allowed skew, epoch ms. */
  readonly latestCreatedAtMs: number;
}

/** Everything dataset-specific the generic validator needs. */
export interface DatasetDefinition<R> {
  /** Column names in ordinal order: required, then optional, as in DATASET_COLUMNS. */
  readonly columns: readonly string[];
  readonly keyOrdinal: number;
  assemble(values: readonly ConvertedValue[]): R;
  bindRules(settings: RuleSettings): readonly BoundRule<R>[];
}

function ordinals<D extends Dataset>(dataset: D): Record<ColumnName<D>, number> {
  const { required, optional } = DATASET_COLUMNS[dataset];
  const result: Record<string, number> = {};
  [...required, ...optional].forEach((column, ordinal) => {
    result[column] = ordinal;
  });
  return result as Record<ColumnName<D>, number>;
}

function columnsOf(dataset: Dataset): readonly string[] {
  const { required, optional } = DATASET_COLUMNS[dataset];
  return [...required, ...optional];
}

const bit = (ordinal: number): number => 1 << ordinal;

const P = ordinals('products');
const O = ordinals('orders');
const I = ordinals('order_items');

// The assemble functions cast: the generic validator has already converted each value to the
// type its column kind produces, and rows with a failed column never reach the caller.
const products: DatasetDefinition<ProductRow> = {
  columns: columnsOf('products'),
  keyOrdinal: P.id,
  assemble: (v) => ({
    id: v[P.id] as number,
    sku: v[P.sku] as string,
    costCents: v[P.cost] as number,
    category: v[P.category] as string,
    name: v[P.name] as string,
    brand: (v[P.brand] as string | undefined) ?? '',
    retailPriceCents: v[P.retail_price] as number,
    department: v[P.department] as string,
    distributionCenterId: v[P.distribution_center_id] as number | undefined,
  }),
  bindRules: ({ skuPattern }) => [
    { reads: bit(P.cost) | bit(P.retail_price), check: costWithinRetailPrice },
    { reads: bit(P.sku), check: (row) => skuMatchesPattern(row, skuPattern) },
  ],
};

const orders: DatasetDefinition<OrderRow> = {
  columns: columnsOf('orders'),
  keyOrdinal: O.order_id,
  assemble: (v) => ({
    orderId: v[O.order_id] as number,
    userId: v[O.user_id] as number,
    status: v[O.status] as OrderStatus,
    createdAtMs: v[O.created_at] as number,
    returnedAtMs: v[O.returned_at] as number | undefined,
    shippedAtMs: v[O.shipped_at] as number | undefined,
    deliveredAtMs: v[O.delivered_at] as number | undefined,
    numOfItem: v[O.num_of_item] as number,
    gender: v[O.gender] as string | undefined,
  }),
  bindRules: ({ latestCreatedAtMs }) => [
    { reads: bit(O.created_at), check: (row) => createdAtNotInFuture(row, latestCreatedAtMs) },
    { reads: bit(O.created_at) | bit(O.shipped_at), check: shippedAfterCreated },
    { reads: bit(O.shipped_at) | bit(O.delivered_at), check: deliveredAfterShipped },
    { reads: bit(O.status) | bit(O.returned_at), check: returnedAtMatchesStatus },
  ],
};

const orderItems: DatasetDefinition<OrderItemRow> = {
  columns: columnsOf('order_items'),
  keyOrdinal: I.id,
  assemble: (v) => ({
    id: v[I.id] as number,
    orderId: v[I.order_id] as number,
    userId: v[I.user_id] as number,
    productId: v[I.product_id] as number,
    status: v[I.status] as OrderStatus,
    createdAtMs: v[I.created_at] as number,
    shippedAtMs: v[I.shipped_at] as number | undefined,
    deliveredAtMs: v[I.delivered_at] as number | undefined,
    returnedAtMs: v[I.returned_at] as number | undefined,
    salePriceCents: v[I.sale_price] as number,
    inventoryItemId: v[I.inventory_item_id] as number | undefined,
  }),
  bindRules: ({ latestCreatedAtMs }) => [
    { reads: bit(I.created_at), check: (row) => createdAtNotInFuture(row, latestCreatedAtMs) },
    { reads: bit(I.created_at) | bit(I.shipped_at), check: shippedAfterCreated },
    { reads: bit(I.shipped_at) | bit(I.delivered_at), check: deliveredAfterShipped },
    { reads: bit(I.status) | bit(I.returned_at), check: returnedAtMatchesStatus },
  ],
};

/** The definition of each dataset. */
export const DATASET_DEFINITIONS: { readonly [D in Dataset]: DatasetDefinition<RowOf<D>> } = {
  products,
  orders,
  order_items: orderItems,
};
