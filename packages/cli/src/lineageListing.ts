import type { LineageRepository } from '@storeflow/aws';
import { FileStatus, type LineageRecord } from '@storeflow/core';
import { UsageError } from './cliErrors.js';
import { formatTable } from './formatTable.js';

/** The status a `--status` value names, in any case. */
export function parseFileStatus(value: string, option: string): FileStatus {
  const status = value.toUpperCase();
  if (!(Object.values(FileStatus) as string[]).includes(status)) {
    throw new UsageError(`${option} must be one of ${Object.values(FileStatus).join(', ')}, got '${value}'`);
  }
  return status as FileStatus;
}

/**
 * Lineage records in the given statuses (default: all of them), newest update first, at most
 * `limit`. Reads the `status-index` GSI one status at a time, page by page, so listing everything
 * reads the whole table; the index is eventually consistent, so a change a moment old may be
 * missing.
 */
export async function listLineage(
  lineage: LineageRepository,
  options: { statuses?: readonly FileStatus[]; limit?: number } = {},
): Promise<LineageRecord[]> {
  const records: LineageRecord[] = [];
  for (const status of options.statuses ?? Object.values(FileStatus)) {
    let cursor: string | undefined;
    let taken = 0;
    do {
      // The newest `limit` of each status are enough to find the newest `limit` of all.
      const remaining = options.limit === undefined ? undefined : options.limit - taken;
      const page = await lineage.listByStatus(status, {
        newestFirst: true,
        ...(remaining === undefined ? {} : { limit: remaining }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      records.push(...page.records);
      taken += page.records.length;
      cursor = page.cursor;
    } while (cursor !== undefined && (options.limit === undefined || taken < options.limit));
  }
  records.sort(
    (a, b) =>
      compare(b.updatedAt, a.updatedAt) ||
      compare(a.sourceKey, b.sourceKey) ||
      compare(a.objectVersion, b.objectVersion),
  );
  return options.limit === undefined ? records : records.slice(0, options.limit);
}

/** The `status` table: one line per object version. */
export function lineageTable(records: readonly LineageRecord[]): string {
  return formatTable(
    [
      { header: 'KEY' },
      { header: 'VERSION' },
      { header: 'DATASET' },
      { header: 'STATUS' },
      { header: 'ROWS', align: 'right' },
      { header: 'ACCEPTED', align: 'right' },
      { header: 'REJECTED', align: 'right' },
      { header: 'UPDATED' },
      { header: 'LAST ERROR' },
    ],
    records.map((record) => [
      record.sourceKey,
      // In full: it is what `report --version` takes.
      record.objectVersion,
      record.dataset,
      record.status,
      count(record.rowsTotal),
      count(record.rowsAccepted),
      count(record.rowsRejected),
      record.updatedAt.replace(/\.\d+Z$/, 'Z'),
      // A success keeps the error of an earlier attempt in its record; it no longer applies.
      record.status === FileStatus.SUCCESS ? '' : (record.lastError?.code ?? ''),
    ]),
  );
}

function count(value: number | undefined): string {
  return value === undefined ? '-' : String(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
