import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import {
  createPipeline,
  drainTransformQueue,
  type Pipeline,
  readJsonLines,
  SAMPLE_DATA_DIR,
  startValidator,
  upload,
  waitForStatus,
} from './harness.js';

let stack: EmbeddedStack;
let pipeline: Pipeline;
let validator: ReturnType<typeof startValidator>;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  pipeline = await createPipeline(stack);
  validator = startValidator(pipeline, { VALIDATOR_CONCURRENCY: '4' });
}, 60_000);

afterAll(async () => {
  await validator?.stop();
  pipeline?.clients.destroy();
  await stack?.stop();
});

async function sampleFiles(dataset: string): Promise<string[]> {
  const dir = path.join(SAMPLE_DATA_DIR, dataset);
  return (await readdir(dir)).filter((name) => name.endsWith('.csv')).map((name) => path.join(dir, name));
}

/** Data lines of a CSV file without quotes (the sample has none), counted independently. */
async function dataLines(file: string): Promise<number> {
  return (await readFile(file, 'utf8')).split('\n').filter((line, index) => index > 0 && line !== '').length;
}

describe('the validator on the thelook sample, products then orders then items', () => {
  it('accepts every file with no rejected row, and silver holds every row once', async () => {
    // Prepare
    const batches = [
      [path.join(SAMPLE_DATA_DIR, 'products.csv')],
      await sampleFiles('orders'),
      await sampleFiles('order_items'),
    ];
    const folders = ['products', 'orders', 'order_items'];
    const expectedRows: Record<string, number> = {};

    // Act: each dataset once the previous one is validated, as the upstream drops them
    const records = [];
    for (const [index, files] of batches.entries()) {
      const folder = folders[index] as string;
      const lineCounts = await Promise.all(files.map(dataLines));
      expectedRows[folder] = lineCounts.reduce((sum, count) => sum + count, 0);
      const uploaded = await Promise.all(
        files.map(async (file) => {
          const key = `raw/${folder}/${path.basename(file)}`;
          return { key, eTag: await upload(pipeline, key, await readFile(file)) };
        }),
      );
      for (const { key, eTag } of uploaded)
        records.push(await waitForStatus(pipeline, key, eTag, { timeoutMs: 120_000 }));
    }

    // Assess
    expect(expectedRows).toEqual({ products: 10_000, orders: 9_000, order_items: 27_007 });
    expect(records).toHaveLength(26);
    for (const record of records) {
      expect({
        key: record.fileKey,
        status: record.status,
        verdict: record.verdict,
        rejected: record.rowsRejected,
      }).toEqual({
        key: record.fileKey,
        status: 'VALIDATED',
        verdict: 'ACCEPTED',
        rejected: 0,
      });
    }
    const products = await readJsonLines(pipeline, 'silver/products/');
    const orders = await readJsonLines(pipeline, 'silver/orders/');
    const items = await readJsonLines(pipeline, 'silver/order_items/');
    expect(new Set(products.map((row) => row.id)).size).toBe(expectedRows.products);
    expect(products).toHaveLength(expectedRows.products as number);
    expect(new Set(orders.map((row) => row.order_id)).size).toBe(expectedRows.orders);
    expect(orders).toHaveLength(expectedRows.orders as number);
    expect(new Set(items.map((row) => row.id)).size).toBe(expectedRows.order_items);
    expect(items).toHaveLength(expectedRows.order_items as number);
    // Revenue summed independently from the raw files equals what silver carries.
    let rawRevenueCents = 0;
    for (const file of batches[2] as string[]) {
      const [header, ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
      const priceColumn = (header as string).split(',').indexOf('sale_price');
      for (const line of lines) rawRevenueCents += Math.round(Number(line.split(',')[priceColumn]) * 100);
    }
    expect(items.reduce((sum, row) => sum + (row.sale_price_cents as number), 0)).toBe(rawRevenueCents);
    expect(rawRevenueCents).toBe(215_349_797);

    const messages = await drainTransformQueue(pipeline);
    expect(messages).toHaveLength(26);
    expect(messages.every((message) => message.type === 'storeflow.validated')).toBe(true);
  }, 300_000);
});
