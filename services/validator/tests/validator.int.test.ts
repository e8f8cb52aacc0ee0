import { gzipSync } from 'node:zlib';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { FileProfileStore } from '@storeflow/aws';
import { deferredObjectsCodec, ISSUE_CODES, type LineageRecord } from '@storeflow/core';
import {
  createPipeline,
  drainTransformQueue,
  type InjectedFault,
  ingestDeadLetters,
  injectS3Faults,
  listKeys,
  readJsonLines,
  readText,
  startValidator,
  upload,
  validatorOnEmbeddedStack,
  waitForStatus,
} from './harness.js';

const suite = validatorOnEmbeddedStack();
const { withPipeline } = suite;

const PRODUCTS_HEADER = 'id,sku,cost,category,name,brand,retail_price,department';
const ORDERS_HEADER = 'order_id,user_id,status,created_at,num_of_item';
const ITEMS_HEADER = 'id,order_id,user_id,product_id,status,created_at,sale_price';

function product(id: number, overrides: { sku?: string; cost?: string } = {}): string {
  return `${id},${overrides.sku ?? `ABC-${String(id).padStart(8, '0')}`},${overrides.cost ?? '10.00'},Jeans,Name ${id},Acme,50.00,Men`;
}

/** Files the validator acknowledged as already processed, of one dataset. */
async function duplicates(
  metrics: Awaited<ReturnType<typeof startValidator>>['metrics'],
  dataset: string,
): Promise<number> {
  const { values } = await metrics.filesProcessed.get();
  return (
    values.find((value) => value.labels.outcome === 'duplicate' && value.labels.dataset === dataset)?.value ??
    0
  );
}

