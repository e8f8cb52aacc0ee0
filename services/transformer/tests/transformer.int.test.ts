import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  createAwsClients,
  DateRecomputeCoordinator,
  KpiRepository,
  resolveAwsConnection,
  SourceVersionStore,
  type WriteFence,
} from '@storeflow/aws';
import { type LineageRecord, sourceIdOf } from '@storeflow/core';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { expectedKpis, type SampleFile, sampleFiles } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { DateRecomputes } from '../src/dateRecomputes.js';
import { createTransformerMetrics } from '../src/metrics.js';
import {
  createPipeline,
  keysUnder,
  type Pipeline,
  startService,
  storedKpis,
  upload,
  waitForAll,
} from './harness.js';
import { inProcessHandler, silentLog } from './inProcess.js';

let stack: EmbeddedStack;

/** The commands that write KPI rows. */
const KPI_WRITE_COMMANDS = new Set(['TransactWriteItemsCommand']);

beforeAll(async () => {
  stack = await startEmbeddedStack();
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the transformer process', () => {
  it('computes KPIs equal to an independent computation and archives every raw object', async () => {
    // Prepare: products, the first orders file and the first items file (its orders are all in it)
    const files = (await sampleFiles()).filter(
      (file) =>
        file.dataset === 'products' ||
        file.key.endsWith('/orders_part1.csv') ||
        file.key.endsWith('/order_items_part1.csv'),
    );
    const pipeline = await createPipeline(stack);
    const validator = startService('validator', pipeline);
    const transformer = startService('transformer', pipeline);
    try {
      // Act
      const uploaded = [];
      for (const file of files)
        uploaded.push(
          ...(await waitForAll(pipeline, [await upload(pipeline, file.key, file.text)], 120_000)),
        );

      // Assess
      expect(uploaded.map((record) => record.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
      const stored = await storedKpis(pipeline);
      const expected = expectedKpis(files);
      expect(expected.daily.length).toBeGreaterThan(0);
      expect(stored).toEqual(expected);
      expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
      expect(await keysUnder(pipeline, 'processed/')).toHaveLength(3);

      // Assess: the items file's lineage counts what its recomputes did (each of its dates was
      // recomputed for it, the products and orders of those dates being already there)
      const itemsRecord = uploaded[2] as LineageRecord;
      const itemsDates = new Set(itemsRecord.touchedDates);
      const dailyOfItems = expected.daily.filter((row) => itemsDates.has(row.order_date));
      const categoriesOfItems = expected.categories.filter((row) => itemsDates.has(row.order_date));
      expect(itemsRecord.transformCounts).toEqual({
        dates_recomputed: itemsDates.size,
        dates_already_current: 0,
        orders_aggregated: dailyOfItems.reduce((sum, row) => sum + row.total_orders, 0),
        items_aggregated: dailyOfItems.reduce((sum, row) => sum + row.total_items_sold, 0),
        kpi_rows_written: dailyOfItems.length + categoriesOfItems.length,
        kpi_rows_deleted: 0,
      });
      expect(Object.keys(itemsRecord.timings ?? {}).sort()).toEqual(['transformMs', 'validateMs']);

      // Assess: every OrderKPIs row names the file versions behind its date
      const [, ordersFile, itemsFile] = files as [SampleFile, SampleFile, SampleFile];
      const ordersRecord = uploaded[1] as LineageRecord;
      const orderDay = new Map(
        ordersFile.text
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((line) => line.split(','))
          .map((fields) => [fields[0], (fields[3] as string).slice(0, 10)]),
      );
      const itemDays = new Set(
        itemsFile.text
          .trimEnd()
          .split('\n')
          .slice(1)
          .map((line) => orderDay.get(line.split(',')[1])),
      );
      for (const row of await pipeline.kpis.listOrderKpis({})) {
        const behind = [{ key: ordersFile.key, objectVersion: ordersRecord.objectVersion }];
        if (itemDays.has(row.order_date))
          behind.push({ key: itemsFile.key, objectVersion: itemsRecord.objectVersion });
        expect({ date: row.order_date, sources: row.provenance.sources }).toEqual({
          date: row.order_date,
          sources: behind.length,
        });
        expect(row.provenance.sourceFiles).toEqual(expect.arrayContaining(behind));
        expect(row.provenance.sourceFiles).toHaveLength(behind.length);
      }
    } finally {
      await Promise.all([validator.stop(), transformer.stop()]);
      pipeline.clients.destroy();
    }
  }, 300_000);
});

/** Waits until every given key's lineage is VALIDATED, and returns the transform message of each. */
async function validatedMessages(pipeline: Pipeline, keys: readonly string[]): Promise<Map<string, string>> {
  const bodies = new Map<string, string>();
  const deadline = Date.now() + 120_000;
  while (bodies.size < keys.length) {
    if (Date.now() > deadline) throw new Error(`only ${bodies.size} of ${keys.length} files were validated`);
    const page = await pipeline.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pipeline.resources.transformQueue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
      }),
    );
    for (const message of page.Messages ?? []) {
      const body = message.Body ?? '';
      bodies.set((JSON.parse(body) as { key: string }).key, body);
      await pipeline.clients.sqs.send(
        new DeleteMessageCommand({
          QueueUrl: pipeline.resources.transformQueue.url,
          ReceiptHandle: message.ReceiptHandle,
        }),
      );
    }
  }
  return bodies;
}

