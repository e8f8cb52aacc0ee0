import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  type AwsClients,
  type BootstrapResult,
  bootstrapResources,
  createAwsClients,
  KpiRepository,
  LineageRepository,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import { FileStatus, type LineageRecord } from '@storeflow/core';
import { SeededRandom } from '@storeflow/datagen';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { expectedKpis, type SampleFile, sampleFiles, uniquePrefix } from '@storeflow/testing';

const REPOSITORY = path.resolve(import.meta.dirname, '../../..');
const MAIN = {
  validator: path.join(REPOSITORY, 'services/validator/dist/main.js'),
  transformer: path.join(REPOSITORY, 'services/transformer/dist/main.js'),
};

export interface SampleSuite {
  stack: EmbeddedStack;
  files: SampleFile[];
  expected: ReturnType<typeof expectedKpis>;
}

/**
 * For the test file that calls it: one embedded stack, and the sample with its KPIs as the
 * independent computation gives them, ready before the first test and stopped after the last.
 */
export function sampleOnEmbeddedStack(): SampleSuite {
  const suite = {} as SampleSuite;
  beforeAll(async () => {
    suite.stack = await startEmbeddedStack();
    suite.files = await sampleFiles();
    suite.expected = expectedKpis(suite.files);
  }, 60_000);
  afterAll(async () => {
    await suite.stack?.stop();
  });
  return suite;
}

/**
 * A replayable random arrival order (the same seed gives the same order) in which at least one
 * items file arrives before an orders file, so the order exercises late references for sure.
 */
export function arrivalOrder(files: readonly SampleFile[], seed: number): SampleFile[] {
  const order = new SeededRandom(String(seed), 'arrival-order').shuffle(files);
  const firstItems = order.findIndex((file) => file.dataset === 'order_items');
  const lastOrders = order.findLastIndex((file) => file.dataset === 'orders');
  if (firstItems < 0 || lastOrders < 0 || firstItems > lastOrders) {
    throw new Error(`seed ${seed} puts every items file after the orders; choose another seed`);
  }
  return order;
}

export interface Pipeline {
  clients: AwsClients;
  names: ResourceNames;
  resources: BootstrapResult;
  lineage: LineageRepository;
  kpis: KpiRepository;
  env: Record<string, string>;
}

export async function createPipeline(
  stack: EmbeddedStack,
  overrides: Record<string, string> = {},
): Promise<Pipeline> {
  await Promise.all(Object.values(MAIN).map((main) => access(main))).catch(() => {
    throw new Error("the services' dist is missing: run the tests with 'pnpm test', or 'pnpm build' first");
  });
  const clients = createAwsClients(resolveAwsConnection(stack.env()));
  const prefix = uniquePrefix('t');
  const names = resourceNamesFor(prefix);
  const resources = await bootstrapResources(clients, { names });
  return {
    clients,
    names,
    resources,
    lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
    kpis: new KpiRepository({
      clients,
      categoryTableName: names.categoryKpisTable,
      orderTableName: names.orderKpisTable,
    }),
    env: {
      ...stack.env(),
      VALIDATOR_QUEUE_URL: resources.ingestQueue.url,
      VALIDATOR_TRANSFORM_QUEUE_URL: resources.transformQueue.url,
      VALIDATOR_RESOURCE_PREFIX: prefix,
      VALIDATOR_METRICS_PORT: '0',
      VALIDATOR_METRICS_HOST: '127.0.0.1',
      VALIDATOR_VISIBILITY_TIMEOUT_SECONDS: '20',
      VALIDATOR_HEARTBEAT_SECONDS: '5',
      VALIDATOR_DEFERRAL_BASE_SECONDS: '2',
      VALIDATOR_CONCURRENCY: '4',
      VALIDATOR_SHUTDOWN_GRACE_SECONDS: '2',
      VALIDATOR_ALERTS_TOPIC_ARN: resources.alertsTopicArn,
      TRANSFORMER_QUEUE_URL: resources.transformQueue.url,
      TRANSFORMER_RESOURCE_PREFIX: prefix,
      TRANSFORMER_METRICS_PORT: '0',
      TRANSFORMER_METRICS_HOST: '127.0.0.1',
      TRANSFORMER_VISIBILITY_TIMEOUT_SECONDS: '12',
      TRANSFORMER_HEARTBEAT_SECONDS: '3',
      TRANSFORMER_DATE_LEASE_SECONDS: '6',
      TRANSFORMER_HELD_DATE_RETRY_SECONDS: '1',
      TRANSFORMER_SHUTDOWN_GRACE_SECONDS: '2',
      // The quality report page is tested on its own; elsewhere it would only add reads.
      TRANSFORMER_REPORT_INTERVAL_SECONDS: '0',
      TRANSFORMER_ALERTS_TOPIC_ARN: resources.alertsTopicArn,
      ...overrides,
    },
  };
}

