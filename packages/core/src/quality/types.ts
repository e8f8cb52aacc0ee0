/** Where an anomaly was found: an order date's KPIs, or one file's profile. */
export type AnomalyScope = 'date' | 'file';

/** The reference a value was judged against: the robust centre and spread of its history. */
export interface AnomalyBaseline {
  /** History values the baseline was computed from. */
  readonly n: number;
  /** The expected value before the weekday factor (the median of the deseasonalised history). */
  readonly centre: number;
  /** The robust standard deviation used (scaled MAD, raised to the metric's floor). */
  readonly spread: number;
}

/**
 * One abnormal value, with everything needed to explain the verdict: the metric, its value, the
 * expected range it left, the baseline that range came from, and the rule that fired.
 */
export interface Anomaly {
  readonly scope: AnomalyScope;
  /** `YYYY-MM-DD`, for the date scope. */
  readonly date?: string;
  /** `<sourceKey>@<objectVersion>`, for the file scope. */
  readonly key?: string;
  /** The file's dataset, for the file scope. */
  readonly dataset?: string;
  /** A daily KPI attribute (`total_orders`, ...), `rejected_row_rate`, `row_count` or `null_rate:<column>`. */
  readonly metric: string;
  readonly value: number;
  /** The inclusive range the value was expected in (the weekday factor applied). */
  readonly expected: { readonly low: number; readonly high: number };
  readonly baseline: AnomalyBaseline;
  /** The rule that fired, with its threshold, e.g. `seasonal-mad:z>4`. */
  readonly rule: string;
}

/**
 * The daily metrics the date scope judges: the OrderKPIs row's figures plus the date's
 * rejected-row rate. A metric is absent when the date has no value for it (no items, no rows read).
 */
export interface DailyQualityMetrics {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly total_orders?: number;
  readonly total_revenue?: number;
  readonly total_items_sold?: number;
  readonly avg_order_value?: number;
  readonly return_rate?: number;
  readonly unique_customers?: number;
  /** Rejected rows dated that day over all rows dated that day, in the files counted for it. */
  readonly rejected_row_rate?: number;
}

/** The daily metrics judged, in report order. */
export const DAILY_METRICS = [
  'total_orders',
  'total_revenue',
  'total_items_sold',
  'avg_order_value',
  'return_rate',
  'unique_customers',
  'rejected_row_rate',
] as const satisfies readonly (keyof DailyQualityMetrics)[];

export type DailyMetric = (typeof DAILY_METRICS)[number];

/**
 * The metrics a date has only once its items have arrived: a date with orders and no items yet is
 * partly loaded, and has none of them (a day whose items are still to come is not a revenue drop).
 */
export const ITEM_METRICS = [
  'total_revenue',
  'total_items_sold',
  'avg_order_value',
] as const satisfies readonly DailyMetric[];

/** What the file scope judges of one validated file version, and what its history keeps. */
export interface FileQualitySummary {
  /** `<sourceKey>@<objectVersion>`. */
  readonly key: string;
  readonly dataset: string;
  /** ISO time of the object version's creation: the history is ordered by it. */
  readonly eventTime: string;
  /** Rows read (accepted and rejected). */
  readonly rows: number;
  readonly rejectedRowRatio: number;
  /** Per column, the share of rows whose value is empty or null, 0..1. */
  readonly nullRates: Readonly<Record<string, number>>;
}
