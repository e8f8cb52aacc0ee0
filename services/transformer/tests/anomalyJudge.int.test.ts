import {
  ANOMALY_JUDGE_LEASE,
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  DailyQualityStore,
  DateAnomalyStore,
  DateRecomputeCoordinator,
  KpiRepository,
  type OrderKpiAttributes,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
  type WriteFence,
} from '@storeflow/aws';
import { type Alert, type AlertSink, addDays, InvalidOptionError } from '@storeflow/core';
import { startEmbeddedStack } from '@storeflow/local-stack';
import { perTestFile, uniquePrefix } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { AnomalyJudge } from '../src/anomalyJudge.js';
import { createTransformerMetrics } from '../src/metrics.js';
import { silentLog } from './inProcess.js';

// Two judges of two tasks, interleaved by hand on DynamoDB Local: whatever the order, the verdict
// left is the one of the final KPIs (docs/design.md, "Anomaly verdicts").

const stack = perTestFile(() => startEmbeddedStack());
let clients: AwsClients;

beforeAll(() => {
  clients = createAwsClients(resolveAwsConnection(stack().env()));
});

afterAll(() => {
  clients?.destroy();
});

const START_MS = Date.parse('2025-05-01T10:00:00.000Z');
const LEASE_MS = 30_000;
const FIRST_DAY = '2025-04-01';
/** The judged day: 28 ordinary days come before it. */
const DAY = addDays(FIRST_DAY, 28);

/** A day's OrderKPIs row with `orders` orders of two items at 10.00 each. */
function kpiRow(date: string, orders: number): OrderKpiAttributes {
  return {
    order_date: date,
    total_orders: orders,
    total_revenue: orders * 20,
    total_items_sold: orders * 2,
    returned_orders: 0,
    return_rate: 0,
    unique_customers: orders,
    avg_order_value: 20,
  };
}

/** A fence that always holds, for writing the KPIs a recompute would have written. */
function openFence(names: ResourceNames): WriteFence {
  return {
    table: names.kpiDatesTable,
    key: { order_date: { S: '1970-01-01' } },
    condition: 'attribute_not_exists(#holder) OR #holder <> :nobody',
    names: { '#holder': 'lease_holder' },
    values: { ':nobody': { S: 'nobody' } },
    broken: () => new InvalidOptionError('fence', 'cannot break'),
  };
}

/** A stack with four weeks of 100 orders a day before DAY, and DAY itself as given. */
async function pipelineWithHistory(dayOrders: number) {
  const names = resourceNamesFor(uniquePrefix('aj'));
  await bootstrapResources(clients, { names });
  const kpis = new KpiRepository({
    clients,
    categoryTableName: names.categoryKpisTable,
    orderTableName: names.orderKpisTable,
  });
  const provenance = { updatedAt: new Date(START_MS).toISOString(), computedBy: 'test', sources: 1 };
  const writeDay = (date: string, orders: number) =>
    kpis.replaceDate(
      date,
      { orderKpis: kpiRow(date, orders), categoryKpis: [] },
      provenance,
      openFence(names),
    );
  for (let offset = 0; offset < 28; offset++) await writeDay(addDays(FIRST_DAY, offset), 100);
  await writeDay(DAY, dayOrders);
  return { names, kpis, writeDay };
}

/** What one task's judge needs, with a clock the test moves and a gate on its reads. */
function taskJudge(
  names: ResourceNames,
  kpis: KpiRepository,
  workerId: string,
  clock: { ms: number },
  options: { readGate?: Promise<void>; renews?: boolean; sinkDown?: boolean } = {},
) {
  const published: Alert[] = [];
  const alerts: AlertSink = {
    publish: async (alert) => {
      if (options.sinkDown) throw new Error('alerts topic unreachable');
      published.push(alert);
    },
  };
  const coordinator = new DateRecomputeCoordinator({
    clients,
    tableName: names.kpiDatesTable,
    now: () => clock.ms,
  });
  let readsDone: () => void = () => undefined;
  const read = new Promise<void>((resolve) => {
    readsDone = resolve;
  });
  // A judge that read its data and then stalls (its heartbeat too, as under a blocked event loop).
  const gatedKpis = Object.create(kpis) as KpiRepository;
  gatedKpis.orderKpisOf = async (dates) => {
    const rows = await kpis.orderKpisOf(dates);
    readsDone();
    await options.readGate;
    return rows;
  };
  if (options.renews === false) coordinator.renew = async () => clock.ms + LEASE_MS;
  const judge = new AnomalyJudge({
    coordinator,
    kpis: gatedKpis,
    dayRows: new DailyQualityStore({ clients, tableName: names.qualityTable }),
    verdicts: new DateAnomalyStore({ clients, tableName: names.qualityTable }),
    alerts,
    metrics: createTransformerMetrics(new Registry()),
    workerId,
    leaseMs: LEASE_MS,
    // The held answer at once: the interleavings here are played by hand.
    heldWaitMs: 0,
  });
  return { judge, published, read };
}

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

