import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type LineageKey, type LineageRecord, reprocessRequestCodec } from '@storeflow/core';
import {
  listKeys,
  type Pipeline,
  readJsonLines,
  readText,
  upload,
  validatorOnEmbeddedStack,
  waitForStatus,
} from './harness.js';

const { withPipeline } = validatorOnEmbeddedStack();

const ORDERS_HEADER = 'order_id,user_id,status,created_at,num_of_item';

function order(id: number, status = 'complete'): string {
  return `${id},7,${status},2025-03-01T10:00:00Z,1`;
}

/** `count` good orders, with an unknown status on the rows listed in `bad` (1-based). */
function ordersFile(count: number, bad: readonly number[] = []): { text: string; badLines: string[] } {
  const rows = Array.from({ length: count }, (_, index) =>
    order(index + 1, bad.includes(index + 1) ? 'lost' : 'complete'),
  );
  return {
    text: [ORDERS_HEADER, ...rows].join('\n'),
    badLines: bad.map((row) => rows[row - 1] ?? ''),
  };
}

/** The version's lineage once a second claim of it has ended VALIDATED. */
async function waitForSecondRun(pipeline: Pipeline, key: LineageKey): Promise<LineageRecord> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const record = await pipeline.lineage.get(key);
    if (record?.status === 'VALIDATED' && record.attempts >= 2) return record;
    if (Date.now() > deadline)
      throw new Error(`no second validation of ${key.sourceKey}; last: ${record?.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function readReport(pipeline: Pipeline, key: string | undefined) {
  return JSON.parse(await readText(pipeline, key ?? '')) as {
    source: { key: string; objectVersion: string };
    verdict: string;
    rows: { total: number; accepted: number; rejected: number };
  };
}

describe('reports and rejected rows per object version', () => {
  it('keeps both versions of a file uploaded twice in a day intact, rejected rows only with the version that had them', async () => {
    await withPipeline({}, async (pipeline) => {
      // Prepare: 21 orders with one unknown status (1/21 is within 5 %), then 20 clean ones.
      const key = 'raw/orders/daily.csv';
      const withBadRow = ordersFile(21, [4]);
      const clean = ordersFile(20);

      // Act
      const firstVersion = await upload(pipeline, key, withBadRow.text);
      const first = await waitForStatus(pipeline, key, firstVersion);
      const secondVersion = await upload(pipeline, key, clean.text);
      const second = await waitForStatus(pipeline, key, secondVersion);

      // Assess
      expect(firstVersion).not.toBe(secondVersion);
      expect([first.status, second.status]).toEqual(['VALIDATED', 'VALIDATED']);
      expect(first.reportKey).toBe(
        `validation-reports/orders/${first.eventTime.slice(0, 10)}/daily.csv/${firstVersion}.json`,
      );
      expect(second.reportKey).toBe(
        `validation-reports/orders/${second.eventTime.slice(0, 10)}/daily.csv/${secondVersion}.json`,
      );
      expect(await readReport(pipeline, first.reportKey)).toMatchObject({
        source: { key, objectVersion: firstVersion },
        verdict: 'ACCEPTED',
        rows: { total: 21, accepted: 20, rejected: 1 },
      });
      expect(await readReport(pipeline, second.reportKey)).toMatchObject({
        source: { key, objectVersion: secondVersion },
        verdict: 'ACCEPTED',
        rows: { total: 20, accepted: 20, rejected: 0 },
      });
      expect(second.rejectedRowsKey).toBeUndefined();
      expect(await listKeys(pipeline, 'rejected/')).toEqual([
        `rejected/orders/${first.eventTime.slice(0, 10)}/daily.csv/${firstVersion}.rejected.jsonl`,
      ]);
      expect(first.rejectedRowsKey).toBe(
        `rejected/orders/${first.eventTime.slice(0, 10)}/daily.csv/${firstVersion}.rejected.jsonl`,
      );
      const rejected = await readJsonLines(pipeline, first.rejectedRowsKey ?? '');
      expect(rejected.map((row) => [row.line, row.raw])).toEqual([[5, withBadRow.badLines[0]]]);
    });
  }, 60_000);

  it('keeps the report and rejected rows of a version rejected by its ratio when a corrected version follows', async () => {
    await withPipeline({}, async (pipeline) => {
      // Prepare: 2 bad rows of 10 is 20 %, over the 5 % limit; the corrected version has none.
      const key = 'raw/orders/fixed-later.csv';
      const tooManyBad = ordersFile(10, [2, 7]);
      const corrected = ordersFile(10);

      // Act
      const firstVersion = await upload(pipeline, key, tooManyBad.text);
      const first = await waitForStatus(pipeline, key, firstVersion);
      const secondVersion = await upload(pipeline, key, corrected.text);
      const second = await waitForStatus(pipeline, key, secondVersion);

      // Assess
      expect([first.status, first.verdict]).toEqual(['FAILED', 'REJECTED']);
      expect([second.status, second.verdict]).toEqual(['VALIDATED', 'ACCEPTED']);
      expect(await readReport(pipeline, first.reportKey)).toMatchObject({
        source: { objectVersion: firstVersion },
        verdict: 'REJECTED',
        rows: { total: 10, rejected: 2 },
      });
      expect(await readReport(pipeline, second.reportKey)).toMatchObject({
        source: { objectVersion: secondVersion },
        verdict: 'ACCEPTED',
        rows: { total: 10, rejected: 0 },
      });
      expect(await listKeys(pipeline, 'validation-reports/')).toEqual(
        [first.reportKey, second.reportKey].sort(),
      );
      expect(await listKeys(pipeline, 'rejected/')).toEqual([first.rejectedRowsKey]);
      const rejected = await readJsonLines(pipeline, first.rejectedRowsKey ?? '');
      expect(rejected.map((row) => row.raw)).toEqual(tooManyBad.badLines);
      const errorDocument = (await listKeys(pipeline, 'failed/orders/')).find((name) =>
        name.endsWith('.error.json'),
      );
      expect(JSON.parse(await readText(pipeline, errorDocument ?? ''))).toMatchObject({
        objectVersion: firstVersion,
        reportKey: first.reportKey,
        rejectedRowsKey: first.rejectedRowsKey,
      });
    });
  }, 60_000);

  it('empties the rejected rows of a version validated again that rejects none, so its earlier run is not read as its latest', async () => {
    // With no grace window, an item whose order is unknown is rejected at once (UNKNOWN_ORDER).
    await withPipeline({ VALIDATOR_REFERENCE_GRACE_SECONDS: '0' }, async (pipeline) => {
      // Prepare: 20 items of order 1, one of order 2, which is not known yet: 1/21 within 5 %.
      const productsKey = 'raw/products/p.csv';
      const productsVersion = await upload(
        pipeline,
        productsKey,
        [
          'id,sku,cost,category,name,brand,retail_price,department',
          '5,ABC-00000005,10.00,Jeans,N,Acme,50.00,Men',
        ].join('\n'),
      );
      await waitForStatus(pipeline, productsKey, productsVersion);
      const ordersKey = 'raw/orders/first.csv';
      const firstOrders = await upload(pipeline, ordersKey, [ORDERS_HEADER, order(1)].join('\n'));
      await waitForStatus(pipeline, ordersKey, firstOrders);
      const itemsKey = 'raw/order_items/items.csv';
      const items = [
        'id,order_id,user_id,product_id,status,created_at,sale_price',
        ...Array.from(
          { length: 21 },
          (_, index) => `${index + 1},${index === 20 ? 2 : 1},7,5,complete,2025-03-01T10:30:00Z,19.99`,
        ),
      ].join('\n');
      const itemsVersion = await upload(pipeline, itemsKey, items);
      const firstRun = await waitForStatus(pipeline, itemsKey, itemsVersion);
      const firstRows = await readJsonLines(pipeline, firstRun.rejectedRowsKey ?? '');
      const laterOrders = await upload(
        pipeline,
        'raw/orders/later.csv',
        [ORDERS_HEADER, order(2)].join('\n'),
      );
      await waitForStatus(pipeline, 'raw/orders/later.csv', laterOrders);

      // Act: the same version validated again, now that order 2 is known
      await pipeline.clients.sqs.send(
        new SendMessageCommand({
          QueueUrl: pipeline.resources.ingestQueue.url,
          MessageBody: reprocessRequestCodec.encode({
            bucket: pipeline.names.bucket,
            key: itemsKey,
            requestId: randomUUID(),
          }),
        }),
      );
      const secondRun = await waitForSecondRun(pipeline, {
        sourceKey: itemsKey,
        objectVersion: itemsVersion,
      });

      // Assess
      expect(firstRun).toMatchObject({
        status: 'VALIDATED',
        rowsRejected: 1,
        ruleCounts: { UNKNOWN_ORDER: 1 },
      });
      expect(firstRows.map((row) => row.line)).toEqual([22]);
      expect(secondRun).toMatchObject({
        rowsRejected: 0,
        rowsAccepted: 21,
        rejectedRowsKey: firstRun.rejectedRowsKey,
      });
      expect(await readText(pipeline, firstRun.rejectedRowsKey ?? '')).toBe('');
      expect(await readReport(pipeline, secondRun.reportKey)).toMatchObject({
        rows: { total: 21, rejected: 0 },
      });
    });
  }, 90_000);
});
