import { readFileSync } from 'node:fs';
import {
  DATASETS,
  type Dataset,
  DEFAULT_DATASET_FOLDERS,
  datasetFolders,
  detectFormat,
  isPartitionedByDate,
  isPipelineDataset,
  routeObjectKey,
} from '../src/index.js';
import { CONTRACTS_DIR, compileValid, contractOf, thelookSources } from './helpers/contracts.js';

/** One row of the SPEC §2 table, and the required columns whose value may still be empty. */
interface SpecLayout {
  key: string;
  required: string[];
  optional: string[];
  mayBeEmpty: string[];
}

describe("the shipped contracts' column layout", () => {
  // Prepare (shared): the SPEC §2 table, copied by hand; `brand` is required in the header but
  // "may be empty" (SPEC §3), so it is the one required column whose value is not required.
  const spec: Record<Dataset, SpecLayout> = {
    products: {
      key: 'id',
      required: ['id', 'sku', 'cost', 'category', 'name', 'brand', 'retail_price', 'department'],
      optional: ['distribution_center_id'],
      mayBeEmpty: ['brand'],
    },
    orders: {
      key: 'order_id',
      required: ['order_id', 'user_id', 'status', 'created_at', 'num_of_item'],
      optional: ['returned_at', 'shipped_at', 'delivered_at', 'gender'],
      mayBeEmpty: [],
    },
    order_items: {
      key: 'id',
      required: ['id', 'order_id', 'user_id', 'product_id', 'status', 'created_at', 'sale_price'],
      optional: ['shipped_at', 'delivered_at', 'returned_at', 'inventory_item_id'],
      mayBeEmpty: [],
    },
  };

  it.each(DATASETS)('%s requires exactly the SPEC §2 header columns', (dataset) => {
    // Prepare
    const { required, optional } = spec[dataset];
    // Act
    const { columns } = contractOf(dataset);
    // Assess
    expect(columns.filter((column) => column.headerRequired).map((column) => column.physicalName)).toEqual(
      required,
    );
    expect(columns.filter((column) => !column.headerRequired).map((column) => column.physicalName)).toEqual(
      optional,
    );
  });

  it.each(DATASETS)(
    "%s requires a value in every required column but the SPEC's may-be-empty ones",
    (dataset) => {
      // Prepare
      const { required, mayBeEmpty } = spec[dataset];
      // Act
      const { columns } = contractOf(dataset);
      // Assess
      expect(columns.filter((column) => column.valueRequired).map((column) => column.name)).toEqual(
        required.filter((name) => !mayBeEmpty.includes(name)),
      );
    },
  );

  it.each(DATASETS)('%s has the SPEC §2 key, under its own name', (dataset) => {
    // Prepare
    const { key } = spec[dataset];
    // Act
    const contract = contractOf(dataset);
    // Assess
    expect(contract.columns[contract.keyOrdinal]).toMatchObject({ name: key, physicalName: key });
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

  it('routes the folders of a contract set, a dataset the contracts add and its alias included', () => {
    // Prepare: the shipped contracts plus the users example (folder alias `customers`)
    const users = readFileSync(new URL('examples/users.odcs.yaml', CONTRACTS_DIR), 'utf8');
    const folders = datasetFolders(
      compileValid([...thelookSources(), { source: 'users.odcs.yaml', text: users }]),
    );
    // Act
    const routes = ['raw/users/a.csv', 'raw/Customers/b.jsonl', 'raw/order-items/c.csv', 'raw/users.csv'].map(
      (key) => routeObjectKey(key, folders),
    );
    // Assess: folders route to users; a key directly under raw/ still routes by the pipeline's names only
    expect(routes).toEqual([
      { routable: true, dataset: 'users' },
      { routable: true, dataset: 'users' },
      { routable: true, dataset: 'order_items' },
      { routable: false, reason: 'UNKNOWN_DATASET' },
    ]);
  });

  it('derives from the shipped contracts exactly the default folders', () => {
    // Act
    const folders = datasetFolders(compileValid(thelookSources()));
    // Assess
    expect([...folders].sort()).toEqual([...DEFAULT_DATASET_FOLDERS].sort());
  });
});

describe('dataset kinds', () => {
  it.each([
    ['products', true, false],
    ['orders', true, true],
    ['order_items', true, true],
    ['users', false, false],
  ])('%s: read by the pipeline %s, partitioned by date %s', (dataset, pipeline, dated) => {
    // Act / Assess
    expect([isPipelineDataset(dataset), isPartitionedByDate(dataset)]).toEqual([pipeline, dated]);
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
