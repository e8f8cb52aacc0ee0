import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  FileProfileStore,
  type LineageRepository,
  type RawObjectSource,
  type ReferenceStore,
  resolveAwsConnection,
  resourceNamesFor,
  type SourceVersionStore,
} from '@storeflow/aws';
import { type Alert, type AlertSink, type ValidationReport, ValidationReportBuilder } from '@storeflow/core';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { loadContractFiles } from '@storeflow/runtime';
import { createRecordingLogger, perTestFile, uniquePrefix } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadValidatorConfig } from '../src/config.js';
import { createValidatorMetrics } from '../src/metrics.js';
import { hasRowProfile, recordFileProfile } from '../src/recordFileProfile.js';
import type { FileContext } from '../src/validatorContext.js';

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;

beforeAll(async () => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
}, 60_000);

afterAll(() => {
  clients?.destroy();
});

/** An alert sink that records what it publishes, and fails its first `failures` publications. */
function recordingSink(failures = 0): AlertSink & { published: Alert[] } {
  let left = failures;
  const published: Alert[] = [];
  return {
    published,
    publish: async (alert) => {
      if (left > 0) {
        left -= 1;
        throw new Error('topic unreachable (injected by the test)');
      }
      published.push(alert);
    },
  };
}

async function freshProfiles(): Promise<FileProfileStore> {
  const names = resourceNamesFor(uniquePrefix('rfp'));
  await bootstrapResources(clients, { names });
  return new FileProfileStore({ clients, tableName: names.qualityTable });
}

/** The context of one orders file uploaded on `day` of April 2025, its alerts going to `alerts`. */
function contextOf(profiles: FileProfileStore, alerts: AlertSink, day: number) {
  const metrics = createValidatorMetrics(new Registry());
  const config = loadValidatorConfig({
    VALIDATOR_QUEUE_URL: 'http://localhost/ingest',
    VALIDATOR_TRANSFORM_QUEUE_URL: 'http://localhost/transform',
    VALIDATOR_WORKER_ID: 'worker-a',
  });
  const context: FileContext = {
    deps: {
      clients,
      config,
      lineage: {} as LineageRepository,
      references: {} as ReferenceStore,
      sourceVersions: {} as SourceVersionStore,
      rawObjects: {} as RawObjectSource,
      profiles,
      alerts,
      metrics,
      contracts: loadContractFiles(),
      now: () => Date.UTC(2025, 3, day, 12),
    },
    log: createRecordingLogger(),
    signal: new AbortController().signal,
    bucket: 'data',
    key: { sourceKey: `raw/orders/2025-04-${String(day).padStart(2, '0')}.csv`, objectVersion: `v${day}` },
    eventTime: `2025-04-${String(day).padStart(2, '0')}T10:00:00.000Z`,
    attempt: 1,
    startedAtMs: Date.UTC(2025, 3, day, 11),
  };
  return { context, metrics };
}

/** An orders report of `rows` rows, `withoutStatus` of them with an empty status. */
function ordersReport(rows: number, withoutStatus = 0): ValidationReport {
  const builder = new ValidationReportBuilder(['order_id', 'status'], {
    contract: loadContractFiles().datasets.get('orders'),
  });
  for (let row = 1; row <= rows; row++)
    builder.observeRow([String(row), row <= withoutStatus ? '' : 'complete']);
  builder.accept(rows, '2025-04-01');
  return builder.build({
    source: {},
    verdict: 'ACCEPTED',
    maxRejectedRowRatio: 0.05,
    touchedDates: ['2025-04-01'],
    timingsMs: {},
    generatedAt: '2025-04-01T00:00:00.000Z',
  });
}

async function anomalyCount(metrics: ReturnType<typeof createValidatorMetrics>): Promise<number> {
  const { values } = await metrics.anomalies.get();
  return values.find((value) => value.labels.scope === 'file')?.value ?? 0;
}

describe('recordFileProfile on DynamoDB Local', () => {
  it('finds nothing in an ordinary file, and alerts once per anomaly of an abnormal one', async () => {
    // Prepare: eight ordinary days of about 1,000 orders with a full status column
    const profiles = await freshProfiles();
    const alerts = recordingSink();
    const ordinary: unknown[] = [];
    for (let day = 1; day <= 8; day++) {
      const { context } = contextOf(profiles, alerts, day);
      const found = await recordFileProfile(context, {
        dataset: 'orders',
        report: ordersReport(1000 + day),
        reportKey: 'r',
      });
      ordinary.push(...found);
    }
    const { context, metrics } = contextOf(profiles, alerts, 9);

    // Act: a tenth of the usual rows, half of them without a status
    const anomalies = await recordFileProfile(context, {
      dataset: 'orders',
      report: ordersReport(100, 50),
      reportKey: 'r',
    });

    // Assess
    expect(ordinary).toEqual([]);
    expect(anomalies.map((anomaly) => anomaly.metric).sort()).toEqual(['null_rate:status', 'row_count']);
    expect(anomalies[0]).toMatchObject({
      scope: 'file',
      key: 'raw/orders/2025-04-09.csv@v9',
      dataset: 'orders',
    });
    expect(alerts.published).toEqual(anomalies.map((anomaly) => ({ kind: 'anomaly', anomaly })));
    expect(await anomalyCount(metrics)).toBe(2);
  });

  it('on a rerun reports the stored anomalies, counts them once, and publishes the alerts a failed run left pending', async () => {
    // Prepare: a history of eight days, then an abnormal file whose first alert fails to publish
    const profiles = await freshProfiles();
    const quiet = recordingSink();
    for (let day = 1; day <= 8; day++) {
      await recordFileProfile(contextOf(profiles, quiet, day).context, {
        dataset: 'orders',
        report: ordersReport(1000 + day),
        reportKey: 'r',
      });
    }
    const failing = recordingSink(1);
    const first = contextOf(profiles, failing, 9);
    await expect(
      recordFileProfile(first.context, { dataset: 'orders', report: ordersReport(100), reportKey: 'r' }),
    ).rejects.toThrow('topic unreachable');
    // A later file joins the history before the rerun: the rerun must not judge anew
    await recordFileProfile(contextOf(profiles, quiet, 10).context, {
      dataset: 'orders',
      report: ordersReport(100),
      reportKey: 'r',
    });

    // Act
    const rerun = contextOf(profiles, failing, 9);
    const anomalies = await recordFileProfile(rerun.context, {
      dataset: 'orders',
      report: ordersReport(100),
      reportKey: 'r',
    });
    const third = contextOf(profiles, failing, 9);
    const again = await recordFileProfile(third.context, {
      dataset: 'orders',
      report: ordersReport(100),
      reportKey: 'r',
    });

    // Assess
    expect(anomalies.map((anomaly) => anomaly.metric)).toEqual(['row_count']);
    expect(again).toEqual(anomalies);
    expect(failing.published).toEqual([{ kind: 'anomaly', anomaly: anomalies[0] }]);
    expect(await anomalyCount(first.metrics)).toBe(1);
    expect(await anomalyCount(rerun.metrics)).toBe(0);
  });

  it('profiles a file rejected by its rows, not one rejected before any row was read', () => {
    // Prepare
    const byRows = { ...ordersReport(10), verdict: 'REJECTED' as const };
    const byHeader = { ...ordersReport(0), verdict: 'REJECTED' as const };

    // Act and assess
    expect(hasRowProfile(byRows)).toBe(true);
    expect(hasRowProfile(byHeader)).toBe(false);
    expect(hasRowProfile(ordersReport(0))).toBe(true);
  });
});
