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

/** A task's DateRecomputes whose recompute only counts its runs. */
async function countingDateRecomputes() {
  let runs = 0;
  const context = await dateRecomputesWith(async () => {
    runs += 1;
    return SUMMARY;
  });
  return { ...context, runs: () => runs };
}

/** Runs `test` over {@link countingDateRecomputes}, then closes its clients. */
async function withCountingDateRecomputes(
  test: (context: Awaited<ReturnType<typeof countingDateRecomputes>>) => Promise<void>,
): Promise<void> {
  const context = await countingDateRecomputes();
  try {
    await test(context);
  } finally {
    context.pipeline.clients.destroy();
  }
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
    await withCountingDateRecomputes(async ({ pipeline, coordinator, dates, runs }) => {
      const date = '2031-05-07';
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
      expect(runs()).toBe(0);
    });
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

  it('shares a ticket between handlers of the task that asked after it was requested, and only those', async () => {
    // Prepare
    const { pipeline, coordinator, dates } = await dateRecomputesWith(async () => SUMMARY);
    const date = '2031-05-09';
    try {
      const before = performance.now();

      // Act: two handlers whose files came at once, then one whose file came before their
      // request, and one whose file came after it
      const since = performance.now();
      const ticketOf = async (from: number) => (await dates.tickets([date], from)).get(date);
      const [first, second] = await Promise.all([ticketOf(since), ticketOf(since)]);
      const earlier = await ticketOf(before);
      const later = await ticketOf(performance.now());
      const state = await coordinator.state(date);

      // Assess: one request served the first three; the later handler needed its own
      expect([first, second, earlier]).toEqual([1, 1, 1]);
      expect(later).toBe(2);
      expect(state.requestedSeq).toBe(2);
    } finally {
      pipeline.clients.destroy();
    }
  });

  it("covers a claim by a run of this task that acquired after its since, with no request, and hands back the run's seq", async () => {
    // Prepare: a recompute counting its runs; a handler whose file came before the first run
    await withCountingDateRecomputes(async ({ pipeline, coordinator, dates, runs }) => {
      const date = '2031-05-10';
      const bucket = pipeline.names.bucket;
      // A handler as the transformer's: the task's shared ticket, then the date ensured
      const handle = async (since: number) =>
        dates.ensure(
          bucket,
          date,
          { since, ticket: (await dates.tickets([date], since)).get(date) as number },
          silentLog,
        );
      const earlySince = performance.now();
      const first = await handle(performance.now());

      // Act: the early handler's ticket is taken only now, after the run; then a handler whose
      // file came after the run
      const lateTicket = await coordinator.request(date);
      const early = await dates.ensure(bucket, date, { since: earlySince, ticket: lateTicket }, silentLog);
      const later = await handle(performance.now());
      const state = await coordinator.state(date);

      // Assess: the first run covered the early handler by time, and what comes back for it is
      // the run's seq, which the coordinator had answered as covered; the later handler ran again
      expect(first).toEqual({ outcome: 'done', ticket: 1, summary: SUMMARY });
      expect(lateTicket).toBe(2);
      expect(early).toEqual({ outcome: 'done', ticket: 1 });
      expect(later).toEqual({ outcome: 'done', ticket: 3, summary: SUMMARY });
      expect(runs()).toBe(2);
      expect(state).toMatchObject({ requestedSeq: 3, computedSeq: 3 });
    });
  });

  it("answers a claim whose ticket the task's last run reached without a request", async () => {
    // Prepare: two tickets taken before a run
    await withCountingDateRecomputes(async ({ pipeline, coordinator, dates, runs }) => {
      const date = '2031-05-11';
      const bucket = pipeline.names.bucket;
      const since = performance.now();
      const [one, two] = [await coordinator.request(date), await coordinator.request(date)];
      await dates.ensure(bucket, date, { since, ticket: two }, silentLog);
      const requestsBefore = pipeline.clients.requests.tallies();

      // Act: a claim with the earlier ticket and a since after the run (covered by seq alone)
      const outcome = await dates.ensure(bucket, date, { since: performance.now(), ticket: one }, silentLog);

      // Assess: no run and no request
      expect(outcome).toEqual({ outcome: 'done', ticket: one });
      expect(runs()).toBe(1);
      expect(pipeline.clients.requests.tallies()).toEqual(requestsBefore);
    });
  });

  it('answers held to every handler waiting on a run that found the date held, each with its ticket', async () => {
    // Prepare: another task holds the date; three handlers of this task need it at once
    await withCountingDateRecomputes(async ({ pipeline, coordinator, dates, runs }) => {
      const date = '2031-05-12';
      const tickets = [
        await coordinator.request(date),
        await coordinator.request(date),
        await coordinator.request(date),
      ];
      await coordinator.tryAcquire(date, 'task-b', 30_000);

      // Act: one of them runs and finds the date held; the others wait for that run and then
      // try for themselves (a waiter that spun on the settled run would starve the event loop)
      const outcomes = await Promise.all(
        tickets.map((ticket) =>
          dates.ensure(pipeline.names.bucket, date, { since: performance.now(), ticket }, silentLog),
        ),
      );

      // Assess
      expect(outcomes).toEqual(tickets.map((ticket) => ({ outcome: 'held', ticket })));
      expect(runs()).toBe(0);
    });
  });
});
