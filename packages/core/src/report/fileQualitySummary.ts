import type { FileQualitySummary } from '../quality/types.js';
import type { ValidationReport } from './ValidationReportBuilder.js';

/** The file version a summary is about. */
export interface ProfiledFile {
  readonly sourceKey: string;
  readonly objectVersion: string;
  readonly dataset: string;
  /** ISO event time of the object version: where the summary sorts in its dataset's history. */
  readonly eventTime: string;
}

/** The key of a file version in the quality history: `<sourceKey>@<objectVersion>`. */
export function fileQualityKey(sourceKey: string, objectVersion: string): string {
  return `${sourceKey}@${objectVersion}`;
}

/**
 * What the file scope judges and keeps of a validated file: its row count, rejected share and
 * per-column null rates, taken from the report's profile.
 *
 * @example
 * fileQualitySummary({ sourceKey: 'raw/orders/a.csv', objectVersion: 'v1', dataset: 'orders',
 *   eventTime: '2025-04-03T10:00:00.000Z' }, report).key; // 'raw/orders/a.csv@v1'
 */
export function fileQualitySummary(file: ProfiledFile, report: ValidationReport): FileQualitySummary {
  return {
    key: fileQualityKey(file.sourceKey, file.objectVersion),
    dataset: file.dataset,
    eventTime: file.eventTime,
    rows: report.rows.total,
    rejectedRowRatio: report.rejectedRowRatio,
    nullRates: Object.fromEntries(
      Object.entries(report.profile.columns).map(([column, profile]) => [column, profile.nullRate]),
    ),
  };
}
