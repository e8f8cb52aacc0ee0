#!/usr/bin/env node
import { hostname } from 'node:os';
import { createAwsClients, QueueDepthReader, resolveAwsConnection, SqsPoller } from '@storeflow/aws';
import { createLogger, createMetricsRegistry, serveQueueWorker } from '@storeflow/runtime';
import { loadValidatorConfig } from './config.js';
import { createValidator } from './createValidator.js';
import { createValidatorMetrics, registerValidatorQueueDepth } from './metrics.js';

const VERSION = '0.1.0';

// The composition root: the only module that reads process.env or handles signals.
const bootLog = createLogger({ service: 'validator', version: VERSION });
let config: ReturnType<typeof loadValidatorConfig>;
let connection: ReturnType<typeof resolveAwsConnection>;
try {
  config = loadValidatorConfig({
    ...process.env,
    VALIDATOR_WORKER_ID: process.env.VALIDATOR_WORKER_ID ?? `validator-${hostname()}-${process.pid}`,
  });
  connection = resolveAwsConnection(process.env);
} catch (error) {
  bootLog.fatal({ err: error }, 'invalid configuration; nothing was consumed');
  process.exit(1);
}

const log = createLogger({ service: 'validator', version: VERSION, level: config.logLevel });
const clients = createAwsClients(connection);
const registry = createMetricsRegistry({ service: 'validator', prefix: 'storeflow_' });
const metrics = createValidatorMetrics(registry);
const queueDepths = new QueueDepthReader({ clients, queueUrl: config.queueUrl });
registerValidatorQueueDepth(registry, {
  read: () => queueDepths.read(),
  log: log.child({ component: 'queue-depth' }),
});
const handle = createValidator({ clients, config, metrics, now: Date.now });
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
  service: 'validator',
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
