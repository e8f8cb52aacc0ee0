import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { InvalidOptionError } from '@storeflow/core';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  type OrderRecordInput,
  ReferenceStore,
  resolveAwsConnection,
  resourceNamesFor,
} from '../src/index.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;
let table: string;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
  const names = resourceNamesFor(uniquePrefix('rs'));
  await bootstrapResources(clients, { names });
  table = names.referenceTable;
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

// Ids are unique per test and start a bucket of their own (500 ids to a bucket), so tests
// sharing the table cannot see each other's rows.
let nextId = 500;
function freshIds(count: number): number[] {
  const ids = Array.from({ length: count }, (_, index) => nextId + index);
  nextId += Math.ceil((count + 1000) / 500) * 500;
  return ids;
}

const store = (options: { cacheMaxProducts?: number; cacheMaxOrders?: number } = {}) =>
  new ReferenceStore({ clients, tableName: table, ...options });

const V1 = '2025-04-01T10:00:00.000Z#raw/orders/a.csv';
const V2 = '2025-04-02T10:00:00.000Z#raw/orders/b.csv';

function order(
  orderId: number,
  createdAt: string,
  overrides: Partial<OrderRecordInput> = {},
): OrderRecordInput {
  return {
    orderId,
    userId: orderId * 10,
    createdAtMs: Date.parse(createdAt),
    status: 'shipped',
    ...overrides,
  };
}

/**
 * Clients whose next PutItem call first waits for `meanwhile`: the store has read what is
 * stored, and another writer changes it before the store's conditional put arrives.
 */
function clientsInterruptedBy(meanwhile: () => Promise<unknown>): AwsClients {
  let interrupted = false;
  const send = async (command: unknown) => {
    if (command instanceof PutItemCommand && !interrupted) {
      interrupted = true;
      await meanwhile();
    }
    return clients.dynamodb.send(command as PutItemCommand);
  };
  return { ...clients, dynamodb: { send } as unknown as AwsClients['dynamodb'] };
}

type Kind = 'products' | 'orders';

/** The key of the item holding `id`: 500 consecutive ids to an item (packages/aws/README.md). */
const bucketOf = (kind: Kind, id: number) => ({ ref_key: { S: `${kind}#${Math.floor(id / 500)}` } });

/** The stored bucket of `id`, as the table holds it. */
async function storedBucket(kind: Kind, id: number) {
  const { Item } = await clients.dynamodb.send(
    new GetItemCommand({ TableName: table, Key: bucketOf(kind, id), ConsistentRead: true }),
  );
  return Item;
}

/** The version stored for order `id`, read off its bucket's `rows` (an order row ends in version, source). */
async function storedVersion(id: number): Promise<string | undefined> {
  const rows = JSON.parse((await storedBucket('orders', id))?.rows?.S ?? '{}') as Record<string, string[]>;
  return rows[String(id)]?.at(-2);
}

async function deleteBehindTheStoresBack(kind: Kind, id: number): Promise<void> {
  await clients.dynamodb.send(new DeleteItemCommand({ TableName: table, Key: bucketOf(kind, id) }));
}

