#!/usr/bin/env node
import { hostname } from 'node:os';
import {
  createAwsClients,
  DateRecomputeCoordinator,
  KpiRepository,
  LineageRepository,
  QueueDepthReader,
  resolveAwsConnection,
  resourceNamesFor,
  SourceVersionStore,
  SqsPoller,
} from '@storeflow/aws';
import { createLogger, createMetricsRegistry, serveQueueWorker } from '@storeflow/runtime';
import { loadTransformerConfig } from './config.js';
import { DateRecomputes } from './dateRecomputes.js';
import { createTransformerMetrics, registerTransformerQueueDepth } from './metrics.js';
import { recomputeDate } from './recomputeDate.js';
import { createTransformHandler } from './transformFile.js';

const VERSION = '0.1.0';

// The composition root: the only module that reads process.env or handles signals.
const bootLog = createLogger({ service: 'transformer', version: VERSION });
let config: ReturnType<typeof loadTransformerConfig>;
let connection: ReturnType<typeof resolveAwsConnection>;
try {
  config = loadTransformerConfig({
    ...process.env,
    TRANSFORMER_WORKER_ID: process.env.TRANSFORMER_WORKER_ID ?? `transformer-${hostname()}-${process.pid}`,
  });
  connection = resolveAwsConnection(process.env);
} catch (error) {
  bootLog.fatal({ err: error }, 'invalid configuration; nothing was consumed');
  process.exit(1);
}

const log = createLogger({ service: 'transformer', version: VERSION, level: config.logLevel });
const clients = createAwsClients(connection);
const names = resourceNamesFor(config.resourcePrefix);
const registry = createMetricsRegistry({ service: 'transformer', prefix: 'storeflow_' });
const metrics = createTransformerMetrics(registry);
const queueDepths = new QueueDepthReader({ clients, queueUrl: config.queueUrl });
registerTransformerQueueDepth(registry, {
  read: () => queueDepths.read(),
  log: log.child({ component: 'queue-depth' }),
});
const coordinator = new DateRecomputeCoordinator({ clients, tableName: names.kpiDatesTable });
const recomputeDependencies = {
  clients,
  sourceVersions: new SourceVersionStore({ clients, table: names.referenceTable }),
  kpis: new KpiRepository({
    clients,
    categoryTableName: names.categoryKpisTable,
    orderTableName: names.orderKpisTable,
  }),
  metrics,
  readConcurrency: config.readConcurrency,
  workerId: config.workerId,
  now: Date.now,
};
const handle = createTransformHandler({
  clients,
  config,
  lineage: new LineageRepository({ clients, tableName: names.processedFilesTable }),
  coordinator,
  dates: new DateRecomputes({
    coordinator,
    metrics,
    workerId: config.workerId,
    leaseMs: config.dateLeaseSeconds * 1000,
    recompute: (bucket, orderDate, fence) =>
      recomputeDate({ ...recomputeDependencies, bucket }, orderDate, fence),
  }),
  metrics,
  now: Date.now,
});
const poller = new SqsPoller({
  clients,
  queueUrl: config.queueUrl,
  handle,
  log: log.child({ component: 'sqs-poller' }),
  concurrency: config.concurrency,
  visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
  heartbeatIntervalSeconds: config.heartbeatSeconds,
  onInFlightChange: (inFlight) => metrics.messagesInFlight.set(inFlight),
});
await serveQueueWorker({
  service: 'transformer',
  log,
  registry,
  worker: poller,
  metricsPort: config.metricsPort,
  metricsHost: config.metricsHost,
  shutdownGraceSeconds: config.shutdownGraceSeconds,
  release: () => clients.destroy(),
  startedFields: {
    queueUrl: config.queueUrl,
    concurrency: config.concurrency,
    workerId: config.workerId,
  },
});
