import { tmpdir } from 'node:os';
import { LineageRepository } from '@storeflow/aws';
import { FileStatus, type LineageRecord } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { assertCliBuilt, runCli } from './helpers.js';
import { createTestPipeline, type TestPipeline } from './pipeline.js';

describe('storeflow status', () => {
  let stack: EmbeddedStack;
  let pipeline: TestPipeline;

  // Lineage as the services leave it, written through the same repository at known times.
  const products = { sourceKey: 'raw/products/p.csv', objectVersion: 'aaaa1111' };
  const orders = { sourceKey: 'raw/orders/o.csv', objectVersion: 'bbbb2222' };
  const items = { sourceKey: 'raw/order_items/i.csv', objectVersion: 'cccc3333' };

  beforeAll(async () => {
    await assertCliBuilt();
    stack = await startEmbeddedStack();
    pipeline = await createTestPipeline(stack);
    let clock = Date.parse('2025-04-01T08:00:00Z');
    const lineage = new LineageRepository({
      clients: pipeline.clients,
      tableName: pipeline.names.processedFilesTable,
      now: () => clock,
    });
    const claim = async (key: typeof products, dataset: string) =>
      lineage.claim({
        ...key,
        dataset,
        eventTime: new Date(clock).toISOString(),
        workerId: 'w1',
        leaseMs: 60_000,
      });
    await claim(products, 'products');
    await lineage.complete(products, 'w1', {
      status: FileStatus.SUCCESS,
      rowsTotal: 10,
      rowsAccepted: 10,
      rowsRejected: 0,
    });
    clock += 60_000;
    await claim(orders, 'orders');
    await lineage.complete(orders, 'w1', {
      status: FileStatus.FAILED,
      rowsTotal: 4,
      rowsAccepted: 1,
      rowsRejected: 3,
      lastError: { code: 'REJECTED_ROW_RATIO', message: 'rejected share 0.75 above 0.05', retryable: false },
    });
    clock += 60_000;
    await claim(items, 'order_items');
    await lineage.defer(items, 'w1', { deferredUntil: clock + 30_000 });
  }, 150_000);

  afterAll(async () => {
    await pipeline?.close();
    await stack?.stop();
  }, 60_000);

  const cli = (...args: string[]) => runCli([...args, '--prefix', pipeline.prefix], tmpdir(), pipeline.env);

  it('lists every version, most recently updated first, as a table', async () => {
    // Act
    const result = await cli('status');

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]?.split(/ {2,}/)).toEqual([
      'KEY',
      'VERSION',
      'DATASET',
      'STATUS',
      'ROWS',
      'ACCEPTED',
      'REJECTED',
      'UPDATED',
      'LAST ERROR',
    ]);
    expect(lines.slice(1).map((line) => line.trim().split(/ +/))).toEqual([
      ['raw/order_items/i.csv', 'cccc3333', 'order_items', 'DEFERRED', '-', '-', '-', '2025-04-01T08:02:00Z'],
      [
        'raw/orders/o.csv',
        'bbbb2222',
        'orders',
        'FAILED',
        '4',
        '1',
        '3',
        '2025-04-01T08:01:00Z',
        'REJECTED_ROW_RATIO',
      ],
      ['raw/products/p.csv', 'aaaa1111', 'products', 'SUCCESS', '10', '10', '0', '2025-04-01T08:00:00Z'],
    ]);
  });

  it('filters by status in any case, limits to the newest, and prints JSON', async () => {
    // Act
    const failed = await cli('status', '--status', 'failed', '--json');
    const newest = await cli('status', '--limit', '2', '--json');

    // Assess
    expect(failed.code).toBe(0);
    const failedRecords = JSON.parse(failed.stdout) as LineageRecord[];
    expect(failedRecords).toEqual([
      expect.objectContaining({
        ...orders,
        status: 'FAILED',
        dataset: 'orders',
        rowsTotal: 4,
        rowsAccepted: 1,
        rowsRejected: 3,
        lastError: {
          code: 'REJECTED_ROW_RATIO',
          message: 'rejected share 0.75 above 0.05',
          retryable: false,
        },
      }),
    ]);
    expect(newest.code).toBe(0);
    expect((JSON.parse(newest.stdout) as LineageRecord[]).map((record) => record.sourceKey)).toEqual([
      items.sourceKey,
      orders.sourceKey,
    ]);
  });

  it('says when no file has the status', async () => {
    const result = await cli('status', '--status', 'TRANSFORMING');
    expect(result).toMatchObject({ code: 0, stdout: 'no TRANSFORMING files\n' });
  });

  it('refuses an unknown status and a limit below 1 in one line', async () => {
    // Act
    const badStatus = await cli('status', '--status', 'DONE');
    const badLimit = await cli('status', '--limit', '0');

    // Assess
    expect(badStatus).toMatchObject({
      code: 1,
      stderr:
        "storeflow: --status must be one of RECEIVED, VALIDATING, DEFERRED, VALIDATED, TRANSFORMING, SUCCESS, FAILED, got 'DONE'\n",
    });
    expect(badLimit).toMatchObject({
      code: 1,
      stderr: "storeflow: --limit must be a whole number of at least 1, got '0'\n",
    });
  });

  it('names the bootstrap when the prefix has no tables', async () => {
    const result = await runCli(['status', '--prefix', 'cli-never-bootstrapped'], tmpdir(), pipeline.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^storeflow: Query failed: ResourceNotFoundException: .*; the resources of prefix 'cli-never-bootstrapped' are missing here: run 'storeflow bootstrap --prefix cli-never-bootstrapped', or pass the --prefix they were created with\n$/,
    );
  });
});
