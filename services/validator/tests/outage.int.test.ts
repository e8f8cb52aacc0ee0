import { randomUUID } from 'node:crypto';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import {
  createAwsClients,
  type QueueMessage,
  resolveAwsConnection,
  type SettledOutcome,
  SqsPoller,
} from '@storeflow/aws';
import { FileStatus } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { createMetricsRegistry } from '@storeflow/runtime';
import { createRecordingLogger } from '@storeflow/testing';
import { loadValidatorConfig } from '../src/config.js';
import { createValidator } from '../src/createValidator.js';
import { createValidatorMetrics } from '../src/metrics.js';
import { createPipeline, ingestDeadLetters, type Pipeline, upload, waitForStatus } from './harness.js';

/**
 * A TCP proxy in front of DynamoDB Local that takes the endpoint down for `downMs` the first time a
 * request holding `trigger` goes through it (an operation's `X-Amz-Target`, or a key in its body:
 * Node sends a small request's headers and body in one write): that request's connection and
 * every other one are reset, and new connections are refused until the listener opens again on the same port. The
 * validator sees what a real outage gives: resets, then refused connections.
 */
class DynamoOutage {
  readonly #target: URL;
  readonly #trigger: string;
  readonly #downMs: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;
  /** When the outage began and ended, once it has. */
  outage: { startedAt: number; endedAt?: number } | undefined;

  constructor(target: string, trigger: string, downMs: number) {
    this.#target = new URL(target);
    this.#trigger = trigger;
    this.#downMs = downMs;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async open(): Promise<void> {
    const server = createServer((client) => this.#forward(client));
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server !== undefined) await new Promise((resolve) => server.close(resolve));
  }

  #forward(client: Socket): void {
    const upstream = connect(Number(this.#target.port), this.#target.hostname);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('data', (chunk: Buffer) => {
      if (this.outage === undefined && chunk.includes(this.#trigger)) {
        this.#goDown();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  #goDown(): void {
    this.outage = { startedAt: Date.now() };
    for (const socket of this.#sockets) socket.resetAndDestroy();
    void this.close().then(() =>
      setTimeout(() => {
        void this.open().then(() => {
          if (this.outage !== undefined) this.outage.endedAt = Date.now();
        });
      }, this.#downMs),
    );
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let stack: EmbeddedStack;

beforeAll(async () => {
  stack = await startEmbeddedStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** The validator as main.ts wires it, its DynamoDB calls going through `dynamoEndpoint`. */
async function startValidatorThrough(pipeline: Pipeline, dynamoEndpoint: string) {
  const clients = createAwsClients(
    resolveAwsConnection({ ...pipeline.stack.env(), AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint }),
  );
  const config = loadValidatorConfig({
    ...pipeline.env({ VALIDATOR_OUTAGE_BUDGET_SECONDS: '60' }),
    VALIDATOR_WORKER_ID: `test-${randomUUID()}`,
  });
  const metrics = createValidatorMetrics(
    createMetricsRegistry({ service: 'validator', prefix: 'storeflow_' }),
  );
  const log = createRecordingLogger();
  const handle = await createValidator({ clients, config, metrics, log, now: Date.now });
  const runs: (Pick<QueueMessage, 'body' | 'receiveCount' | 'outageReruns'> & { ended: string })[] = [];
  const settled: SettledOutcome[] = [];
  const poller = new SqsPoller({
    clients,
    queueUrl: config.queueUrl,
    handle: async (message, signal) => {
      const run = {
        body: message.body,
        receiveCount: message.receiveCount,
        outageReruns: message.outageReruns,
      };
      try {
        const outcome = await handle(message, signal);
        runs.push({ ...run, ended: outcome.kind });
        return outcome;
      } catch (error) {
        runs.push({ ...run, ended: 'threw' });
        throw error;
      }
    },
    log,
    concurrency: 1,
    visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
    heartbeatIntervalSeconds: config.heartbeatSeconds,
    waitTimeSeconds: 1,
    outageBudgetSeconds: config.outageBudgetSeconds,
    onOutageRetry: () => metrics.outageRetries.inc(),
    onSettled: (outcome) => settled.push(outcome),
  });
  poller.start();
  return {
    runs,
    settled,
    log,
    metrics,
    stop: async () => {
      await poller.stop({ graceMs: 10_000 });
      clients.destroy();
    },
  };
}

describe('validator through a DynamoDB outage', () => {
  it('runs the file again in place until DynamoDB is back, and ends it validated on its first receive', async () => {
    // Prepare: DynamoDB goes away for 4 s when the file's references are being recorded (the
    // first request naming the bucket of its products, `products#0`), after the file was claimed,
    // so the release of its lease fails too and the run again re-enters it.
    const pipeline = await createPipeline(stack);
    const dynamo = new DynamoOutage(pipeline.stack.env().AWS_ENDPOINT_URL_DYNAMODB, '"products#0"', 4_000);
    await dynamo.open();
    const validator = await startValidatorThrough(pipeline, dynamo.url);
    const key = 'raw/products/during-outage.csv';
    const rows = Array.from(
      { length: 20 },
      (_, index) => `${index + 1},ABC-${String(index + 1).padStart(8, '0')},10.00,Jeans,Name,Acme,50.00,Men`,
    );

    try {
      // Act
      const eTag = await upload(
        pipeline,
        key,
        ['id,sku,cost,category,name,brand,retail_price,department', ...rows].join('\n'),
      );
      const record = await waitForStatus(pipeline, key, eTag, { timeoutMs: 90_000 });
      const fileRuns = () => validator.runs.filter((run) => run.body.includes(key));
      await until(() => fileRuns().at(-1)?.ended === 'done');

      // Assess
      expect(dynamo.outage?.endedAt).toBeDefined();
      expect(record).toMatchObject({ status: FileStatus.VALIDATED, verdict: 'ACCEPTED', rowsAccepted: 20 });
      const runs = fileRuns();
      expect(runs.length).toBeGreaterThan(1);
      expect(runs.every((run) => run.receiveCount === 1)).toBe(true);
      expect(runs.map((run) => run.outageReruns)).toEqual(runs.map((_, index) => index));
      expect(runs.map((run) => run.ended)).toEqual([...runs.slice(1).map(() => 'threw'), 'done']);
      expect(validator.settled.filter((outcome) => outcome !== 'done')).toEqual([]);
      expect((await validator.metrics.outageRetries.get()).values[0]?.value).toBe(runs.length - 1);
      expect(validator.log.messages('warn')).toContain(
        'dependency outage; running the message again in place until it recovers',
      );
      expect(
        validator.log.messages('warn').filter((message) => message.startsWith('dependency outage')),
      ).toHaveLength(1);
      expect(validator.log.messages('info')).toContain('dependency outage over; the message ran through it');
      // The release failed in the outage, so a run again took the lease its worker still held.
      expect(validator.log.messages('warn')).toContain('could not release the lineage lease; it will expire');
      expect(record.attempts).toBeGreaterThan(1);
      expect(validator.log.messages('error')).toEqual([]);
      expect(await ingestDeadLetters(pipeline)).toEqual([]);
    } finally {
      await validator.stop();
      await dynamo.close();
      pipeline.clients.destroy();
    }
  }, 120_000);
});