const verdictsOf = (names: ResourceNames) =>
  new DateAnomalyStore({ clients, tableName: names.qualityTable }).list();

describe('AnomalyJudge: two judges interleaved on DynamoDB Local', () => {
  it('a judge that finds the lease held judges later, and the verdict left is that of the final KPIs', async () => {
    // Prepare: task A judges the ordinary day and stalls after reading it
    const { names, kpis, writeDay } = await pipelineWithHistory(100);
    const clock = { ms: START_MS };
    const stall = gate();
    const taskA = taskJudge(names, kpis, 'task-a', clock, { readGate: stall.opened });
    const taskB = taskJudge(names, kpis, 'task-b', clock);
    const judgedByA = taskA.judge.judge([DAY], silentLog);
    await taskA.read;

    // Act: task B recomputes the day (orders drop) and finds the judge busy; A then stores its
    // verdict from the old figures; B's message comes back and judges again
    await writeDay(DAY, 5);
    const firstTry = await taskB.judge.judge([DAY], silentLog);
    stall.open();
    const outcomeA = await judgedByA;
    const afterA = await verdictsOf(names);
    const secondTry = await taskB.judge.judge([DAY], silentLog);

    // Assess
    expect([firstTry, outcomeA, secondTry]).toEqual(['held', 'judged', 'judged']);
    expect(afterA).toEqual([]);
    const verdicts = await verdictsOf(names);
    expect(verdicts.map((verdict) => [verdict.date, verdict.anomalies.map((found) => found.metric)])).toEqual(
      [
        [
          DAY,
          expect.arrayContaining(['total_orders', 'total_revenue', 'total_items_sold', 'unique_customers']),
        ],
      ],
    );
    expect(verdicts[0]?.anomalies.find((found) => found.metric === 'total_orders')?.value).toBe(5);
    expect(taskA.published).toEqual([]);
    expect(taskB.published.map((alert) => alert.kind)).toEqual(verdicts[0]?.anomalies.map(() => 'anomaly'));
  });

  it('a stalled judge whose lease was taken over stores nothing, and the new holder read the final KPIs', async () => {
    // Prepare: the day starts with a drop; A reads it, then stalls past its lease
    const { names, kpis, writeDay } = await pipelineWithHistory(5);
    const clock = { ms: START_MS };
    const stall = gate();
    const taskA = taskJudge(names, kpis, 'task-a', clock, { readGate: stall.opened, renews: false });
    const taskB = taskJudge(names, kpis, 'task-b', clock);
    const judgedByA = taskA.judge.judge([DAY], silentLog);
    await taskA.read;

    // Act: the day is recomputed back to normal; B takes the expired lease over and judges; then
    // A wakes up with its stale drop
    await writeDay(DAY, 100);
    clock.ms += LEASE_MS + 1;
    const outcomeB = await taskB.judge.judge([DAY], silentLog);
    stall.open();
    const outcomeA = await judgedByA;

    // Assess: A's verdict (the drop) never landed, nor was it alerted
    expect([outcomeB, outcomeA]).toEqual(['judged', 'held']);
    expect(await verdictsOf(names)).toEqual([]);
    expect(taskA.published).toEqual([]);
    expect(taskB.published).toEqual([]);
    const lease = await new DateRecomputeCoordinator({ clients, tableName: names.kpiDatesTable }).state(
      ANOMALY_JUDGE_LEASE,
    );
    expect(lease.leaseHolder).toBeUndefined();
  });

  it('an alert a judge could not publish is published by the next judge, once', async () => {
    // Prepare: the day has a drop, and task A cannot reach the alerts topic
    const { names, kpis } = await pipelineWithHistory(5);
    const clock = { ms: START_MS };
    const taskA = taskJudge(names, kpis, 'task-a', clock, { sinkDown: true });
    const taskB = taskJudge(names, kpis, 'task-b', clock);

    // Act
    await expect(taskA.judge.judge([DAY], silentLog)).rejects.toThrow('alerts topic unreachable');
    const marked = await verdictsOf(names);
    await taskB.judge.judge([DAY], silentLog);
    await taskB.judge.judge([DAY], silentLog);

    // Assess: A stored the verdict marked unalerted and handed the lease back; B published each
    // anomaly once and cleared the marks
    expect(marked[0]?.unalerted).toEqual(marked[0]?.anomalies.map((found) => found.metric));
    const verdicts = await verdictsOf(names);
    expect(verdicts.map((verdict) => verdict.unalerted)).toEqual([undefined]);
    expect(taskB.published).toEqual(verdicts[0]?.anomalies.map((anomaly) => ({ kind: 'anomaly', anomaly })));
  });
});
