import { InvalidResourceNameError } from './errors.js';

/** Every AWS resource the pipeline uses, by name. */
export interface ResourceNames {
  bucket: string;
  ingestQueue: string;
  ingestDeadLetterQueue: string;
  transformQueue: string;
  transformDeadLetterQueue: string;
  /** Lineage: one item per object version (`file_key`, `object_version`). */
  processedFilesTable: string;
  /** KPI per (`category`, `order_date`). */
  categoryKpisTable: string;
  /** KPI per `order_date`. */
  orderKpisTable: string;
  /** Accepted products and orders, shared by all validator tasks for referential checks. */
  referenceTable: string;
  /** Per-order-date coordination of KPI recomputation across transformer tasks. */
  kpiDatesTable: string;
  /** Data-quality history: file profiles and anomaly verdicts (`pk`, `sk`). */
  qualityTable: string;
  /** SNS topic that receives alerts: rejected and failed files, dead letters, anomalies. */
  alertsTopic: string;
}

export const DEFAULT_RESOURCE_PREFIX = 'storeflow';

// S3 bucket names are the strictest of the three services: 3-63 lower-case letters, digits and
// hyphens. The longest suffix added is "-transform-dlq" (14), and "-data" must fit a bucket name.
const PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * Derives every resource name from one prefix, so several pipelines (or parallel test runs) can
 * share an account or an emulator without colliding. On AWS the bucket name must be globally
 * unique: pass `bucket` when `<prefix>-data` is taken.
 *
 * @example
 * resourceNamesFor('storeflow-test-7').ingestQueue; // 'storeflow-test-7-ingest'
 */
export function resourceNamesFor(
  prefix: string = DEFAULT_RESOURCE_PREFIX,
  overrides: { bucket?: string } = {},
): ResourceNames {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new InvalidResourceNameError(
      prefix,
      'use 1-40 lower-case letters, digits and hyphens, starting and ending with a letter or digit',
    );
  }
  return {
    bucket: overrides.bucket ?? `${prefix}-data`,
    ingestQueue: `${prefix}-ingest`,
    ingestDeadLetterQueue: `${prefix}-ingest-dlq`,
    transformQueue: `${prefix}-transform`,
    transformDeadLetterQueue: `${prefix}-transform-dlq`,
    processedFilesTable: `${prefix}-ProcessedFiles`,
    categoryKpisTable: `${prefix}-CategoryKPIs`,
    orderKpisTable: `${prefix}-OrderKPIs`,
    referenceTable: `${prefix}-References`,
    kpiDatesTable: `${prefix}-KpiDates`,
    qualityTable: `${prefix}-Quality`,
    alertsTopic: `${prefix}-alerts`,
  };
}
