import type { AwsRequestTally } from '@storeflow/aws';
import type { Dataset } from '@storeflow/core';
import type { BackfillMeasures, LatencyMeasures } from './scenarios.js';

/**
 * What the bench can run, in the order one sitting runs them: the three approaches over the
 * `--items` data set, the recompute of one date (one step of the pipeline), then the pipeline's
 * two scenarios over data sets of their own.
 */
export const APPROACHES = [
  'core',
  'duckdb',
  'pipeline',
  'recompute',
  'backfill',
  'backfill-warm',
  'latency',
] as const;
export type Approach = (typeof APPROACHES)[number];
/** What runs without `--only`: the three ways of doing the whole work; the rest are asked for by name. */
export const DEFAULT_APPROACHES: readonly Approach[] = ['core', 'duckdb', 'pipeline'];

/** One generated file the bench reads, in the order it must be processed. */
export interface DataFile {
  readonly dataset: Dataset;
  /** Absolute path on disk. */
  readonly path: string;
  /** Key below `raw/` once uploaded (the dataset is its first folder). */
  readonly key: string;
  /** Data rows, the header not counted. */
  readonly rows: number;
}

/** A generated data set on disk, described by its `dataset.json`. */
export interface DataSet {
  readonly dir: string;
  readonly seed: string;
  /** The size asked for: orders are 0.4 × this, products a fixed catalogue. */
  readonly itemsRequested: number;
  readonly orders: number;
  readonly products: number;
  readonly days: number;
  readonly startDate: string;
  readonly files: readonly DataFile[];
  readonly rows: Readonly<Record<Dataset, number>>;
  readonly bytes: number;
}

/**
 * Sums over every stored KPI row of every date: what both the core and DuckDB must agree on.
 * Averages and rates are summed in their rounded integer units (cents, 1/10,000), so the
 * half-even rounding of each row is compared too.
 */
export interface KpiTotals {
  readonly orderDates: number;
  readonly totalOrders: number;
  readonly totalRevenueCents: number;
  readonly totalItemsSold: number;
  readonly returnedOrders: number;
  readonly uniqueCustomers: number;
  readonly avgOrderValueCents: number;
  readonly returnRateTenThousandths: number;
  readonly categoryRows: number;
  readonly categoryRevenueCents: number;
  readonly categoryItemsSold: number;
  readonly categoryOrderCount: number;
  readonly categoryReturnedItems: number;
  readonly categoryAvgOrderValueCents: number;
  readonly categoryReturnRateTenThousandths: number;
}

/** Row verdicts of one dataset: rows read, accepted, rejected (whatever the file's verdict). */
export interface RowTally {
  readonly total: number;
  readonly accepted: number;
  readonly rejected: number;
}

/** What one run of the core or DuckDB computed, apart from its measurements. */
export interface ValidationOutcome {
  /**
   * Wall time of each phase, ms: `validation`, every file parsed and checked in order (for the
   * core, its accepted rows also written as silver parts), then `kpis`, every date's KPIs (for
   * the core, from those parts). Where the core stands against DuckDB, step by step.
   */
  readonly phasesMs?: Readonly<Record<ValidationPhase, number>>;
  readonly rows: Readonly<Record<Dataset, RowTally>>;
  /** Rejected rows per problem code; a row with two problems counts under both. */
  readonly rejectedByRule: Readonly<Record<string, number>>;
  /** Files whose verdict was REJECTED: none of their rows reach the KPIs. */
  readonly rejectedFiles: number;
  readonly kpis: KpiTotals;
}

/** The two phases of a validation run, in order. */
export type ValidationPhase = 'validation' | 'kpis';

/** One run of one approach, as its child process reports it. */
export interface ApproachRun {
  readonly approach: Approach;
  /** 1-based number of the round the run belongs to. */
  readonly round: number;
  readonly wallMs: number;
  /** Data rows of all three datasets over the wall time. */
  readonly rowsPerSecond: number;
  /** Rows per second of each dataset on its own (the pipeline: from first upload to the dataset's last file final). */
  readonly rowsPerSecondByDataset?: Readonly<Partial<Record<Dataset, number>>>;
  /** Peak resident set size per process, bytes: `bench` for the core and DuckDB, each service and the JVM for the pipeline. */
  readonly peakRssBytes: Readonly<Record<string, number>>;
  /** Absent for the pipeline, which is checked by its own file verdicts. */
  readonly outcome?: ValidationOutcome;
  /** Pipeline only: files that ended FAILED. */
  readonly failedFiles?: number;
  /** The pipeline and its scenarios: the AWS requests both services sent. */
  readonly awsRequests?: readonly AwsRequestTally[];
  /** Rows of the run's data set (the scenarios have their own). */
  readonly rows?: Readonly<Record<Dataset, number>>;
  readonly backfill?: BackfillMeasures;
  readonly latency?: LatencyMeasures;
}