/** Polls `condition` until it holds, failing after `timeoutMs`. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('validator on the embedded stack', () => {
  it('counts injected errors exactly in the report and keeps the rejected rows with their reasons', async () => {
    const ratio = 0.1;
    await withPipeline({ VALIDATOR_MAX_REJECTED_ROW_RATIO_PRODUCTS: String(ratio) }, async (pipeline) => {
      // Prepare: 50 products; 3 bad SKUs (one in a quoted record over two lines), 1 cost above
      // retail, 1 duplicate id
      const injected = { SKU_PATTERN_MISMATCH: 3, COST_ABOVE_RETAIL_PRICE: 1, DUPLICATE_KEY_IN_FILE: 1 };
      const lines = Array.from({ length: 50 }, (_, index) => product(index + 1));
      lines[4] = product(5, { sku: 'bad' });
      lines[9] = product(10, { sku: 'also-bad' });
      lines[14] = product(15, { cost: '99.00' });
      lines[19] = product(3);
      const quoted = '25,"bad-25","10.00",Jeans,"Name, ""25""\r\nsecond line",Acme,50.00,Men';
      lines[24] = quoted;
      const key = 'raw/products/batch 1.csv';
      const rejectedRows = Object.values(injected).reduce((sum, count) => sum + count, 0);
      // Independent of the validator: 5 of 50 is exactly the 10% allowed, so still ACCEPTED
      const verdict = rejectedRows / lines.length <= ratio ? 'ACCEPTED' : 'REJECTED';

      // Act
      const eTag = await upload(pipeline, key, [PRODUCTS_HEADER, ...lines].join('\n'));
      const record = await waitForStatus(pipeline, key, eTag);

      // Assess
      expect(verdict).toBe('ACCEPTED');
      expect(record).toMatchObject({
        status: 'VALIDATED',
        verdict,
        rowsTotal: lines.length,
        rowsRejected: rejectedRows,
      });
      expect(record.ruleCounts).toEqual(injected);
      const report = JSON.parse(await readText(pipeline, record.reportKey ?? ''));
      expect(report.ruleCounts).toEqual(record.ruleCounts);
      expect(report.rows).toEqual({ total: 50, accepted: 50 - rejectedRows, rejected: rejectedRows });
      const [rejectedKey] = await listKeys(pipeline, 'rejected/products/');
      expect(rejectedKey).toBe(
        `rejected/products/${record.eventTime.slice(0, 10)}/batch 1.csv/${eTag}.rejected.jsonl`,
      );
      expect(record.rejectedRowsKey).toBe(rejectedKey);
      const rejected = await readJsonLines(pipeline, rejectedKey ?? '');
      // Each raw line exactly as uploaded, the quoted one with its quotes and its line break
      expect(rejected.map((row) => [row.line, row.raw])).toEqual([
        [6, lines[4]],
        [11, lines[9]],
        [16, lines[14]],
        [21, lines[19]],
        [26, quoted],
      ]);
      expect(rejected[0]).toMatchObject({ issues: [{ code: 'SKU_PATTERN_MISMATCH', column: 'sku' }] });
      expect(await readJsonLines(pipeline, 'silver/products/')).toHaveLength(50 - rejectedRows);
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
      expect(record).toMatchObject({
        status: 'FAILED',
        verdict: 'REJECTED',
        lastError: { code: 'REJECTED_ROW_RATIO', retryable: false },
      });
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
      // The rejected order counts under its own day, and both files join the quality history
      const gzReport = JSON.parse(await readText(pipeline, gz.reportKey ?? ''));
      expect(gzReport.profile.rowsByDate).toEqual({
        '2025-03-08': { accepted: 1, rejected: 0 },
        '2025-03-09': { accepted: 0, rejected: 1 },
      });
      expect(gzReport.anomalies).toEqual([]);
      const profiles = new FileProfileStore({
        clients: pipeline.clients,
        tableName: pipeline.names.qualityTable,
      });
      expect((await profiles.list({ dataset: 'orders' })).map((profile) => profile.verdict).sort()).toEqual([
        'ACCEPTED',
        'REJECTED',
      ]);
    });
  });

  it('writes one silver part per chunk and order date, however many batches the chunk was validated in', async () => {
    // Chunks of 5,000 rows, validated in batches of 2,500: the first 5,000 rows, alternating
    // between two dates, make chunk 0 (2,500 of each), and the last 3,750 chunk 1 (1,875 of each).
    await withPipeline({ VALIDATOR_CHUNK_ROWS: '5000' }, async (pipeline) => {
      // Prepare
      const dates = ['2025-03-08', '2025-03-09'];
      const rows = 8_750;
      const lines = Array.from(
        { length: rows },
        (_, index) => `${index + 1},10,complete,${dates[index % 2]}T10:00:00,1`,
      );

      // Act
      const key = 'raw/orders/chunked.csv';
      const eTag = await upload(pipeline, key, [ORDERS_HEADER, ...lines].join('\n'));
      const record = await waitForStatus(pipeline, key, eTag);

      // Assess
      expect(record).toMatchObject({ verdict: 'ACCEPTED', rowsAccepted: rows });
      for (const date of dates) {
        const parts = (await listKeys(pipeline, `silver/orders/order_date=${date}/`)).sort();
        expect(parts.map((part) => part.split('/').at(-1))).toEqual([
          'part-000000.jsonl',
          'part-000001.jsonl',
        ]);
        const counts = await Promise.all(
          parts.map(async (part) => (await readJsonLines(pipeline, part)).length),
        );
        expect(counts).toEqual([2_500, 1_875]);
        const ids = (await readJsonLines(pipeline, `silver/orders/order_date=${date}/`)).map(
          (row) => row.order_id,
        );
        expect(ids).toEqual(
          Array.from({ length: rows / 2 }, (_, index) => 2 * index + (date === dates[0] ? 1 : 2)),
        );
      }
    });
  });

  it('takes over a file whose worker died holding it once the lease has run out', async () => {
    const pipeline = await createPipeline(suite.stack);
    try {
      // Prepare: a worker claimed the file with a 3 s lease, then died without renewing it
      const key = 'raw/products/orphaned.csv';
      const eTag = await upload(pipeline, key, [PRODUCTS_HEADER, product(1)].join('\n'));
      const dead = await pipeline.lineage.claim({
        sourceKey: key,
        objectVersion: eTag,
        dataset: 'products',
        eventTime: new Date().toISOString(),
        workerId: 'worker-that-died',
        leaseMs: 3_000,
      });

      // Act
      const validator = await startValidator(pipeline);
      let accepted: LineageRecord;
      try {
        accepted = await waitForStatus(pipeline, key, eTag, { timeoutMs: 30_000 });
      } finally {
        await validator.stop();
      }

      // Assess: claimed a second time, by the live validator, once the dead worker's lease ended
      expect(dead.outcome).toBe('claimed');
      expect(accepted).toMatchObject({ status: 'VALIDATED', verdict: 'ACCEPTED', attempts: 2 });
    } finally {
      pipeline.clients.destroy();
    }
  }, 60_000);

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
      expect((await pipeline.lineage.get({ sourceKey: key, objectVersion: eTag }))?.attempts).toBe(1);
    });
  });

  describe('faults that may pass (a throttled or failing S3)', () => {
    // Two receives in all: with the lease released on failure each is a real attempt, so a fault
    // that passes after the first is survived, and one that never passes is dead-lettered after two.
    const maxReceiveCount = 2;
    const rows = 250;
    const overrides = { VALIDATOR_CHUNK_ROWS: '100' };
    const productsCsv = () =>
      [PRODUCTS_HEADER, ...Array.from({ length: rows }, (_, index) => product(index + 1))].join('\n');

    it('retries a transient fault with backoff and accepts the file exactly once, without the DLQ', async () => {
      let fault: InjectedFault | undefined;
      await withPipeline(
        overrides,
        async (pipeline) => {
          // Act: the second silver part of the first attempt fails; the first is already written
          const key = 'raw/products/throttled.csv';
          const startedAt = Date.now();
          const eTag = await upload(pipeline, key, productsCsv());
          const record = await waitForStatus(pipeline, key, eTag, { timeoutMs: 30_000 });
          const elapsedMs = Date.now() - startedAt;

          // Assess: two claims (the failed one released its lease at once), each part once
          expect(fault?.failed).toBe(1);
          expect(record).toMatchObject({
            status: 'VALIDATED',
            verdict: 'ACCEPTED',
            rowsAccepted: rows,
            rowsRejected: 0,
            attempts: 2,
          });
          expect(record.workerId).toBeUndefined();
          // The poller's first backoff is 5 s; a lease left in place would make it 30 s at least.
          expect(elapsedMs).toBeLessThan(25_000);
          const silver = await readJsonLines(pipeline, 'silver/products/');
          expect(silver).toHaveLength(rows);
          expect(new Set(silver.map((row) => row.id)).size).toBe(rows);
          const announced = await drainTransformQueue(pipeline);
          expect(announced.map((message) => message.key)).toEqual([key]);
          expect(await ingestDeadLetters(pipeline)).toEqual([]);
        },
        {
          maxReceiveCount,
          configureClients: (clients) => {
            fault = injectS3Faults(clients.s3, { command: 'PutObjectCommand', pass: 1, fail: 1 });
          },
        },
      );
    }, 60_000);

    it('dead-letters a fault that never passes only after the redrive count, each receive a real attempt', async () => {
      let fault: InjectedFault | undefined;
      await withPipeline(
        overrides,
        async (pipeline) => {
          // Act: every silver write fails
          const key = 'raw/products/always-throttled.csv';
          const eTag = await upload(pipeline, key, productsCsv());
          const deadline = Date.now() + 45_000;
          let dead: string[] = [];
          while (dead.length === 0 && Date.now() < deadline) dead = await ingestDeadLetters(pipeline);

          // Assess: dead-lettered after exactly maxReceiveCount attempts, the last ending the file
          // FAILED, the file kept in raw/
          expect(dead).toHaveLength(1);
          expect(dead[0]).toContain('always-throttled.csv');
          expect(fault?.failed).toBe(maxReceiveCount);
          const record = await pipeline.lineage.get({ sourceKey: key, objectVersion: eTag });
          expect(record).toMatchObject({
            status: 'FAILED',
            attempts: maxReceiveCount,
            lastError: { code: 'AWS_CALL_FAILED', retryable: true },
          });
          expect(record?.lastError?.message).toContain('SlowDown');
          expect(record?.workerId).toBeUndefined();
          expect(record?.leaseExpiresAt).toBeUndefined();
          expect(await listKeys(pipeline, 'raw/')).toEqual([key]);
          expect(await drainTransformQueue(pipeline)).toEqual([]);
        },
        {
          maxReceiveCount,
          configureClients: (clients) => {
            fault = injectS3Faults(clients.s3, { command: 'PutObjectCommand', fail: Infinity });
          },
        },
      );
    }, 60_000);
    it('retries a file that failed for good when its dead-lettered message is redriven', async () => {
      let fault: InjectedFault | undefined;
      await withPipeline(
        overrides,
        async (pipeline) => {
          // Prepare: the first silver write of each of the two receives fails, so the file ends
          // FAILED and its message is dead-lettered; the fault has passed by the redrive
          const key = 'raw/products/failed-then-redriven.csv';
          const eTag = await upload(pipeline, key, productsCsv());
          await waitForStatus(pipeline, key, eTag, { statuses: new Set(['FAILED']), timeoutMs: 45_000 });
          const deadline = Date.now() + 45_000;
          let dead: string[] = [];
          while (dead.length === 0 && Date.now() < deadline) dead = await ingestDeadLetters(pipeline);

          // Act: the redrive, as the dead-letter body sent back to the ingest queue
          await pipeline.clients.sqs.send(
            new SendMessageCommand({ QueueUrl: pipeline.resources.ingestQueue.url, MessageBody: dead[0] }),
          );
          const record = await waitForStatus(pipeline, key, eTag, {
            statuses: new Set(['VALIDATED']),
            timeoutMs: 30_000,
          });

          // Assess: the third claim validated it; it was announced once
          expect(fault?.failed).toBe(maxReceiveCount);
          expect(record).toMatchObject({
            verdict: 'ACCEPTED',
            rowsAccepted: rows,
            attempts: maxReceiveCount + 1,
          });
          const announced = await drainTransformQueue(pipeline);
          expect(announced.map((message) => message.key)).toEqual([key]);
        },
        {
          maxReceiveCount,
          configureClients: (clients) => {
            fault = injectS3Faults(clients.s3, { command: 'PutObjectCommand', fail: maxReceiveCount });
          },
        },
      );
    }, 120_000);
  });

  describe('late references', () => {
    const item = (id: number, orderId: number) => `${id},${orderId},10,1,complete,2025-03-08T10:30:00,19.99`;

    it('defers items whose order is not known yet, and accepts them as soon as the order file commits, long before their delay', async () => {
      // A deferral delay of 10 minutes: only the wake-up by the orders' commit can be in time.
      const pipeline = await createPipeline(suite.stack);
      const validator = await startValidator(pipeline, { VALIDATOR_DEFERRAL_BASE_SECONDS: '600' });
      try {
        // Prepare
        const productTag = await upload(
          pipeline,
          'raw/products/p.csv',
          [PRODUCTS_HEADER, product(1)].join('\n'),
        );
        await waitForStatus(pipeline, 'raw/products/p.csv', productTag);
        const itemsKey = 'raw/order_items/i.csv';
        const itemsTag = await upload(pipeline, itemsKey, [ITEMS_HEADER, item(1, 7), item(2, 7)].join('\n'));
        const deferred = await waitForStatus(pipeline, itemsKey, itemsTag, {
          statuses: new Set(['DEFERRED']),
        });

        // Act
        const ordersTag = await upload(
          pipeline,
          'raw/orders/o.csv',
          [ORDERS_HEADER, '7,10,complete,2025-03-08T10:00:00,2'].join('\n'),
        );
        await waitForStatus(pipeline, 'raw/orders/o.csv', ordersTag);
        const accepted = await waitForStatus(pipeline, itemsKey, itemsTag, { timeoutMs: 30_000 });

        // Assess
        expect(deferred.status).toBe('DEFERRED');
        expect(accepted).toMatchObject({
          status: 'VALIDATED',
          verdict: 'ACCEPTED',
          rowsAccepted: 2,
          attempts: 2,
        });
        expect(await listKeys(pipeline, 'silver/order_items/order_date=2025-03-08/')).toHaveLength(1);
        expect(await ingestDeadLetters(pipeline)).toEqual([]);

        // Act: the deferral's own delayed message arrives after all
        const announced = (await drainTransformQueue(pipeline)).filter((body) => body.key === itemsKey);
        await pipeline.clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: pipeline.resources.ingestQueue.url,
            MessageBody: deferredObjectsCodec.encode({
              objects: [
                {
                  bucket: pipeline.names.bucket,
                  key: itemsKey,
                  eTag: itemsTag,
                  eventTime: deferred.eventTime,
                },
              ],
              attempt: 2,
            }),
          }),
        );
        await waitFor(async () => (await duplicates(validator.metrics, 'order_items')) === 1);

        // Assess: a duplicate, acknowledged without work
        expect(announced).toHaveLength(1);
        expect(await drainTransformQueue(pipeline)).toEqual([]);
        expect(await pipeline.lineage.get({ sourceKey: itemsKey, objectVersion: itemsTag })).toEqual(
          accepted,
        );
      } finally {
        await validator.stop();
        pipeline.clients.destroy();
      }
    }, 120_000);

    it('defers items, then once the grace window has passed rejects the unresolved ones with the referential code, the verdict by the ratio', async () => {
      const ratio = 0.25;
      const overrides = {
        VALIDATOR_REFERENCE_GRACE_SECONDS: '5',
        VALIDATOR_DEFERRAL_BASE_SECONDS: '1',
        VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDER_ITEMS: String(ratio),
      };
      await withPipeline(overrides, async (pipeline) => {
        // Prepare: product 1 and order 7 exist; orders 70 and 71 never arrive
        const productTag = await upload(
          pipeline,
          'raw/products/p.csv',
          [PRODUCTS_HEADER, product(1)].join('\n'),
        );
        await waitForStatus(pipeline, 'raw/products/p.csv', productTag);
        const ordersTag = await upload(
          pipeline,
          'raw/orders/o.csv',
          [ORDERS_HEADER, '7,10,complete,2025-03-08T10:00:00,2'].join('\n'),
        );
        await waitForStatus(pipeline, 'raw/orders/o.csv', ordersTag);
        // 2 orphans of 10 (within the ratio) and 2 of 4 (above it)
        const files = [
          { key: 'raw/order_items/mostly-known.csv', known: 8, orphans: [70, 71] },
          { key: 'raw/order_items/mostly-orphans.csv', known: 2, orphans: [70, 71] },
        ].map((file, index) => {
          const ids = (offset: number) => 100 * (index + 1) + offset;
          const lines = [
            ...Array.from({ length: file.known }, (_, at) => item(ids(at), 7)),
            ...file.orphans.map((orderId, at) => item(ids(file.known + at), orderId)),
          ];
          const total = lines.length;
          // Independent of the validator: the orphans are rejected, the share decides.
          const verdict = file.orphans.length / total <= ratio ? 'ACCEPTED' : 'REJECTED';
          // The header is line 1; the orphans come after the known items.
          const rejected = file.orphans.map((orderId, at) => [
            file.known + at + 2,
            item(ids(file.known + at), orderId),
          ]);
          return { ...file, body: [ITEMS_HEADER, ...lines].join('\n'), total, verdict, rejected };
        });
        expect(files.map((file) => file.verdict)).toEqual(['ACCEPTED', 'REJECTED']);

        // Act
        const tags = await Promise.all(files.map((file) => upload(pipeline, file.key, file.body)));
        const deferred = await Promise.all(
          files.map((file, index) =>
            waitForStatus(pipeline, file.key, tags[index] ?? '', { statuses: new Set(['DEFERRED']) }),
          ),
        );
        const finished = await Promise.all(
          files.map((file, index) =>
            waitForStatus(pipeline, file.key, tags[index] ?? '', { timeoutMs: 60_000 }),
          ),
        );

        // Assess: deferred first, retried, then settled by the ratio
        expect(deferred.map((record) => record.status)).toEqual(['DEFERRED', 'DEFERRED']);
        finished.forEach((record, index) => {
          const file = files[index] as (typeof files)[number];
          expect(record).toMatchObject({
            verdict: file.verdict,
            status: file.verdict === 'ACCEPTED' ? 'VALIDATED' : 'FAILED',
            rowsTotal: file.total,
            rowsRejected: file.orphans.length,
            ruleCounts: { UNKNOWN_ORDER: file.orphans.length },
          });
          expect(record.attempts).toBeGreaterThanOrEqual(2);
        });
        expect(finished[1]?.lastError).toMatchObject({ code: 'REJECTED_ROW_RATIO', retryable: false });
        expect(ISSUE_CODES.REJECTED_ROW_RATIO).toMatchObject({ level: 'file', rejects: true });
        const rejectedKeys = await listKeys(pipeline, 'rejected/order_items/');
        for (const file of files) {
          const name = file.key.split('/').pop() ?? '';
          const rejectedKey = rejectedKeys.find((candidate) => candidate.includes(`/${name}/`)) ?? '';
          const rows = await readJsonLines(pipeline, rejectedKey);
          expect(rows.map((row) => [row.line, row.raw])).toEqual(file.rejected);
          expect(
            rows.flatMap((row) => (row.issues as { code: string }[]).map((issue) => issue.code)),
          ).toEqual(file.orphans.map(() => 'UNKNOWN_ORDER'));
        }
        expect(await readJsonLines(pipeline, 'silver/order_items/')).toHaveLength(files[0]?.known ?? -1);
        expect(await ingestDeadLetters(pipeline)).toEqual([]);
      });
    }, 90_000);
  });
});
