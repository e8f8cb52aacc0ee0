import { DateRecomputeCoordinator } from '@storeflow/aws';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { createLogger } from '@storeflow/runtime';
import { Registry } from 'prom-client';
import { DateRecomputes } from '../src/dateRecomputes.js';
import { createTransformerMetrics } from '../src/metrics.js';
import { expectedKpis } from './expectedKpis.js';
import {
  createPipeline,
  keysUnder,
  sampleFiles,
  startService,
  storedKpis,
  upload,
  waitForAll,
} from './harness.js';

let stack: EmbeddedStack;

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
    } finally {
      await Promise.all([validator.stop(), transformer.stop()]);
      pipeline.clients.destroy();
    }
  }, 300_000);
});

const SUMMARY = { orders: 0, items: 0, sources: 0, written: 0, deleted: 0 };
const silentLog = createLogger({ service: 'transformer-test', version: 'test', level: 'silent' });

/** A task's DateRecomputes on a fresh pipeline, with the recompute the test supplies. */
async function dateRecomputesWith(recompute: () => Promise<typeof SUMMARY>) {
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
      const earlyDone = early.map((ticket) => dates.ensure(pipeline.names.bucket, date, ticket, log));
      while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const late = await Promise.all([1, 2].map(() => coordinator.request(date)));
      const lateDone = late.map((ticket) => dates.ensure(pipeline.names.bucket, date, ticket, log));
      releaseFirstRun();
      const outcomes = await Promise.all([...earlyDone, ...lateDone]);

      // Assess
      expect(outcomes).toEqual(['done', 'done', 'done', 'done', 'done']);
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
      const outcome = await dates.ensure(pipeline.names.bucket, date, ticket, silentLog);

      // Assess
      expect(outcome).toBe('held');
      expect(runs).toBe(0);
    } finally {
      pipeline.clients.destroy();
    }
  });
});
