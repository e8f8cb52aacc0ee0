import { ALERTS_OFF, type Alert, type AlertSink } from '@storeflow/core';
import { Registry } from 'prom-client';
import { createAlertsPublishedCounter, reportedAlertSink } from '../src/reportedAlertSink.js';

const ALERT: Alert = {
  kind: 'file-failed',
  file: { bucket: 'b', key: 'raw/orders/o.csv', objectVersion: 'etag-1', dataset: 'orders' },
  errorCode: 'AWS_CALL_FAILED',
  message: 'PutObject failed',
};

function recordingLog() {
  const lines: { level: string; fields: object; message: string }[] = [];
  return {
    lines,
    info: (fields: object, message: string) => lines.push({ level: 'info', fields, message }),
    error: (fields: object, message: string) => lines.push({ level: 'error', fields, message }),
  };
}

async function countOf(registry: Registry, labels: Record<string, string>): Promise<number> {
  const metric = await registry.getSingleMetric('storeflow_alerts_published_total')?.get();
  const value = metric?.values.find((entry) =>
    Object.entries(labels).every(([name, label]) => entry.labels[name] === label),
  );
  return value?.value ?? 0;
}

describe('reportedAlertSink', () => {
  it('counts a published alert by kind', async () => {
    // Prepare
    const registry = new Registry();
    const published: Alert[] = [];
    const sink: AlertSink = { publish: async (alert) => void published.push(alert) };
    const alerts = reportedAlertSink(sink, {
      log: recordingLog(),
      published: createAlertsPublishedCounter(registry),
      topicVariable: 'SAMPLE_ALERTS_TOPIC_ARN',
    });

    // Act
    await alerts.publish(ALERT);

    // Assess
    expect(published).toEqual([ALERT]);
    expect(await countOf(registry, { kind: 'file-failed', outcome: 'published' })).toBe(1);
  });

  it('resolves when the publish fails, counting and logging the lost alert with its error', async () => {
    // Prepare
    const registry = new Registry();
    const log = recordingLog();
    const failure = new Error('topic unreachable');
    const alerts = reportedAlertSink(
      { publish: () => Promise.reject(failure) },
      { log, published: createAlertsPublishedCounter(registry), topicVariable: 'SAMPLE_ALERTS_TOPIC_ARN' },
    );

    // Act
    await alerts.publish(ALERT);

    // Assess
    expect(await countOf(registry, { kind: 'file-failed', outcome: 'failed' })).toBe(1);
    expect(await countOf(registry, { outcome: 'published' })).toBe(0);
    expect(log.lines).toEqual([
      { level: 'error', fields: { err: failure, alert: ALERT }, message: expect.stringContaining('lost') },
    ]);
  });

  it('says once, at start, that alerts are off, and then publishes and counts nothing', async () => {
    // Prepare
    const registry = new Registry();
    const log = recordingLog();

    // Act
    const alerts = reportedAlertSink(ALERTS_OFF, {
      log,
      published: createAlertsPublishedCounter(registry),
      topicVariable: 'SAMPLE_ALERTS_TOPIC_ARN',
    });
    await alerts.publish(ALERT);
    await alerts.publish(ALERT);

    // Assess
    expect(log.lines).toEqual([
      {
        level: 'info',
        fields: { variable: 'SAMPLE_ALERTS_TOPIC_ARN' },
        message: expect.stringContaining('off'),
      },
    ]);
    expect(await countOf(registry, {})).toBe(0);
  });
});
