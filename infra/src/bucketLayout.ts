import { RAW_PREFIX } from '@storeflow/aws';

/**
 * Top-level prefixes of the data bucket (docs/specification.md §5): who writes each is in
 * servicePermissions.ts, how long each stays is in DataBucket.ts.
 */
export const BucketPrefix = {
  /** Pipeline input; the only prefix that notifies the ingest queue. */
  RAW: RAW_PREFIX,
  /** Accepted rows, written by the validator, read by both services. */
  SILVER: 'silver/',
  /** Rejected rows of each file, beside its report. */
  REJECTED: 'rejected/',
  VALIDATION_REPORTS: 'validation-reports/',
  /** Raw objects archived after a successful transform (or a duplicate upload of one). */
  PROCESSED: 'processed/',
  /** Raw objects archived after rejection, each with its `.error.json`. */
  FAILED: 'failed/',
  /** The quality report page (`index.html`), replaced whole by the transformer's refreshes. */
  QUALITY: 'quality/',
  /**
   * The data contracts the validator reads with `contractsFromBucket` (`VALIDATOR_CONTRACTS`
   * `s3://<bucket>/contracts/`); uploaded by an operator, read-only to the services.
   */
  CONTRACTS: 'contracts/',
} as const;
export type BucketPrefix = (typeof BucketPrefix)[keyof typeof BucketPrefix];
