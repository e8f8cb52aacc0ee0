import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  type AwsClients,
  type BootstrapResult,
  bootstrapResources,
  createAwsClients,
  LineageRepository,
  type MessageHandler,
  type PollerLogger,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
  SqsPoller,
} from '@storeflow/aws';
import { FileStatus, type LineageRecord } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { createLogger, createMetricsRegistry } from '@storeflow/runtime';
import { loadValidatorConfig, type ValidatorConfig } from '../src/config.js';
import { createValidator } from '../src/createValidator.js';
import { createValidatorMetrics } from '../src/metrics.js';

const silent = createLogger({
  service: 'validator-test',
  version: '0',
  level: 'warn',
  destination: new Writable({ write: (_chunk, _encoding, callback) => callback() }),
});

export interface Pipeline {
  stack: EmbeddedStack;
  clients: AwsClients;
  names: ResourceNames;
  resources: BootstrapResult;
  lineage: LineageRepository;
  /** Environment for a validator process against this pipeline. */
  env(overrides?: Record<string, string>): Record<string, string>;
}

/**
 * Bootstraps a fresh, uniquely named set of resources on the stack; `maxReceiveCount` sets the
 * ingest and transform queues' redrive count (default 5, as deployed).
 */
export async function createPipeline(
  stack: EmbeddedStack,
  options: { maxReceiveCount?: number } = {},
): Promise<Pipeline> {
  const clients = createAwsClients(resolveAwsConnection(stack.env()));
  const names = resourceNamesFor(`v-${randomUUID().slice(0, 8)}`);
  const resources = await bootstrapResources(clients, {
    names,
    ...(options.maxReceiveCount === undefined ? {} : { maxReceiveCount: options.maxReceiveCount }),
  });
  return {
    stack,
    clients,
    names,
    resources,
    lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
    env: (overrides = {}) => ({
      ...stack.env(),
      VALIDATOR_QUEUE_URL: resources.ingestQueue.url,
      VALIDATOR_TRANSFORM_QUEUE_URL: resources.transformQueue.url,
      VALIDATOR_RESOURCE_PREFIX: names.ingestQueue.replace(/-ingest$/, ''),
      VALIDATOR_METRICS_PORT: '0',
      VALIDATOR_METRICS_HOST: '127.0.0.1',
      VALIDATOR_HEARTBEAT_SECONDS: '5',
      VALIDATOR_VISIBILITY_TIMEOUT_SECONDS: '30',
      VALIDATOR_ALERTS_TOPIC_ARN: resources.alertsTopicArn,
      // The validator knows its queue's redrive count, as deployed.
      ...(options.maxReceiveCount === undefined
        ? {}
        : { VALIDATOR_MAX_RECEIVE_COUNT: String(options.maxReceiveCount) }),
      ...overrides,
    }),
  };
}

/**
 * Runs the validator in this process, as main.ts wires it, until `stop()`; it resolves once the
 * contracts are compiled and the poller started, and rejects, having read no message, when they
 * cannot be. With `configureClients` the validator gets SDK clients of its own, which the callback
 * may add middleware to (see {@link injectS3Faults}); otherwise it shares the pipeline's. `log`
 * receives the validator's logs (default: none).
 */