async function objectText(pipeline: Pipeline, key: string): Promise<string> {
  const response = await pipeline.clients.s3.send(
    new GetObjectCommand({ Bucket: pipeline.names.bucket, Key: key }),
  );
  return (await response.Body?.transformToString('utf-8')) ?? '';
}

async function putText(pipeline: Pipeline, key: string, text: string): Promise<void> {
  await pipeline.clients.s3.send(
    new PutObjectCommand({ Bucket: pipeline.names.bucket, Key: key, Body: text }),
  );
}

describe('a corrected version that touches other dates', () => {
  it('recomputes a date only the old version touched, also when the validator crashed after committing the new one', async () => {
    // Prepare: v1 has orders on several days; v2, its correction, drops every order of v1's first
    // day. The validator's first attempt at v2 is played by hand: it committed v2 as the source's
    // current version, then died before announcing the file.
    const [orders] = (await sampleFiles()).filter((file) => file.key.endsWith('/orders_part1.csv'));
    const [header, ...lines] = (orders as SampleFile).text.trimEnd().split('\n');
    const day = (line: string) => (line.split(',')[3] as string).slice(0, 10);
    const v1Lines = lines.slice(0, 40);
    const droppedDay = day(v1Lines[0] as string);
    const v2Lines = v1Lines.filter((line) => day(line) !== droppedDay);
    const key = 'raw/orders/corrected.csv';
    const v1: SampleFile = { dataset: 'orders', key, text: `${[header, ...v1Lines].join('\n')}\n` };
    const v2: SampleFile = { ...v1, text: `${[header, ...v2Lines].join('\n')}\n` };
    const pipeline = await createPipeline(stack);
    const validator = startService('validator', pipeline);
    const transformer = startService('transformer', pipeline);
    try {
      await waitForAll(pipeline, [await upload(pipeline, key, v1.text)]);
      const afterV1 = await storedKpis(pipeline);
      const v2ETag = createHash('md5').update(v2.text).digest('hex');
      await new SourceVersionStore({
        clients: pipeline.clients,
        table: pipeline.names.referenceTable,
      }).commit({
        sourceId: sourceIdOf(key),
        sourceKey: key,
        objectVersion: v2ETag,
        eventTime: new Date().toISOString(),
        dataset: 'orders',
        touchedDates: [...new Set(v2Lines.map(day))].sort(),
      });

      // Act: the validator's retry of v2
      const uploaded = await upload(pipeline, key, v2.text);
      const [record] = await waitForAll(pipeline, [uploaded]);

      // Assess
      expect(uploaded.eTag).toBe(v2ETag);
      expect(afterV1.daily.map((row) => row.order_date)).toContain(droppedDay);
      expect(record?.status).toBe('SUCCESS');
      expect(record?.touchedDates).toContain(droppedDay);
      const afterV2 = await storedKpis(pipeline);
      expect(afterV2).toEqual(expectedKpis([v2]));
      expect(afterV2.daily.map((row) => row.order_date)).not.toContain(droppedDay);
    } finally {
      await Promise.all([validator.stop(), transformer.stop()]);
      pipeline.clients.destroy();
    }
  }, 180_000);
});