describe('ReferenceStore on DynamoDB Local', () => {
  it('finds 250 recorded products and orders through several BatchGetItem pages, and no unknown id', async () => {
    // Prepare
    const ids = freshIds(250);
    const unknown = freshIds(3);
    const writer = store();
    const products = await writer.recordProducts(
      ids.map((id) => ({ id, category: `cat-${id % 7}` })),
      V1,
      'raw/products/p.csv',
    );
    const orders = await writer.recordOrders(
      ids.map((id) => order(id, '2025-03-08T23:59:59Z')),
      V1,
      'raw/orders/a.csv',
    );
    // A second store has an empty cache: it must read everything from the table.
    const reader = store();

    // Act
    const foundProducts = await reader.findProducts([...ids, ...unknown, ids[0] as number]);
    const foundOrders = await reader.findOrders([...unknown, ...ids]);

    // Assess
    expect(products.every((result) => result.outcome === 'written' && result.previous === undefined)).toBe(
      true,
    );
    expect(orders.every((result) => result.outcome === 'written')).toBe(true);
    expect(foundProducts.size).toBe(250);
    expect(foundOrders.size).toBe(250);
    for (const id of unknown) {
      expect(foundProducts.has(id)).toBe(false);
      expect(foundOrders.has(id)).toBe(false);
    }
    expect(foundProducts.get(ids[3] as number)).toEqual({ category: `cat-${(ids[3] as number) % 7}` });
    expect(foundOrders.get(ids[0] as number)).toEqual({
      userId: (ids[0] as number) * 10,
      createdAtMs: Date.parse('2025-03-08T23:59:59Z'),
      status: 'shipped',
    });
  });

  it('stores the documented bucket layout: 500 ids to an item, rows as JSON arrays, a write count', async () => {
    // Prepare: two orders of one bucket, recorded by two files, and a product.
    const [id] = freshIds(1) as [number];
    const neighbour = id + 1;

    // Act
    await store().recordOrders([order(id, '2025-03-08T23:30:00-02:00')], V1, 'raw/orders/a.csv');
    await store().recordOrders([order(neighbour, '2025-03-08T10:00:00Z')], V2, 'raw/orders/b.csv');
    await store().recordProducts([{ id, category: 'Jeans' }], V1, 'raw/products/p.csv');
    const orders = await storedBucket('orders', id);
    const products = await storedBucket('products', id);

    // Assess
    expect(orders?.ref_key).toEqual({ S: `orders#${Math.floor(id / 500)}` });
    expect(orders?.rev).toEqual({ N: '2' });
    expect(JSON.parse(orders?.rows?.S ?? '')).toEqual({
      [id]: [id * 10, Date.parse('2025-03-09T01:30:00Z'), 'shipped', V1, 'raw/orders/a.csv'],
      [neighbour]: [neighbour * 10, Date.parse('2025-03-08T10:00:00Z'), 'shipped', V2, 'raw/orders/b.csv'],
    });
    expect(products).toEqual({
      ref_key: { S: `products#${Math.floor(id / 500)}` },
      rev: { N: '1' },
      rows: { S: JSON.stringify({ [id]: ['Jeans', V1, 'raw/products/p.csv'] }) },
    });
  });

  it('overwrites with a newer version and returns the previous row, including its order_date', async () => {
    // Prepare
    const [id] = freshIds(1) as [number];
    const writer = store();
    await writer.recordOrders([order(id, '2025-03-08T10:00:00Z')], V1, 'raw/orders/a.csv');

    // Act
    const [result] = await writer.recordOrders(
      [order(id, '2025-03-10T10:00:00Z', { status: 'returned' })],
      V2,
      'raw/orders/b.csv',
    );
    const found = await store().findOrders([id]);

    // Assess
    expect(result).toEqual({
      id,
      outcome: 'written',
      previous: {
        userId: id * 10,
        createdAtMs: Date.parse('2025-03-08T10:00:00Z'),
        status: 'shipped',
        orderDate: '2025-03-08',
        version: V1,
        sourceKey: 'raw/orders/a.csv',
      },
    });
    expect(found.get(id)).toEqual({
      userId: id * 10,
      createdAtMs: Date.parse('2025-03-10T10:00:00Z'),
      status: 'returned',
    });
  });

  it('keeps a newer row when an older version is recorded late, and reports the kept row', async () => {
    // Prepare
    const [id] = freshIds(1) as [number];
    await store().recordProducts([{ id, category: 'Jeans' }], V2, 'raw/products/new.csv');
    const lateWriter = store();

    // Act
    const [result] = await lateWriter.recordProducts([{ id, category: 'Tops' }], V1, 'raw/products/old.csv');
    const fromTable = await store().findProducts([id]);
    const fromWritersCache = await lateWriter.findProducts([id]);

    // Assess
    expect(result).toEqual({
      id,
      outcome: 'kept',
      current: { category: 'Jeans', version: V2, sourceKey: 'raw/products/new.csv' },
    });
    expect(fromTable.get(id)).toEqual({ category: 'Jeans' });
    // The late writer's cache holds the kept row, not the one it tried to write.
    expect(fromWritersCache.get(id)).toEqual({ category: 'Jeans' });
  });

  it('rewrites an equal version, so reprocessing the same object is idempotent', async () => {
    // Prepare
    const [id] = freshIds(1) as [number];
    const writer = store();
    await writer.recordProducts([{ id, category: 'Jeans' }], V1, 'raw/products/p.csv');

    // Act
    const [result] = await writer.recordProducts([{ id, category: 'Jeans' }], V1, 'raw/products/p.csv');

    // Assess
    expect(result).toMatchObject({ id, outcome: 'written', previous: { category: 'Jeans', version: V1 } });
  });

  it('serves a second lookup from its cache, without DynamoDB', async () => {
    // Prepare
    const [productId, orderId] = freshIds(2) as [number, number];
    await store().recordProducts([{ id: productId, category: 'Socks' }], V1, 'raw/products/p.csv');
    await store().recordOrders([order(orderId, '2025-03-08T10:00:00Z')], V1, 'raw/orders/a.csv');
    const reader = store();
    await reader.findProducts([productId]);
    await reader.findOrders([orderId]);
    await deleteBehindTheStoresBack('products', productId);
    await deleteBehindTheStoresBack('orders', orderId);

    // Act
    const products = await reader.findProducts([productId]);
    const orders = await reader.findOrders([orderId]);
    const uncachedReader = store({ cacheMaxProducts: 0, cacheMaxOrders: 0 });
    const uncached = await uncachedReader.findProducts([productId]);
    const uncachedOrders = await uncachedReader.findOrders([orderId]);

    // Assess
    expect(products.get(productId)).toEqual({ category: 'Socks' });
    expect(orders.get(orderId)).toMatchObject({ userId: orderId * 10 });
    expect(uncached.has(productId)).toBe(false);
    expect(uncachedOrders.has(orderId)).toBe(false);
  });

  it('remembers every row of a bucket it read, so the next lookups of its neighbours need no read', async () => {
    // Prepare: three orders of one bucket; the lookup asks for the first only
    const ids = freshIds(3) as [number, number, number];
    expect(new Set(ids.map((id) => JSON.stringify(bucketOf('orders', id)))).size).toBe(1);
    await store().recordOrders(
      ids.map((id) => order(id, '2025-03-08T10:00:00Z')),
      V1,
      'raw/orders/a.csv',
    );
    const reader = store();
    await reader.findOrders([ids[0]]);
    await deleteBehindTheStoresBack('orders', ids[0]);

    // Act
    const neighbours = await reader.findOrders([ids[1], ids[2]]);

    // Assess
    expect(neighbours.get(ids[1])).toMatchObject({ userId: ids[1] * 10 });
    expect(neighbours.get(ids[2])).toMatchObject({ userId: ids[2] * 10 });
  });

  it('does not cache a miss: an id recorded later, by this or another store, is found', async () => {
    // Prepare
    const [ownId, otherId] = freshIds(2) as [number, number];
    const reader = store();
    const before = await reader.findOrders([ownId, otherId]);
    await reader.recordOrders([order(ownId, '2025-03-08T10:00:00Z')], V1, 'raw/orders/a.csv');
    await store().recordOrders([order(otherId, '2025-03-08T10:00:00Z')], V1, 'raw/orders/b.csv');

    // Act
    const after = await reader.findOrders([ownId, otherId]);

    // Assess
    expect(before.size).toBe(0);
    expect([...after.keys()].sort((a, b) => a - b)).toEqual([ownId, otherId]);
  });

  it('refuses rows that repeat an id, since their puts would race', async () => {
    // Prepare
    const [id] = freshIds(1) as [number];

    // Act
    const recording = store().recordProducts(
      [
        { id, category: 'a' },
        { id, category: 'b' },
      ],
      V1,
      'raw/products/p.csv',
    );

    // Assess
    await expect(recording).rejects.toBeInstanceOf(InvalidOptionError);
  });

  it('records 1,263 rows over three buckets row by row right', async () => {
    // Prepare: of 1,263 ids, the first 90 hold an older version, the next 40 a newer one.
    const ids = freshIds(1263);
    const older = ids.slice(0, 90);
    const newer = ids.slice(90, 130);
    await store().recordOrders(
      older.map((id) => order(id, '2025-03-01T10:00:00Z')),
      V1,
      'raw/orders/a.csv',
    );
    const V3 = '2025-04-03T10:00:00.000Z#raw/orders/c.csv';
    await store().recordOrders(
      newer.map((id) => order(id, '2025-03-03T10:00:00Z')),
      V3,
      'raw/orders/c.csv',
    );

    // Act
    const results = await store().recordOrders(
      ids.map((id) => order(id, '2025-03-02T10:00:00Z')),
      V2,
      'raw/orders/b.csv',
    );

    // Assess
    expect(results.map((result) => result.id)).toEqual(ids);
    results.forEach((result, index) => {
      if (index < 90) {
        expect(result).toMatchObject({
          outcome: 'written',
          previous: { version: V1, orderDate: '2025-03-01' },
        });
      } else if (index < 130) {
        expect(result).toMatchObject({ outcome: 'kept', current: { version: V3, orderDate: '2025-03-03' } });
      } else {
        expect(result).toEqual({ id: ids[index], outcome: 'written' });
      }
    });
    const found = await store().findOrders(ids);
    expect(found.size).toBe(1263);
    for (const [index, id] of ids.entries()) {
      expect(found.get(id)?.createdAtMs).toBe(
        Date.parse(index >= 90 && index < 130 ? '2025-03-03T10:00:00Z' : '2025-03-02T10:00:00Z'),
      );
    }
  });

  it("keeps the newer row when it is stored between the older writer's read and its write", async () => {
    // Prepare
    const [id] = freshIds(1) as [number];
    const newerWriter = store();
    const olderWriter = new ReferenceStore({
      clients: clientsInterruptedBy(() =>
        newerWriter.recordOrders([order(id, '2025-03-10T10:00:00Z')], V2, 'raw/orders/b.csv'),
      ),
      tableName: table,
    });

    // Act
    const [result] = await olderWriter.recordOrders(
      [order(id, '2025-03-08T10:00:00Z')],
      V1,
      'raw/orders/a.csv',
    );

    // Assess
    expect(result).toMatchObject({ id, outcome: 'kept', current: { version: V2, orderDate: '2025-03-10' } });
    expect(await storedVersion(id)).toBe(V2);
    expect((await olderWriter.findOrders([id])).get(id)?.createdAtMs).toBe(
      Date.parse('2025-03-10T10:00:00Z'),
    );
  });

  it("replaces an older row stored between the newer writer's read and its write, and returns it", async () => {
    // Prepare
    const [id] = freshIds(1) as [number];
    const olderWriter = store();
    const newerWriter = new ReferenceStore({
      clients: clientsInterruptedBy(() =>
        olderWriter.recordOrders([order(id, '2025-03-08T10:00:00Z')], V1, 'raw/orders/a.csv'),
      ),
      tableName: table,
    });

    // Act
    const [result] = await newerWriter.recordOrders(
      [order(id, '2025-03-10T10:00:00Z')],
      V2,
      'raw/orders/b.csv',
    );

    // Assess: the older row landed first, so it is what the newer one replaced.
    expect(result).toMatchObject({
      id,
      outcome: 'written',
      previous: { version: V1, orderDate: '2025-03-08' },
    });
    expect(await storedVersion(id)).toBe(V2);
  });

  it('leaves the newest version stored whatever the interleaving of racing writers', async () => {
    // Prepare: 40 races on one order id each, in buckets of their own, started in alternating
    // order, with versions that differ per race so no equal versions meet.
    const ids = freshIds(40 * 500).filter((_, index) => index % 500 === 0);
    const versions = ['2025-04-01', '2025-04-02', '2025-04-03'].map(
      (day) => `${day}T10:00:00.000Z#raw/orders/x.csv`,
    );

    // Act
    await Promise.all(
      ids.map(async (id, race) => {
        const writers = versions.map(
          (version) => () =>
            store().recordOrders([order(id, '2025-03-08T10:00:00Z')], version, 'raw/orders/x.csv'),
        );
        const started = race % 2 === 0 ? writers : [...writers].reverse();
        await Promise.all(started.map((write) => write()));
      }),
    );

    // Assess
    const stored = await Promise.all(ids.map((id) => storedVersion(id)));
    expect(stored).toEqual(ids.map(() => versions[2]));
  });

  it('loses no row when validators record different ids of one bucket at the same time', async () => {
    // Prepare: four writers, each with one order of the same bucket; three more ids of that
    // bucket were stored before by another file.
    const ids = freshIds(7);
    const [earlier, racing] = [ids.slice(0, 3), ids.slice(3)];
    await store().recordOrders(
      earlier.map((id) => order(id, '2025-03-01T10:00:00Z')),
      V1,
      'raw/orders/a.csv',
    );

    // Act
    const results = await Promise.all(
      racing.map((id) =>
        store().recordOrders([order(id, '2025-03-02T10:00:00Z')], V2, `raw/orders/${id}.csv`),
      ),
    );

    // Assess
    expect(results.flat().map((result) => result.outcome)).toEqual([
      'written',
      'written',
      'written',
      'written',
    ]);
    const found = await store().findOrders(ids);
    expect([...found.keys()].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids.map((id) => Math.floor(id / 500))).size).toBe(1);
    for (const id of racing) expect(await storedVersion(id)).toBe(V2);
    for (const id of earlier) expect(await storedVersion(id)).toBe(V1);
  });
});
