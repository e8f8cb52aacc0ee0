import { robustCentreAndSpread, roundForReport } from './robustStatistics.js';
import type { Anomaly, FileQualitySummary } from './types.js';

/** How a file is judged against the same dataset's recent files. */
export interface FileJudgementOptions {
  /** Fewest earlier files before a file is judged (default 5). */
  readonly minHistory?: number;
  /** Robust z beyond which a value is abnormal (default 4). */
  readonly threshold?: number;
}

export const FILE_JUDGEMENT_DEFAULTS = { minHistory: 5, threshold: 4 } as const;

/**
 * The least spread of a column's null rate: with threshold 4, a null rate is never abnormal
 * within 20 points of its usual level. A status-dependent column (`shipped_at`, `delivered_at`)
 * varies by a few points from file to file, more in small files, and the items of one order share
 * it, so its scaled MAD over a few weeks of files is often below its true spread; a burst of
 * empty values (a column lost upstream) moves it by far more.
 */
const NULL_RATE_SPREAD_FLOOR = 0.05;

/**
 * Judges a file's row count, rejected-row ratio and per-column null rates against `history` (the
 * same dataset's recent files, the file itself excluded) by median and scaled MAD, each with a
 * floor so a steady history does not make every small difference abnormal.
 */
export function judgeFile(
  file: FileQualitySummary,
  history: readonly FileQualitySummary[],
  options: FileJudgementOptions = {},
): Anomaly[] {
  const { minHistory, threshold } = { ...FILE_JUDGEMENT_DEFAULTS, ...options };
  const earlier = history.filter((entry) => entry.key !== file.key && entry.dataset === file.dataset);
  if (earlier.length < minHistory) return [];
  const checks: { metric: string; value: number; past: number[]; floor: (centre: number) => number }[] = [
    {
      metric: 'row_count',
      value: file.rows,
      past: earlier.map((entry) => entry.rows),
      floor: (centre) => Math.max(centre * 0.1, 1),
    },
    {
      metric: 'rejected_row_rate',
      value: file.rejectedRowRatio,
      past: earlier.map((entry) => entry.rejectedRowRatio),
      floor: () => 0.005,
    },
    ...Object.entries(file.nullRates).map(([column, value]) => ({
      metric: `null_rate:${column}`,
      value,
      past: earlier.flatMap((entry) => {
        const rate = entry.nullRates[column];
        return rate === undefined ? [] : [rate];
      }),
      floor: () => NULL_RATE_SPREAD_FLOOR,
    })),
  ];
  const anomalies: Anomaly[] = [];
  for (const check of checks) {
    if (check.past.length < minHistory) continue;
    const robust = robustCentreAndSpread(check.past);
    const spread = Math.max(robust.spread, check.floor(robust.centre));
    const low = robust.centre - threshold * spread;
    const high = robust.centre + threshold * spread;
    if (check.value >= low && check.value <= high) continue;
    anomalies.push({
      scope: 'file',
      key: file.key,
      dataset: file.dataset,
      metric: check.metric,
      value: check.value,
      expected: { low: roundForReport(Math.max(low, 0)), high: roundForReport(high) },
      baseline: {
        n: check.past.length,
        centre: roundForReport(robust.centre),
        spread: roundForReport(spread),
      },
      rule: `mad:z>${threshold}`,
    });
  }
  return anomalies;
}
