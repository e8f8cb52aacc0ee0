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
