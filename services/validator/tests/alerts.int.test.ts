import { startEmbeddedStack, subscribeAlertInbox } from '@storeflow/local-stack';
import { perTestFile } from '@storeflow/testing';
import {
  createPipeline,
  ingestDeadLetters,
  injectS3Faults,
  type Pipeline,
  startValidator,
  upload,
  waitForStatus,
} from './harness.js';

const stack = perTestFile(() => startEmbeddedStack());

const PRODUCTS_HEADER = 'id,sku,cost,category,name,brand,retail_price,department';

function productsCsv(rows: number, sku: (id: number) => string): string {
  const lines = Array.from(
    { length: rows },
    (_, index) => `${index + 1},${sku(index + 1)},10.00,Jeans,Name ${index + 1},Acme,50.00,Men`,
  );
  return [PRODUCTS_HEADER, ...lines].join('\n');
}

const goodSku = (id: number) => `ABC-${String(id).padStart(8, '0')}`;

const subscribeInbox = (pipeline: Pipeline) =>
  subscribeAlertInbox(
    pipeline.clients,
    pipeline.resources.alertsTopicArn,
    `${pipeline.names.alertsTopic}-inbox`,
  );

/** Waits until the validator has acknowledged a delivery of a version it had finished. */
async function waitForDuplicate(
  metrics: Awaited<ReturnType<typeof startValidator>>['metrics'],
): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { values } = await metrics.filesProcessed.get();
    if (values.some((value) => value.labels.outcome === 'duplicate')) return;
    if (Date.now() > deadline) throw new Error('the repeated upload was not acknowledged in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('alerts on the embedded stack', () => {
  it('publishes one file-rejected alert per rejected version, none for accepted files or a repeated delivery', async () => {
    const pipeline = await createPipeline(stack());
    const inbox = await subscribeInbox(pipeline);
    const validator = await startValidator(pipeline);
    try {
      // Prepare: every SKU of the rejected file breaks the pattern, so its verdict is REJECTED
      const acceptedKey = 'raw/products/good.csv';
      const rejectedKey = 'raw/products/bad-skus.csv';
      const rejectedCsv = productsCsv(10, (id) => `bad-${id}`);

      // Act: the rejected file is uploaded again with the same bytes once it is rejected: the
      // same version, whose delivery finds it finished
      const acceptedETag = await upload(pipeline, acceptedKey, productsCsv(10, goodSku));
      const rejectedETag = await upload(pipeline, rejectedKey, rejectedCsv);
      await waitForStatus(pipeline, acceptedKey, acceptedETag);
      const rejected = await waitForStatus(pipeline, rejectedKey, rejectedETag);
      await upload(pipeline, rejectedKey, rejectedCsv);
      await waitForDuplicate(validator.metrics);
      const alerts = await inbox.receive(1);

      // Assess
      expect(rejected).toMatchObject({ status: 'FAILED', verdict: 'REJECTED' });
      expect(alerts).toEqual([
        {
          kindAttribute: 'file-rejected',
          alert: {
            kind: 'file-rejected',
            file: {
              bucket: pipeline.names.bucket,
              key: rejectedKey,
              objectVersion: rejectedETag,
              dataset: 'products',
            },
            reason: expect.stringContaining('REJECTED_ROW_RATIO'),
            reportKey: rejected.reportKey,
          },
        },
      ]);
      const [{ alert } = { alert: undefined }] = alerts;
      expect(alert?.kind === 'file-rejected' ? alert.reason : '').toContain('10 rejected of 10');
    } finally {
      await validator.stop();
      pipeline.clients.destroy();
    }
  }, 90_000);

  it('announces a message about to land in the DLQ once, with the file it ended FAILED', async () => {
    const maxReceiveCount = 2;
    const pipeline = await createPipeline(stack(), { maxReceiveCount });
    const inbox = await subscribeInbox(pipeline);
    const validator = await startValidator(
      pipeline,
      {},
      {
        configureClients: (clients) => {
          injectS3Faults(clients.s3, { command: 'PutObjectCommand', fail: Infinity });
        },
      },
    );
    try {
      // Act: every silver write fails, so each of the two receives fails and the last ends FAILED
      const key = 'raw/products/always-throttled.csv';
      const eTag = await upload(pipeline, key, productsCsv(10, goodSku));
      const deadline = Date.now() + 45_000;
      let dead: string[] = [];
      while (dead.length === 0 && Date.now() < deadline) dead = await ingestDeadLetters(pipeline);
      const alerts = await inbox.receive(2);

      // Assess
      expect(dead).toHaveLength(1);
      const file = { bucket: pipeline.names.bucket, key, objectVersion: eTag };
      const byKind = Object.fromEntries(alerts.map(({ alert }) => [alert.kind, alert]));
      expect(alerts.map(({ alert }) => alert.kind).sort()).toEqual(['dead-letter', 'file-failed']);
      expect(alerts.every(({ alert, kindAttribute }) => alert.kind === kindAttribute)).toBe(true);
      expect(byKind['dead-letter']).toEqual({
        kind: 'dead-letter',
        service: 'validator',
        messageId: expect.any(String),
        receiveCount: maxReceiveCount,
        file,
      });
      expect(byKind['file-failed']).toEqual({
        kind: 'file-failed',
        file: { ...file, dataset: 'products' },
        errorCode: 'AWS_CALL_FAILED',
        message: expect.stringContaining('SlowDown'),
      });
    } finally {
      await validator.stop();
      pipeline.clients.destroy();
    }
  }, 90_000);
});
