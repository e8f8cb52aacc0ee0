import type { OrderKpiAttributes } from '@storeflow/aws';
import type { Anomaly, DailyQualityMetrics } from '@storeflow/core';
import {
  affectedDates,
  affectedSpan,
  dailyQualityMetrics,
  datesOf,
  judgeDates,
  judgementSpan,
  verdictChanges,
} from '../src/dateJudgement.js';

function kpiRow(date: string, overrides: Partial<OrderKpiAttributes> = {}): OrderKpiAttributes {
  return {
    order_date: date,
    total_orders: 10,
    total_revenue: 250.5,
    total_items_sold: 20,
    returned_orders: 1,
    return_rate: 0.1,
    unique_customers: 9,
    avg_order_value: 25.05,
    ...overrides,
  };
}

function anomaly(date: string, metric: string, value = 1): Anomaly {
  return {
    scope: 'date',
    date,
    metric,
    value,
    expected: { low: 5, high: 15 },
    baseline: { n: 28, centre: 10, spread: 1 },
    rule: 'seasonal-mad:z>4',
  };
}

describe('which dates a recompute affects', () => {
  it('reads from the 56 days before the first recomputed date to 56 days after the last', () => {
    // Act
    const span = judgementSpan(['2025-04-10', '2025-04-02']);
    // Assess
    expect(span).toEqual({ from: '2025-02-05', to: '2025-06-05' });
    expect(affectedSpan(['2025-04-10', '2025-04-02'])).toEqual({ from: '2025-04-02', to: '2025-06-05' });
    // 56 days before, the 9 recomputed from 2 to 10 April, 56 days after.
    expect(datesOf(span)).toHaveLength(56 + 9 + 56);
  });

  it('judges each recomputed date, and the dates with KPIs in the 56 days after one, no others', () => {
    // Prepare: KPIs before, inside and beyond the 56 days after 2025-04-02
    const withKpis = new Set(['2025-04-01', '2025-04-03', '2025-05-28', '2025-05-29']);
    // Act
    const dates = affectedDates(['2025-04-02'], withKpis);
    // Assess: 04-01 is before (its baseline is unchanged), 05-01 is 29 days after
    expect(dates).toEqual(['2025-04-02', '2025-04-03', '2025-05-28']);
  });
});

describe('a date metrics from its KPI row and its row counts', () => {
  it('takes the KPI figures and the rejected share of the rows dated that day', () => {
    // Act
    const metrics = dailyQualityMetrics('2025-04-02', kpiRow('2025-04-02'), { accepted: 45, rejected: 5 });
    // Assess
    expect(metrics).toEqual({
      date: '2025-04-02',
      total_orders: 10,
      total_revenue: 250.5,
      total_items_sold: 20,
      avg_order_value: 25.05,
      return_rate: 0.1,
      unique_customers: 9,
      rejected_row_rate: 0.1,
    });
  });

  it('leaves out the item metrics of a day whose items have not arrived, so it is no revenue drop', () => {
    // Act
    const metrics = dailyQualityMetrics(
      '2025-04-02',
      kpiRow('2025-04-02', { total_items_sold: 0, total_revenue: 0, avg_order_value: 0 }),
      undefined,
    );
    // Assess
    expect(metrics).toEqual({ date: '2025-04-02', total_orders: 10, return_rate: 0.1, unique_customers: 9 });
  });

  it('has only the rejected-row rate for a day of rejected rows and no orders', () => {
    expect(dailyQualityMetrics('2025-04-02', undefined, { accepted: 0, rejected: 4 })).toEqual({
      date: '2025-04-02',
      rejected_row_rate: 1,
    });
    expect(dailyQualityMetrics('2025-04-02', undefined, { accepted: 0, rejected: 0 })).toEqual({
      date: '2025-04-02',
    });
  });
});

