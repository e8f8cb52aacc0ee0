import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { type AwsRequestTotals, registerAwsRequestMetrics } from './awsRequestMetrics.js';
import type { ConfigEnvNames, ConfigLoader } from './loadConfig.js';
import { createLogger, type Logger } from './logger.js';
import { longPollWaitSeconds } from './longPollWaitSeconds.js';
import { createMetricsRegistry } from './metrics.js';
import type { QueueDepthMetricsOptions, QueueDepthSamples } from './queueDepthMetrics.js';
import { type QueueWorker, serveQueueWorker } from './serveQueueWorker.js';
import type { WorkerSettings } from './workerSettings.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** The AWS clients a queue service runs on, as far as the runtime uses them. */
export interface QueueServiceClients {
  destroy(): void;
  /** The clients' request counter, read at each scrape. */
  requests: { tallies(): readonly AwsRequestTotals[] };
}

/** What a service's handler is built from. */
export interface QueueServiceContext<Config, Clients, Metrics> {
  clients: Clients;
  config: Readonly<Config>;
  metrics: Metrics;
  /** The root logger, at the configured level. */
  log: Logger;
  now: () => number;
  /**
   * Aborted when the service shuts down, once its worker stopped: what the handler started beside
   * its messages (a timer re-reading its configuration) stops with it.
   */
  signal: AbortSignal;
}

/** The poller options this function fills in; the aws package's `SqsPollerOptions` accepts them. */
export interface QueuePollerOptions<Clients, Handler> {
  clients: Clients;
  queueUrl: string;
  handle: Handler;
  log: Logger;
  concurrency: number;
  visibilityTimeoutSeconds: number;
  heartbeatIntervalSeconds: number;
  /** Long-poll wait, below the shutdown grace (see {@link longPollWaitSeconds}). */
  waitTimeSeconds: number;
  onInFlightChange: (inFlight: number) => void;
  outageBudgetSeconds: number;
  onOutageRetry: () => void;
}

/**
 * The AWS adapters a queue service runs on: `resolveAwsConnection`, `createAwsClients`,
 * `SqsPoller` and `QueueDepthReader` from `@storeflow/aws`. main.ts passes them in: the runtime
 * does not depend on the aws package, nor the aws package on the runtime (it stays free of pino
 * and prom-client), so only a service imports both; like {@link QueueWorker}, these are shapes the
 * aws classes fit, not imports.
 */
export interface QueueServiceAdapters<Connection, Clients extends QueueServiceClients, Handler> {
  resolveAwsConnection(env: Environment): Connection;
  createAwsClients(connection: Connection): Clients;
  SqsPoller: new (options: QueuePollerOptions<Clients, Handler>) => QueueWorker;
  QueueDepthReader: new (options: {
    clients: Clients;
    queueUrl: string;
  }) => { read(): Promise<QueueDepthSamples> };
}

/** The series every queue service has, which this function feeds from the poller. */
export interface ServiceMetrics {
  messagesInFlight: { set(inFlight: number): void };
  /** Handler runs repeated in place through a dependency outage. */
  outageRetries: { inc(): void };
}

export interface QueueServiceOptions<
  Config extends WorkerSettings,
  Connection,
  Clients extends QueueServiceClients,
  Metrics extends ServiceMetrics,
  Handler,
> {
  /** The service's name, in its logs and the `service` label of its metrics. */
  service: string;
  version: string;
  /** The process's environment; read here once, never by the components. */
  env: Environment;
  config: { load: ConfigLoader<Config>; envNames: ConfigEnvNames<WorkerSettings> };
  aws: QueueServiceAdapters<Connection, Clients, Handler>;
  metrics: {
    /** The service's own series, registered on the process registry. */
    create(registry: Registry): Metrics;
    /** The consumed queue's depth gauge, under the service's prefix. */
    registerQueueDepth(registry: Registry, options: Pick<QueueDepthMetricsOptions, 'read' | 'log'>): unknown;
  };
  /**
   * Builds the message handler the poller runs; everything it needs arrives in `context`. It may
   * return a promise (a handler that reads its rules from S3 first): the poller starts once it
   * resolves, and a failure stops the service before any message is read.
   */
  createHandler(context: QueueServiceContext<Config, Clients, Metrics>): Handler | Promise<Handler>;
}