describe('a failed transform attempt', () => {
  it('records its error and hands the file back; a permanent error or the last receive ends it FAILED, under raw/, until a redrive succeeds', async () => {
    // Prepare: two orders files validated by the real validator; the transformer runs in this
    // process, on clients of its own so that a fault can be injected into them
    const files = (await sampleFiles()).filter((file) => /\/orders_part[12]\.csv$/.test(file.key));
    const [first, second] = files as [SampleFile, SampleFile];
    const pipeline = await createPipeline(stack);
    const validator = startService('validator', pipeline);
    const faulty = createAwsClients(resolveAwsConnection(stack.env()));
    let throttleKpiWrites = false;
    // DynamoDB Local never throttles, so the throttling a busy table answers is injected here.
    faulty.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (throttleKpiWrites && KPI_WRITE_COMMANDS.has(context.commandName ?? '')) {
          throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
            name: 'ProvisionedThroughputExceededException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectKpiWriteThrottling' },
    );
    const handle = inProcessHandler(pipeline, faulty, { TRANSFORMER_MAX_RECEIVE_COUNT: '2' });
    const lineageOf = (file: SampleFile) => pipeline.lineage.latestVersion(file.key);
    try {
      for (const file of files) await upload(pipeline, file.key, file.text);
      const messages = await validatedMessages(
        pipeline,
        files.map((file) => file.key),
      );
      await validator.stop();
      const firstPart = (await keysUnder(pipeline, 'silver/orders/')).find((key) =>
        key.includes(`/${sourceIdOf(first.key)}/`),
      ) as string;
      const firstPartText = await objectText(pipeline, firstPart);

      // Act: a silver part of the first file is not JSON (permanent), then it is restored and
      // the message comes back from the DLQ
      await putText(pipeline, firstPart, `${firstPartText}{not json\n`);
      const malformed = handle(messages.get(first.key) as string, 1);
      await expect(malformed).rejects.toMatchObject({ code: 'SILVER_PART_MALFORMED', retryable: false });
      const failedForGood = await lineageOf(first);
      const rawAfterFailure = await keysUnder(pipeline, 'raw/');
      await putText(pipeline, firstPart, firstPartText);
      const redriven = await handle(messages.get(first.key) as string, 1);

      // Assess
      expect(failedForGood).toMatchObject({
        status: 'FAILED',
        lastError: { code: 'SILVER_PART_MALFORMED', retryable: false },
      });
      expect(failedForGood?.workerId).toBeUndefined();
      expect(rawAfterFailure).toEqual(expect.arrayContaining([first.key]));
      expect(redriven).toEqual({ kind: 'done' });
      expect(await lineageOf(first)).toMatchObject({ status: 'SUCCESS' });

      // Act: KPI writes of the second file are throttled on both receives the queue allows
      throttleKpiWrites = true;
      const firstAttempt = handle(messages.get(second.key) as string, 1);
      await expect(firstAttempt).rejects.toMatchObject({ retryable: true });
      const afterFirstAttempt = await lineageOf(second);
      const lastAttempt = handle(messages.get(second.key) as string, 2);
      await expect(lastAttempt).rejects.toMatchObject({ retryable: true });
      const afterLastAttempt = await lineageOf(second);
      const rawAfterLastAttempt = await keysUnder(pipeline, 'raw/');
      throttleKpiWrites = false;
      const afterRedrive = await handle(messages.get(second.key) as string, 1);

      // Assess: the first attempt left the file TRANSFORMING but released, so its retry claimed it
      // at once; the last one ended it FAILED
      expect(afterFirstAttempt).toMatchObject({
        status: 'TRANSFORMING',
        lastError: { code: 'AWS_CALL_FAILED', retryable: true },
      });
      expect(afterFirstAttempt?.workerId).toBeUndefined();
      expect(afterFirstAttempt?.leaseExpiresAt).toBeUndefined();
      expect(afterLastAttempt).toMatchObject({
        status: 'FAILED',
        lastError: { code: 'AWS_CALL_FAILED', retryable: true },
      });
      expect(rawAfterLastAttempt).toEqual([second.key]);
      expect(afterRedrive).toEqual({ kind: 'done' });
      const succeeded = await lineageOf(second);
      expect(succeeded).toMatchObject({ status: 'SUCCESS' });
      expect(Object.keys(succeeded?.timings ?? {}).sort()).toEqual(['transformMs', 'validateMs']);
      expect(await keysUnder(pipeline, 'raw/')).toEqual([]);
      expect(await keysUnder(pipeline, 'processed/')).toHaveLength(2);
      expect(await storedKpis(pipeline)).toEqual(expectedKpis(files));
    } finally {
      await validator.stop();
      faulty.destroy();
      pipeline.clients.destroy();
    }
  }, 300_000);
});