describe('judging dates', () => {
  /** Four steady weeks of 100 orders a day before 2025-04-29. */
  function steadyHistory(): Map<string, DailyQualityMetrics> {
    const metrics = new Map<string, DailyQualityMetrics>();
    const start = Date.UTC(2025, 3, 1);
    for (let day = 0; day < 28; day++) {
      const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
      metrics.set(date, { date, total_orders: 100 });
    }
    return metrics;
  }

  it('finds a volume drop against the weeks before, and nothing on an ordinary day', () => {
    // Prepare
    const metrics = steadyHistory();
    metrics.set('2025-04-29', { date: '2025-04-29', total_orders: 10 });
    metrics.set('2025-04-30', { date: '2025-04-30', total_orders: 101 });
    // Act
    const verdicts = judgeDates(['2025-04-29', '2025-04-30'], metrics);
    // Assess
    expect(verdicts.map((verdict) => verdict.date)).toEqual(['2025-04-29', '2025-04-30']);
    expect(verdicts[0]?.anomalies.map((found) => [found.date, found.metric, found.value])).toEqual([
      ['2025-04-29', 'total_orders', 10],
    ]);
    expect(verdicts[1]?.anomalies).toEqual([]);
  });

  it('gives a date without orders an empty verdict, whatever its rejected rows', () => {
    // Prepare: a history of clean days, then a day of rejected rows only
    const metrics = new Map<string, DailyQualityMetrics>();
    for (const [date, entry] of steadyHistory()) metrics.set(date, { ...entry, rejected_row_rate: 0 });
    metrics.set('2025-04-29', { date: '2025-04-29', rejected_row_rate: 1 });
    // Act
    const [verdict] = judgeDates(['2025-04-29', '2025-05-02'], metrics);
    // Assess
    expect(verdict).toEqual({ date: '2025-04-29', anomalies: [] });
  });
});

describe('fresh verdicts against the stored ones', () => {
  const verdict = (date: string, ...anomalies: Anomaly[]) => ({ date, anomalies });

  it('stores only the verdicts that differ, marking and alerting only the anomalies new to their date', () => {
    // Prepare
    const stored = new Map([
      ['2025-04-02', verdict('2025-04-02', anomaly('2025-04-02', 'total_orders', 3))],
      ['2025-04-03', verdict('2025-04-03', anomaly('2025-04-03', 'total_orders'))],
      ['2025-04-04', verdict('2025-04-04', anomaly('2025-04-04', 'return_rate'))],
    ]);
    const judged = [
      // the same anomaly, now with another value: stored again, not alerted again
      verdict('2025-04-02', anomaly('2025-04-02', 'total_orders', 2)),
      // unchanged: not written
      verdict('2025-04-03', anomaly('2025-04-03', 'total_orders')),
      // gone: stored (deleted), nothing to alert
      verdict('2025-04-04'),
      // new on a date that had none, and a date that stays normal
      verdict('2025-04-05', anomaly('2025-04-05', 'total_revenue')),
      verdict('2025-04-06'),
    ];
    // Act
    const changes = verdictChanges(judged, stored);
    // Assess
    expect(changes.toStore).toEqual([
      verdict('2025-04-02', anomaly('2025-04-02', 'total_orders', 2)),
      verdict('2025-04-04'),
      { ...verdict('2025-04-05', anomaly('2025-04-05', 'total_revenue')), unalerted: ['total_revenue'] },
    ]);
    expect(changes.found.map((entry) => [entry.date, entry.metric])).toEqual([
      ['2025-04-05', 'total_revenue'],
    ]);
    expect(changes.toAlert).toEqual(changes.found);
    expect(changes.afterAlerts).toEqual([verdict('2025-04-05', anomaly('2025-04-05', 'total_revenue'))]);
  });

  it('alerts a second metric found on a date already known for another', () => {
    // Act
    const { found, toAlert } = verdictChanges(
      [verdict('2025-04-02', anomaly('2025-04-02', 'total_orders'), anomaly('2025-04-02', 'total_revenue'))],
      new Map([['2025-04-02', verdict('2025-04-02', anomaly('2025-04-02', 'total_orders'))]]),
    );
    // Assess
    expect(found.map((entry) => entry.metric)).toEqual(['total_revenue']);
    expect(toAlert.map((entry) => entry.metric)).toEqual(['total_revenue']);
  });

  it('publishes again the alerts a judge that stopped left marked, without counting them as found', () => {
    // Prepare: stored with its alert still to publish
    const known = anomaly('2025-04-02', 'total_orders');
    const stored = new Map([
      ['2025-04-02', { ...verdict('2025-04-02', known), unalerted: ['total_orders'] }],
    ]);
    // Act
    const changes = verdictChanges([verdict('2025-04-02', known)], stored);
    // Assess
    expect(changes.found).toEqual([]);
    expect(changes.toAlert).toEqual([known]);
    expect(changes.toStore).toEqual([]);
    expect(changes.afterAlerts).toEqual([verdict('2025-04-02', known)]);
  });
});
