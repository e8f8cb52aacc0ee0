import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { FileStatus } from '@storeflow/aws';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { expectedKpis } from './expectedKpis.js';
import {
  createPipeline,
  keysUnder,
  type Pipeline,
  type SampleFile,
  type Service,
  sampleFiles,
  shuffled,
  startService,
  storedKpis,
  upload,
  waitForAll,
} from './harness.js';

let stack: EmbeddedStack;
let files: SampleFile[];
let expected: ReturnType<typeof expectedKpis>;

beforeAll(async () => {
  stack = await startEmbeddedStack();
  files = await sampleFiles();
  expected = expectedKpis(files);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function withServices(
  pipeline: Pipeline,
  counts: { validators: number; transformers: number },
  run: (services: { validators: Service[]; transformers: Service[] }) => Promise<void>,
): Promise<void> {
  const validators = Array.from({ length: counts.validators }, () => startService('validator', pipeline));
  const transformers = Array.from({ length: counts.transformers }, () =>
    startService('transformer', pipeline),
  );
  try {
    await run({ validators, transformers });
  } finally {
    await Promise.all([...validators, ...transformers].map((service) => service.stop()));
    pipeline.clients.destroy();
  }
}

async function uploadAll(pipeline: Pipeline, ordered: readonly SampleFile[]) {
  const uploaded = [];
  for (const file of ordered) uploaded.push(await upload(pipeline, file.key, file.text));
  return uploaded;
}

describe('KPIs on the embedded stack against an independent computation', () => {
  it('match the sample uploaded in order, survive an identical re-upload, and change by exactly a correction', async () => {
    const pipeline = await createPipeline(stack);
    await withServices(pipeline, { validators: 1, transformers: 1 }, async () => {
      // Act: products, then orders, then items, each dataset after the previous finished
      for (const dataset of ['products', 'orders', 'order_items']) {
        await waitForAll(
          pipeline,
          await uploadAll(
            pipeline,
            files.filter((file) => file.dataset === dataset),
          ),
        );
      }
      const afterSample = await storedKpis(pipeline);

      // Assess
      expect(afterSample).toEqual(expected);
      expect(afterSample.daily).toHaveLength(31);
      expect(afterSample.categories).toHaveLength(215);
      const revenueCents = afterSample.daily.reduce(
        (sum, row) => sum + Math.round(row.total_revenue * 100),
        0,
      );
      expect(revenueCents).toBe(215_349_797);
      expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
      expect(await keysUnder(pipeline, 'processed/')).toHaveLength(26);

      // Act: the same bytes again
      const same = files.find((file) => file.key.endsWith('order_items_part5.csv')) as SampleFile;
      await upload(pipeline, same.key, same.text);
      const deadline = Date.now() + 30_000;
      while ((await keysUnder(pipeline, 'raw/')).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 300));
      }

      // Assess: archived again, nothing else moved
      expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
      expect(await storedKpis(pipeline)).toEqual(afterSample);

      // Act: a corrected version of one items file: one price changed, one item returned
      const original = files.find((file) => file.key.endsWith('order_items_part7.csv')) as SampleFile;
      const lines = original.text.trimEnd().split('\n');
      const header = (lines[0] as string).split(',');
      const column = (name: string) => header.indexOf(name);
      const priced = (lines[1] as string).split(',');
      priced[column('sale_price')] = (Number(priced[column('sale_price')]) + 10.01).toFixed(2);
      lines[1] = priced.join(',');
      const flippedIndex = lines.findIndex(
        (line, index) => index > 1 && line.split(',')[column('status')] === 'delivered',
      );
      const flipped = (lines[flippedIndex] as string).split(',');
      flipped[column('status')] = 'returned';
      flipped[column('returned_at')] = flipped[column('delivered_at')] as string;
      lines[flippedIndex] = flipped.join(',');
      const corrected: SampleFile = { ...original, text: `${lines.join('\n')}\n` };
      const [record] = await waitForAll(pipeline, [await upload(pipeline, corrected.key, corrected.text)]);
      const afterCorrection = await storedKpis(pipeline);

      // Assess: equal to a from-scratch computation with the corrected file, and only the
      // rows that computation says changed did change
      const correctedExpected = expectedKpis(
        files.map((file) => (file.key === corrected.key ? corrected : file)),
      );
      expect(record?.status).toBe(FileStatus.SUCCESS);
      expect(afterCorrection).toEqual(correctedExpected);
      const changed = (before: object[], after: object[]) =>
        after.filter((row, index) => JSON.stringify(row) !== JSON.stringify(before[index])).length;
      expect(changed(afterSample.daily, afterCorrection.daily)).toBe(
        changed(expected.daily, correctedExpected.daily),
      );
      expect(changed(expected.daily, correctedExpected.daily)).toBeGreaterThan(0);
      expect(changed(afterSample.categories, afterCorrection.categories)).toBeLessThanOrEqual(2);
    });
  }, 420_000);

  it.each([[7], [2025], [424242]])(
    'match the sample whatever the arrival order (seed %i, items may come before their orders)',
    async (seed) => {
      const pipeline = await createPipeline(stack);
      await withServices(pipeline, { validators: 1, transformers: 1 }, async () => {
        // Act
        const records = await waitForAll(pipeline, await uploadAll(pipeline, shuffled(files, seed)));

        // Assess
        expect(records.map((record) => record.status)).toEqual(records.map(() => FileStatus.SUCCESS));
        expect(await storedKpis(pipeline)).toEqual(expected);
      });
    },
    420_000,
  );

  it('match the sample with two validators and two transformers, every message delivered twice', async () => {
    const pipeline = await createPipeline(stack);
    await withServices(pipeline, { validators: 2, transformers: 2 }, async () => {
      // Prepare: a copy of every transform message, sent as soon as its file is validated
      const duplicated = new Set<string>();
      let watching = true;
      const duplicator = (async () => {
        while (watching) {
          const page = await pipeline.lineage.listByStatus(FileStatus.VALIDATED, { limit: 100 });
          for (const record of page.records) {
            const id = `${record.fileKey}#${record.objectVersion}`;
            if (duplicated.has(id)) continue;
            duplicated.add(id);
            await pipeline.clients.sqs.send(
              new SendMessageCommand({
                QueueUrl: pipeline.resources.transformQueue.url,
                MessageBody: JSON.stringify({
                  type: 'storeflow.validated',
                  bucket: pipeline.names.bucket,
                  key: record.fileKey,
                  objectVersion: record.objectVersion,
                  dataset: record.dataset,
                  eventTime: record.eventTime,
                  touchedDates: record.touchedDates ?? [],
                }),
              }),
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();

      // Act: every upload's S3 event is delivered a second time
      const uploaded = [];
      for (const file of files) {
        const { key, eTag } = await upload(pipeline, file.key, file.text);
        uploaded.push({ key, eTag });
        await pipeline.clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: pipeline.resources.ingestQueue.url,
            MessageBody: JSON.stringify({
              Records: [
                {
                  eventName: 'ObjectCreated:Put',
                  eventTime: new Date().toISOString(),
                  s3: {
                    bucket: { name: pipeline.names.bucket },
                    object: { key: encodeURIComponent(key), eTag },
                  },
                },
              ],
            }),
          }),
        );
      }
      const records = await waitForAll(pipeline, uploaded);
      watching = false;
      await duplicator;

      // Assess
      expect(records.map((record) => record.status)).toEqual(records.map(() => FileStatus.SUCCESS));
      expect(duplicated.size).toBeGreaterThan(0);
      expect(await storedKpis(pipeline)).toEqual(expected);
      expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
    });
  }, 420_000);

  it('match the sample when the transformer is killed with SIGKILL ten times and restarted', async () => {
    const pipeline = await createPipeline(stack);
    await withServices(pipeline, { validators: 1, transformers: 0 }, async () => {
      // Act
      const uploading = uploadAll(pipeline, files);
      let transformer = startService('transformer', pipeline);
      for (let kill = 0; kill < 10; kill++) {
        await new Promise((resolve) => setTimeout(resolve, 500 + ((kill * 7919) % 1500)));
        await transformer.stop('SIGKILL');
        transformer = startService('transformer', pipeline);
      }
      try {
        const records = await waitForAll(pipeline, await uploading, 360_000);

        // Assess
        expect(records.map((record) => record.status)).toEqual(records.map(() => FileStatus.SUCCESS));
        expect(await storedKpis(pipeline)).toEqual(expected);
      } finally {
        await transformer.stop();
      }
    });
  }, 480_000);
});
