import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { expectedKpis } from './expectedKpis.js';
import {
  createPipeline,
  keysUnder,
  sampleFiles,
  startService,
  storedKpis,
  upload,
  waitForAll,
} from './harness.js';

let stack: EmbeddedStack;

beforeAll(async () => {
  stack = await startEmbeddedStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the transformer process', () => {
  it('computes KPIs equal to an independent computation and archives every raw object', async () => {
    // Prepare: products, the first orders file and the first items file (its orders are all in it)
    const files = (await sampleFiles()).filter(
      (file) =>
        file.dataset === 'products' ||
        file.key.endsWith('/orders_part1.csv') ||
        file.key.endsWith('/order_items_part1.csv'),
    );
    const pipeline = await createPipeline(stack);
    const validator = startService('validator', pipeline);
    const transformer = startService('transformer', pipeline);
    try {
      // Act
      const uploaded = [];
      for (const file of files)
        uploaded.push(
          ...(await waitForAll(pipeline, [await upload(pipeline, file.key, file.text)], 120_000)),
        );

      // Assess
      expect(uploaded.map((record) => record.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
      const stored = await storedKpis(pipeline);
      const expected = expectedKpis(files);
      expect(expected.daily.length).toBeGreaterThan(0);
      expect(stored).toEqual(expected);
      expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
      expect(await keysUnder(pipeline, 'processed/')).toHaveLength(3);
    } finally {
      await Promise.all([validator.stop(), transformer.stop()]);
      pipeline.clients.destroy();
    }
  }, 300_000);
});