export async function startValidator(
  pipeline: Pipeline,
  overrides: Record<string, string> = {},
  options: { configureClients?: (clients: AwsClients) => void; log?: PollerLogger } = {},
): Promise<{
  stop: () => Promise<void>;
  config: Readonly<ValidatorConfig>;
  metrics: ReturnType<typeof createValidatorMetrics>;
}> {
  const config = loadValidatorConfig({
    ...pipeline.env(overrides),
    VALIDATOR_WORKER_ID: `test-${randomUUID()}`,
  });
  const ownClients =
    options.configureClients === undefined
      ? undefined
      : createAwsClients(resolveAwsConnection(pipeline.stack.env()));
  if (ownClients !== undefined) options.configureClients?.(ownClients);
  const clients = ownClients ?? pipeline.clients;
  const metrics = createValidatorMetrics(
    createMetricsRegistry({ service: 'validator', prefix: 'storeflow_' }),
  );
  const stopping = new AbortController();
  const log = options.log ?? silent;
  let handle: MessageHandler;
  try {
    handle = await createValidator({ clients, config, metrics, log, now: Date.now, signal: stopping.signal });
  } catch (error) {
    ownClients?.destroy();
    throw error;
  }
  const poller = new SqsPoller({
    clients,
    queueUrl: config.queueUrl,
    handle,
    log: silent,
    concurrency: config.concurrency,
    visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
    heartbeatIntervalSeconds: config.heartbeatSeconds,
    waitTimeSeconds: 1,
  });
  poller.start();
  return {
    config,
    metrics,
    stop: async () => {
      stopping.abort();
      await poller.stop({ graceMs: 10_000 });
      ownClients?.destroy();
    },
  };
}

/** One embedded stack for a test file, and pipelines with a validator on it. */
export interface ValidatorSuite {
  /** The file's stack, there from its `beforeAll` to its `afterAll`. */
  readonly stack: EmbeddedStack;
  /**
   * Runs `run` against a fresh pipeline on the stack with a validator started in this process
   * (see {@link startValidator}), and stops both afterwards, whether `run` passed or failed. A
   * function of its own, so a test file can take it out of the suite.
   */
  readonly withPipeline: (
    overrides: Record<string, string>,
    run: (pipeline: Pipeline) => Promise<void>,
    options?: {
      maxReceiveCount?: number;
      configureClients?: (clients: AwsClients) => void;
      log?: PollerLogger;
    },
  ) => Promise<void>;
}

/**
 * For the test file that calls it: one embedded stack, started before the first test and stopped
 * after the last, and {@link ValidatorSuite.withPipeline} on it.
 */
export function validatorOnEmbeddedStack(): ValidatorSuite {
  let started: EmbeddedStack | undefined;
  beforeAll(async () => {
    started = await startEmbeddedStack();
  }, 60_000);
  afterAll(async () => {
    await started?.stop();
  });
  const suite: ValidatorSuite = {
    get stack() {
      if (started === undefined)
        throw new Error('the embedded stack starts in beforeAll: use it inside a test');
      return started;
    },
    withPipeline: async (overrides, run, options = {}) => {
      const pipeline = await createPipeline(suite.stack, options);
      let validator: Awaited<ReturnType<typeof startValidator>>;
      try {
        validator = await startValidator(pipeline, overrides, options);
      } catch (error) {
        pipeline.clients.destroy();
        throw error;
      }
      try {
        await run(pipeline);
      } finally {
        await validator.stop();
        pipeline.clients.destroy();
      }
    },
  };
  return suite;
}

/** Counts of an injected fault; `failed` is how many calls it has failed so far. */
export interface InjectedFault {
  readonly failed: number;
}

/**
 * Makes calls of one S3 command fail with a 503 SlowDown, as S3 answers when throttling: the
 * first `pass` calls go through, the next `fail` calls fail (all later ones with `Infinity`), the
 * rest go through again. It runs in the `initialize` step, above the SDK's own retries, so each
 * injected failure is one the SDK has already given up on and the validator sees. This is the one
 * fault the emulators cannot be made to produce.
 */
export function injectS3Faults(
  s3: S3Client,
  { command, pass = 0, fail }: { command: string; pass?: number; fail: number },
): InjectedFault {
  let calls = 0;
  const fault = { failed: 0 };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command) {
        calls += 1;
        if (calls > pass && calls <= pass + fail) {
          fault.failed += 1;
          throw new S3ServiceException({
            name: 'SlowDown',
            $fault: 'server',
            $metadata: { httpStatusCode: 503 },
            message: 'Please reduce your request rate. (injected by the test)',
          });
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectS3Faults' },
  );
  return fault;
}

