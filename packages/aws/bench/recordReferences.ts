/**
 * Throughput of recording order references (`ReferenceStore.recordOrders`) into a fresh embedded
 * stack, the way the validator records an orders file: slices of 500 rows, one after the other.
 * Two passes over the same ids: first all new, then again with a newer version (every row read,
 * replaced and returned as `previous`). Prints rows/s per pass. A warm-up of other ids comes
 * first, so DynamoDB Local's JIT compilation is not charged to the first pass.
 *
 *   npx -y pnpm@10.34.9 build
 *   npx -y pnpm@10.34.9 --filter @storeflow/aws bench [--orders 50000] [--slice 500] [--warmup 5000]
 *       [--dist <an @storeflow/aws dist/ directory, to measure another build>]
 *
 * Node runs this file as it is (type stripping); it needs no build of its own.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmbeddedStack } from '@storeflow/local-stack';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '50000' },
    slice: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '5000' },
    dist: { type: 'string', default: path.resolve(import.meta.dirname, '../dist') },
  },
});
const orders = Number(values.orders);
const slice = Number(values.slice);
const warmup = Number(values.warmup);
for (const [name, value] of [
  ['--orders', orders],
  ['--slice', slice],
  // Zero warm-up rows are allowed.
  ['--warmup', warmup + 1],
] as const) {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} takes a whole number, got ${value}`);
}
// Imported at run time from the dist/ given (this package's by default); types from the source.
const aws = (await import(
  pathToFileURL(path.join(path.resolve(values.dist), 'index.js')).href
)) as typeof import('../src/index.js');

const stack = await startEmbeddedStack();
const clients = aws.createAwsClients(aws.resolveAwsConnection(stack.env()));
try {
  const names = aws.resourceNamesFor(`bench-${randomUUID().slice(0, 8)}`);
  await aws.bootstrapResources(clients, { names });
  const ordersFrom = (firstId: number, count: number) =>
    Array.from({ length: count }, (_, index) => ({
      orderId: firstId + index,
      userId: (index % 5_000) + 1,
      createdAtMs: Date.parse('2025-03-01T00:00:00Z') + index * 60_000,
      status: 'shipped' as const,
    }));
  const rows = ordersFrom(1, orders);
  const warmupRows = ordersFrom(orders + 1, warmup);
  const warmupStore = new aws.ReferenceStore({ clients, tableName: names.referenceTable });
  for (let start = 0; start < warmupRows.length; start += slice) {
    await warmupStore.recordOrders(warmupRows.slice(start, start + slice), 'warmup', 'raw/orders/warmup.csv');
  }
  console.log(
    `node ${process.version}, ${orders} orders in slices of ${slice} after ${warmup} to warm up, ${values.dist}\n`,
  );
  console.log('| pass | seconds | rows/s |');
  console.log('|---|---|---|');
  for (const [pass, day] of [
    ['new ids', '2025-04-01'],
    ['newer version of each', '2025-04-02'],
  ] as const) {
    const store = new aws.ReferenceStore({ clients, tableName: names.referenceTable });
    const version = `${day}T10:00:00.000Z#raw/orders/bench.csv`;
    const startedAt = performance.now();
    for (let start = 0; start < rows.length; start += slice) {
      await store.recordOrders(rows.slice(start, start + slice), version, 'raw/orders/bench.csv');
    }
    const seconds = (performance.now() - startedAt) / 1000;
    console.log(
      `| ${pass} | ${seconds.toFixed(1)} | ${Math.round(orders / seconds).toLocaleString('en-US')} |`,
    );
  }
} finally {
  clients.destroy();
  await stack.stop();
}
