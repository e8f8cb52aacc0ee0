/**
 * Throughput of recording order references (`ReferenceStore.recordOrders`) into a fresh embedded
 * stack, the way the validator records an orders file: slices of 10,000 rows, one after the other.
 * Two passes over the same ids: first all new, then again with a newer version (every row read,
 * replaced and returned as `previous`). Prints rows/s per pass. A warm-up of other ids comes
 * first, so DynamoDB Local's JIT compilation is not charged to the first pass.
 *
 *   npx -y pnpm@10.34.9 build
 *   npx -y pnpm@10.34.9 --filter @storeflow/aws bench [--orders 50000] [--slice 10000] [--warmup 5000]
 *       [--dist <an @storeflow/aws dist/ directory, to measure another build>]
 *
 * Node runs this file as it is (type stripping); it needs no build of its own.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmbeddedStack } from '@storeflow/local-stack';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '50000' },
    slice: { type: 'string', default: '10000' },
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

/**
 * CPU seconds a process has used (user + system), from Linux's `/proc/<pid>/stat`, in clock ticks
 * of 1/100 s (USER_HZ, 100 on every Linux architecture Node runs on); undefined elsewhere. The
 * JVM's CPU per row is what the write pattern costs DynamoDB Local, and unlike wall time it does
 * not grow when other processes load the machine.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined;
  // The fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

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
  console.log('| pass | seconds | rows/s | DynamoDB Local CPU µs a row |');
  console.log('|---|---|---|---|');
  for (const [pass, day] of [
    ['new ids', '2025-04-01'],
    ['newer version of each', '2025-04-02'],
  ] as const) {
    const store = new aws.ReferenceStore({ clients, tableName: names.referenceTable });
    const version = `${day}T10:00:00.000Z#raw/orders/bench.csv`;
    const startedAt = performance.now();
    const cpuBefore = cpuSeconds(stack.dynamodbPid);
    for (let start = 0; start < rows.length; start += slice) {
      await store.recordOrders(rows.slice(start, start + slice), version, 'raw/orders/bench.csv');
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const cpuAfter = cpuSeconds(stack.dynamodbPid);
    const cpuPerRow =
      cpuBefore === undefined || cpuAfter === undefined
        ? 'n/a'
        : (((cpuAfter - cpuBefore) * 1e6) / orders).toFixed(1);
    console.log(
      `| ${pass} | ${seconds.toFixed(1)} | ${Math.round(orders / seconds).toLocaleString('en-US')} | ${cpuPerRow} |`,
    );
  }
} finally {
  clients.destroy();
  await stack.stop();
}
