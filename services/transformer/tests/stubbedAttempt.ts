import type { AwsClients, LineageRepository, PollerLogger, QueueMessage } from '@storeflow/aws';
import {
  ALERTS_OFF,
  type AlertSink,
  type LineageKey,
  type ValidatedFile,
  validatedFileCodec,
} from '@storeflow/core';
import { Registry } from 'prom-client';
import type { AnomalyJudge } from '../src/anomalyJudge.js';
import { loadTransformerConfig } from '../src/config.js';
import type { DateRecomputes } from '../src/dateRecomputes.js';
import { createTransformerMetrics } from '../src/metrics.js';
import { createTransformHandler } from '../src/transformFile.js';

// One transform attempt against stubs, for the states a real stack cannot hold still (a claim
// that finds the file busy, a recompute cut short): the file, its message and the handler.

/** The file these attempts transform: one orders file that touches one date. */
export const VALIDATED_FILE: ValidatedFile = {
  bucket: 'data',
  key: 'raw/orders/o.csv',
  objectVersion: 'etag-1',
  dataset: 'orders',
  eventTime: '2026-01-01T00:00:00.000Z',
  touchedDates: ['2026-01-01'],
};

/** The lineage key of {@link VALIDATED_FILE}. */
export const VALIDATED_FILE_KEY: LineageKey = {
  sourceKey: VALIDATED_FILE.key,
  objectVersion: VALIDATED_FILE.objectVersion,
};

/** The stubbed clock's time, in epoch milliseconds. */
export const NOW_MS = Date.UTC(2026, 0, 1);

/** The worker id the stubbed handler claims files as. */
export const WORKER_ID = 'worker-a';

/** How the poller delivers the message, where a test departs from a first receive no outage ran again. */
export type Delivery = Partial<Pick<QueueMessage, 'receiveCount' | 'outageReruns' | 'runsAgainAfter'>>;

/** The validator's message about {@link VALIDATED_FILE}, as the poller hands it to the handler. */
export function validatedMessage(log: PollerLogger, delivery: Delivery = {}): QueueMessage {
  return {
    messageId: 'm-1',
    body: validatedFileCodec.encode(VALIDATED_FILE),
    receiveCount: 1,
    sentAtMs: 0,
    attributes: {},
    log,
    outageReruns: 0,
    runsAgainAfter: () => false,
    ...delivery,
  };
}

/** The stubs an attempt runs over: each answers only the calls its test drives. */
export interface AttemptStubs {
  readonly lineage: Partial<Record<keyof LineageRepository, unknown>>;
  readonly dates?: Partial<Record<keyof DateRecomputes, unknown>>;
  /** Where the attempt's alerts go; none are published when left out. */
  readonly alerts?: AlertSink;
  /** Transformer variables on top of the queue URL and {@link WORKER_ID}. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The transform handler over `stubs`, with dates that grant ticket 1 to every request and a
 * clock that stands at {@link NOW_MS}.
 */
export function stubbedTransformHandler({
  lineage,
  dates = {},
  alerts = ALERTS_OFF,
  environment = {},
}: AttemptStubs) {
  const config = loadTransformerConfig({
    TRANSFORMER_QUEUE_URL: 'http://localhost/transform',
    TRANSFORMER_WORKER_ID: WORKER_ID,
    ...environment,
  });
  return createTransformHandler({
    clients: {} as AwsClients,
    config,
    lineage: lineage as unknown as LineageRepository,
    // Ticket 1 for every date, unless the test's stub says otherwise.
    dates: {
      tickets: async (orderDates: readonly string[]) => new Map(orderDates.map((date) => [date, 1])),
      ...dates,
    } as unknown as DateRecomputes,
    judge: {} as AnomalyJudge,
    alerts,
    metrics: createTransformerMetrics(new Registry()),
    now: () => NOW_MS,
    onFileTransformed: () => {},
  });
}
