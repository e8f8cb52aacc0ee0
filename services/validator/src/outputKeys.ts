import {
  type Dataset,
  relativeToDataset,
  silverPartKey,
  silverVersionPrefix,
  sourceIdOf,
} from '@storeflow/core';

/**
 * Where a source object's outputs go. Names derive from the source key (and object version), so
 * processing the same object version again overwrites instead of duplicating.
 */
export interface OutputKeys {
  /** Short stable name of the source key: readable stem plus a hash of the whole key. */
  readonly sourceId: string;
  /** The key below `raw/<dataset folder>/` (the file name for a key directly under `raw/`). */
  readonly relativePath: string;
  silverPart(partition: string, chunk: number): string;
  /** Prefix of every silver part of one object version under one partition. */
  silverVersionPrefix(partition: string, objectVersion: string): string;
  readonly report: string;
  readonly rejectedRows: string;
}

/**
 * @param eventTime ISO time of the object's creation: its UTC date names the report, rejected
 *   rows and archive folders.
 */
export function outputKeys(
  dataset: Dataset,
  sourceKey: string,
  objectVersion: string,
  eventTime: string,
): OutputKeys {
  const relativePath = relativeToDataset(sourceKey);
  const sourceId = sourceIdOf(sourceKey);
  return {
    sourceId,
    relativePath,
    silverPart: (partition, chunk) => silverPartKey(dataset, partition, sourceId, objectVersion, chunk),
    silverVersionPrefix: (partition, otherVersion) =>
      silverVersionPrefix(dataset, partition, sourceId, otherVersion),
    report: reportKey(dataset, sourceKey, eventTime),
    rejectedRows: `rejected/${dataset}/${eventTime.slice(0, 10)}/${relativePath}.rejected.jsonl`,
  };
}

/** `validation-reports/<dataset>/<event date>/<path>.json`; the dataset may be `unknown`. */
export function reportKey(dataset: string, sourceKey: string, eventTime: string): string {
  return `validation-reports/${dataset}/${eventTime.slice(0, 10)}/${relativeToDataset(sourceKey)}.json`;
}