/** Uploads `body` to `key` and returns the object's ETag (without quotes). */
export async function upload(pipeline: Pipeline, key: string, body: string | Uint8Array): Promise<string> {
  const response = await pipeline.clients.s3.send(
    new PutObjectCommand({
      Bucket: pipeline.names.bucket,
      Key: key,
      Body: body,
      // Stated, so an empty body is not taken for a stream of unknown length (the SDK warns).
      ContentLength: typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    }),
  );
  return (response.ETag ?? '').replace(/"/g, '');
}

const FINAL_VALIDATION = new Set<string>([FileStatus.VALIDATED, FileStatus.FAILED]);

/** Waits until the lineage of an object version reaches one of `statuses` (default: validated or failed). */
export async function waitForStatus(
  pipeline: Pipeline,
  sourceKey: string,
  objectVersion: string,
  {
    statuses = FINAL_VALIDATION,
    timeoutMs = 60_000,
  }: { statuses?: ReadonlySet<string>; timeoutMs?: number } = {},
): Promise<LineageRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await pipeline.lineage.get({ sourceKey, objectVersion });
    if (record !== undefined && statuses.has(record.status)) return record;
    if (Date.now() > deadline) {
      throw new Error(
        `${sourceKey} did not reach ${[...statuses].join('/')} in time; last: ${record?.status ?? 'none'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function listKeys(pipeline: Pipeline, prefix: string): Promise<string[]> {
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

export async function readText(pipeline: Pipeline, key: string): Promise<string> {
  const response = await pipeline.clients.s3.send(
    new GetObjectCommand({ Bucket: pipeline.names.bucket, Key: key }),
  );
  return (await response.Body?.transformToString('utf-8')) ?? '';
}

/** Every JSON line under a prefix. */
export async function readJsonLines(pipeline: Pipeline, prefix: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const key of await listKeys(pipeline, prefix)) {
    for (const line of (await readText(pipeline, key)).split('\n'))
      if (line !== '') rows.push(JSON.parse(line));
  }
  return rows;
}

/**
 * The messages in the ingest DLQ now (received with a long visibility, so each is seen once), as
 * their bodies.
 */
export async function ingestDeadLetters(pipeline: Pipeline): Promise<string[]> {
  const { Messages = [] } = await pipeline.clients.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: pipeline.resources.ingestDeadLetterQueue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      VisibilityTimeout: 600,
    }),
  );
  return Messages.map((message) => message.Body ?? '');
}

/** Drains the transform queue and returns the message bodies, parsed. */
export async function drainTransformQueue(pipeline: Pipeline): Promise<Record<string, unknown>[]> {
  const bodies: Record<string, unknown>[] = [];
  for (;;) {
    const { Messages = [] } = await pipeline.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pipeline.resources.transformQueue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: 600,
      }),
    );
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}')));
  }
}

/** The validator's entry point as its container runs it. */
const MAIN = path.resolve(import.meta.dirname, '../dist/main.js');

/** Fails, saying what to do, when the validator has not been built: process tests run it from dist. */
export async function assertValidatorBuilt(): Promise<void> {
  await access(MAIN).catch(() => {
    throw new Error(`${MAIN} is missing: run the tests with 'pnpm test', or 'pnpm build' first`);
  });
}

/** A validator process, with what it has written to stdout and stderr so far. */
export interface ValidatorProcess {
  readonly child: ChildProcess;
  output(): string;
}

/** Starts the built validator as a process of its own, with `env` (and PATH) as its whole environment. */
export function spawnValidator(env: Record<string, string>): ValidatorProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  return { child, output: () => output };
}

/** The exit code of a process, once it has exited. */
export async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** A process's output as its JSON log lines; a line that is not JSON (a stack trace) fails the parse. */
export function logLines(output: string): Record<string, unknown>[] {
  return output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
