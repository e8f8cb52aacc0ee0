import { DateAnomalyStore, SqsPoller } from '@storeflow/aws';
import { type Alert, type AlertSink, addDays } from '@storeflow/core';
import { SeededRandom } from '@storeflow/datagen';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadTransformerConfig } from '../src/config.js';
import { createTransformer } from '../src/createTransformer.js';
import { createTransformerMetrics } from '../src/metrics.js';
import { createPipeline, type Pipeline, startService, upload, waitForAll } from './harness.js';
import { silentLog } from './inProcess.js';

// Date anomalies through the whole pipeline: six weeks of ordinary days and one day whose orders
// drop, uploaded in two seeded orders, leave the same verdicts, found on that day only, and alert
// each of its anomalies once, whatever the intermediate states the judges saw.

const stack = perTestFile(() => startEmbeddedStack());

const FIRST_DAY = '2025-01-06';
const DAYS = 41;
/** 34 days of history before it, 6 days after. */
const DROP_DAY = addDays(FIRST_DAY, 34);
const ORDERS_PER_DAY = 8;
const DAYS_PER_FILE = 7;

/** Orders and items of each day as CSV files of a week each, products in one file. */
function history(): { key: string; text: string; dataset: string }[] {
  const orders: string[][] = [];
  const items: string[][] = [];
  let id = 0;
  for (let day = 0; day < DAYS; day++) {
    const date = addDays(FIRST_DAY, day);
    const count = date === DROP_DAY ? 1 : ORDERS_PER_DAY;
    const week = Math.floor(day / DAYS_PER_FILE);
    orders[week] ??= [];
    items[week] ??= [];
    for (let order = 0; order < count; order++) {
      id += 1;
      const user = 1000 + order;
      orders[week].push(`${id},${user},delivered,${date}T10:00:00,,${date}T12:00:00,${date}T18:00:00,1`);
      items[week].push(
        `${id},${id},${user},1,delivered,${date}T10:00:00,${date}T12:00:00,${date}T18:00:00,,20.00`,
      );
    }
  }
  const file = (dataset: string, header: string, rows: string[], index: number) => ({
    dataset,
    key: `raw/${dataset}/week-${index}.csv`,
    text: `${header}\n${rows.join('\n')}\n`,
  });
  return [
    {
      dataset: 'products',
      key: 'raw/products/products.csv',
      text: 'id,sku,cost,category,name,brand,retail_price,department\n1,ABC-12345678,5.00,Tops,Tee,Acme,20.00,Women\n',
    },
    ...orders.map((rows, index) =>
      file(
        'orders',
        'order_id,user_id,status,created_at,returned_at,shipped_at,delivered_at,num_of_item',
        rows,
        index,
      ),
    ),
    ...items.map((rows, index) =>
      file(
        'order_items',
        'id,order_id,user_id,product_id,status,created_at,shipped_at,delivered_at,returned_at,sale_price',
        rows,
        index,
      ),
    ),
  ];
}

/** Products first, then the orders files, then the items files, each shuffled by `seed`. */
function arrival(seed: number) {
  const random = new SeededRandom(String(seed), 'anomaly-arrival');
  const files = history();
  const shuffled = (dataset: string) => random.shuffle(files.filter((file) => file.dataset === dataset));
  return [...shuffled('products'), ...shuffled('orders'), ...shuffled('order_items')];
}

/** Two in-process transformers (so two judges race) publishing into one recording sink. */
function startTransformers(pipeline: Pipeline, alerts: AlertSink): SqsPoller[] {
  return ['transformer-a', 'transformer-b'].map((workerId) => {
    const config = loadTransformerConfig({ ...pipeline.env, TRANSFORMER_WORKER_ID: workerId });
    const poller = new SqsPoller({
      clients: pipeline.clients,
      queueUrl: config.queueUrl,
      handle: createTransformer({
        clients: pipeline.clients,
        config,
        metrics: createTransformerMetrics(new Registry()),
        log: silentLog,
        now: Date.now,
        alerts,
      }),
      log: silentLog,
      concurrency: config.concurrency,
      visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
      heartbeatIntervalSeconds: config.heartbeatSeconds,
      waitTimeSeconds: 1,
    });
    poller.start();
    return poller;
  });
}

async function runWithSeed(seed: number) {
  const pipeline = await createPipeline(stack());
  const published: Alert[] = [];
  const transformers = startTransformers(pipeline, {
    publish: async (alert) => {
      published.push(alert);
    },
  });
  const validator = startService('validator', pipeline);
  try {
    const uploaded = [];
    for (const file of arrival(seed)) uploaded.push(await upload(pipeline, file.key, file.text));
    const records = await waitForAll(pipeline, uploaded);
    expect(records.map((record) => record.status)).toEqual(uploaded.map(() => 'SUCCESS'));
    const verdicts = await new DateAnomalyStore({
      clients: pipeline.clients,
      tableName: pipeline.names.qualityTable,
    }).list();
    return { verdicts, published };
  } finally {
    await validator.stop();
    await Promise.all(transformers.map((poller) => poller.stop({ graceMs: 2_000 })));
    pipeline.clients.destroy();
  }
}

describe('date anomalies on the embedded stack', () => {
  it('are the same for two arrival orders: the drop day only, each alerted once', async () => {
    // Act
    const first = await runWithSeed(7);
    const second = await runWithSeed(2024);

    // Assess: only the drop day, on the volume metrics (the average order value did not move)
    expect(first.verdicts.map((verdict) => verdict.date)).toEqual([DROP_DAY]);
    const [dropVerdict] = first.verdicts;
    expect(dropVerdict?.anomalies.map((anomaly) => [anomaly.metric, anomaly.value]).sort()).toEqual([
      ['total_items_sold', 1],
      ['total_orders', 1],
      ['total_revenue', 20],
      ['unique_customers', 1],
    ]);
    expect(dropVerdict?.unalerted).toBeUndefined();
    // Same stored anomalies, up to the baseline's size, which is the same once all data is in
    expect(second.verdicts).toEqual(first.verdicts);
    for (const run of [first, second]) {
      const alerted = run.published.map((alert) =>
        alert.kind === 'anomaly' ? `${alert.anomaly.date} ${alert.anomaly.metric}` : alert.kind,
      );
      expect(alerted.sort()).toEqual(
        (dropVerdict?.anomalies ?? []).map((anomaly) => `${DROP_DAY} ${anomaly.metric}`).sort(),
      );
    }
  }, 600_000);
});
