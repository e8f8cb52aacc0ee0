import { listStoredAnomalies } from '@storeflow/aws';
import type { Anomaly } from '@storeflow/core';
import { DataGenerator, historyOptions, type InjectedAnomaly, SeededRandom } from '@storeflow/datagen';
import { startEmbeddedStack, subscribeAlertInbox } from '@storeflow/local-stack';
import { perTestFile } from '@storeflow/testing';
import { createPipeline, upload, waitForAll, withServices } from './harness.js';

// The acceptance run of anomaly detection through the whole pipeline: 60 days of generated
// weekday-seasonal orders with one anomaly of each kind injected, uploaded in two seeded orders
// to the validator and transformer processes. Every injected day is found, at most one other day
// is flagged, the date scope's verdicts are the same in both orders, and the alerts topic's
// subscriber receives exactly one message per stored anomaly and per rejected file.

const stack = perTestFile(() => startEmbeddedStack());

const START = '2025-03-01';
/** One of each kind, after the three weeks the date scope needs, on different weekdays. */
const INJECTED: readonly InjectedAnomaly[] = [
  { date: '2025-03-24', kind: 'volume-drop' },
  { date: '2025-04-02', kind: 'price-spike' },
  { date: '2025-04-12', kind: 'null-burst' },
  { date: '2025-04-20', kind: 'reject-burst' },
];
/** Files of a dataset the file scope needs before it judges one (packages/core judgeFile). */
const FILE_HISTORY = 5;

interface HistoryFile {
  readonly dataset: string;
  readonly key: string;
  readonly text: string;
}

function historyFiles(): HistoryFile[] {
  const generator = new DataGenerator(
    historyOptions({
      seed: 'stack-history',
      startDate: START,
      days: 60,
      ordersPerDay: 200,
      products: 300,
      anomalies: INJECTED,
    }),
  );
  return generator.files.map((file) => ({
    dataset: file.dataset,
    key: `raw/${file.key}`,
    text: [...generator.chunks(file)].join(''),
  }));
}

/** The `day=` partition of a generated key, the order date its rows carry. */
function dayOf(key: string): string {
  const match = /year=(\d{4})\/month=(\d{2})\/day=(\d{2})\//.exec(key);
  if (match === null) throw new Error(`${key} has no date partition`);
  return `${match[1]}-${match[2]}-${match[3]}`;
}

/** The day an anomaly points at: its order date, or the date partition of the file it is about. */
function dayOfAnomaly(anomaly: Anomaly): string {
  return anomaly.scope === 'date' ? (anomaly.date ?? '') : dayOf(anomaly.key ?? '');
}

/**
 * Products first, then the orders files and then the items files, each shuffled by `seed`. The
 * file scope judges a file against the files of its dataset that arrived before it, so a seed
 * that puts an injected file among the first few of its dataset cannot show it there; such a
 * seed is refused rather than let the test pass or fail by chance.
 */
function arrival(files: readonly HistoryFile[], seed: number): HistoryFile[] {
  const random = new SeededRandom(String(seed), 'history-arrival');
  const shuffled = (dataset: string) => random.shuffle(files.filter((file) => file.dataset === dataset));
  const order = [...shuffled('products'), ...shuffled('orders'), ...shuffled('order_items')];
  for (const dataset of ['orders', 'order_items']) {
    const ofDataset = order.filter((file) => file.dataset === dataset);
    const early = ofDataset.slice(0, FILE_HISTORY).map((file) => dayOf(file.key));
    const hidden = INJECTED.filter(({ date }) => early.includes(date));
    if (hidden.length > 0) {
      throw new Error(
        `seed ${seed} uploads the ${dataset} of ${hidden[0]?.date} before its history; choose another`,
      );
    }
  }
  return order;
}

async function runWithSeed(files: readonly HistoryFile[], seed: number) {
  const pipeline = await createPipeline(stack());
  const inbox = await subscribeAlertInbox(
    pipeline.clients,
    pipeline.resources.alertsTopicArn,
    `${pipeline.names.alertsTopic}-inbox`,
  );
  let result: { anomalies: Anomaly[]; rejectedFiles: string[]; alerts: string[] } | undefined;
  await withServices(pipeline, { validators: 1, transformers: 2 }, async () => {
    const uploaded = [];
    for (const file of arrival(files, seed)) uploaded.push(await upload(pipeline, file.key, file.text));
    const records = await waitForAll(pipeline, uploaded, 480_000);
    const anomalies = await listStoredAnomalies(pipeline.clients, pipeline.names.qualityTable);
    const rejectedFiles = records
      .filter((record) => record.verdict === 'REJECTED')
      .map((record) => record.sourceKey);
    const received = await inbox.receive(anomalies.length + rejectedFiles.length, 120_000);
    const alerts = received.map(({ alert, kindAttribute }) => {
      expect(kindAttribute).toBe(alert.kind);
      if (alert.kind === 'anomaly') return `anomaly ${dayOfAnomaly(alert.anomaly)} ${alert.anomaly.metric}`;
      return `${alert.kind} ${'file' in alert ? alert.file?.key : ''}`;
    });
    expect(records.filter((record) => record.status !== 'SUCCESS' && record.verdict !== 'REJECTED')).toEqual(
      [],
    );
    result = { anomalies, rejectedFiles, alerts };
  });
  if (result === undefined) throw new Error('the run ended without a result');
  return result;
}

describe('60 days with one anomaly of each kind, through the pipeline', () => {
  it('finds every injected day and at most one other, in two upload orders, each alerted once', async () => {
    // Prepare
    const files = historyFiles();

    // Act
    const runs = [await runWithSeed(files, 3), await runWithSeed(files, 11)];

    // Assess
    for (const run of runs) {
      const flagged = new Set(run.anomalies.map(dayOfAnomaly));
      for (const { date } of INJECTED) expect(flagged).toContain(date);
      const falseAlarms = [...flagged].filter((day) => !INJECTED.some(({ date }) => date === day));
      expect(falseAlarms.length).toBeLessThanOrEqual(1);
      // One message per stored anomaly and per rejected file, and nothing else
      expect([...run.alerts].sort()).toEqual(
        [
          ...run.anomalies.map((anomaly) => `anomaly ${dayOfAnomaly(anomaly)} ${anomaly.metric}`),
          ...run.rejectedFiles.map((key) => `file-rejected ${key}`),
        ].sort(),
      );
    }
    // The date scope is a function of the accepted data, whatever the arrival order
    const dateAnomalies = (anomalies: readonly Anomaly[]) =>
      anomalies.filter(({ scope }) => scope === 'date');
    expect(dateAnomalies(runs[1]?.anomalies ?? [])).toEqual(dateAnomalies(runs[0]?.anomalies ?? []));
  }, 1_200_000);
});
