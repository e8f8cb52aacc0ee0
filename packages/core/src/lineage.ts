import type { Verdict } from './verdict.js';

/**
 * Lifecycle of one source object version in ProcessedFiles (SPEC §5):
 * RECEIVED → VALIDATING → (DEFERRED → VALIDATING …) → VALIDATED → TRANSFORMING → SUCCESS, or FAILED.
 * A version seen for the first time is recorded VALIDATING by the claim that creates it.
 */
export const FileStatus = {
  /** Known, not being worked on (also the state a reprocess request resets a file to). */
  RECEIVED: 'RECEIVED',
  /** Leased by a validator task. */
  VALIDATING: 'VALIDATING',
  /** Waiting for late references (SPEC §3); not leased, claimable again. */
  DEFERRED: 'DEFERRED',
  /** Validation finished; handed to the transformer. */
  VALIDATED: 'VALIDATED',
  TRANSFORMING: 'TRANSFORMING',
  SUCCESS: 'SUCCESS',
  FAILED: 'FAILED',
} as const;
/** One of {@link FileStatus}. */
export type FileStatus = (typeof FileStatus)[keyof typeof FileStatus];

/** Every {@link FileStatus}, for checking a stored value. */
export const FILE_STATUSES: readonly FileStatus[] = Object.values(FileStatus);

/** Statuses from which validation may (re)start, once no live lease holds the file. */
export const CLAIMABLE_STATUSES: readonly FileStatus[] = [
  FileStatus.RECEIVED,
  FileStatus.VALIDATING,
  FileStatus.DEFERRED,
];
/** Statuses at which a duplicate event for the same version is acknowledged without work. */
export const FINISHED_VALIDATION_STATUSES: readonly FileStatus[] = [
  FileStatus.VALIDATED,
  FileStatus.TRANSFORMING,
  FileStatus.SUCCESS,
  FileStatus.FAILED,
];
/**
 * Statuses at which a duplicate transform message is acknowledged without work. FAILED is not
 * among them: a file the validator accepted and the transformer failed is claimed again by a
 * redriven or reprocessed message (a file the validator rejected is FAILED too, and stays done).
 */
export const FINISHED_TRANSFORM_STATUSES: readonly FileStatus[] = [FileStatus.SUCCESS];
/**
 * The status changes the pipeline makes, by current status. A status may follow itself where a
 * lease is taken over (VALIDATING, TRANSFORMING) or results are rewritten under the same lease.
 */
export const FILE_STATUS_TRANSITIONS: Readonly<Record<FileStatus, readonly FileStatus[]>> = {
  // Claimed by a validator.
  RECEIVED: [FileStatus.VALIDATING],
  // Taken over; parked for late references; accepted; rejected or failed for good.
  VALIDATING: [FileStatus.VALIDATING, FileStatus.DEFERRED, FileStatus.VALIDATED, FileStatus.FAILED],
  // Claimed again once its delay has passed.
  DEFERRED: [FileStatus.VALIDATING],
  // Claimed by a transformer, or reset by a reprocess request.
  VALIDATED: [FileStatus.TRANSFORMING, FileStatus.RECEIVED],
  // Taken over; done; failed for good; reset by a reprocess request.
  TRANSFORMING: [FileStatus.TRANSFORMING, FileStatus.SUCCESS, FileStatus.FAILED, FileStatus.RECEIVED],
  // Reset by a reprocess request.
  SUCCESS: [FileStatus.RECEIVED],
  // Claimed again by a transformer (accepted files only), or reset by a reprocess request.
  FAILED: [FileStatus.TRANSFORMING, FileStatus.RECEIVED],
};

/** Whether the pipeline ever moves a file from `from` to `to` (see {@link FILE_STATUS_TRANSITIONS}). */
export function canTransition(from: FileStatus, to: FileStatus): boolean {
  return FILE_STATUS_TRANSITIONS[from].includes(to);
}

/** Identifies one source object version: `objectVersion` is its version id, else its ETag without quotes. */
export interface LineageKey {
  readonly sourceKey: string;
  readonly objectVersion: string;
}

/** The last failure recorded for a file. */
export interface LineageError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * What the transformer did for one version, over the order dates it touched: stored as
 * `transform_counts` with these names.
 */
export type TransformCounts = {
  /** Dates recomputed by a run of this task that this file started or shared. */
  readonly dates_recomputed: number;
  /** Dates a recompute elsewhere (another task, or an earlier attempt) had already covered. */
  readonly dates_already_current: number;
  /** Orders read into those recomputes, after deduplication. */
  readonly orders_aggregated: number;
  /** Order items read into those recomputes, after deduplication. */
  readonly items_aggregated: number;
  /** KPI rows those recomputes put. */
  readonly kpi_rows_written: number;
  /** KPI rows those recomputes deleted because their data disappeared. */
  readonly kpi_rows_deleted: number;
};

/** One ProcessedFiles item, camelCased. */
export interface LineageRecord extends LineageKey {
  readonly status: FileStatus;
  /** The routed dataset (`products`, `orders`, `order_items`), or whatever the caller recorded for an unroutable key. */
  readonly dataset: string;
  /** ISO time of the S3 event; the newest `eventTime` of a key is its current version. */
  readonly eventTime: string;
  /** Claims so far, the first included. */
  readonly attempts: number;
  /** The worker holding the lease; absent when nobody does. */
  readonly workerId?: string;
  /** Lease end, epoch ms; absent when nobody holds the file. */
  readonly leaseExpiresAt?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly rowsTotal?: number;
  readonly rowsAccepted?: number;
  readonly rowsRejected?: number;
  /** Problem code → rows or files affected. */
  readonly ruleCounts?: Readonly<Record<string, number>>;
  /** The S3 key of this version's validation report. */
  readonly reportKey?: string;
  /**
   * The S3 key of this version's rejected rows (JSON Lines), set once a validation of it rejected
   * a row; the object holds the rows of its latest validation (none when `rowsRejected` is 0).
   */
  readonly rejectedRowsKey?: string;
  /** Order dates (`YYYY-MM-DD`) whose KPIs this file changes. */
  readonly touchedDates?: readonly string[];
  readonly verdict?: Verdict;
  readonly lastError?: LineageError;
  /** Phase name → duration in ms. */
  readonly timings?: Readonly<Record<string, number>>;
  /** For DEFERRED: do not retry before this epoch ms. */
  readonly deferredUntil?: number;
  /** The transformer's counts for this version (see {@link TransformCounts}). */
  readonly transformCounts?: TransformCounts;
}

/** The {@link LineageRecord} fields the worker holding a file may set; the rest belong to claims and leases. */
export const LINEAGE_CHANGE_FIELDS = [
  'status',
  'rowsTotal',
  'rowsAccepted',
  'rowsRejected',
  'ruleCounts',
  'reportKey',
  'rejectedRowsKey',
  'touchedDates',
  'verdict',
  'lastError',
  'timings',
  'deferredUntil',
  'transformCounts',
] as const satisfies readonly (keyof LineageRecord)[];

/** Attributes an owner may set; `undefined` leaves an attribute as it is. */
export type LineageChanges = Partial<Pick<LineageRecord, (typeof LINEAGE_CHANGE_FIELDS)[number]>>;
