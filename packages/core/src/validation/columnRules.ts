import type { Dataset } from '../datasets.js';

/** How a column's raw text is checked and converted. */
export type ColumnKind = 'id' | 'count' | 'money' | 'text' | 'freeText' | 'sku' | 'status' | 'timestamp';

/** Validation of one column. */
export interface ColumnRule {
  readonly kind: ColumnKind;
  /** True when an empty value is an error; false when empty means "absent" (or, for brand, empty). */
  readonly valueRequired: boolean;
  /** Money only: the smallest allowed amount is 0 (`nonNegative`) or 1 cent (`positive`). */
  readonly moneyMin?: 'nonNegative' | 'positive';
}

/** Column rules per dataset, keyed by the column names of DATASET_COLUMNS (SPEC §2 and §3). */
export const COLUMN_RULES: Readonly<Record<Dataset, Readonly<Record<string, ColumnRule>>>> = {
  products: {
    id: { kind: 'id', valueRequired: true },
    sku: { kind: 'sku', valueRequired: true },
    cost: { kind: 'money', valueRequired: true, moneyMin: 'nonNegative' },
    category: { kind: 'text', valueRequired: true },
    name: { kind: 'text', valueRequired: true },
    brand: { kind: 'freeText', valueRequired: false },
    retail_price: { kind: 'money', valueRequired: true, moneyMin: 'positive' },
    department: { kind: 'text', valueRequired: true },
    distribution_center_id: { kind: 'id', valueRequired: false },
  },
  orders: {
    order_id: { kind: 'id', valueRequired: true },
    user_id: { kind: 'id', valueRequired: true },
    status: { kind: 'status', valueRequired: true },
    created_at: { kind: 'timestamp', valueRequired: true },
    num_of_item: { kind: 'count', valueRequired: true },
    returned_at: { kind: 'timestamp', valueRequired: false },
    shipped_at: { kind: 'timestamp', valueRequired: false },
    delivered_at: { kind: 'timestamp', valueRequired: false },
    gender: { kind: 'freeText', valueRequired: false },
  },
  order_items: {
    id: { kind: 'id', valueRequired: true },
    order_id: { kind: 'id', valueRequired: true },
    user_id: { kind: 'id', valueRequired: true },
    product_id: { kind: 'id', valueRequired: true },
    status: { kind: 'status', valueRequired: true },
    created_at: { kind: 'timestamp', valueRequired: true },
    sale_price: { kind: 'money', valueRequired: true, moneyMin: 'positive' },
    shipped_at: { kind: 'timestamp', valueRequired: false },
    delivered_at: { kind: 'timestamp', valueRequired: false },
    returned_at: { kind: 'timestamp', valueRequired: false },
    inventory_item_id: { kind: 'id', valueRequired: false },
  },
};