export interface Service {
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export function startService(kind: 'validator' | 'transformer', pipeline: Pipeline): Service {
  const child = spawn(process.execPath, [MAIN[kind]], {
    env: { PATH: process.env.PATH ?? '', ...pipeline.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    // Keep the tail only: a long run logs a lot.
    output = (output + String(chunk)).slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = (await once(child, 'exit')) as [number | null];
      return code;
    },
  };
}

export async function upload(
  pipeline: Pipeline,
  key: string,
  body: string,
): Promise<{ key: string; eTag: string }> {
  const response = await pipeline.clients.s3.send(
    new PutObjectCommand({ Bucket: pipeline.names.bucket, Key: key, Body: body }),
  );
  return { key, eTag: (response.ETag ?? '').replace(/"/g, '') };
}

/** Waits until every uploaded object version has finished (SUCCESS or FAILED). */
export async function waitForAll(
  pipeline: Pipeline,
  uploaded: readonly { key: string; eTag: string }[],
  timeoutMs = 240_000,
): Promise<LineageRecord[]> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, LineageRecord>();
  while (done.size < uploaded.length) {
    for (const { key, eTag } of uploaded) {
      if (done.has(`${key}#${eTag}`)) continue;
      const record = await pipeline.lineage.get({ sourceKey: key, objectVersion: eTag });
      if (record?.status === FileStatus.SUCCESS || record?.status === FileStatus.FAILED) {
        done.set(`${key}#${eTag}`, record);
      }
    }
    if (done.size < uploaded.length) {
      if (Date.now() > deadline)
        throw new Error(`${uploaded.length - done.size} files did not finish in time`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return [...done.values()];
}

/** Stored KPIs without their provenance, in the expected computation's order. */
export async function storedKpis(pipeline: Pipeline) {
  const daily = (await pipeline.kpis.listOrderKpis({})).map(({ provenance: _provenance, ...row }) => row);
  const categories = (await pipeline.kpis.listCategoryKpis({})).map(
    ({ provenance: _provenance, ...row }) => row,
  );
  return {
    daily: daily.sort((a, b) => a.order_date.localeCompare(b.order_date)),
    categories: categories.sort(
      (a, b) =>
        a.order_date.localeCompare(b.order_date) ||
        (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
    ),
  };
}

export async function keysUnder(pipeline: Pipeline, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await pipeline.clients.s3.send(
      new ListObjectsV2Command({ Bucket: pipeline.names.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).flatMap((entry) => (entry.Key === undefined ? [] : [entry.Key])));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `run` with that many validator and transformer processes, and stops them after. */
export async function withServices(
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

/** Uploads the files one after the other, in the order given. */
export async function uploadAll(pipeline: Pipeline, ordered: readonly SampleFile[]) {
  const uploaded = [];
  for (const file of ordered) uploaded.push(await upload(pipeline, file.key, file.text));
  return uploaded;
}

/** raw/ is empty, nothing is under failed/, and every one of `files` has its copy under processed/. */
export async function expectEveryRawObjectProcessed(
  pipeline: Pipeline,
  files: readonly SampleFile[],
): Promise<void> {
  expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
  expect(await keysUnder(pipeline, 'failed/')).toEqual([]);
  // processed/<dataset>/YYYY/MM/DD/<name> for raw/<dataset>/<name>; the day is the upload's
  const archived = (await keysUnder(pipeline, 'processed/')).map((key) =>
    key.replace(/^processed\/([^/]+)\/\d{4}\/\d{2}\/\d{2}\//, 'raw/$1/'),
  );
  expect([...new Set(archived)].sort()).toEqual(files.map((file) => file.key).sort());
}

/** Messages in the queue in any state (visible, in flight, delayed). */
export async function queueDepth(pipeline: Pipeline, queueUrl: string): Promise<number> {
  const response = await pipeline.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  const attributes: Record<string, string> = response.Attributes ?? {};
  return [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateNumberOfMessagesDelayed',
  ].reduce((sum, name) => sum + Number(attributes[name] ?? '0'), 0);
}

export async function untilQueueEmpty(
  pipeline: Pipeline,
  queueUrl: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await queueDepth(pipeline, queueUrl)) > 0) {
    if (Date.now() > deadline) throw new Error(`${queueUrl} still holds messages after ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** Every row of the silver JSON Lines parts under `prefix` (e.g. `silver/orders/`). */
export async function silverRows(pipeline: Pipeline, prefix: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of await keysUnder(pipeline, prefix)) {
    const response = await pipeline.clients.s3.send(
      new GetObjectCommand({ Bucket: pipeline.names.bucket, Key: key }),
    );
    const text = (await response.Body?.transformToString()) ?? '';
    for (const line of text.split('\n')) if (line !== '') rows.push(JSON.parse(line));
  }
  return rows;
}
