import {
  createAlertsPublishedCounter,
  type QueueDepthMetrics,
  type QueueDepthMetricsOptions,
  registerQueueDepthMetrics,
} from '@storeflow/runtime';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The validator's own series, under `storeflow_validator_` but for those shared with the transformer; base units, bounded labels. */
export function createValidatorMetrics(registry: Registry) {
  const registers = [registry];
  return {
    filesProcessed: new Counter({
      name: 'storeflow_validator_files_processed_total',
      help: 'Source objects finished, by outcome (accepted, rejected, deferred, duplicate, superseded)',
      labelNames: ['outcome', 'dataset'] as const,
      registers,
    }),
    rowsProcessed: new Counter({
      name: 'storeflow_validator_rows_processed_total',
      help: 'Rows read, by outcome (accepted, rejected)',
      labelNames: ['outcome', 'dataset'] as const,
      registers,
    }),
    ruleFailures: new Counter({
      name: 'storeflow_validator_rule_failures_total',
      help: 'Row and file problems, by code (see docs/error-codes.md)',
      labelNames: ['code'] as const,
      registers,
    }),
    messagesIgnored: new Counter({
      name: 'storeflow_validator_messages_ignored_total',
      help: 'Messages or objects acknowledged without work, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    deferrals: new Counter({
      name: 'storeflow_validator_deferrals_total',
      help: 'order_items files deferred because products or orders they reference are not known yet',
      registers,
    }),
    deferralWakeUps: new Counter({
      name: 'storeflow_validator_deferral_wakeups_total',
      help: 'Deferred files re-queued at once because a products or orders file was committed',
      registers,
    }),
    deferralWakeUpFailures: new Counter({
      name: 'storeflow_validator_deferral_wakeup_failures_total',
      help: 'Commits whose wake-up of deferred files failed; those files retry after their deferral delay',
      registers,
    }),
    bytesRead: new Counter({
      name: 'storeflow_validator_bytes_read_total',
      help: 'Bytes read from source objects, after decompression',
      registers,
    }),
    fileDuration: new Histogram({
      name: 'storeflow_validator_file_duration_seconds',
      help: 'Time to validate one source object, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers,
    }),
    chunkDuration: new Histogram({
      name: 'storeflow_validator_chunk_duration_seconds',
      help: 'Time to validate and write one chunk of rows (VALIDATOR_CHUNK_ROWS), from the end of the one before',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers,
    }),
    contractRefreshes: new Counter({
      name: 'storeflow_validator_contract_refreshes_total',
      help: 'Changed data contracts read by a refresh (VALIDATOR_CONTRACTS_REFRESH_SECONDS), by outcome (applied; invalid or unreadable: the contracts in use stay)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    outageRetries: new Counter({
      name: 'storeflow_validator_outage_retries_total',
      help: 'Ingest messages run again in place because S3, SQS or DynamoDB was out (throttling, 5xx, timeouts, unreachable)',
      registers,
    }),
    // Named without the service prefix: the transformer counts the date scope in the same series.
    anomalies: new Counter({
      name: 'storeflow_anomalies_total',
      help: "New anomalies found, by scope (file: a file profile judged against its dataset's recent files)",
      labelNames: ['scope'] as const,
      registers,
    }),
    /** `storeflow_alerts_published_total{kind, outcome}`, shared by both services. */
    alertsPublished: createAlertsPublishedCounter(registry),
    messagesInFlight: new Gauge({
      name: 'storeflow_validator_messages_in_flight',
      help: 'Ingest messages being handled now',
      registers,
    }),
  };
}

export type ValidatorMetrics = ReturnType<typeof createValidatorMetrics>;

/**
 * `storeflow_validator_queue_messages{queue,state}`, the depth of the ingest queue and of its DLQ
 * read from SQS at each scrape, and `storeflow_validator_queue_depth_read_failures_total`.
 */
export function registerValidatorQueueDepth(
  registry: Registry,
  options: Pick<QueueDepthMetricsOptions, 'read' | 'log'>,
): QueueDepthMetrics {
  return registerQueueDepthMetrics(registry, {
    ...options,
    prefix: 'storeflow_validator_',
    queueRole: 'ingest',
  });
}
