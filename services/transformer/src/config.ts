import { DEFAULT_RESOURCE_PREFIX, QUEUE_DEFAULTS } from '@storeflow/aws';
import { createConfigLoader } from '@storeflow/runtime';
import type { JSONSchemaType } from 'ajv';

/** Everything the transformer reads from its environment, validated once at start. */
export interface TransformerConfig {
  /** The transform queue (files the validator accepted). */
  queueUrl: string;
  resourcePrefix: string;
  /** Messages handled at once by this task. */
  concurrency: number;
  /** Order dates of one file recomputed (or waited for) at once. */
  dateConcurrency: number;
  /** Silver parts read at once while recomputing a date. */
  readConcurrency: number;
  visibilityTimeoutSeconds: number;
  heartbeatSeconds: number;
  /**
   * The transform queue's redrive `maxReceiveCount`: the attempt with this receive count is the
   * last before the DLQ, so its failure ends the file FAILED.
   */
  maxReceiveCount: number;
  /** How long one task may hold a date's recompute before another may take over. */
  dateLeaseSeconds: number;
  /** Wait before looking again at a date another task is recomputing. */
  heldDateRetrySeconds: number;
  shutdownGraceSeconds: number;
  metricsPort: number;
  metricsHost: string;
  logLevel: string;
  workerId: string;
}

const schema: JSONSchemaType<TransformerConfig> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'queueUrl',
    'resourcePrefix',
    'concurrency',
    'dateConcurrency',
    'readConcurrency',
    'visibilityTimeoutSeconds',
    'heartbeatSeconds',
    'maxReceiveCount',
    'dateLeaseSeconds',
    'heldDateRetrySeconds',
    'shutdownGraceSeconds',
    'metricsPort',
    'metricsHost',
    'logLevel',
    'workerId',
  ],
  properties: {
    queueUrl: { type: 'string', pattern: '^https?://' },
    resourcePrefix: {
      type: 'string',
      pattern: '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$',
      default: DEFAULT_RESOURCE_PREFIX,
    },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 4 },
    dateConcurrency: { type: 'integer', minimum: 1, maximum: 64, default: 4 },
    readConcurrency: { type: 'integer', minimum: 1, maximum: 64, default: 8 },
    visibilityTimeoutSeconds: { type: 'integer', minimum: 10, maximum: 43_200, default: 300 },
    heartbeatSeconds: { type: 'integer', minimum: 1, maximum: 43_199, default: 60 },
    // SQS allows a redrive maxReceiveCount of 1 to 1000.
    maxReceiveCount: { type: 'integer', minimum: 1, maximum: 1000, default: QUEUE_DEFAULTS.maxReceiveCount },
    dateLeaseSeconds: { type: 'integer', minimum: 2, maximum: 3600, default: 120 },
    heldDateRetrySeconds: { type: 'integer', minimum: 0, maximum: 900, default: 5 },
    shutdownGraceSeconds: { type: 'integer', minimum: 1, maximum: 115, default: 25 },
    metricsPort: { type: 'integer', minimum: 0, maximum: 65_535, default: 9465 },
    metricsHost: { type: 'string', minLength: 1, default: '0.0.0.0' },
    logLevel: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], default: 'info' },
    workerId: { type: 'string', minLength: 1, default: 'transformer' },
  },
};

/** Environment variable of each setting; documented in the service README. */
export const TRANSFORMER_ENV: { readonly [K in keyof TransformerConfig]-?: string } = {
  queueUrl: 'TRANSFORMER_QUEUE_URL',
  resourcePrefix: 'TRANSFORMER_RESOURCE_PREFIX',
  concurrency: 'TRANSFORMER_CONCURRENCY',
  dateConcurrency: 'TRANSFORMER_DATE_CONCURRENCY',
  readConcurrency: 'TRANSFORMER_READ_CONCURRENCY',
  visibilityTimeoutSeconds: 'TRANSFORMER_VISIBILITY_TIMEOUT_SECONDS',
  heartbeatSeconds: 'TRANSFORMER_HEARTBEAT_SECONDS',
  maxReceiveCount: 'TRANSFORMER_MAX_RECEIVE_COUNT',
  dateLeaseSeconds: 'TRANSFORMER_DATE_LEASE_SECONDS',
  heldDateRetrySeconds: 'TRANSFORMER_HELD_DATE_RETRY_SECONDS',
  shutdownGraceSeconds: 'TRANSFORMER_SHUTDOWN_GRACE_SECONDS',
  metricsPort: 'TRANSFORMER_METRICS_PORT',
  metricsHost: 'TRANSFORMER_METRICS_HOST',
  logLevel: 'TRANSFORMER_LOG_LEVEL',
  workerId: 'TRANSFORMER_WORKER_ID',
};

/** Reads and validates the configuration; every bad variable is reported in one error. */
export const loadTransformerConfig = createConfigLoader(schema, TRANSFORMER_ENV);
