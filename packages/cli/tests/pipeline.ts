import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { access } from 'node:fs/promises';
import path from 'node:path';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  LineageRepository,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import type { FileStatus, LineageRecord } from '@storeflow/core';
import type { EmbeddedStack } from '@storeflow/local-stack';

const REPOSITORY = path.resolve(import.meta.dirname, '../../..');
const SERVICE_MAIN = {
  validator: path.join(REPOSITORY, 'services/validator/dist/main.js'),
  transformer: path.join(REPOSITORY, 'services/transformer/dist/main.js'),
};

/** A freshly bootstrapped, uniquely prefixed pipeline on the embedded stack. */
export interface TestPipeline {
  prefix: string;
  names: ResourceNames;
  clients: AwsClients;
  lineage: LineageRepository;
  /** The stack's variables: what an operator's shell has after loading stack.env. */
  env: Record<string, string>;
  queues: { ingest: string; transform: string };
  /** The alerts topic both services publish to. */
  alertsTopicArn: string;
  /** Service processes started by {@link startServices}. */
  services: ChildProcess[];
  /** Stops the services started with {@link startServices} and closes the clients. */
  close(): Promise<void>;
}

export async function createTestPipeline(stack: EmbeddedStack): Promise<TestPipeline> {
  const prefix = `cli-${randomUUID().slice(0, 8)}`;
  const names = resourceNamesFor(prefix);
  const clients = createAwsClients(resolveAwsConnection(stack.env()));
  const resources = await bootstrapResources(clients, { names });
  const services: ChildProcess[] = [];
  return {
    prefix,
    names,
    clients,
    lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
    env: { ...stack.env() },
    queues: { ingest: resources.ingestQueue.url, transform: resources.transformQueue.url },
    alertsTopicArn: resources.alertsTopicArn,
    services,
    async close() {
      await Promise.all(
        services.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          await once(child, 'exit');
        }),
      );
      clients.destroy();
    },
  };
}

/**
 * Starts the built validator (and transformer) as child processes against the pipeline, with
 * short leases so a test never waits long; `validatorEnv` overrides the validator's settings.
 */
export async function startServices(
  pipeline: TestPipeline,
  kinds: readonly ('validator' | 'transformer')[],
  validatorEnv: Record<string, string> = {},
): Promise<void> {
  await Promise.all(kinds.map((kind) => access(SERVICE_MAIN[kind]))).catch(() => {
    throw new Error("the services' dist is missing: run the tests with 'pnpm test', or 'pnpm build' first");
  });
  const env = {
    PATH: process.env.PATH ?? '',
    ...pipeline.env,
    VALIDATOR_QUEUE_URL: pipeline.queues.ingest,
    VALIDATOR_TRANSFORM_QUEUE_URL: pipeline.queues.transform,
    VALIDATOR_RESOURCE_PREFIX: pipeline.prefix,
    VALIDATOR_METRICS_PORT: '0',
    VALIDATOR_METRICS_HOST: '127.0.0.1',
    VALIDATOR_VISIBILITY_TIMEOUT_SECONDS: '20',
    VALIDATOR_HEARTBEAT_SECONDS: '5',
    VALIDATOR_SHUTDOWN_GRACE_SECONDS: '2',
    VALIDATOR_LOG_LEVEL: 'warn',
    VALIDATOR_ALERTS_TOPIC_ARN: pipeline.alertsTopicArn,
    TRANSFORMER_QUEUE_URL: pipeline.queues.transform,
    TRANSFORMER_RESOURCE_PREFIX: pipeline.prefix,
    TRANSFORMER_METRICS_PORT: '0',
    TRANSFORMER_METRICS_HOST: '127.0.0.1',
    TRANSFORMER_VISIBILITY_TIMEOUT_SECONDS: '12',
    TRANSFORMER_HEARTBEAT_SECONDS: '3',
    TRANSFORMER_DATE_LEASE_SECONDS: '6',
    TRANSFORMER_HELD_DATE_RETRY_SECONDS: '1',
    TRANSFORMER_SHUTDOWN_GRACE_SECONDS: '2',
    TRANSFORMER_REPORT_INTERVAL_SECONDS: '0',
    TRANSFORMER_LOG_LEVEL: 'warn',
    TRANSFORMER_ALERTS_TOPIC_ARN: pipeline.alertsTopicArn,
    ...validatorEnv,
  };
  for (const kind of kinds) {
    const child = spawn(process.execPath, [SERVICE_MAIN[kind]], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    pipeline.services.push(child);
  }
}

/** Polls lineage until the version reaches one of `statuses`; fails with what it saw instead. */
export async function waitForStatus(
  lineage: LineageRepository,
  key: { sourceKey: string; objectVersion: string },
  statuses: readonly FileStatus[],
  timeoutMs = 40_000,
): Promise<LineageRecord> {
  const deadline = Date.now() + timeoutMs;
  let record: LineageRecord | undefined;
  for (;;) {
    record = await lineage.get(key);
    if (record !== undefined && statuses.includes(record.status)) return record;
    if (Date.now() > deadline) {
      throw new Error(
        `${key.sourceKey} (${key.objectVersion}) is ${record?.status ?? 'not recorded'}, not ${statuses.join(' or ')}, after ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
