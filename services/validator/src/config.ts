import { DEFAULT_RESOURCE_PREFIX, QUEUE_DEFAULTS } from '@storeflow/aws';
import { createWorkerConfig, type WorkerSettings } from '@storeflow/runtime';
import type { JSONSchemaType } from 'ajv';

/** The validator's own settings, beside the worker settings every service reads. */
export interface ValidatorSettings {
  /** Where validated files are announced to the transformer. */
  transformQueueUrl: string;
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
}

/**
 * Everything the validator reads from its environment, validated once at start; its queue is the
 * ingest queue (S3 ObjectCreated events and reprocess requests).
 */
export type ValidatorConfig = WorkerSettings & ValidatorSettings;

const settingsSchema: JSONSchemaType<ValidatorSettings> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'transformQueueUrl',
    'chunkRows',
    'maxObjectBytes',
    'maxRejectedRowRatioProducts',
    'maxRejectedRowRatioOrders',
    'maxRejectedRowRatioOrderItems',
    'referenceGraceSeconds',
    'deferralBaseSeconds',
    'skuPattern',
  ],
  properties: {
    transformQueueUrl: { type: 'string', pattern: '^https?://' },
    chunkRows: { type: 'integer', minimum: 100, maximum: 1_000_000, default: 10_000 },
    maxObjectBytes: { type: 'integer', minimum: 1, default: 10 * 1024 ** 3 },
    maxRejectedRowRatioProducts: { type: 'number', minimum: 0, maximum: 1, default: 0.05 },
    maxRejectedRowRatioOrders: { type: 'number', minimum: 0, maximum: 1, default: 0.05 },
    maxRejectedRowRatioOrderItems: { type: 'number', minimum: 0, maximum: 1, default: 0.05 },
    referenceGraceSeconds: { type: 'integer', minimum: 0, maximum: 7 * 24 * 3600, default: 1200 },
    deferralBaseSeconds: { type: 'integer', minimum: 1, maximum: 900, default: 30 },
    skuPattern: { type: 'string', minLength: 1, default: '^[A-Za-z]{3}-\\d{8}$' },
  },
};

const validatorConfig = createWorkerConfig<ValidatorSettings>({
  envPrefix: 'VALIDATOR_',
  defaults: {
    resourcePrefix: DEFAULT_RESOURCE_PREFIX,
    maxReceiveCount: QUEUE_DEFAULTS.maxReceiveCount,
    concurrency: 2,
    metricsPort: 9464,
    workerId: 'validator',
  },
  schema: settingsSchema,
  envNames: {
    transformQueueUrl: 'VALIDATOR_TRANSFORM_QUEUE_URL',
    chunkRows: 'VALIDATOR_CHUNK_ROWS',
    maxObjectBytes: 'VALIDATOR_MAX_OBJECT_BYTES',
    maxRejectedRowRatioProducts: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_PRODUCTS',
    maxRejectedRowRatioOrders: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDERS',
    maxRejectedRowRatioOrderItems: 'VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDER_ITEMS',
    referenceGraceSeconds: 'VALIDATOR_REFERENCE_GRACE_SECONDS',
    deferralBaseSeconds: 'VALIDATOR_DEFERRAL_BASE_SECONDS',
    skuPattern: 'VALIDATOR_SKU_PATTERN',
  },
});

/** Environment variable of each setting; documented in the service README. */
export const VALIDATOR_ENV = validatorConfig.envNames;

/**
 * Reads and validates the configuration; every bad variable, and every pair of settings that
 * disagree, is reported in one `ConfigInvalidError` so an operator fixes them in one go.
 */
export const loadValidatorConfig = validatorConfig.load;
