import { DEFAULT_RESOURCE_PREFIX, QUEUE_DEFAULTS, SNS_TOPIC_ARN_PATTERN } from '@storeflow/aws';
import {
  createWorkerConfig,
  type SettingDefinition,
  type SettingsOf,
  type WorkerSettings,
} from '@storeflow/runtime';

/**
 * Everything the transformer reads from its environment, validated once at start; its queue is
 * the transform queue (files the validator accepted), and a failure on its last receive before the
 * DLQ (`maxReceiveCount`) ends the file FAILED.
 */
export type TransformerConfig = WorkerSettings & SettingsOf<typeof TRANSFORMER_SETTINGS>;

/** The transformer's own settings, beside the worker settings every service reads. */
const TRANSFORMER_SETTINGS = {
  /** Order dates of one file recomputed (or waited for) at once. */
  dateConcurrency: {
    variable: 'TRANSFORMER_DATE_CONCURRENCY',
    type: 'integer',
    minimum: 1,
    maximum: 64,
    default: 4,
  },
  /** Silver parts read at once while recomputing a date. */
  readConcurrency: {
    variable: 'TRANSFORMER_READ_CONCURRENCY',
    type: 'integer',
    minimum: 1,
    maximum: 64,
    default: 8,
  },
  /**
   * How long a date's recompute stays held past its last renewal (renewed every third of it while
   * the recompute runs): how long a task that died keeps the date from everyone else.
   */
  dateLeaseSeconds: {
    variable: 'TRANSFORMER_DATE_LEASE_SECONDS',
    type: 'integer',
    minimum: 2,
    maximum: 3600,
    default: 30,
  },
  /** Wait before looking again at a date another task is recomputing. */
  heldDateRetrySeconds: {
    variable: 'TRANSFORMER_HELD_DATE_RETRY_SECONDS',
    type: 'integer',
    minimum: 0,
    maximum: 900,
    default: 5,
  },
  /**
   * Least time between two refreshes of the quality report page (`quality/index.html` in the
   * bucket), started in the background after a file is transformed; 0 turns them off.
   */
  reportIntervalSeconds: {
    variable: 'TRANSFORMER_REPORT_INTERVAL_SECONDS',
    type: 'integer',
    minimum: 0,
    maximum: 86_400,
    default: 300,
  },
  /**
   * The SNS topic failed transforms, dead letters and date anomalies are published to (see the
   * README's Alerts); unset turns alerts off.
   */
  alertsTopicArn: {
    variable: 'TRANSFORMER_ALERTS_TOPIC_ARN',
    type: 'string',
    pattern: SNS_TOPIC_ARN_PATTERN,
    optional: true,
  },
} satisfies Record<string, SettingDefinition>;

/**
 * `TRANSFORMER_ENV`, the variable of each setting (documented in the service README), and
 * `loadTransformerConfig`, which reads and validates the configuration: every bad variable, and
 * every pair of settings that disagree, is reported in one `ConfigInvalidError` so an operator
 * fixes them in one go.
 */
export const { envNames: TRANSFORMER_ENV, load: loadTransformerConfig } = createWorkerConfig({
  service: 'transformer',
  defaults: { concurrency: 4, metricsPort: 9465 },
  aws: { resourcePrefix: DEFAULT_RESOURCE_PREFIX, queue: QUEUE_DEFAULTS },
  settings: TRANSFORMER_SETTINGS,
});
