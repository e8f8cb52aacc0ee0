import type { ReferenceStore } from '@storeflow/aws';
import type { AcceptedBatch, SilverOrder, SilverProduct } from '@storeflow/core';
import { AcceptedReferences } from '../src/acceptedReferences.js';

const VERSION = '2025-04-01T00:00:00.000Z#raw/products/p.csv';

function product(id: number): SilverProduct {
  return {
    id,
    cost_cents: 1000,
    category: `category-${id % 3}`,
    name: `Product ${id}`,
    brand: 'Acme',
    retail_price_cents: 5000,
    department: 'Men',
    sku: `ABC-${String(id).padStart(8, '0')}`,
    _version: VERSION,
  };
}

function order(orderId: number): SilverOrder {
  return {
    order_id: orderId,
    user_id: orderId * 10,
    status: 'complete',
    created_at_ms: Date.UTC(2025, 3, 1) + orderId,
    num_of_item: 1,
    order_date: '2025-04-01',
    _version: VERSION,
  };
}

/** One batch per `size` rows of `rows`, in one partition. */
function batches<R>(rows: R[], size: number): AcceptedBatch[] {
  const result: AcceptedBatch[] = [];
  for (let start = 0; start < rows.length; start += size) {
    const partition = new Map([['2025-04-01', rows.slice(start, start + size) as never[]]]);
    result.push({ chunk: result.length, partitions: partition });
  }
  return result;
}

/** A reference store that keeps every slice it is asked to record. */
function recordingStore() {
  const products: { ids: number[]; version: string; sourceKey: string }[] = [];
  const orders: unknown[][] = [];
  const store = {
    recordProducts: async (rows: { id: number }[], version: string, sourceKey: string) => {
      products.push({ ids: rows.map((row) => row.id), version, sourceKey });
      return [];
    },
    recordOrders: async (rows: unknown[]) => {
      orders.push(rows);
      return [];
    },
  } as unknown as ReferenceStore;
  return { store, products, orders };
}

describe('AcceptedReferences', () => {
  it('records every product kept, spilled ones included, in order and in slices of 500', async () => {
    // Prepare: 1,234 products in batches of 100, at most 250 held in memory
    const ids = Array.from({ length: 1234 }, (_, index) => index + 1);
    const references = new AcceptedReferences('products', { memoryRows: 250, sliceRows: 500 });
    for (const batch of batches(ids.map(product), 100)) await references.add(batch);
    const { store, products } = recordingStore();

    // Act
    await references.record(store, VERSION, 'raw/products/p.csv', new AbortController().signal);
    await references.discard();

    // Assess
    expect(products.flatMap((slice) => slice.ids)).toEqual(ids);
    expect(products.map((slice) => slice.ids.length)).toEqual([500, 500, 234]);
    expect(new Set(products.map((slice) => `${slice.version} ${slice.sourceKey}`))).toEqual(
      new Set([`${VERSION} raw/products/p.csv`]),
    );
  });

  it('keeps only the reference fields of an order', async () => {
    // Prepare
    const references = new AcceptedReferences('orders', { memoryRows: 1 });
    for (const batch of batches([order(1), order(2)], 1)) await references.add(batch);
    const { store, orders } = recordingStore();

    // Act
    await references.record(store, VERSION, 'raw/orders/o.csv', new AbortController().signal);
    await references.discard();

    // Assess
    expect(orders).toEqual([
      [
        { orderId: 1, userId: 10, createdAtMs: Date.UTC(2025, 3, 1) + 1, status: 'complete' },
        { orderId: 2, userId: 20, createdAtMs: Date.UTC(2025, 3, 1) + 2, status: 'complete' },
      ],
    ]);
  });

  it('records nothing for order items, which nothing references', async () => {
    // Prepare
    const references = new AcceptedReferences('order_items');
    await references.add(batches([{ id: 1 }], 1)[0] as AcceptedBatch);
    const { store, products, orders } = recordingStore();

    // Act
    await references.record(store, VERSION, 'raw/order_items/i.csv', new AbortController().signal);

    // Assess
    expect(products).toEqual([]);
    expect(orders).toEqual([]);
  });

  it('stops between slices once the work is stopped', async () => {
    // Prepare
    const references = new AcceptedReferences('products');
    for (const batch of batches([product(1)], 1)) await references.add(batch);
    const { store, products } = recordingStore();
    const stop = new AbortController();
    stop.abort(new Error('shutdown deadline reached'));

    // Act
    const recording = references.record(store, VERSION, 'raw/products/p.csv', stop.signal);

    // Assess
    await expect(recording).rejects.toThrow('shutdown deadline reached');
    expect(products).toEqual([]);
  });
});
