import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { FileStatus, type LineageRecord } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { assertCliBuilt, runCli } from './helpers.js';
import { createTestPipeline, startServices, type TestPipeline, waitForStatus } from './pipeline.js';

const PRODUCTS = [
  'id,sku,cost,category,name,brand,retail_price,department',
  '10,ABC-00000010,5.00,Jeans,Slim,Acme,25.00,Men',
  '11,ABC-00000011,3.50,Tops,Tee,Acme,15.00,Women',
].join('\n');

const ORDERS_HEADER = 'order_id,user_id,status,created_at,returned_at,num_of_item';
const GOOD_ORDERS = [
  ORDERS_HEADER,
  '1,101,complete,2025-03-01T10:00:00Z,,1',
  '2,102,returned,2025-03-01T11:00:00Z,2025-03-05T11:00:00Z,1',
  '3,101,complete,2025-03-02T09:00:00Z,,2',
].join('\n');
// Two rows of three are bad (unknown status, zero items): far above the 5 % the verdict allows.
const BAD_ORDERS = [
  ORDERS_HEADER,
  '1,101,complete,2025-03-01T10:00:00Z,,1',
  '2,102,lost,2025-03-01T11:00:00Z,,1',
  '3,101,complete,2025-03-02T09:00:00Z,,0',
].join('\n');

const ITEMS = [
  'id,order_id,user_id,product_id,status,created_at,returned_at,sale_price',
  '1,1,101,10,complete,2025-03-01T10:05:00Z,,20.00',
  '2,2,102,11,returned,2025-03-01T11:05:00Z,2025-03-05T11:00:00Z,12.00',
  '3,3,101,10,complete,2025-03-02T09:05:00Z,,18.50',
  '4,3,101,11,complete,2025-03-02T09:06:00Z,,10.50',
].join('\n');

interface UploadOutput {
  key: string;
  eTag: string;
}

interface ReprocessOutput {
  dryRun: boolean;
  files: {
    key: string;
    status: string | null;
    version: string | null;
    action: string;
    archiveKey?: string;
    reopen?: boolean;
    requestId?: string;
    reason?: string;
  }[];
}

