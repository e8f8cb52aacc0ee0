import { gzipSync } from 'node:zlib';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import {
  createPipeline,
  drainTransformQueue,
  listKeys,
  type Pipeline,
  readJsonLines,
  readText,
  startValidator,
  upload,
  waitForStatus,
} from './harness.js';

let stack: EmbeddedStack;

beforeAll(async () => {
  stack = await startEmbeddedStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const PRODUCTS_HEADER = 'id,sku,cost,category,name,brand,retail_price,department';
const ORDERS_HEADER = 'order_id,user_id,status,created_at,num_of_item';
const ITEMS_HEADER = 'id,order_id,user_id,product_id,status,created_at,sale_price';

function product(id: number, overrides: { sku?: string; cost?: string } = {}): string {
  return `${id},${overrides.sku ?? `ABC-${String(id).padStart(8, '0')}`},${overrides.cost ?? '10.00'},Jeans,Name ${id},Acme,50.00,Men`;
}

async function withPipeline(
  overrides: Record<string, string>,
  run: (pipeline: Pipeline) => Promise<void>,
): Promise<void> {
  const pipeline = await createPipeline(stack);
  const validator = startValidator(pipeline, overrides);
  try {
    await run(pipeline);
  } finally {
    await validator.stop();
    pipeline.clients.destroy();
  }
}

describe('validator on the embedded stack', () => {
  it('counts injected errors exactly in the report and keeps the rejected rows with their reasons', async () => {
    await withPipeline({ VALIDATOR_MAX_REJECTED_ROW_RATIO_PRODUCTS: '0.1' }, async (pipeline) => {
      // Prepare: 50 products; 2 bad SKUs, 1 cost above retail, 1 duplicate id
      const lines = Array.from({ length: 50 }, (_, index) => product(index + 1));
      lines[4] = product(5, { sku: 'bad' });
      lines[9] = product(10, { sku: 'also-bad' });
      lines[14] = product(15, { cost: '99.00' });
      lines[19] = product(3);
      const key = 'raw/products/batch 1.csv';

      // Act
      const eTag = await upload(pipeline, key, [PRODUCTS_HEADER, ...lines].join('\n'));
      const record = await waitForStatus(pipeline, key, eTag);

      // Assess
      expect(record).toMatchObject({
        status: 'VALIDATED',
        verdict: 'ACCEPTED',
        rowsTotal: 50,
        rowsRejected: 4,
      });
      expect(record.ruleCounts).toEqual({
        SKU_PATTERN_MISMATCH: 2,
        COST_ABOVE_RETAIL_PRICE: 1,
        DUPLICATE_KEY_IN_FILE: 1,
      });
      const report = JSON.parse(await readText(pipeline, record.reportKey ?? ''));
      expect(report.ruleCounts).toEqual(record.ruleCounts);
      expect(report.rows).toEqual({ total: 50, accepted: 46, rejected: 4 });
      const [rejectedKey] = await listKeys(pipeline, 'rejected/products/');
      expect(rejectedKey).toMatch(/^rejected\/products\/\d{4}-\d{2}-\d{2}\/batch 1\.csv\.rejected\.jsonl$/);
      const rejected = await readJsonLines(pipeline, rejectedKey ?? '');
      expect(rejected.map((row) => row.line)).toEqual([6, 11, 16, 21]);
      expect(rejected[0]).toMatchObject({
        raw: product(5, { sku: 'bad' }),
        issues: [{ code: 'SKU_PATTERN_MISMATCH', column: 'sku' }],
      });
      expect(await readJsonLines(pipeline, 'silver/products/')).toHaveLength(46);
    });
  });

  it('rejects a file over the ratio, archives it to failed/ with an error document, and publishes nothing', async () => {
    await withPipeline({}, async (pipeline) => {
      // Prepare: 1 bad row of 10 = 10% > 5%
      const lines = Array.from({ length: 10 }, (_, index) =>
        product(index + 1, index === 0 ? { sku: 'x' } : {}),
      );
      const key = 'raw/products/too-many.csv';

      // Act
      const eTag = await upload(pipeline, key, [PRODUCTS_HEADER, ...lines].join('\n'));
      const record = await waitForStatus(pipeline, key, eTag);

      // Assess
      expect(record).toMatchObject({ status: 'FAILED', verdict: 'REJECTED' });
      const failed = await listKeys(pipeline, 'failed/products/');
      expect(failed.sort()).toEqual([
        expect.stringMatching(/^failed\/products\/\d{4}\/\d{2}\/\d{2}\/too-many\.csv$/),
        expect.stringMatching(/^failed\/products\/\d{4}\/\d{2}\/\d{2}\/too-many\.csv\.error\.json$/),
      ]);
      const error = JSON.parse(
        await readText(pipeline, failed.find((name) => name.endsWith('.error.json')) ?? ''),
      );
      expect(error).toMatchObject({ verdict: 'REJECTED', rows: { total: 10, rejected: 1 } });
      expect(await listKeys(pipeline, 'raw/')).toEqual([]);
      expect(await listKeys(pipeline, 'silver/')).toEqual([]);
      expect(await drainTransformQueue(pipeline)).toEqual([]);
    });
  });

  it.each([
    [
      'a header without required columns',
      'raw/orders/no-columns.csv',
      'order_id,user_id\n1,2\n',
      'MISSING_REQUIRED_COLUMN',
    ],
    ['an empty file', 'raw/orders/empty.csv', '', 'EMPTY_FILE'],
    ['a header only', 'raw/orders/header-only.csv', `${ORDERS_HEADER}\n`, 'HEADER_ONLY'],
    ['a corrupt gzip object', 'raw/orders/corrupt.csv.gz', 'not gzip at all', 'OBJECT_UNREADABLE'],
    [
      'a file that is not UTF-8',
      'raw/orders/latin1.csv',
      Buffer.from(`${ORDERS_HEADER}\n1,2,complete,2025-03-08T10:00:00,1,\xe9\n`, 'latin1'),
      'NOT_UTF8',
    ],
    ['an unknown dataset under raw/', 'raw/customers/c.csv', 'id\n1\n', 'UNKNOWN_DATASET'],
  ])('rejects %s with its file-level code', async (_label, key, body, code) => {
    await withPipeline({}, async (pipeline) => {
      // Act
      const eTag = await upload(pipeline, key, body);
      const record = await waitForStatus(pipeline, key, eTag);

      // Assess
      expect(record).toMatchObject({
        status: 'FAILED',
        verdict: 'REJECTED',
        lastError: { code, retryable: false },
      });
      expect(await listKeys(pipeline, 'raw/')).toEqual([]);
    });
  });

  it('reads gzip CSV and JSON Lines, and reports the date each order counts towards', async () => {
    await withPipeline({}, async (pipeline) => {
      // Prepare
      const csv = gzipSync(
        [ORDERS_HEADER, '1,10,complete,2025-03-08T10:00:00,1', '2,11,Returned,2025-03-09 23:30:00,1'].join(
          '\n',
        ),
      );
      const jsonl = [
        JSON.stringify({
          order_id: 3,
          user_id: 12,
          status: 'shipped',
          created_at: '2025-03-10T01:00:00Z',
          num_of_item: 2,
        }),
        '',
      ].join('\n');

      // Act
      const gzTag = await upload(pipeline, 'raw/orders/a.csv.gz', csv);
      const jsonTag = await upload(pipeline, 'raw/orders/b.jsonl', jsonl);
      const gz = await waitForStatus(pipeline, 'raw/orders/a.csv.gz', gzTag);
      const json = await waitForStatus(pipeline, 'raw/orders/b.jsonl', jsonTag);

      // Assess: the returned order lacks returned_at, so it is rejected (1 of 2 > 5%): REJECTED
      expect(gz).toMatchObject({ verdict: 'REJECTED', ruleCounts: { RETURN_WITHOUT_RETURNED_AT: 1 } });
      expect(json).toMatchObject({ verdict: 'ACCEPTED', rowsAccepted: 1, touchedDates: ['2025-03-10'] });
      expect(await listKeys(pipeline, 'silver/orders/order_date=2025-03-10/')).toHaveLength(1);
    });
  });

  it('processes a duplicated S3 event once', async () => {
    await withPipeline({}, async (pipeline) => {
      // Prepare
      const key = 'raw/products/dup.csv';
      const eTag = await upload(pipeline, key, [PRODUCTS_HEADER, product(1)].join('\n'));
      await waitForStatus(pipeline, key, eTag);
      const [first] = await drainTransformQueue(pipeline);

      // Act: S3 may deliver the same event again
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
                  object: { key: 'raw/products/dup.csv', eTag },
                },
              },
            ],
          }),
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));

      // Assess
      expect(first).toMatchObject({ key, objectVersion: eTag });
      expect(await drainTransformQueue(pipeline)).toEqual([]);
      expect((await pipeline.lineage.get({ fileKey: key, objectVersion: eTag }))?.attempts).toBe(1);
    });
  });

  describe('late references', () => {
    const item = (id: number, orderId: number) => `${id},${orderId},10,1,complete,2025-03-08T10:30:00,19.99`;

    it('defers items whose order is not known yet, then accepts them once the order file arrives, without the DLQ', async () => {
      await withPipeline({}, async (pipeline) => {
        // Prepare
        const productTag = await upload(
          pipeline,
          'raw/products/p.csv',
          [PRODUCTS_HEADER, product(1)].join('\n'),
        );
        await waitForStatus(pipeline, 'raw/products/p.csv', productTag);

        // Act: items first
        const itemsTag = await upload(
          pipeline,
          'raw/order_items/i.csv',
          [ITEMS_HEADER, item(1, 7), item(2, 7)].join('\n'),
        );
        const deferred = await waitForStatus(pipeline, 'raw/order_items/i.csv', itemsTag, {
          statuses: new Set(['DEFERRED']),
        });
        const ordersTag = await upload(
          pipeline,
          'raw/orders/o.csv',
          [ORDERS_HEADER, '7,10,complete,2025-03-08T10:00:00,2'].join('\n'),
        );
        await waitForStatus(pipeline, 'raw/orders/o.csv', ordersTag);
        // The first retry comes 30 s after the deferral.
        const accepted = await waitForStatus(pipeline, 'raw/order_items/i.csv', itemsTag, {
          timeoutMs: 90_000,
        });

        // Assess
        expect(deferred.status).toBe('DEFERRED');
        expect(accepted).toMatchObject({
          status: 'VALIDATED',
          verdict: 'ACCEPTED',
          rowsAccepted: 2,
          attempts: 2,
        });
        expect(await listKeys(pipeline, 'silver/order_items/order_date=2025-03-08/')).toHaveLength(1);
        const { Messages = [] } = await pipeline.clients.sqs.send(
          new (await import('@aws-sdk/client-sqs')).ReceiveMessageCommand({
            QueueUrl: pipeline.resources.ingestDeadLetterQueue.url,
            WaitTimeSeconds: 1,
          }),
        );
        expect(Messages).toHaveLength(0);
      });
    }, 120_000);

    it('rejects the unresolved rows with the referential code once the grace window has passed', async () => {
      await withPipeline({ VALIDATOR_REFERENCE_GRACE_SECONDS: '0' }, async (pipeline) => {
        // Act: no orders ever arrive
        const key = 'raw/order_items/orphans.csv';
        const eTag = await upload(pipeline, key, [ITEMS_HEADER, item(1, 70), item(2, 71)].join('\n'));
        const record = await waitForStatus(pipeline, key, eTag);

        // Assess
        expect(record).toMatchObject({ status: 'FAILED', verdict: 'REJECTED', rowsRejected: 2 });
        expect(record.ruleCounts).toEqual({ UNKNOWN_ORDER: 2, UNKNOWN_PRODUCT: 2 });
      });
    });
  });
});