/**
 * Runs a queue-consuming service, the same way for every service: its configuration and AWS
 * connection are read first, and a problem with either is one fatal log line, `invalid
 * configuration; nothing was consumed`, and exit 1 before anything starts. Then the logger at the
 * configured level, the AWS clients, the metrics registry with the service's series and queue
 * depth, and the handler, awaited when `createHandler` returns a promise: a handler that cannot
 * be built (invalid data contracts, contracts S3 cannot give) is one fatal log line, `handler not
 * built; nothing was consumed`, with the error, and exit 1, still before any message is read.
 * Then the poller, and {@link serveQueueWorker}'s `/metrics`, health and shutdown.
 *
 * Without a `<PREFIX>WORKER_ID`, the worker id is `<service>-<host>-<pid>`, unique per task.
 *
 * @example
 * await runQueueService({ service: 'transformer', version: '1.0.0', env: process.env,
 *   config: { load: loadTransformerConfig, envNames: TRANSFORMER_ENV },
 *   aws: { resolveAwsConnection, createAwsClients, SqsPoller, QueueDepthReader },
 *   metrics: { create: createTransformerMetrics, registerQueueDepth: registerTransformerQueueDepth },
 *   createHandler: createTransformer });
 */
export async function runQueueService<
  Config extends WorkerSettings,
  Connection,
  Clients extends QueueServiceClients,
  Metrics extends ServiceMetrics,
  Handler,
>(options: QueueServiceOptions<Config, Connection, Clients, Metrics, Handler>): Promise<void> {
  const { service, version, env, aws } = options;
  const workerIdVariable = options.config.envNames.workerId;
  let config: Readonly<Config>;
  let connection: Connection;
  try {
    config = options.config.load({
      ...env,
      [workerIdVariable]: env[workerIdVariable] ?? `${service}-${hostname()}-${process.pid}`,
    });
    connection = aws.resolveAwsConnection(env);
  } catch (error) {
    createLogger({ service, version }).fatal({ err: error }, 'invalid configuration; nothing was consumed');
    process.exit(1);
  }

  const log = createLogger({ service, version, level: config.logLevel });
  const clients = aws.createAwsClients(connection);
  const registry = createMetricsRegistry({ service, prefix: 'storeflow_' });
  const metrics = options.metrics.create(registry);
  registerAwsRequestMetrics(registry, () => clients.requests.tallies());
  const queueDepths = new aws.QueueDepthReader({ clients, queueUrl: config.queueUrl });
  options.metrics.registerQueueDepth(registry, {
    read: () => queueDepths.read(),
    log: log.child({ component: 'queue-depth' }),
  });
  const stopping = new AbortController();
  let handle: Handler;
  try {
    handle = await options.createHandler({
      clients,
      config,
      metrics,
      log,
      now: Date.now,
      signal: stopping.signal,
    });
  } catch (error) {
    log.fatal({ err: error }, 'handler not built; nothing was consumed');
    stopping.abort();
    clients.destroy();
    process.exit(1);
  }
  const poller = new aws.SqsPoller({
    clients,
    queueUrl: config.queueUrl,
    handle,
    log: log.child({ component: 'sqs-poller' }),
    concurrency: config.concurrency,
    visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
    heartbeatIntervalSeconds: config.heartbeatSeconds,
    waitTimeSeconds: longPollWaitSeconds(config.shutdownGraceSeconds),
    onInFlightChange: (inFlight) => metrics.messagesInFlight.set(inFlight),
    outageBudgetSeconds: config.outageBudgetSeconds,
    onOutageRetry: () => metrics.outageRetries.inc(),
  });
  await serveQueueWorker({
    service,
    log,
    registry,
    worker: poller,
    metricsPort: config.metricsPort,
    metricsHost: config.metricsHost,
    shutdownGraceSeconds: config.shutdownGraceSeconds,
    healthStallSeconds: config.healthStallSeconds,
    release: () => {
      stopping.abort();
      clients.destroy();
    },
    startedFields: { queueUrl: config.queueUrl, concurrency: config.concurrency, workerId: config.workerId },
  });
}
