import {
  type DatasetName,
  DEFAULT_DATASET_FOLDERS,
  detectFormat,
  type FileFormat,
  routeObjectKey,
} from './datasets.js';
import type { FileIssue } from './types.js';

/** How to read an object, once its key and size have been accepted. */
export interface ObjectPlan {
  readonly dataset: DatasetName;
  readonly format: FileFormat;
  readonly gzip: boolean;
}

/**
 * Outcome of {@link planObject}. `ignore` is a key outside `raw/`: the caller logs and counts it
 * and moves on, never retries (SPEC §2). `reject` is a file under `raw/` that cannot be processed.
 */
export type PlanResult =
  | { readonly outcome: 'process'; readonly plan: ObjectPlan }
  | { readonly outcome: 'ignore' }
  | { readonly outcome: 'reject'; readonly fileIssue: FileIssue };

/**
 * Decides from an object's key and size alone whether and how to read it, before any byte is
 * downloaded: routing (UNKNOWN_DATASET), format (UNSUPPORTED_FORMAT) and the size limit
 * (OBJECT_TOO_LARGE, checked on the stored, possibly compressed, size).
 *
 * @example
 * planObject('raw/orders/part1.csv.gz', 1_024, 5 * 1024 ** 3);
 * // { outcome: 'process', plan: { dataset: 'orders', format: 'csv', gzip: true } }
 */
export function planObject(
  key: string,
  sizeBytes: number,
  maxSizeBytes: number,
  folders: ReadonlyMap<string, DatasetName> = DEFAULT_DATASET_FOLDERS,
): PlanResult {
  const route = routeObjectKey(key, folders);
  if (!route.routable) {
    if (route.reason === 'NOT_UNDER_RAW') return { outcome: 'ignore' };
    return {
      outcome: 'reject',
      fileIssue: { code: 'UNKNOWN_DATASET', message: `no dataset for key ${key}` },
    };
  }
  const format = detectFormat(key);
  if (!format.supported) {
    return {
      outcome: 'reject',
      fileIssue: {
        code: 'UNSUPPORTED_FORMAT',
        message: `not .csv, .jsonl or .ndjson (optionally .gz): ${key}`,
      },
    };
  }
  if (sizeBytes > maxSizeBytes) {
    return {
      outcome: 'reject',
      fileIssue: {
        code: 'OBJECT_TOO_LARGE',
        message: `object has ${sizeBytes} bytes, the limit is ${maxSizeBytes}`,
      },
    };
  }
  return { outcome: 'process', plan: { dataset: route.dataset, format: format.format, gzip: format.gzip } };
}

/**
 * The file-level problem of a file with no data row, once it has been read to the end:
 * EMPTY_FILE without even a header (CSV) or without any non-blank line (JSON Lines), HEADER_ONLY
 * with a header but no row.
 *
 * @param hasHeader whether a header line was read (always false for JSON Lines, which has none)
 * @param dataRows data rows read, valid or not
 */
export function contentIssue(hasHeader: boolean, dataRows: number): FileIssue | undefined {
  if (dataRows > 0) return undefined;
  return hasHeader
    ? { code: 'HEADER_ONLY', message: 'the file has a header but no data row' }
    : { code: 'EMPTY_FILE', message: 'the file has no content' };
}