describe('storeflow reprocess', () => {
  let stack: EmbeddedStack;
  let pipeline: TestPipeline;
  let workDir: string;

  beforeAll(async () => {
    await assertCliBuilt();
    stack = await startEmbeddedStack();
    pipeline = await createTestPipeline(stack);
    // No grace window: items whose products and orders are unknown are rejected at once.
    await startServices(pipeline, ['validator', 'transformer'], { VALIDATOR_REFERENCE_GRACE_SECONDS: '0' });
    workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-reprocess-'));
  }, 150_000);

  afterAll(async () => {
    await pipeline?.close();
    await stack?.stop();
    await rm(workDir, { recursive: true, force: true });
  }, 60_000);

  const cli = (...args: string[]) => runCli([...args, '--prefix', pipeline.prefix], workDir, pipeline.env);

  async function upload(relative: string, text: string): Promise<UploadOutput> {
    const file = path.join(workDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${text}\n`);
    const result = await cli('upload', file, '--json');
    expect({ code: result.code, error: result.code === 0 ? '' : result.stderr }).toEqual({
      code: 0,
      error: '',
    });
    const [uploaded] = JSON.parse(result.stdout) as UploadOutput[];
    return uploaded as UploadOutput;
  }

  it('skips a rejected file whose fixed version was uploaded, and restores one that can pass now until it is SUCCESS', async () => {
    // Prepare: a rejected orders file, and items rejected because nothing they reference exists.
    const badOrders = await upload('orders/orders.csv', BAD_ORDERS);
    await waitForStatus(pipeline.lineage, { sourceKey: badOrders.key, objectVersion: badOrders.eTag }, [
      FileStatus.FAILED,
    ]);
    const items = await upload('order_items/items.csv', ITEMS);
    const rejectedItems = await waitForStatus(
      pipeline.lineage,
      { sourceKey: items.key, objectVersion: items.eTag },
      [FileStatus.FAILED],
    );

    // Act 1: a dry run changes nothing.
    const dryRun = await cli('reprocess', '--status', 'FAILED', '--dry-run', '--json');
    const afterDryRun = await pipeline.lineage.get({ sourceKey: items.key, objectVersion: items.eTag });

    // Act 2: the orders are fixed and uploaded again, products arrive, then the failures are reprocessed.
    const fixedOrders = await upload('orders/orders.csv', GOOD_ORDERS);
    const products = await upload('products/products.csv', PRODUCTS);
    await waitForStatus(pipeline.lineage, { sourceKey: fixedOrders.key, objectVersion: fixedOrders.eTag }, [
      FileStatus.SUCCESS,
    ]);
    await waitForStatus(pipeline.lineage, { sourceKey: products.key, objectVersion: products.eTag }, [
      FileStatus.SUCCESS,
    ]);
    const reprocess = await cli('reprocess', '--status', 'FAILED', '--json');
    const reprocessedItems = await waitForStatus(
      pipeline.lineage,
      { sourceKey: items.key, objectVersion: items.eTag },
      [FileStatus.SUCCESS],
    );
    const kpis = await cli('kpis', '--json');

    // Assess
    expect(rejectedItems.ruleCounts).toMatchObject({ UNKNOWN_PRODUCT: 4, UNKNOWN_ORDER: 4 });
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toEqual({
      dryRun: true,
      files: [
        expect.objectContaining({
          key: 'raw/order_items/items.csv',
          status: 'FAILED',
          action: 'restore',
          archiveKey: expect.stringMatching(/^failed\/order_items\/\d{4}\/\d{2}\/\d{2}\/items\.csv$/),
        }),
        expect.objectContaining({ key: 'raw/orders/orders.csv', status: 'FAILED', action: 'restore' }),
      ],
    });
    expect(afterDryRun?.status).toBe(FileStatus.FAILED);

    expect(reprocess.code).toBe(0);
    const outcome = JSON.parse(reprocess.stdout) as ReprocessOutput;
    expect(outcome.files).toEqual([
      expect.objectContaining({ key: 'raw/order_items/items.csv', action: 'restore' }),
      expect.objectContaining({
        key: 'raw/orders/orders.csv',
        action: 'skip',
        reason: `its newer version ${fixedOrders.eTag} is SUCCESS`,
      }),
    ]);
    // The same version, validated again: all four items now find their products and orders.
    expect(reprocessedItems).toMatchObject({ rowsTotal: 4, rowsAccepted: 4, rowsRejected: 0 });
    expect(reprocessedItems.attempts).toBe(2);

    // Expected KPIs worked out from the inputs above: 03-01 holds orders 1 and 2 (items 20.00
    // Jeans, 12.00 Tops returned), 03-02 order 3 (items 18.50 Jeans, 10.50 Tops).
    const stored = JSON.parse(kpis.stdout) as { daily: unknown[]; categories: unknown[] };
    expect(stored.daily).toEqual([
      expect.objectContaining({
        order_date: '2025-03-01',
        total_orders: 2,
        total_revenue: 32,
        total_items_sold: 2,
        returned_orders: 1,
        return_rate: 0.5,
        unique_customers: 2,
        avg_order_value: 16,
      }),
      expect.objectContaining({
        order_date: '2025-03-02',
        total_orders: 1,
        total_revenue: 29,
        total_items_sold: 2,
        returned_orders: 0,
        return_rate: 0,
        unique_customers: 1,
        avg_order_value: 29,
      }),
    ]);
    expect(stored.categories).toEqual([
      expect.objectContaining({
        order_date: '2025-03-01',
        category: 'Jeans',
        daily_revenue: 20,
        items_sold: 1,
        returned_items: 0,
      }),
      expect.objectContaining({
        order_date: '2025-03-01',
        category: 'Tops',
        daily_revenue: 12,
        items_sold: 1,
        returned_items: 1,
        avg_return_rate: 1,
      }),
      expect.objectContaining({
        order_date: '2025-03-02',
        category: 'Jeans',
        daily_revenue: 18.5,
        order_count: 1,
        avg_order_value: 18.5,
      }),
      expect.objectContaining({
        order_date: '2025-03-02',
        category: 'Tops',
        daily_revenue: 10.5,
        order_count: 1,
        avg_return_rate: 0,
      }),
    ]);
  }, 90_000);

  it('--key restores an accepted file from processed/ and validates the same version again', async () => {
    // Prepare: orders of a day no other test uses, so their KPIs are theirs alone.
    const orders = await upload(
      'orders/recount.csv',
      [
        ORDERS_HEADER,
        '21,121,complete,2025-04-01T10:00:00Z,,1',
        '22,122,cancelled,2025-04-01T12:00:00Z,,2',
      ].join('\n'),
    );
    const version = { sourceKey: orders.key, objectVersion: orders.eTag };
    const first = await waitForStatus(pipeline.lineage, version, [FileStatus.SUCCESS]);

    // Act: the lineage is reopened before the command returns, so SUCCESS below is the new run.
    const reprocess = await cli('reprocess', '--key', orders.key, '--json');
    const again = await waitForStatus(pipeline.lineage, version, [FileStatus.SUCCESS]);

    // Assess
    expect(reprocess.code).toBe(0);
    expect(JSON.parse(reprocess.stdout)).toEqual({
      dryRun: false,
      files: [
        {
          key: 'raw/orders/recount.csv',
          status: 'SUCCESS',
          version: orders.eTag,
          action: 'restore',
          archiveKey: expect.stringMatching(/^processed\/orders\/\d{4}\/\d{2}\/\d{2}\/recount\.csv$/),
          reopen: true,
        },
      ],
    });
    expect(first.attempts).toBe(1);
    expect(again).toMatchObject({ attempts: 2, rowsTotal: 2, rowsAccepted: 2, rowsRejected: 0 });
    expect(again.eventTime).toBe(first.eventTime);
  }, 90_000);

  describe('files still in raw/ that the pipeline never recorded', () => {
    let quiet: TestPipeline;

    beforeAll(async () => {
      // A pipeline whose raw/ sends no events and has no services yet: its objects stay in raw/
      // unrecorded, as after a lost event, and the reprocess requests stay in its queue to be read.
      quiet = await createTestPipeline(stack);
      await quiet.clients.s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: quiet.names.bucket,
          NotificationConfiguration: {},
        }),
      );
    }, 60_000);

    afterAll(async () => {
      await quiet?.close();
    }, 60_000);

    async function putRaw(key: string, lines: string[]): Promise<string> {
      const put = await quiet.clients.s3.send(
        new PutObjectCommand({ Bucket: quiet.names.bucket, Key: key, Body: `${lines.join('\n')}\n` }),
      );
      return (put.ETag ?? '').replaceAll('"', '');
    }

    async function ingestQueueDepth(): Promise<number> {
      const { Attributes } = await quiet.clients.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: quiet.queues.ingest,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return (
        Number(Attributes?.ApproximateNumberOfMessages) +
        Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
      );
    }

    it('--key-prefix sends a reprocess request for each, which the validator takes as a new file and validates once', async () => {
      // Prepare
      const firstETag = await putRaw('raw/orders/2025/a.csv', [
        ORDERS_HEADER,
        '41,141,complete,2025-05-01T10:00:00Z,,1',
      ]);
      const secondETag = await putRaw('raw/orders/2025/b.csv', [
        ORDERS_HEADER,
        '42,142,shipped,2025-05-02T10:00:00Z,,1',
        '43,143,processing,2025-05-02T11:00:00Z,,3',
      ]);
      await putRaw('raw/orders/2026/outside.csv', [ORDERS_HEADER, '44,144,complete,2025-05-03T10:00:00Z,,1']);
      const quietCli = (...args: string[]) => runCli([...args, '--prefix', quiet.prefix], workDir, quiet.env);

      // Act 1: the requests, read off the queue and left visible for the validator.
      const reprocess = await quietCli('reprocess', '--key-prefix', 'raw/orders/2025/', '--json');
      const received = await quiet.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: quiet.queues.ingest,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: 0,
        }),
      );

      // Act 2: the validator and transformer start and find the requests waiting.
      await startServices(quiet, ['validator', 'transformer']);
      const records = await Promise.all([
        waitForStatus(quiet.lineage, { sourceKey: 'raw/orders/2025/a.csv', objectVersion: firstETag }, [
          FileStatus.SUCCESS,
        ]),
        waitForStatus(quiet.lineage, { sourceKey: 'raw/orders/2025/b.csv', objectVersion: secondETag }, [
          FileStatus.SUCCESS,
        ]),
      ]);
      const deadline = Date.now() + 30_000;
      while ((await ingestQueueDepth()) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const status = await quietCli('status', '--json');

      // Assess: one request per key under the prefix, in the validator's format.
      expect(reprocess.code).toBe(0);
      const outcome = JSON.parse(reprocess.stdout) as ReprocessOutput;
      expect(outcome.files).toEqual([
        {
          key: 'raw/orders/2025/a.csv',
          status: null,
          version: null,
          action: 'send',
          requestId: expect.any(String),
        },
        {
          key: 'raw/orders/2025/b.csv',
          status: null,
          version: null,
          action: 'send',
          requestId: expect.any(String),
        },
      ]);
      // S3 put an s3:TestEvent there when bootstrap set the notification; the rest is the command's.
      const bodies = (received.Messages ?? [])
        .map((message) => JSON.parse(message.Body ?? '') as { Event?: string })
        .filter((body) => body.Event !== 's3:TestEvent');
      expect(bodies).toHaveLength(2);
      expect(bodies).toEqual(
        expect.arrayContaining(
          outcome.files.map((file) => ({
            type: 'storeflow.reprocess',
            bucket: quiet.names.bucket,
            key: file.key,
            requestId: file.requestId,
          })),
        ),
      );
      // Accepted and validated once each; nothing is left in the queue to validate them again.
      expect(records).toEqual([
        expect.objectContaining({ attempts: 1, rowsTotal: 1, rowsAccepted: 1 }),
        expect.objectContaining({ attempts: 1, rowsTotal: 2, rowsAccepted: 2 }),
      ]);
      expect(await ingestQueueDepth()).toBe(0);
      const recorded = (JSON.parse(status.stdout) as LineageRecord[]).map(
        (record) => `${record.sourceKey} ${record.objectVersion} ${record.status}`,
      );
      expect(recorded.sort()).toEqual([
        `raw/orders/2025/a.csv ${firstETag} SUCCESS`,
        `raw/orders/2025/b.csv ${secondETag} SUCCESS`,
      ]);
    }, 90_000);
  });

  it('refuses a key the pipeline knows nothing about, and a call without a selection', async () => {
    // Act
    const unknown = await cli('reprocess', '--key', 'raw/orders/never-uploaded.csv');
    const noSelection = await cli('reprocess');

    // Assess
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      "storeflow: nothing is known about raw/orders/never-uploaded.csv: no lineage record and no object at that key; check the key with 'storeflow status'\n",
    );
    expect(noSelection).toMatchObject({
      code: 1,
      stderr: 'storeflow: choose the files with exactly one of --key, --key-prefix or --status; see --help\n',
    });
  });
});
