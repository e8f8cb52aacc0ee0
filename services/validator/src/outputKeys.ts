import { createHash } from 'node:crypto';
import type { Dataset } from '@storeflow/core';

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
  readonly failed: string;
  readonly failedError: string;
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
  const day = eventTime.slice(0, 10);
  const [year, month, date] = day.split('-');
  const version = safeSegment(objectVersion);
  const partitionPrefix = (partition: string) =>
    dataset === 'products' ? `silver/products/` : `silver/${dataset}/order_date=${partition}/`;
  return {
    sourceId,
    relativePath,
    silverPart: (partition, chunk) =>
      `${partitionPrefix(partition)}${sourceId}/${version}/part-${String(chunk).padStart(6, '0')}.jsonl`,
    silverVersionPrefix: (partition, otherVersion) =>
      `${partitionPrefix(partition)}${sourceId}/${safeSegment(otherVersion)}/`,
    report: `validation-reports/${dataset}/${day}/${relativePath}.json`,
    rejectedRows: `rejected/${dataset}/${day}/${relativePath}.rejected.jsonl`,
    failed: `failed/${dataset}/${year}/${month}/${date}/${relativePath}`,
    failedError: `failed/${dataset}/${year}/${month}/${date}/${relativePath}.error.json`,
  };
}

/** `raw/orders/2025/a.csv` → `2025/a.csv`; `raw/orders_2025.csv` → `orders_2025.csv`. */
export function relativeToDataset(sourceKey: string): string {
  const parts = sourceKey.split('/');
  // raw/<dataset folder>/<rest…>, or raw/<file> for keys routed by file name
  return parts.length >= 3 ? parts.slice(2).join('/') : (parts[parts.length - 1] ?? sourceKey);
}

export function sourceIdOf(sourceKey: string): string {
  const fileName = sourceKey.split('/').pop() ?? sourceKey;
  const stem = fileName.replace(/\.(csv|jsonl|ndjson)(\.gz)?$/i, '');
  const hash = createHash('sha256').update(sourceKey).digest('hex').slice(0, 12);
  return `${safeSegment(stem).slice(0, 60)}-${hash}`;
}

function safeSegment(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_');
}
