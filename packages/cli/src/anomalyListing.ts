import type { Anomaly } from '@storeflow/core';
import { formatTable } from './formatTable.js';

/**
 * The anomalies as a table: where (the order date, or the file key), metric, value, the expected
 * range, the baseline (history values, centre, spread) and the rule that fired.
 *
 * @example
 * anomalyTable([dropOnApril2]);
 * // WHERE       METRIC        VALUE  EXPECTED        BASELINE n/centre/spread  RULE
 * // 2025-04-02  total_orders      5  [78.4, 121.6]   28 / 100 / 5.4            seasonal-mad:z>4
 */
export function anomalyTable(anomalies: readonly Anomaly[]): string {
  return formatTable(
    [
      { header: 'WHERE' },
      { header: 'METRIC' },
      { header: 'VALUE', align: 'right' },
      { header: 'EXPECTED' },
      { header: 'BASELINE n/centre/spread' },
      { header: 'RULE' },
    ],
    anomalies.map((anomaly) => [
      anomaly.scope === 'date' ? (anomaly.date ?? '') : (anomaly.key ?? ''),
      anomaly.metric,
      String(anomaly.value),
      `[${anomaly.expected.low}, ${anomaly.expected.high}]`,
      `${anomaly.baseline.n} / ${anomaly.baseline.centre} / ${anomaly.baseline.spread}`,
      anomaly.rule,
    ]),
  );
}
