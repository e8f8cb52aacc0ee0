import { createHash } from 'node:crypto';
import type { DatasetName } from './datasets.js';

/**
 * Names of silver objects (docs/design.md), shared by the validator that writes them and the
 * transformer that reads them:
 * `silver/<dataset>/order_date=<D>/<source id>/<version segment>/part-<n>.jsonl`, and
 * `silver/<dataset>/<source id>/<version segment>/part-<n>.jsonl` for products and datasets
 * without dates (those a contract adds).
 */

/** Prefix of one partition: an order date for orders and items, `''` for products and other datasets. */
export function silverPartitionPrefix(dataset: DatasetName, partition: string): string {
  return partition === '' ? `silver/${dataset}/` : `silver/${dataset}/order_date=${partition}/`;
}

/** Prefix of every part of one object version of one source under one partition. */
export function silverVersionPrefix(
  dataset: DatasetName,
  partition: string,
  sourceId: string,
  objectVersion: string,
): string {
  return `${silverPartitionPrefix(dataset, partition)}${sourceId}/${versionSegment(objectVersion)}/`;
}

/** One part: chunk numbers come from the file's chunk sequence, so a rerun overwrites. */
export function silverPartKey(
  dataset: DatasetName,
  partition: string,
  sourceId: string,
  objectVersion: string,
  chunk: number,
): string {
  return `${silverVersionPrefix(dataset, partition, sourceId, objectVersion)}part-${String(chunk).padStart(6, '0')}.jsonl`;
}

/** The source id and version segment of a part key under a partition prefix, or undefined. */
export function parseSilverPartKey(
  partitionPrefix: string,
  key: string,
): { sourceId: string; versionSegment: string } | undefined {
  if (!key.startsWith(partitionPrefix)) return undefined;
  const [sourceId, segment, part, ...rest] = key.slice(partitionPrefix.length).split('/');
  if (sourceId === undefined || segment === undefined || part === undefined || rest.length > 0)
    return undefined;
  return { sourceId, versionSegment: segment };
}

/** An object version (ETag or version id) as a path segment: only `[A-Za-z0-9._-]`. */
export function versionSegment(objectVersion: string): string {
  return safeSegment(objectVersion);
}

/** Short stable name of a source key: its readable stem plus a hash of the whole key. */
export function sourceIdOf(sourceKey: string): string {
  const fileName = sourceKey.split('/').pop() ?? sourceKey;
  const stem = fileName.replace(/\.(csv|jsonl|ndjson)(\.gz)?$/i, '');
  const hash = createHash('sha256').update(sourceKey).digest('hex').slice(0, 12);
  return `${safeSegment(stem).slice(0, 60)}-${hash}`;
}

function safeSegment(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_');
}
