import { SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { AwsClients } from '@storeflow/aws';
import { type Alert, alertCodec } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import {
  createPipeline,
  ingestDeadLetters,
  injectS3Faults,
  type Pipeline,
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

function productsCsv(rows: number, sku: (id: number) => string): string {
  const lines = Array.from(
    { length: rows },
    (_, index) => `${index + 1},${sku(index + 1)},10.00,Jeans,Name ${index + 1},Acme,50.00,Men`,
  );
  return [PRODUCTS_HEADER, ...lines].join('\n');
}

const goodSku = (id: number) => `ABC-${String(id).padStart(8, '0')}`;

/** A queue subscribed to the pipeline's alerts topic with raw delivery: it receives alert bodies. */
async function subscribeQueue(pipeline: Pipeline): Promise<string> {
  const { clients } = pipeline;
  const { QueueUrl: queueUrl } = await clients.sqs.send(
    new CreateQueueCommand({ QueueName: `${pipeline.names.alertsTopic}-inbox` }),
  );
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: pipeline.resources.alertsTopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return queueUrl ?? '';
}

interface ReceivedAlert {
  readonly alert: Alert;
  readonly kindAttribute: string | undefined;
}

/**
 * Every alert the inbox receives until `expected` have come and the queue then stays empty for
 * a few seconds more, so an extra alert would be seen too.
 */
async function receiveAlerts(
  clients: AwsClients,
  queueUrl: string,
  expected: number,
  timeoutMs = 45_000,
): Promise<ReceivedAlert[]> {
  const received: ReceivedAlert[] = [];
  const deadline = Date.now() + timeoutMs;
  let emptyReceivesAfterExpected = 0;
  while (Date.now() < deadline && emptyReceivesAfterExpected < 3) {
    const { Messages = [] } = await clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    for (const message of Messages) {
      const decoded = alertCodec.decode(JSON.parse(message.Body ?? ''));
      if (decoded.kind !== 'ok') throw new Error(`not an alert: ${message.Body}`);
      received.push({ alert: decoded.value, kindAttribute: message.MessageAttributes?.kind?.StringValue });
      await clients.sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
    if (Messages.length === 0 && received.length >= expected) emptyReceivesAfterExpected += 1;
  }
  return received;
}

/** Waits until the validator has acknowledged a delivery of a version it had finished. */
async function waitForDuplicate(metrics: ReturnType<typeof startValidator>['metrics']): Promise<void> {
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
    const pipeline = await createPipeline(stack);
    const inbox = await subscribeQueue(pipeline);
    const validator = startValidator(pipeline);
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
      const alerts = await receiveAlerts(pipeline.clients, inbox, 1);

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
    const pipeline = await createPipeline(stack, { maxReceiveCount });
    const inbox = await subscribeQueue(pipeline);
    const validator = startValidator(
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
      const alerts = await receiveAlerts(pipeline.clients, inbox, 2);

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
