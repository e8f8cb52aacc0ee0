import { DEFAULT_RESOURCE_PREFIX, QUEUE_DEFAULTS } from '@storeflow/aws';
import { createConfigLoader } from '@storeflow/runtime';
import type { JSONSchemaType } from 'ajv';

/** Everything the validator reads from its environment, validated once at start. */
export interface ValidatorConfig {
  /** The ingest queue (S3 ObjectCreated events and reprocess requests). */
  queueUrl: string;
  /** Where validated files are announced to the transformer. */
  transformQueueUrl: string;
  /** Prefix the table names derive from (see the aws package's `resourceNamesFor`). */
  resourcePrefix: string;
  /** Files validated at once by this task. */
  concurrency: number;
  /** Rows per chunk: the unit of validation, output and memory. */
  chunkRows: number;
  /** Larger objects are rejected with OBJECT_TOO_LARGE before any byte is read. */
  maxObjectBytes: number;
  maxRejectedRowRatioProducts: number;
  maxRejectedRowRatioOrders: number;
  maxRejectedRowRatioOrderItems: number;
  /** How long after its event an order_items file waits for late products and orders. */
  referenceGraceSeconds: number;
  /** First wait of a deferred file; each later retry waits twice as long, up to 15 minutes. */
  deferralBaseSeconds: number;
  skuPattern: string;
  visibilityTimeoutSeconds: number;
  heartbeatSeconds: number;
  /**
   * The ingest queue's redrive `maxReceiveCount`: the attempt with this receive count is the
   * last, and a file that fails on it ends FAILED instead of staying claimable.
   */
  maxReceiveCount: number;
  /** SIGTERM to exit: finish or release in-flight files within this; ECS stopTimeout minus a margin. */
  shutdownGraceSeconds: number;
  metricsPort: number;
  metricsHost: string;
  logLevel: string;
  /** Identifies this task in lineage (claims and leases). */
  workerId: string;
}

const schema: JSONSchemaType<ValidatorConfig> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'queueUrl',
    'transformQueueUrl',
    'resourcePrefix',
    'concurrency',
    'chunkRows',
    'maxObjectBytes',
    'maxRejectedRowRatioProducts',
    'maxRejectedRowRatioOrders',
    'maxRejectedRowRatioOrderItems',
    'referenceGraceSeconds',
    'deferralBaseSeconds',
    'skuPattern',
    'visibilityTimeoutSeconds',
    'heartbeatSeconds',
    'maxReceiveCount',
    'shutdownGraceSeconds',
    'metricsPort',
    'metricsHost',
    'logLevel',
    'workerId',
  ],
  properties: {
    queueUrl: { type: 'string', pattern: '^https?://' },
    transformQueueUrl: { type: 'string', pattern: '^https?://' },
    resourcePrefix: {
      type: 'string',
      pattern: '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$',
      default: DEFAULT_RESOURCE_PREFIX,
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 2 },
    chunkRows: { type: 'integer', minimum: 100, maximum: 1_000_000, default: 10_000 },
    maxObjectBytes: { type: 'integer', minimum: 1, default: 10 * 1024 ** 3 },
    maxRejectedRowRatioProducts: { type: 'number', minimum: 0, maximum: 1, default: 0.05 },
    maxRejectedRowRatioOrders: { type: 'number', minimum: 0, maximum: 1, default: 0.05 },
    maxRejectedRowRatioOrderItems: { type: 'number', minimum: 0, maximum: 1, default: 0.05 },
    referenceGraceSeconds: { type: 'integer', minimum: 0, maximum: 7 * 24 * 3600, default: 1200 },
    deferralBaseSeconds: { type: 'integer', minimum: 1, maximum: 900, default: 30 },
    skuPattern: { type: 'string', minLength: 1, default: '^[A-Za-z]{3}-\\d{8}$' },
    visibilityTimeoutSeconds: { type: 'integer', minimum: 10, maximum: 43_200, default: 300 },
    heartbeatSeconds: { type: 'integer', minimum: 1, maximum: 43_199, default: 60 },
    // SQS allows a redrive maxReceiveCount of 1 to 1000.
    maxReceiveCount: { type: 'integer', minimum: 1, maximum: 1000, default: QUEUE_DEFAULTS.maxReceiveCount },
    shutdownGraceSeconds: { type: 'integer', minimum: 1, maximum: 115, default: 25 },
    metricsPort: { type: 'integer', minimum: 0, maximum: 65_535, default: 9464 },
    metricsHost: { type: 'string', minLength: 1, default: '0.0.0.0' },
    logLevel: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], default: 'info' },
    workerId: { type: 'string', minLength: 1, default: 'validator' },
  },
};

/** Environment variable of each setting; documented in the service README. */
export const VALIDATOR_ENV: { readonly [K in keyof ValidatorConfig]-?: string } = {
  queueUrl: 'VALIDATOR_QUEUE_URL',
  transformQueueUrl: 'VALIDATOR_TRANSFORM_QUEUE_URL',
  resourcePrefix: 'VALIDATOR_RESOURCE_PREFIX',
  concurrency: 'VALIDATOR_CONCURRENCY',
  chunkRows: 'VALIDATOR_CHUNK_ROWS',
  maxObjectBytes: 'VALIDATOR_MAX_OBJECT_BYTES',
  maxRejectedRowRatioProducts: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_PRODUCTS',
  maxRejectedRowRatioOrders: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDERS',
  maxRejectedRowRatioOrderItems: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDER_ITEMS',
  referenceGraceSeconds: 'VALIDATOR_REFERENCE_GRACE_SECONDS',
  deferralBaseSeconds: 'VALIDATOR_DEFERRAL_BASE_SECONDS',
  skuPattern: 'VALIDATOR_SKU_PATTERN',
  visibilityTimeoutSeconds: 'VALIDATOR_VISIBILITY_TIMEOUT_SECONDS',
  heartbeatSeconds: 'VALIDATOR_HEARTBEAT_SECONDS',
  maxReceiveCount: 'VALIDATOR_MAX_RECEIVE_COUNT',
  shutdownGraceSeconds: 'VALIDATOR_SHUTDOWN_GRACE_SECONDS',
  metricsPort: 'VALIDATOR_METRICS_PORT',
  metricsHost: 'VALIDATOR_METRICS_HOST',
  logLevel: 'VALIDATOR_LOG_LEVEL',
  workerId: 'VALIDATOR_WORKER_ID',
};

/**
 * Reads and validates the configuration; every bad variable is reported in one
 * `ConfigInvalidError` so an operator fixes them in one go.
 */
export const loadValidatorConfig = createConfigLoader(schema, VALIDATOR_ENV);
