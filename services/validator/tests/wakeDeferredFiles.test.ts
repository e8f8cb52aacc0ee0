import { SendMessageCommand, type SendMessageCommandInput } from '@aws-sdk/client-sqs';
import type {
  AwsClients,
  FileProfileStore,
  LineageRepository,
  RawObjectSource,
  ReferenceStore,
  SourceVersionStore,
} from '@storeflow/aws';
import { ALERTS_OFF, FileStatus, type LineageRecord, parseIngestMessage } from '@storeflow/core';
import { loadContractFiles } from '@storeflow/runtime';
import { createRecordingLogger, type RecordingLogger } from '@storeflow/testing';
import { Registry } from 'prom-client';
import { loadValidatorConfig } from '../src/config.js';
import { createValidatorMetrics, type ValidatorMetrics } from '../src/metrics.js';
import type { FileContext } from '../src/validatorContext.js';
import { wakeDeferredFiles, wakeIfReferencesArrived, wakeUpMessage } from '../src/wakeDeferredFiles.js';

const INGEST_QUEUE = 'http://localhost/ingest';
const ORDERS_KEY = 'raw/orders/o.csv';
const NOW_MS = Date.UTC(2026, 0, 1, 12);
/** The longest deferral delay SQS allows (15 min), and 5 min for the retry to be received. */
const TWENTY_MINUTES_AGO = NOW_MS - 20 * 60_000;

