import { tmpdir } from 'node:os';
import {
  ANOMALY_JUDGE_LEASE,
  DateAnomalyStore,
  DateRecomputeCoordinator,
  FileProfileStore,
} from '@storeflow/aws';
import type { Anomaly } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { assertCliBuilt, runCli } from './helpers.js';
import { createTestPipeline, type TestPipeline } from './pipeline.js';

function anomaly(date: string, metric: string, value: number): Anomaly {
  return {
    scope: 'date',
    date,
    metric,
    value,
    expected: { low: 78.4, high: 121.6 },
    baseline: { n: 28, centre: 100, spread: 5.4 },
    rule: 'seasonal-mad:z>4',
  };
}

describe('storeflow anomalies', () => {
  let stack: EmbeddedStack;
  let pipeline: TestPipeline;
  const verdicts = [
    { date: '2025-03-02', anomalies: [anomaly('2025-03-02', 'total_orders', 5)] },
    {
      date: '2025-03-09',
      anomalies: [anomaly('2025-03-09', 'total_orders', 300), anomaly('2025-03-09', 'unique_customers', 290)],
    },
  ];
  // A file landed on 2025-03-05 whose row count left its dataset's recent range.
  const fileSummary = {
    key: 'raw/orders/2025-03-05.csv@v1',
    dataset: 'orders',
    eventTime: '2025-03-05T06:00:00.000Z',
    rows: 3,
    rejectedRowRatio: 0,
    nullRates: {},
  };
  const fileAnomaly: Anomaly = {
    scope: 'file',
    key: fileSummary.key,
    metric: 'row_count',
    value: 3,
    expected: { low: 900, high: 1100 },
    baseline: { n: 20, centre: 1000, spread: 25 },
    rule: 'mad:z>4',
  };

  beforeAll(async () => {
    await assertCliBuilt();
    stack = await startEmbeddedStack();
    pipeline = await createTestPipeline(stack);
    // Verdict writes are fenced on the judge lease, taken here as the transformer's judge does.
    const leases = new DateRecomputeCoordinator({
      clients: pipeline.clients,
      tableName: pipeline.names.kpiDatesTable,
    });
    await leases.tryAcquire(ANOMALY_JUDGE_LEASE, 'transformer-1', 60_000);
    await new DateAnomalyStore({ clients: pipeline.clients, tableName: pipeline.names.qualityTable }).replace(
      verdicts,
      leases.leaseFence(ANOMALY_JUDGE_LEASE, 'transformer-1'),
    );
    await new FileProfileStore({ clients: pipeline.clients, tableName: pipeline.names.qualityTable }).put(
      fileSummary,
      {
        anomalies: [fileAnomaly],
        reportKey: 'validation-reports/orders/2025-03-05.json',
        verdict: 'ACCEPTED',
      },
    );
  }, 150_000);

  afterAll(async () => {
    await pipeline?.close();
    await stack?.stop();
  }, 60_000);

  const cli = (...args: string[]) => runCli([...args, '--prefix', pipeline.prefix], tmpdir(), pipeline.env);

  it('prints the stored anomalies of both scopes as JSON, dates in order then files, only those asked for', async () => {
    // Act
    const all = await cli('anomalies', '--json');
    const later = await cli('anomalies', '--from', '2025-03-03', '--json');
    const afterTheFile = await cli('anomalies', '--from', '2025-03-06', '--json');
    const none = await cli('anomalies', '--to', '2025-03-01', '--json');

    // Assess
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toEqual([
      ...verdicts.flatMap((verdict) => verdict.anomalies),
      fileAnomaly,
    ]);
    expect(JSON.parse(later.stdout)).toEqual([...(verdicts[1]?.anomalies ?? []), fileAnomaly]);
    expect(JSON.parse(afterTheFile.stdout)).toEqual(verdicts[1]?.anomalies);
    expect(JSON.parse(none.stdout)).toEqual([]);
  });

  it('prints one line per anomaly with its expected range, baseline and rule', async () => {
    // Act
    const result = await cli('anomalies', '--to', '2025-03-02');

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n').map((line) => line.trim().split(/ {2,}/))).toEqual([
      ['Anomalies'],
      ['WHERE', 'METRIC', 'VALUE', 'EXPECTED', 'BASELINE n/centre/spread', 'RULE'],
      ['2025-03-02', 'total_orders', '5', '[78.4, 121.6]', '28 / 100 / 5.4', 'seasonal-mad:z>4'],
      [''],
    ]);
  });

  it('refuses a range whose start is after its end', async () => {
    // Act
    const result = await cli('anomalies', '--from', '2025-03-09', '--to', '2025-03-02');

    // Assess
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toContain('--from 2025-03-09 is after --to 2025-03-02');
  });
});
