import { DataGenerator, historyOptions, type InjectedAnomaly } from '../src/index.js';
import { type JudgedDate, judgeHistory, measureHistory } from './helpers/qualityHistory.js';

/** Long past, so no order is in the validator's future. */
const START = '2025-03-01';
const NOW_MS = Date.parse('2026-01-01T00:00:00Z');
/** One of each kind, after the three weeks the date scope needs, on different weekdays. */
const INJECTED: readonly InjectedAnomaly[] = [
  { date: '2025-03-24', kind: 'volume-drop' },
  { date: '2025-04-02', kind: 'price-spike' },
  { date: '2025-04-12', kind: 'null-burst' },
  { date: '2025-04-20', kind: 'reject-burst' },
];

const judged = new Map<string, Promise<JudgedDate[]>>();

/** Every anomaly the judges find in 60 days of about 200 orders a day, generated from `seed`. */
function anomaliesOf(seed: string): Promise<JudgedDate[]> {
  const cached = judged.get(seed);
  if (cached !== undefined) return cached;
  const generator = new DataGenerator(
    historyOptions({ seed, startDate: START, days: 60, ordersPerDay: 200, anomalies: INJECTED }),
  );
  const found = measureHistory(generator, NOW_MS).then(judgeHistory);
  judged.set(seed, found);
  return found;
}

describe('a generated 60-day history judged as the pipeline judges it', () => {
  it.each(['history-1', 'history-2'])(
    'finds every injected anomaly on its date, with at most one false alarm (seed %s)',
    async (seed) => {
      // Act
      const found = await anomaliesOf(seed);

      // Assess
      const flagged = new Set(found.map(({ date }) => date));
      for (const { date } of INJECTED) expect(flagged).toContain(date);
      const falseAlarms = [...flagged].filter((date) => !INJECTED.some((injected) => injected.date === date));
      expect(falseAlarms.length).toBeLessThanOrEqual(1);
    },
  );

  it('sees each kind where it shows: volume and price by date, the null burst by file, rejects in both', async () => {
    // Act
    const found = await anomaliesOf('history-1');

    // Assess
    const metricsOn = (date: string, scope: 'date' | 'file') =>
      found
        .filter((entry) => entry.date === date && entry.anomaly.scope === scope)
        .map(({ anomaly }) => anomaly.metric);
    expect(metricsOn('2025-03-24', 'date')).toContain('total_orders');
    expect(metricsOn('2025-04-02', 'date')).toEqual(
      expect.arrayContaining(['total_revenue', 'avg_order_value']),
    );
    expect(metricsOn('2025-04-12', 'file')).toEqual(
      expect.arrayContaining(['null_rate:gender', 'null_rate:inventory_item_id']),
    );
    expect(metricsOn('2025-04-20', 'date')).toContain('rejected_row_rate');
    expect(metricsOn('2025-04-20', 'file')).toContain('rejected_row_rate');
  });
});
