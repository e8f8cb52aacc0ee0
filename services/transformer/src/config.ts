import { DEFAULT_RESOURCE_PREFIX, QUEUE_DEFAULTS } from '@storeflow/aws';
import { createWorkerConfig, type WorkerSettings } from '@storeflow/runtime';
import type { JSONSchemaType } from 'ajv';

/** The transformer's own settings, beside the worker settings every service reads. */
export interface TransformerSettings {
  /** Order dates of one file recomputed (or waited for) at once. */
  dateConcurrency: number;
  /** Silver parts read at once while recomputing a date. */
  readConcurrency: number;
  /** How long one task may hold a date's recompute before another may take over. */
  dateLeaseSeconds: number;
  /** Wait before looking again at a date another task is recomputing. */
  heldDateRetrySeconds: number;
}

/**
 * Everything the transformer reads from its environment, validated once at start; its queue is
 * the transform queue (files the validator accepted), and a failure on its last receive before the
 * DLQ (`maxReceiveCount`) ends the file FAILED.
 */
export type TransformerConfig = WorkerSettings & TransformerSettings;

const settingsSchema: JSONSchemaType<TransformerSettings> = {
  type: 'object',
  additionalProperties: false,
  required: ['dateConcurrency', 'readConcurrency', 'dateLeaseSeconds', 'heldDateRetrySeconds'],
  properties: {
    dateConcurrency: { type: 'integer', minimum: 1, maximum: 64, default: 4 },
    readConcurrency: { type: 'integer', minimum: 1, maximum: 64, default: 8 },
    dateLeaseSeconds: { type: 'integer', minimum: 2, maximum: 3600, default: 120 },
    heldDateRetrySeconds: { type: 'integer', minimum: 0, maximum: 900, default: 5 },
  },
};

const transformerConfig = createWorkerConfig<TransformerSettings>({
  envPrefix: 'TRANSFORMER_',
  defaults: {
    resourcePrefix: DEFAULT_RESOURCE_PREFIX,
    maxReceiveCount: QUEUE_DEFAULTS.maxReceiveCount,
    concurrency: 4,
    metricsPort: 9465,
    workerId: 'transformer',
  },
  schema: settingsSchema,
  envNames: {
    dateConcurrency: 'TRANSFORMER_DATE_CONCURRENCY',
    readConcurrency: 'TRANSFORMER_READ_CONCURRENCY',
    dateLeaseSeconds: 'TRANSFORMER_DATE_LEASE_SECONDS',
    heldDateRetrySeconds: 'TRANSFORMER_HELD_DATE_RETRY_SECONDS',
  },
});

/** Environment variable of each setting; documented in the service README. */
export const TRANSFORMER_ENV = transformerConfig.envNames;

/** Reads and validates the configuration; every bad variable is reported in one error. */
export const loadTransformerConfig = transformerConfig.load;
