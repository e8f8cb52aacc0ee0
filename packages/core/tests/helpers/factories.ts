import {
  createRowValidator,
  type Dataset,
  type DatasetContract,
  type OrderItemRow,
  type OrderRow,
  type ProductRow,
  type RowValidator,
  type RowValidatorOptions,
} from '../../src/index.js';
import { contractOf } from './contracts.js';

/** The typed row a dataset's validator produces. */
export type RowOf<D extends Dataset> = D extends 'products'
  ? ProductRow
  : D extends 'orders'
    ? OrderRow
    : OrderItemRow;

/** A fixed "now" for every test: 2025-04-20T00:00:00Z, after every sample timestamp. */
export const NOW_MS = Date.UTC(2025, 3, 20);

/** Headers exactly as the thelook sample files have them (column order differs from the spec). */
export const HEADERS = {
  products: ['id', 'sku', 'cost', 'category', 'name', 'brand', 'retail_price', 'department'],
  orders: [
    'order_id',
    'user_id',
    'status',
    'created_at',
    'returned_at',
    'shipped_at',
    'delivered_at',
    'num_of_item',
  ],
  order_items: [
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
  ],
} as const satisfies Record<Dataset, readonly string[]>;

/** A raw record (column → raw text) that passes every check of its dataset. */
export function validRecord(
  dataset: Dataset,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const base: Record<Dataset, Record<string, string>> = {
    products: {
      id: '1',
      sku: 'eHZ-67752426',
      cost: '15.58',
      category: 'Beauty',
      name: 'Down-sized stable budgetary management',
      brand: 'Globex',
      retail_price: '53.95',
      department: 'Personal Care',
    },
    orders: {
      order_id: '1',
      user_id: '9116',
      status: 'returned',
      created_at: '2025-03-30T16:14:26',
      returned_at: '2025-04-03T10:14:26',
      shipped_at: '2025-03-31T06:14:26',
      delivered_at: '2025-04-02T10:14:26',
      num_of_item: '1',
    },
    order_items: {
      id: '1',
      order_id: '1',
      user_id: '9116',
      product_id: '5585',
      status: 'returned',
      created_at: '2025-03-30T17:09:26',
      shipped_at: '2025-03-31T05:09:26',
      delivered_at: '2025-04-02T03:09:26',
      returned_at: '2025-04-07T03:09:26',
      sale_price: '81.64',
    },
  };
  return { ...base[dataset], ...overrides };
}

/** Field array of a record in the order of `header` (absent columns become ''). */
export function toFields(header: readonly string[], record: Record<string, string>): string[] {
  return header.map((column) => record[column] ?? '');
}

/** A row validator for the sample header, failing the test if the header is refused. */
export function validatorFor<D extends Dataset>(
  dataset: D,
  options: Partial<RowValidatorOptions> = {},
  header: readonly string[] = HEADERS[dataset],
  contract: DatasetContract = contractOf(dataset),
): RowValidator<RowOf<D>> {
  const built = createRowValidator<RowOf<D>>(contract, header, { nowMs: NOW_MS, ...options });
  if (!built.ok) throw new Error(`header refused: ${JSON.stringify(built.fileIssues)}`);
  return built.validator;
}

/** A validated order item, for referential tests. */
export function orderItemRow(overrides: Partial<OrderItemRow> = {}): OrderItemRow {
  return {
    id: 1,
    orderId: 10,
    userId: 100,
    productId: 1000,
    status: 'delivered',
    createdAtMs: Date.UTC(2025, 2, 30, 17, 9, 26),
    shippedAtMs: undefined,
    deliveredAtMs: undefined,
    returnedAtMs: undefined,
    salePriceCents: 8164,
    inventoryItemId: undefined,
    ...overrides,
  };
}
