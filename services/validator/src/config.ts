import { DEFAULT_RESOURCE_PREFIX, QUEUE_DEFAULTS, SNS_TOPIC_ARN_PATTERN } from '@storeflow/aws';
import { DEFAULT_CHUNK_ROWS } from '@storeflow/core';
import {
  createWorkerConfig,
  type SettingDefinition,
  type SettingsOf,
  type WorkerSettings,
} from '@storeflow/runtime';

// Optional overrides of the thresholds the contracts declare (maxRejectedRowRatio).
const REJECTED_ROW_RATIO = { type: 'number', minimum: 0, maximum: 1, optional: true } as const;

/**
 * Everything the validator reads from its environment, validated once at start; its queue is the
 * ingest queue (S3 ObjectCreated events and reprocess requests).
 */
export type ValidatorConfig = WorkerSettings & SettingsOf<typeof VALIDATOR_SETTINGS>;

/** The validator's own settings, beside the worker settings every service reads. */
const VALIDATOR_SETTINGS = {
  /** Where validated files are announced to the transformer. */
  transformQueueUrl: { variable: 'VALIDATOR_TRANSFORM_QUEUE_URL', type: 'string', pattern: '^https?://' },
  /**
   * Rows per chunk: the unit of output, one silver part per chunk and order date. A chunk is
   * validated in batches of up to 2,500 rows (core's `DEFAULT_BATCH_SIZE`).
   */
  chunkRows: {
    variable: 'VALIDATOR_CHUNK_ROWS',
    type: 'integer',
    minimum: 100,
    maximum: 1_000_000,
    default: DEFAULT_CHUNK_ROWS,
  },
  /** Larger objects are rejected with OBJECT_TOO_LARGE before any byte is read. */
  maxObjectBytes: {
    variable: 'VALIDATOR_MAX_OBJECT_BYTES',
    type: 'integer',
    minimum: 1,
    default: 10 * 1024 ** 3,
  },
  maxRejectedRowRatioProducts: {
    variable: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_PRODUCTS',
    ...REJECTED_ROW_RATIO,
  },
  maxRejectedRowRatioOrders: { variable: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDERS', ...REJECTED_ROW_RATIO },
  maxRejectedRowRatioOrderItems: {
    variable: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDER_ITEMS',
    ...REJECTED_ROW_RATIO,
  },
  /** How long after its event an order_items file waits for late products and orders. */
  referenceGraceSeconds: {
    variable: 'VALIDATOR_REFERENCE_GRACE_SECONDS',
    type: 'integer',
    minimum: 0,
    maximum: 7 * 24 * 3600,
    default: 1200,
  },
  /** First wait of a deferred file; each later retry waits twice as long, up to 15 minutes. */
  deferralBaseSeconds: {
    variable: 'VALIDATOR_DEFERRAL_BASE_SECONDS',
    type: 'integer',
    minimum: 1,
    maximum: 900,
    default: 30,
  },
  /**
   * Deferred files re-queued at most when a products or orders file commits; those past it wait
   * out their deferral delay. 0 turns the wake-up off.
   */
  deferredWakeLimit: {
    variable: 'VALIDATOR_DEFERRED_WAKE_LIMIT',
    type: 'integer',
    minimum: 0,
    maximum: 1000,
    default: 100,
  },
  /**
   * The SNS topic rejected and failed files, dead letters and file anomalies publishes alerts to (see the README's Alerts); unset turns alerts off.
   */
  alertsTopicArn: {
    variable: 'VALIDATOR_ALERTS_TOPIC_ARN',
    type: 'string',
    pattern: SNS_TOPIC_ARN_PATTERN,
    optional: true,
  },
  /**
   * Where the data contracts are: a directory or file, an S3 location (`s3://<bucket>/contracts/`:
   * every contract directly under the prefix), or several separated by commas (default: the
   * repository's `contracts/`; the image sets /app/contracts).
   */
  contracts: {
    variable: 'VALIDATOR_CONTRACTS',
    type: 'string',
    minLength: 1,
    optional: true,
  },
  /**
   * How often the contracts are read again, and the new set swapped in when it compiles (a set
   * that does not is logged, counted and ignored; the one in use stays). 0 reads them once, at start.
   */
  contractsRefreshSeconds: {
    variable: 'VALIDATOR_CONTRACTS_REFRESH_SECONDS',
    type: 'integer',
    minimum: 0,
    maximum: 86_400,
    default: 0,
  },
} satisfies Record<string, SettingDefinition>;

/**
 * `VALIDATOR_ENV`, the variable of each setting (documented in the service README), and
 * `loadValidatorConfig`, which reads and validates the configuration: every bad variable, and
 * every pair of settings that disagree, is reported in one `ConfigInvalidError` so an operator
 * fixes them in one go.
 */
export const { envNames: VALIDATOR_ENV, load: loadValidatorConfig } = createWorkerConfig({
  service: 'validator',
  defaults: { concurrency: 2, metricsPort: 9464 },
  aws: { resourcePrefix: DEFAULT_RESOURCE_PREFIX, queue: QUEUE_DEFAULTS },
  settings: VALIDATOR_SETTINGS,
});
