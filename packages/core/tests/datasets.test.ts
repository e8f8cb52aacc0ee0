import { DATASET_COLUMNS, detectFormat, routeObjectKey } from '../src/index.js';

describe('DATASET_COLUMNS', () => {
  it('matches the SPEC §2 table', () => {
    // Prepare: the table, copied by hand from SPEC.md
    const expected = {
      products: {
        key: 'id',
        required: ['id', 'sku', 'cost', 'category', 'name', 'brand', 'retail_price', 'department'],
        optional: ['distribution_center_id'],
      },
      orders: {
        key: 'order_id',
        required: ['order_id', 'user_id', 'status', 'created_at', 'num_of_item'],
        optional: ['returned_at', 'shipped_at', 'delivered_at', 'gender'],
      },
      order_items: {
        key: 'id',
        required: ['id', 'order_id', 'user_id', 'product_id', 'status', 'created_at', 'sale_price'],
        optional: ['shipped_at', 'delivered_at', 'returned_at', 'inventory_item_id'],
      },
    };
    // Act
    const actual = DATASET_COLUMNS;
    // Assess
    expect(actual).toEqual(expected);
  });
});

describe('routeObjectKey', () => {
  it.each([
    ['raw/products/2025/04/products.csv', 'products'],
    ['raw/orders/orders_part1.csv', 'orders'],
    ['raw/order_items/order_items_part1.csv', 'order_items'],
    ['raw/order-items/x.jsonl', 'order_items'],
    ['raw/Order_Items/x.csv', 'order_items'],
    ['raw/orders/deep/er/name-without-dataset.csv', 'orders'],
    // Directly under raw/: by file name, order_item before order, then product.
    ['raw/order_items_part3.csv', 'order_items'],
    ['raw/ORDER_ITEMS_part3.csv', 'order_items'],
    ['raw/orders_part1.csv', 'orders'],
    ['raw/daily-Orders.ndjson', 'orders'],
    ['raw/products.csv', 'products'],
    ['raw/all_products_for_orders.csv', 'orders'],
  ])('routes %s to %s', (key, dataset) => {
    // Prepare: the inputs are the table rows
    // Act
    const route = routeObjectKey(key);
    // Assess
    expect(route).toEqual({ routable: true, dataset });
  });

  it.each([
    ['processed/orders/x.csv', 'NOT_UNDER_RAW'],
    ['orders/x.csv', 'NOT_UNDER_RAW'],
    ['RAW/orders/x.csv', 'NOT_UNDER_RAW'],
    ['rawdata/orders.csv', 'NOT_UNDER_RAW'],
    ['raw/customers/x.csv', 'UNKNOWN_DATASET'],
    ['raw/orders/', 'UNKNOWN_DATASET'],
    ['raw/inventory.csv', 'UNKNOWN_DATASET'],
    ['raw/', 'UNKNOWN_DATASET'],
  ])('does not route %s (%s)', (key, reason) => {
    // Prepare: the inputs are the table rows
    // Act
    const route = routeObjectKey(key);
    // Assess
    expect(route).toEqual({ routable: false, reason });
  });
});

describe('detectFormat', () => {
  it.each([
    ['a.csv', 'csv', false],
    ['a.CSV', 'csv', false],
    ['a.csv.gz', 'csv', true],
    ['a.csv.GZ', 'csv', true],
    ['a.jsonl', 'jsonl', false],
    ['a.ndjson', 'jsonl', false],
    ['a.JSONL.gz', 'jsonl', true],
    ['raw/x/b.ndjson.gz', 'jsonl', true],
  ])('reads %s as %s (gzip %s)', (key, format, gzip) => {
    // Prepare: the inputs are the table rows
    // Act
    const result = detectFormat(key);
    // Assess
    expect(result).toEqual({ supported: true, format, gzip });
  });

  it.each(['a.json', 'a.txt', 'a.gz', 'a.csv.zip', 'a.parquet', 'csv', 'a.csvx'])(
    'does not support %s',
    (key) => {
      // Prepare: the inputs are the table rows
      // Act
      const result = detectFormat(key);
      // Assess
      expect(result).toEqual({ supported: false });
    },
  );
});
