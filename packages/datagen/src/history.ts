import type { InjectedAnomaly } from './anomalyKinds.js';
import type { GenerateOptions } from './types.js';

/** A daily history to generate: what the anomaly judges need to see, and the days made abnormal. */
export interface HistoryRequest {
  readonly seed: string;
  /** First order day, `YYYY-MM-DD` (UTC). */
  readonly startDate: string;
  readonly days: number;
  /** Orders of an average day; a day's count follows the weekday, a slow trend and noise. */
  readonly ordersPerDay: number;
  /** Size of the catalogue (default: the generator's). */
  readonly products?: number;
  readonly anomalies?: readonly InjectedAnomaly[];
}

/**
 * The generator's options for a history: the catalogue in one file, then one orders file and one
 * order_items file per day, so both the date scope (a KPI series per date) and the file scope (a
 * series of files per dataset) have a past to judge each day against. `storeflow generate --daily`
 * and the anomaly tests build their data sets with it.
 *
 * @example
 * new DataGenerator(historyOptions({ seed: '1', startDate: '2025-01-01', days: 60, ordersPerDay: 200,
 *   anomalies: [{ date: '2025-02-10', kind: 'volume-drop' }] }));
 */
export function historyOptions(request: HistoryRequest): Partial<GenerateOptions> {
  return {
    seed: request.seed,
    startDate: request.startDate,
    days: request.days,
    files: request.days,
    dailyFiles: true,
    orders: request.ordersPerDay * request.days,
    anomalies: request.anomalies ?? [],
    ...(request.products === undefined ? {} : { products: request.products }),
  };
}
