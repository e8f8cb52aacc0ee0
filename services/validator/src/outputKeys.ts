import { type Dataset, relativeToDataset, sourceIdOf } from '@storeflow/core';

/**
 * Where a source object's outputs other than silver go (silver is SilverStore's, by source id).
 * Names derive from the source key, so processing the same object version again overwrites
 * instead of duplicating.
 */
export interface OutputKeys {
  /** Short stable name of the source key: readable stem plus a hash of the whole key. */
  readonly sourceId: string;
  readonly report: string;
  readonly rejectedRows: string;
}

/**
 * @param eventTime ISO time of the object's creation: its UTC date names the report, rejected
 *   rows and archive folders.
 */
export function outputKeys(dataset: Dataset, sourceKey: string, eventTime: string): OutputKeys {
  return {
    sourceId: sourceIdOf(sourceKey),
    report: reportKey(dataset, sourceKey, eventTime),
    rejectedRows: `rejected/${dataset}/${eventTime.slice(0, 10)}/${relativeToDataset(sourceKey)}.rejected.jsonl`,
  };
}

/** `validation-reports/<dataset>/<event date>/<path>.json`; the dataset may be `unknown`. */
export function reportKey(dataset: string, sourceKey: string, eventTime: string): string {
  return `validation-reports/${dataset}/${eventTime.slice(0, 10)}/${relativeToDataset(sourceKey)}.json`;
}
