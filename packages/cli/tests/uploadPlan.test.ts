import { DEFAULT_DATASET_FOLDERS } from '@storeflow/core';
import { UsageError } from '../src/cliErrors.js';
import { datasetNamed, type LocalFile, planUploads } from '../src/uploadPlan.js';

function file(relative: string, directoryName?: string): LocalFile {
  return {
    path: `/data/${relative}`,
    relative,
    ...(directoryName === undefined ? {} : { directoryName }),
    sizeBytes: 1,
  };
}

describe('planUploads', () => {
  it('routes by the first folder that names a dataset, keeping what follows it', () => {
    // Act
    const plan = planUploads([
      file('exports/order-items/2025/a.csv', 'data'),
      file('orders/b.jsonl.gz', 'data'),
      file('c.ndjson', 'products'),
    ]);

    // Assess
    expect(plan.map(({ key, dataset }) => ({ key, dataset }))).toEqual([
      { key: 'raw/products/c.ndjson', dataset: 'products' },
      { key: 'raw/orders/b.jsonl.gz', dataset: 'orders' },
      { key: 'raw/order_items/2025/a.csv', dataset: 'order_items' },
    ]);
  });

  it('falls back on the file name, order_item before order before product, in any case', () => {
    // Act
    const plan = planUploads([
      file('2025/Order_Items_1.csv', 'exports'),
      file('ORDERS_1.csv', 'exports'),
      file('product-list.csv', 'exports'),
    ]);

    // Assess
    expect(plan.map(({ key }) => key)).toEqual([
      'raw/products/product-list.csv',
      'raw/orders/ORDERS_1.csv',
      'raw/order_items/2025/Order_Items_1.csv',
    ]);
  });

  it('puts everything under the given dataset, with the path below the argument', () => {
    const plan = planUploads([file('orders/x.csv', 'data'), file('y.csv', 'data')], 'products');
    expect(plan.map(({ key }) => key)).toEqual(['raw/products/orders/x.csv', 'raw/products/y.csv']);
  });

  it('orders products, orders, items, and within a dataset numbers by value', () => {
    // Act
    const plan = planUploads([
      file('order_items/part-1.csv'),
      file('orders/part-10.csv'),
      file('orders/part-9.csv'),
      file('products/all.csv'),
    ]);

    // Assess
    expect(plan.map(({ key }) => key)).toEqual([
      'raw/products/all.csv',
      'raw/orders/part-9.csv',
      'raw/orders/part-10.csv',
      'raw/order_items/part-1.csv',
    ]);
  });

  it('refuses the whole set when any file routes nowhere, naming at most three', () => {
    // Prepare
    const files = [
      file('orders/ok.csv'),
      ...['a', 'b', 'c', 'd'].map((name) => file(`misc/${name}.csv`, 'data')),
    ];

    // Act
    const plan = () => planUploads(files);

    // Assess
    expect(plan).toThrow(UsageError);
    expect(plan).toThrow(
      'cannot tell the dataset of /data/misc/a.csv, /data/misc/b.csv, /data/misc/c.csv and 1 more: put files under a products/, orders/ or order_items/ folder, name them after their dataset, or pass --dataset; nothing was uploaded',
    );
  });

  it('refuses a file of another format and two files bound for one key', () => {
    expect(() => planUploads([file('orders/a.xlsx')])).toThrow(
      '/data/orders/a.xlsx is not .csv, .jsonl or .ndjson (optionally .gz); nothing was uploaded',
    );
    expect(() =>
      planUploads([file('orders/a.csv'), { ...file('x/orders/a.csv'), path: '/other/a.csv' }]),
    ).toThrow(
      '/data/orders/a.csv and /other/a.csv would both be uploaded as raw/orders/a.csv; upload them separately or rename one; nothing was uploaded',
    );
  });
});

describe('datasetNamed', () => {
  it('accepts the dataset folder names and the order-items alias, nothing else', () => {
    expect(
      ['products', 'orders', 'order_items', 'order-items', 'Orders', 'customers'].map((name) =>
        datasetNamed(name),
      ),
    ).toEqual(['products', 'orders', 'order_items', 'order_items', 'orders', undefined]);
  });

  it('accepts a dataset the contracts add, by the folders they route', () => {
    // Prepare: a contract set whose folders add users (and its alias members)
    const folders = new Map([...DEFAULT_DATASET_FOLDERS, ['users', 'users'], ['members', 'users']]);
    // Act
    const named = ['users', 'Members', 'customers'].map((name) => datasetNamed(name, folders));
    // Assess
    expect(named).toEqual(['users', 'users', undefined]);
  });

  it("uploads the datasets a contract adds after the pipeline's own", () => {
    // Prepare
    const folders = new Map([...DEFAULT_DATASET_FOLDERS, ['users', 'users']]);
    const files = ['users/u.csv', 'order_items/i.csv', 'products/p.csv'].map((relative) => ({
      path: relative,
      relative,
      sizeBytes: 1,
    }));
    // Act
    const keys = planUploads(files, undefined, folders).map((upload) => upload.key);
    // Assess
    expect(keys).toEqual(['raw/products/p.csv', 'raw/order_items/i.csv', 'raw/users/u.csv']);
  });
});
