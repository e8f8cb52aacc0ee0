import {
  createAlertsPublishedCounter,
  type QueueDepthMetrics,
  type QueueDepthMetricsOptions,
  registerQueueDepthMetrics,
} from '@storeflow/runtime';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The transformer's own series, under `storeflow_transformer_` but for `storeflow_anomalies_total`,
 * which both services count; base units, bounded labels.
 */
export function createTransformerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    filesProcessed: new Counter({
      name: 'storeflow_transformer_files_processed_total',
      help: 'Transform attempts finished, by outcome (success, duplicate, pending, retry, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    recomputations: new Counter({
      name: 'storeflow_transformer_kpi_recomputations_total',
      help: 'Order-date recomputes, by outcome (computed, up_to_date, held, lease_lost, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    rowsAggregated: new Counter({
      name: 'storeflow_transformer_rows_aggregated_total',
      help: 'Silver rows read into recomputes, by dataset',
      labelNames: ['dataset'] as const,
      registers,
    }),
    dynamodbWrites: new Counter({
      name: 'storeflow_transformer_dynamodb_writes_total',
      help: 'KPI rows written or deleted, by operation',
      labelNames: ['operation'] as const,
      registers,
    }),
    dateLeaseWaits: new Counter({
      name: 'storeflow_transformer_date_lease_waits_total',
      help: 'Times a date was being recomputed by another task and the message was requeued',
      registers,
    }),
    judgements: new Counter({
      name: 'storeflow_transformer_anomaly_judgements_total',
      help: 'Runs of the date anomaly judge, by outcome (judged, held, lease_lost, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    // Shared with the validator's file scope (one name, told apart by scope), for one alert rule.
    anomaliesFound: new Counter({
      name: 'storeflow_anomalies_total',
      help: 'Anomalies found that the stored verdicts did not have yet, by scope (date here)',
      labelNames: ['scope'] as const,
      registers,
    }),
    messagesIgnored: new Counter({
      name: 'storeflow_transformer_messages_ignored_total',
      help: 'Messages acknowledged without work, by reason',
      labelNames: ['reason'] as const,
      registers,
    }),
    recomputeDuration: new Histogram({
      name: 'storeflow_transformer_kpi_recompute_duration_seconds',
      help: 'Time to recompute and write the KPIs of one order date',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    }),
    fileDuration: new Histogram({
      name: 'storeflow_transformer_file_duration_seconds',
      help: 'Time to transform one validated file, by outcome',
      labelNames: ['outcome'] as const,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers,
    }),
    outageRetries: new Counter({
      name: 'storeflow_transformer_outage_retries_total',
      help: 'Transform messages run again in place because S3, SQS or DynamoDB was out (throttling, 5xx, timeouts, unreachable)',
      registers,
    }),
    qualityReportRefreshes: new Counter({
      name: 'storeflow_transformer_quality_report_refreshes_total',
      help: 'Background refreshes of the quality report page, by outcome (published, failed)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    /** `storeflow_alerts_published_total{kind, outcome}`, shared by both services. */
    alertsPublished: createAlertsPublishedCounter(registry),
    messagesInFlight: new Gauge({
      name: 'storeflow_transformer_messages_in_flight',
      help: 'Transform messages being handled now',
      registers,
    }),
  };
}

export type TransformerMetrics = ReturnType<typeof createTransformerMetrics>;

/**
 * `storeflow_transformer_queue_messages{queue,state}`, the depth of the transform queue and of its DLQ
 * read from SQS at each scrape, and `storeflow_transformer_queue_depth_read_failures_total`.
 */
export function registerTransformerQueueDepth(
  registry: Registry,
  options: Pick<QueueDepthMetricsOptions, 'read' | 'log'>,
): QueueDepthMetrics {
  return registerQueueDepthMetrics(registry, {
    ...options,
    prefix: 'storeflow_transformer_',
    queueRole: 'transform',
  });
}