function deferredRecord(index: number): LineageRecord {
  return {
    sourceKey: `raw/order_items/i-${index}.csv`,
    objectVersion: `etag-${index}`,
    status: FileStatus.DEFERRED,
    dataset: 'order_items',
    eventTime: `2026-01-01T00:00:0${index}.000Z`,
    attempts: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

interface Fakes {
  context: FileContext;
  log: RecordingLogger;
  metrics: ValidatorMetrics;
  sent: SendMessageCommandInput[];
  queries: { limit?: number; cursor?: string; updatedSince?: number }[];
}

/**
 * A context for the commit of `raw/orders/o.csv` in bucket `data`, with lineage listing `pages`
 * of DEFERRED files (each page's cursor is its index) and SQS failing the sends after the first
 * `sendsBeforeFailure`.
 */
function contextWith(
  pages: LineageRecord[][],
  options: {
    wakeLimit?: number;
    sendsBeforeFailure?: number;
    references?: Partial<ReferenceStore>;
  } = {},
): Fakes {
  const sent: SendMessageCommandInput[] = [];
  const queries: { limit?: number; cursor?: string; updatedSince?: number }[] = [];
  const sqs = {
    send: async (command: unknown) => {
      if (!(command instanceof SendMessageCommand)) throw new Error('unexpected command');
      if (sent.length >= (options.sendsBeforeFailure ?? Number.POSITIVE_INFINITY)) {
        throw Object.assign(new Error('service unavailable'), { $metadata: { httpStatusCode: 503 } });
      }
      sent.push(command.input);
      return {};
    },
  };
  const lineage = {
    listByStatus: async (
      status: FileStatus,
      query: { limit?: number; cursor?: string; updatedSince?: number },
    ) => {
      if (status !== FileStatus.DEFERRED) throw new Error(`unexpected status ${status}`);
      queries.push(query);
      const index = query.cursor === undefined ? 0 : Number(query.cursor);
      const records = (pages[index] ?? []).slice(0, query.limit);
      return index + 1 < pages.length ? { records, cursor: String(index + 1) } : { records };
    },
  };
  const config = loadValidatorConfig({
    VALIDATOR_QUEUE_URL: INGEST_QUEUE,
    VALIDATOR_TRANSFORM_QUEUE_URL: 'http://localhost/transform',
    ...(options.wakeLimit === undefined ? {} : { VALIDATOR_DEFERRED_WAKE_LIMIT: String(options.wakeLimit) }),
  });
  const log = createRecordingLogger();
  const metrics = createValidatorMetrics(new Registry());
  const context: FileContext = {
    deps: {
      clients: { sqs, connection: { endpoints: {} } } as unknown as AwsClients,
      config,
      lineage: lineage as unknown as LineageRepository,
      references: (options.references ?? {}) as ReferenceStore,
      sourceVersions: {} as SourceVersionStore,
      profiles: {} as FileProfileStore,
      rawObjects: {} as RawObjectSource,
      alerts: ALERTS_OFF,
      metrics,
      contracts: loadContractFiles(),
      now: () => NOW_MS,
    },
    log,
    signal: new AbortController().signal,
    bucket: 'data',
    key: { sourceKey: ORDERS_KEY, objectVersion: 'orders-etag' },
    eventTime: '2026-01-01T00:00:00.000Z',
    attempt: 1,
    startedAtMs: 0,
  };
  return { context, log, metrics, sent, queries };
}

async function counterValue(metrics: ValidatorMetrics, name: keyof ValidatorMetrics): Promise<number> {
  const metric = await metrics[name].get();
  return metric.values.reduce((sum, value) => sum + value.value, 0);
}

describe('wakeUpMessage', () => {
  it('names the parked version as its S3 event did, at the attempt of its next claim', () => {
    // Act
    const message = wakeUpMessage({ ...deferredRecord(1), attempts: 3 }, 'data', ORDERS_KEY);

    // Assess
    expect(message).toEqual({
      objects: [
        {
          bucket: 'data',
          key: 'raw/order_items/i-1.csv',
          eTag: 'etag-1',
          eventTime: '2026-01-01T00:00:01.000Z',
        },
      ],
      attempt: 4,
      wokenBy: ORDERS_KEY,
    });
  });
});

describe('wakeDeferredFiles', () => {
  it('re-queues every deferred file at once on the ingest queue, page after page', async () => {
    // Prepare
    const { context, sent, metrics, log } = contextWith([
      [deferredRecord(1), deferredRecord(2)],
      [deferredRecord(3)],
    ]);

    // Act
    await wakeDeferredFiles(context);

    // Assess
    expect(sent.map((input) => [input.QueueUrl, input.DelaySeconds])).toEqual([
      [INGEST_QUEUE, 0],
      [INGEST_QUEUE, 0],
      [INGEST_QUEUE, 0],
    ]);
    expect(sent.map((input) => parseIngestMessage(input.MessageBody ?? ''))).toEqual(
      [1, 2, 3].map((index) => ({
        kind: 'objects',
        objects: [expect.objectContaining({ key: `raw/order_items/i-${index}.csv`, eTag: `etag-${index}` })],
        attempt: 2,
        wokenBy: ORDERS_KEY,
      })),
    );
    expect(await counterValue(metrics, 'deferralWakeUps')).toBe(3);
    expect(log.lines.find((line) => line.level === 'info')?.fields).toMatchObject({ woken: 3 });
  });

  it('wakes no more than the limit, asking lineage for no more than it still may wake, deferred in the last 20 minutes', async () => {
    // Prepare
    const { context, sent, queries } = contextWith(
      [[deferredRecord(1), deferredRecord(2)], [deferredRecord(3), deferredRecord(4)], [deferredRecord(5)]],
      { wakeLimit: 3 },
    );

    // Act
    await wakeDeferredFiles(context);

    // Assess
    expect(sent).toHaveLength(3);
    expect(queries).toEqual([
      { limit: 3, updatedSince: TWENTY_MINUTES_AGO },
      { limit: 1, cursor: '1', updatedSince: TWENTY_MINUTES_AGO },
    ]);
  });

  it('reads nothing with a limit of 0', async () => {
    // Prepare
    const { context, sent, queries } = contextWith([[deferredRecord(1)]], { wakeLimit: 0 });

    // Act
    await wakeDeferredFiles(context);

    // Assess
    expect(queries).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('does not fail the commit when a send fails: logs it and counts it, the rest wait their delay', async () => {
    // Prepare
    const { context, sent, metrics, log } = contextWith([[deferredRecord(1), deferredRecord(2)]], {
      sendsBeforeFailure: 1,
    });

    // Act
    await wakeDeferredFiles(context);

    // Assess
    expect(sent).toHaveLength(1);
    expect(await counterValue(metrics, 'deferralWakeUps')).toBe(1);
    expect(await counterValue(metrics, 'deferralWakeUpFailures')).toBe(1);
    expect(log.lines.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({
        fields: expect.objectContaining({ woken: 1, err: expect.any(Error) }),
        message: 'could not wake every deferred file; the others retry after their deferral delay',
      }),
    ]);
  });
});

describe('wakeIfReferencesArrived', () => {
  const parked = deferredRecord(1);

  it('wakes the parked file when a reference it missed has arrived meanwhile', async () => {
    // Prepare
    const asked: number[][] = [];
    const { context, sent } = contextWith([], {
      references: {
        findOrders: async (ids) => {
          asked.push([...ids]);
          return new Map([[7, { userId: 1, createdAtMs: 0, status: 'complete' }]]) as never;
        },
        findProducts: async () => new Map(),
      },
    });

    // Act
    await wakeIfReferencesArrived(context, parked, { orderIds: [7, 8], productIds: [] });

    // Assess
    expect(asked).toEqual([[7, 8]]);
    expect(sent).toHaveLength(1);
    expect(parseIngestMessage(sent[0]?.MessageBody ?? '')).toMatchObject({
      objects: [{ key: parked.sourceKey, eTag: parked.objectVersion }],
    });
    expect(sent[0]?.DelaySeconds).toBe(0);
  });

  it('leaves the file to its delayed retry when none has arrived', async () => {
    // Prepare
    const { context, sent } = contextWith([], {
      references: { findOrders: async () => new Map(), findProducts: async () => new Map() },
    });

    // Act
    await wakeIfReferencesArrived(context, parked, { orderIds: [7], productIds: [3] });

    // Assess
    expect(sent).toEqual([]);
  });

  it('looks up at most 100 missing orders', async () => {
    // Prepare
    const asked: number[] = [];
    const { context } = contextWith([], {
      references: {
        findOrders: async (ids) => {
          asked.push(ids.length);
          return new Map();
        },
        findProducts: async () => new Map(),
      },
    });

    // Act
    await wakeIfReferencesArrived(context, parked, {
      orderIds: Array.from({ length: 250 }, (_, index) => index + 1),
      productIds: [],
    });

    // Assess
    expect(asked).toEqual([100]);
  });

  it('logs and counts a lookup that fails instead of failing the deferral', async () => {
    // Prepare
    const { context, sent, metrics, log } = contextWith([], {
      references: {
        findOrders: async () => {
          throw new Error('throttled');
        },
        findProducts: async () => new Map(),
      },
    });

    // Act
    await wakeIfReferencesArrived(context, parked, { orderIds: [7], productIds: [] });

    // Assess
    expect(sent).toEqual([]);
    expect(await counterValue(metrics, 'deferralWakeUpFailures')).toBe(1);
    expect(log.messages('warn')).toHaveLength(1);
  });
});
