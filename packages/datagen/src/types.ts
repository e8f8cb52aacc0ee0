import type { ContractSet, Dataset, FileFormat, IssueCode, Verdict } from '@storeflow/core';
import type { InjectedAnomaly } from './anomalyKinds.js';
import type { ErrorKind } from './errorKinds.js';
import type { FileTimestampStyle, TimestampStyle } from './timestampStyles.js';

/** What to generate. Every field has a default ({@link DEFAULT_GENERATE_OPTIONS}). */
export interface GenerateOptions {
  /** Any text; the same options and seed give the same bytes. */
  readonly seed: string;
  /** Orders in total, each with 1 to 5 items. */
  readonly orders: number;
  /** Days the orders are spread over, from `startDate`. */
  readonly days: number;
  /** Size of the product catalogue. */
  readonly products: number;
  /** Files each dataset is split into; at most `orders` and `products`. */
  readonly files: number;
  readonly format: FileFormat;
  /** Only names the files (`.gz`): compressing is the writer's job. */
  readonly gzip: boolean;
  /** First order day, `YYYY-MM-DD` (UTC). */
  readonly startDate: string;
  readonly timestamps: TimestampStyle;
  /** Probability, 0 to 1, that a row is given an error. */
  readonly errorRate: number;
  /** The kinds of error to draw from. */
  readonly errorKinds: readonly ErrorKind[];
  /** When true, each items file but the last also holds the items of the first orders of the next orders file. */
  readonly lateItems: boolean;
  /**
   * When true, the data set is a history: the catalogue in one products file, then each orders
   * file and each items file holds the orders (and their items) of one day, so `files` must
   * equal `days`; when false, every dataset is split into `files` near-equal blocks.
   */
  readonly dailyFiles: boolean;
  /** Days made abnormal on purpose (needs `dailyFiles`); see {@link ANOMALY_KINDS}. */
  readonly anomalies: readonly InjectedAnomaly[];
}

/**
 * What `new DataGenerator` takes: any of the {@link GenerateOptions} (the others take their
 * defaults) and, optionally, the data contracts the files are written for.
 */
export interface DataGeneratorOptions extends Partial<GenerateOptions> {
  /**
   * A compiled contract set (`compileContractSet`, or `loadContractFiles` of
   * `@storeflow/runtime`: reading files is the caller's job, so the generator stays free of I/O).
   * When given, CSV headers and JSON Lines keys use each column's `physicalName`, the generated
   * columns a contract does not define are not written, and error kinds only seen through a
   * column left out are not injected there. Without it, every column under its shipped name, as
   * always. Not one of the {@link GenerateOptions}: the manifest lists the `columns` written instead.
   */
  readonly contracts?: ContractSet | undefined;
}

/** One file to generate, in the order they must be generated: products, orders, then order_items. */
export interface GeneratedFile {
  readonly dataset: Dataset;
  /** 1-based position of the file within its dataset. */
  readonly number: number;
  /** Path below the output directory, and below `raw/` once uploaded (the dataset is its first folder). */
  readonly key: string;
  readonly timestampStyle: FileTimestampStyle;
}

/** Row counts as the validation report has them. */
export interface RowCounts {
  readonly total: number;
  readonly accepted: number;
  readonly rejected: number;
}

/** What the validator will make of one generated file, once every file has been processed. */
export interface FileExpectation {
  readonly key: string;
  readonly dataset: Dataset;
  readonly format: FileFormat;
  readonly gzip: boolean;
  readonly timestampStyle: FileTimestampStyle;
  /**
   * Rows as the validation report counts them: `accepted` passed every row check, whatever the
   * verdict; `rejected` were rejected by one.
   */
  readonly rows: RowCounts;
  /** Rejected rows per problem code (the report's `ruleCounts`), keys sorted. */
  readonly ruleCounts: Readonly<Partial<Record<IssueCode, number>>>;
  /**
   * Which data rows the validator rejects: 1-based positions among the file's rows (the header
   * not counted), ascending. With them a test can compute the KPIs of the accepted rows on its
   * own, without the validator.
   */
  readonly rejectedRows: readonly number[];
  /** File-level problems: HEADER_ONLY (CSV) or EMPTY_FILE (JSON Lines) for an items file left without rows. */
  readonly fileIssues: readonly IssueCode[];
  /** With the default `maxRejectedRowRatio`: rows of a REJECTED file reach neither silver nor KPIs. */
  readonly verdict: Verdict;
  /** Errors injected per kind, keys sorted. */
  readonly injected: Readonly<Partial<Record<ErrorKind, number>>>;
  /**
   * order_items only: rows that pass the row checks and refer to an order of a later orders file.
   * Until that file is accepted, the validator defers this one.
   */
  readonly lateReferences: number;
}

/** Totals of one dataset over its files. */
export interface DatasetTotals {
  readonly files: number;
  readonly rejectedFiles: number;
  readonly rows: RowCounts;
}

/** The manifest of a generated data set (`manifest.json`, with the writer's byte counts added). */
export interface GenerationManifest {
  readonly manifestVersion: 1;
  readonly options: GenerateOptions;
  /**
   * Only when generated for contracts: each dataset's columns as written (the contract's physical
   * names, in file order), the CSV header or the JSON keys of every object.
   */
  readonly columns?: Readonly<Record<Dataset, readonly string[]>>;
  /** The ratio the verdicts assume: the pipeline's default. */
  readonly maxRejectedRowRatio: number;
  readonly totals: Readonly<Record<Dataset, DatasetTotals>>;
  readonly files: readonly FileExpectation[];
}
