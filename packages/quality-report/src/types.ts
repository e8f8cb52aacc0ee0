import type { Anomaly, DailyQualityMetrics } from '@storeflow/core';

/**
 * Where a stored object is: its `s3://bucket/key` as text, and a relative `href` when the page is
 * written next to a local copy of it. The renderer links only relative hrefs: the page never
 * points a browser at the network.
 */
export interface ObjectLink {
  readonly text: string;
  readonly href?: string;
}

/** One object version the pipeline has seen, as lineage records it. */
export interface FileVersionEntry {
  /** The key it was uploaded as (`raw/...`). */
  readonly key: string;
  readonly dataset: string;
  /** Its version id, else its ETag. */
  readonly version: string;
  /** The lineage status (`SUCCESS`, `FAILED`, `VALIDATING`, ...). */
  readonly status: string;
  /** `ACCEPTED` or `REJECTED` once validation ended. */
  readonly verdict?: string;
  /** ISO time of the upload event: the newest is the key's current version. */
  readonly eventTime: string;
  /** Rows read, accepted and rejected, once validation ended. */
  readonly rows?: { readonly total: number; readonly accepted: number; readonly rejected: number };
  /** The most frequent problem codes, most frequent first. */
  readonly topCodes: readonly { readonly code: string; readonly count: number }[];
  /** The code of the last failure, when the version did not end in SUCCESS. */
  readonly lastError?: string;
  readonly report?: ObjectLink;
  /** Its rejected rows (JSON Lines), when a row was rejected. */
  readonly rejectedRows?: ObjectLink;
}

/** How complete one column is over the rows of the reports read for its dataset. */
export interface ColumnCompletenessEntry {
  readonly column: string;
  /** Rows with a non-empty value. */
  readonly present: number;
  /** Rows read in the files that have this column. */
  readonly rows: number;
}

/** Column completeness of one dataset, summed over the validation reports read for it. */
export interface DatasetCompleteness {
  readonly dataset: string;
  /** Validation reports summed (the newest versions of the dataset). */
  readonly reports: number;
  readonly columns: readonly ColumnCompletenessEntry[];
}

/** Rows of one dataset with one problem code in one column. */
export interface ColumnCodeCount {
  readonly dataset: string;
  /** The column, or undefined for problems with the whole row. */
  readonly column: string | undefined;
  readonly code: string;
  readonly rows: number;
  /**
   * True when the count is apportioned from a report's examples because its code was found in
   * several columns (a report counts rows per code, and samples which column each came from).
   */
  readonly estimated: boolean;
}

/**
 * Everything one quality report page shows. Gathered from a pipeline by `gatherQualityReport`,
 * rendered by `renderQualityReport`; nothing in it is trusted to be HTML-safe.
 */
export interface QualityReportData {
  /** ISO time the data was read. */
  readonly generatedAt: string;
  /** What the data was read from (`s3://bucket`, a prefix), shown under the title. */
  readonly source: string;
  /** Every object version lineage holds; the page shows the newest and sums the rest. */
  readonly files: readonly FileVersionEntry[];
  readonly completeness: readonly DatasetCompleteness[];
  readonly columnCodes: readonly ColumnCodeCount[];
  /** The daily metrics by order date, in any order. */
  readonly daily: readonly DailyQualityMetrics[];
  readonly anomalies: readonly Anomaly[];
}
