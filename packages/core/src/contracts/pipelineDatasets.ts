import type { ColumnKind } from './types.js';

/** A column the pipeline reads by its logical name, with the kinds it can read it as. */
type Needs = Readonly<Record<string, readonly ColumnKind[]>>;

/**
 * The datasets the pipeline itself reads: items are resolved against products and orders, and
 * the KPIs are computed from all three. Their contracts may rename, add and tighten columns, but
 * must keep these logical columns, kinds, keys and references; `compileContractSet` checks it at
 * start, so a contract that would break the KPIs is refused before any file is read.
 */
export const PIPELINE_DATASETS: Readonly<
  Record<
    'products' | 'orders' | 'order_items',
    {
      readonly key: string;
      readonly columns: Needs;
      readonly relationships: readonly { column: string; to: string; code: string }[];
    }
  >
> = {
  products: {
    key: 'id',
    columns: {
      id: ['integer'],
      sku: ['string'],
      cost: ['money'],
      category: ['string', 'enum'],
      name: ['string', 'enum'],
      brand: ['string', 'enum'],
      retail_price: ['money'],
      department: ['string', 'enum'],
    },
    relationships: [],
  },
  orders: {
    key: 'order_id',
    columns: {
      order_id: ['integer'],
      user_id: ['integer'],
      status: ['enum'],
      created_at: ['timestamp'],
      num_of_item: ['integer'],
    },
    relationships: [],
  },
  order_items: {
    key: 'id',
    columns: {
      id: ['integer'],
      order_id: ['integer'],
      user_id: ['integer'],
      product_id: ['integer'],
      status: ['enum'],
      created_at: ['timestamp'],
      sale_price: ['money'],
    },
    relationships: [
      { column: 'order_id', to: 'orders.order_id', code: 'UNKNOWN_ORDER' },
      { column: 'product_id', to: 'products.id', code: 'UNKNOWN_PRODUCT' },
      { column: 'user_id', to: 'orders.user_id', code: 'ITEM_USER_MISMATCH' },
    ],
  },
};
