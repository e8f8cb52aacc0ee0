import type { ConvertedValue, DatasetContract } from '../contracts/types.js';
import type { OrderItemRow, OrderRow, OrderStatus, ProductRow } from '../types.js';

/** A validated row of a dataset the pipeline does not read itself: logical column → value. */
export type GenericRow = Readonly<Record<string, ConvertedValue>>;

/** A validated row of any dataset. */
export type ValidatedRow = ProductRow | OrderRow | OrderItemRow | GenericRow;

/** Builds the typed row from a row's converted values, by column ordinal. */
export type RowAssembler<R> = (values: readonly ConvertedValue[]) => R;

/**
 * The row assembler of a dataset: the typed rows the pipeline reads for products, orders and
 * order_items (their logical columns are checked against the contracts at start, see
 * PIPELINE_DATASETS), a record of logical names for any other dataset.
 */
export function rowAssemblerFor(contract: DatasetContract): RowAssembler<ValidatedRow> {
  const ordinal = (name: string) => contract.columns.findIndex((column) => column.name === name);
  // The casts hold because the validator has converted each value to its column kind's type,
  // and rows with a failed column never reach the caller; an ordinal of -1 (an optional column
  // the contract leaves out) reads undefined.
  const at = <T>(values: readonly ConvertedValue[], index: number) => values[index] as T;
  switch (contract.dataset) {
    case 'products': {
      const [id, sku, cost, category, name, brand, retail, department, center] = [
        'id',
        'sku',
        'cost',
        'category',
        'name',
        'brand',
        'retail_price',
        'department',
        'distribution_center_id',
      ].map(ordinal) as number[];
      return (v): ProductRow => ({
        id: at<number>(v, id as number),
        sku: at<string>(v, sku as number),
        costCents: at<number>(v, cost as number),
        category: at<string>(v, category as number),
        name: at<string>(v, name as number),
        brand: at<string | undefined>(v, brand as number) ?? '',
        retailPriceCents: at<number>(v, retail as number),
        department: at<string>(v, department as number),
        distributionCenterId: at<number | undefined>(v, center as number),
      });
    }
    case 'orders': {
      const [orderId, userId, status, created, returned, shipped, delivered, count, gender] = [
        'order_id',
        'user_id',
        'status',
        'created_at',
        'returned_at',
        'shipped_at',
        'delivered_at',
        'num_of_item',
        'gender',
      ].map(ordinal) as number[];
      return (v): OrderRow => ({
        orderId: at<number>(v, orderId as number),
        userId: at<number>(v, userId as number),
        status: at<OrderStatus>(v, status as number),
        createdAtMs: at<number>(v, created as number),
        returnedAtMs: at<number | undefined>(v, returned as number),
        shippedAtMs: at<number | undefined>(v, shipped as number),
        deliveredAtMs: at<number | undefined>(v, delivered as number),
        numOfItem: at<number>(v, count as number),
        gender: at<string | undefined>(v, gender as number),
      });
    }
    case 'order_items': {
      const [
        id,
        orderId,
        userId,
        productId,
        status,
        created,
        shipped,
        delivered,
        returned,
        price,
        inventory,
      ] = [
        'id',
        'order_id',
        'user_id',
        'product_id',
        'status',
        'created_at',
        'shipped_at',
        'delivered_at',
        'returned_at',
        'sale_price',
        'inventory_item_id',
      ].map(ordinal) as number[];
      return (v): OrderItemRow => ({
        id: at<number>(v, id as number),
        orderId: at<number>(v, orderId as number),
        userId: at<number>(v, userId as number),
        productId: at<number>(v, productId as number),
        status: at<OrderStatus>(v, status as number),
        createdAtMs: at<number>(v, created as number),
        shippedAtMs: at<number | undefined>(v, shipped as number),
        deliveredAtMs: at<number | undefined>(v, delivered as number),
        returnedAtMs: at<number | undefined>(v, returned as number),
        salePriceCents: at<number>(v, price as number),
        inventoryItemId: at<number | undefined>(v, inventory as number),
      });
    }
    default: {
      const names = contract.columns.map((column) => column.name);
      return (v) => {
        const row: Record<string, ConvertedValue> = {};
        for (let c = 0; c < names.length; c++) if (v[c] !== undefined) row[names[c] as string] = v[c];
        return row;
      };
    }
  }
}
