import { WorkerError } from '@storeflow/core';

/**
 * A silver part of a date is not the JSON Lines the validator writes: a line is not JSON, or not
 * an object. Permanent: reading the same part again gives the same bytes, so the file fails and
 * waits for the part to be rewritten (a reprocess of its source) and a redrive.
 */
export class MalformedSilverPartError extends WorkerError {
  readonly code = 'SILVER_PART_MALFORMED';
  readonly retryable = false;
  /** The S3 key of the part. */
  readonly partKey: string;
  /** 1-based line of the part that could not be read. */
  readonly line: number;

  constructor(partKey: string, line: number, problem: string, options?: ErrorOptions) {
    super(`silver part ${partKey} line ${line}: ${problem}`, options);
    this.partKey = partKey;
    this.line = line;
  }
}