/** A day's OrderKPIs row a stalled task would write. */
const STALE_DAY = {
  order_date: '2031-01-01',
  total_orders: 1,
  total_revenue: 1,
  total_items_sold: 1,
  returned_orders: 0,
  return_rate: 0,
  unique_customers: 1,
  avg_order_value: 1,
};

const kpisOf = (pipeline: Pipeline) =>
  new KpiRepository({
    clients: pipeline.clients,
    categoryTableName: pipeline.names.categoryKpisTable,
    orderTableName: pipeline.names.orderKpisTable,
  });

const SUMMARY = {
  ordersRead: 0,
  itemsRead: 0,
  ordersCounted: 0,
  itemsCounted: 0,
  sources: 0,
  written: 0,
  deleted: 0,
};

/** A task's DateRecomputes on a fresh pipeline, with the recompute the test supplies. */
async function dateRecomputesWith(
  recompute: (bucket: string, orderDate: string, fence: WriteFence) => Promise<typeof SUMMARY>,
) {
  const pipeline = await createPipeline(stack);
  const coordinator = new DateRecomputeCoordinator({
    clients: pipeline.clients,
    tableName: pipeline.names.kpiDatesTable,
  });
  const dates = new DateRecomputes({
    coordinator,
    metrics: createTransformerMetrics(new Registry()),
    workerId: 'task-a',
    leaseMs: 30_000,
    recompute,
  });
  return { pipeline, coordinator, dates };
}

describe('DateRecomputes', () => {
  it('lets concurrent handlers of one task share a run, and reruns once for tickets taken during it', async () => {
    // Prepare: a recompute that can be held open, counting its runs
    let runs = 0;
    let releaseFirstRun: () => void = () => {};
    const firstRunHeld = new Promise<void>((resolve) => {
      releaseFirstRun = resolve;
    });
    const { pipeline, coordinator, dates } = await dateRecomputesWith(async () => {
      runs += 1;
      if (runs === 1) await firstRunHeld;
      return SUMMARY;
    });
    const log = silentLog;
    const date = '2031-05-06';
    try {
      // Act: three handlers with tickets from before the run, two more arriving during it
      const early = await Promise.all([1, 2, 3].map(() => coordinator.request(date)));
      const earlyDone = early.map((ticket) =>
        dates.ensure(pipeline.names.bucket, date, { since: performance.now(), ticket }, log),
      );
      while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const late = await Promise.all([1, 2].map(() => coordinator.request(date)));
      const lateDone = late.map((ticket) =>
        dates.ensure(pipeline.names.bucket, date, { since: performance.now(), ticket }, log),
      );
      releaseFirstRun();
      const outcomes = await Promise.all([...earlyDone, ...lateDone]);

      // Assess
      expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['done', 'done', 'done', 'done', 'done']);
      // The early tickets were covered by the first run, the late ones by the rerun, all in this task.
      expect(
        outcomes.filter((outcome) => outcome.outcome === 'done' && outcome.summary === SUMMARY),
      ).toHaveLength(5);
      expect(runs).toBe(2);
      const state = await coordinator.state(date);
      expect(state.computedSeq).toBe(Math.max(...early, ...late));
      expect(state.leaseHolder).toBeUndefined();
    } finally {
      pipeline.clients.destroy();
    }
  });

  it('answers held while another task holds the date, without running', async () => {
    // Prepare
    let runs = 0;
    const { pipeline, coordinator, dates } = await dateRecomputesWith(async () => {
      runs += 1;
      return SUMMARY;
    });
    const date = '2031-05-07';
    try {
      const ticket = await coordinator.request(date);
      await coordinator.tryAcquire(date, 'task-b', 30_000);

      // Act
      const outcome = await dates.ensure(
        pipeline.names.bucket,
        date,
        { since: performance.now(), ticket },
        silentLog,
      );

      // Assess
      expect(outcome).toEqual({ outcome: 'held', ticket });
      expect(runs).toBe(0);
    } finally {
      pipeline.clients.destroy();
    }
  });

  it('waits, rather than fails, when another task takes the date over mid-run: none of the run lands, and the taker covers its ticket', async () => {
    // Prepare: during the run another task, whose clock is past this task's lease, takes the
    // date over; then the run writes its rows under its fence, as a stalled task would
    let runs = 0;
    let taker: { coordinator: DateRecomputeCoordinator; seq: number } | undefined;
    const context = await dateRecomputesWith(async (_bucket, orderDate, fence) => {
      runs += 1;
      const { pipeline } = context;
      const coordinator = new DateRecomputeCoordinator({
        clients: pipeline.clients,
        tableName: pipeline.names.kpiDatesTable,
        now: () => Date.now() + 60_000,
      });
      const taken = await coordinator.tryAcquire(orderDate, 'task-b', 30_000);
      if (taken.outcome === 'acquired') taker = { coordinator, seq: taken.seq };
      await kpisOf(pipeline).replaceDate(
        orderDate,
        { orderKpis: { ...STALE_DAY, order_date: orderDate }, categoryKpis: [] },
        { updatedAt: new Date().toISOString(), computedBy: 'task-a', sources: 0 },
        fence,
      );
      return SUMMARY;
    });
    const { pipeline, coordinator, dates } = context;
    const date = '2031-05-08';
    try {
      const ticket = await coordinator.request(date);

      // Act
      const claim = { since: performance.now(), ticket };
      const duringTakeover = await dates.ensure(pipeline.names.bucket, date, claim, silentLog);
      await taker?.coordinator.complete(date, 'task-b', taker.seq);
      const afterTaker = await dates.ensure(pipeline.names.bucket, date, claim, silentLog);

      // Assess
      expect(duringTakeover).toEqual({ outcome: 'held', ticket });
      expect(taker?.seq).toBe(ticket);
      expect(await kpisOf(pipeline).listOrderKpis({ from: date, to: date })).toEqual([]);
      expect(afterTaker).toEqual({ outcome: 'done', ticket });
      expect(runs).toBe(1);
    } finally {
      pipeline.clients.destroy();
    }
  });

  it('covers a claim without a ticket by a run of this task that acquired after its since, with no request', async () => {
    // Prepare: a recompute counting its runs; a claim made before the first run
    let runs = 0;
    const { pipeline, coordinator, dates } = await dateRecomputesWith(async () => {
      runs += 1;
      return SUMMARY;
    });
    const date = '2031-05-09';
    const bucket = pipeline.names.bucket;
    try {
      const before = { since: performance.now() };

      // Act: a handler without a ticket runs the date; then one whose file came before that
      // run, and one whose file came after it
      const first = await dates.ensure(bucket, date, { since: performance.now() }, silentLog);
      const stateAfterFirst = await coordinator.state(date);
      const earlier = await dates.ensure(bucket, date, before, silentLog);
      const later = await dates.ensure(bucket, date, { since: performance.now() }, silentLog);
      const stateAfterAll = await coordinator.state(date);

      // Assess: the first run answered the earlier claim; no ticket was ever requested, and the
      // later claim ran again
      // (seq 0: no ticket was ever taken, so none comes back)
      expect(first).toEqual({ outcome: 'done', summary: SUMMARY });
      expect(earlier).toEqual({ outcome: 'done' });
      expect(later).toEqual({ outcome: 'done', summary: SUMMARY });
      expect(runs).toBe(2);
      expect(stateAfterFirst).toMatchObject({ requestedSeq: 0, computedSeq: 0 });
      expect(stateAfterAll).toMatchObject({ requestedSeq: 0, computedSeq: 0 });
      expect(stateAfterAll.leaseHolder).toBeUndefined();
    } finally {
      pipeline.clients.destroy();
    }
  });

  it('answers a ticket claim from a run of this task whose seq reaches it, and hands back the lower of the two', async () => {
    // Prepare: a ticket taken before a ticketless run, another after it
    let runs = 0;
    const { pipeline, coordinator, dates } = await dateRecomputesWith(async () => {
      runs += 1;
      return SUMMARY;
    });
    const date = '2031-05-10';
    const bucket = pipeline.names.bucket;
    try {
      const early = await coordinator.request(date);
      const earlySince = performance.now();
      await dates.ensure(bucket, date, { since: performance.now() }, silentLog);
      const late = await coordinator.request(date);

      // Act: the early claim (covered by seq and by since), then a claim with the late ticket
      // whose since is before the run (covered by since alone)
      const byRun = await dates.ensure(bucket, date, { since: earlySince, ticket: early }, silentLog);
      const bySince = await dates.ensure(bucket, date, { since: earlySince, ticket: late }, silentLog);
      const state = await coordinator.state(date);

      // Assess: no more runs; the late claim hands back the run's seq, which is covered, not
      // its own ticket, which is not
      expect(runs).toBe(1);
      expect(byRun).toEqual({ outcome: 'done', ticket: early });
      expect(bySince).toEqual({ outcome: 'done', ticket: early });
      expect(state.computedSeq).toBe(early);
      expect(late).toBeGreaterThan(state.computedSeq);
    } finally {
      pipeline.clients.destroy();
    }
  });

  it('takes a ticket for a claim without one when another task holds the date, without running', async () => {
    // Prepare
    let runs = 0;
    const { pipeline, coordinator, dates } = await dateRecomputesWith(async () => {
      runs += 1;
      return SUMMARY;
    });
    const date = '2031-05-11';
    try {
      await coordinator.tryAcquire(date, 'task-b', 30_000);

      // Act
      const outcome = await dates.ensure(
        pipeline.names.bucket,
        date,
        { since: performance.now() },
        silentLog,
      );
      const state = await coordinator.state(date);

      // Assess: the ticket is the one the held date's next run must cover
      expect(outcome).toEqual({ outcome: 'held', ticket: 1 });
      expect(state).toMatchObject({ requestedSeq: 1, computedSeq: 0, leaseHolder: 'task-b' });
      expect(runs).toBe(0);
    } finally {
      pipeline.clients.destroy();
    }
  });

  it('tells a handler which of its dates another handler of the task is about to ensure, until that one is done', async () => {
    // Prepare
    const { pipeline, dates } = await dateRecomputesWith(async () => SUMMARY);
    try {
      // Act
      const first = dates.othersExpecting(['2031-06-01', '2031-06-02']);
      const second = dates.othersExpecting(['2031-06-02', '2031-06-03', '2031-06-03']);
      first.done();
      first.done();
      const third = dates.othersExpecting(['2031-06-01', '2031-06-02', '2031-06-03']);
      second.done();
      third.done();
      const fourth = dates.othersExpecting(['2031-06-02']);

      // Assess
      expect([...first.dates]).toEqual([]);
      expect([...second.dates]).toEqual(['2031-06-02']);
      expect([...third.dates].sort()).toEqual(['2031-06-02', '2031-06-03']);
      expect([...fourth.dates]).toEqual([]);
    } finally {
      pipeline.clients.destroy();
    }
  });
});
