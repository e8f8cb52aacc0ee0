import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Messages of one queue by state; the aws package's QueueDepthReader returns this shape. */
export interface QueueDepthSample {
  visible: number;
  inFlight: number;
  delayed: number;
}

/** A work queue's depth and its dead-letter queue's. */
export interface QueueDepthSamples {
  source: QueueDepthSample;
  deadLetter: QueueDepthSample;
}

export interface QueueDepthMetricsOptions {
  /** The service's own prefix, e.g. `storeflow_validator_`. */
  prefix: string;
  /** The consumed queue's role, for the help text: `ingest`, `transform`. */
  queueRole: string;
  /** One read of both queues; called at most once at a time, at scrape time. */
  read: () => Promise<QueueDepthSamples>;
  log: Pick<Logger, 'warn'>;
}

/** The two series {@link registerQueueDepthMetrics} adds. */
export interface QueueDepthMetrics {
  /** `<prefix>queue_messages{queue="source"|"dead_letter",state="visible"|"in_flight"|"delayed"}` */
  messages: Gauge<'queue' | 'state'>;
  /** `<prefix>queue_depth_read_failures_total` */
  readFailures: Counter;
}

/**
 * Queue depth as a gauge read from SQS when Prometheus scrapes, so it costs nothing while nobody
 * scrapes and is never older than the scrape. A failed read does not fail the scrape: it is
 * logged, counted in the same scrape, and the gauge has no samples until a read succeeds again,
 * so no stale depth is reported as current.
 */
export function registerQueueDepthMetrics(
  registry: Registry,
  options: QueueDepthMetricsOptions,
): QueueDepthMetrics {
  // Both metrics await the same read, so a failure is counted in the scrape where it happened
  // (prom-client collects all metrics of a scrape in parallel).
  let pending: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    pending ??= update().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  const registers = [registry];
  const messages = new Gauge({
    name: `${options.prefix}queue_messages`,
    help: `Messages in the ${options.queueRole} queue (queue="source") and its dead-letter queue, by state, read from SQS at scrape time`,
    labelNames: ['queue', 'state'] as const,
    registers,
    collect: refresh,
  });
  const readFailures = new Counter({
    name: `${options.prefix}queue_depth_read_failures_total`,
    help: `Scrapes at which the ${options.queueRole} queue depths could not be read (queue_messages has no samples then)`,
    registers,
    collect: refresh,
  });

  async function update(): Promise<void> {
    try {
      const depths = await options.read();
      for (const [queue, depth] of [
        ['source', depths.source],
        ['dead_letter', depths.deadLetter],
      ] as const) {
        messages.set({ queue, state: 'visible' }, depth.visible);
        messages.set({ queue, state: 'in_flight' }, depth.inFlight);
        messages.set({ queue, state: 'delayed' }, depth.delayed);
      }
    } catch (error) {
      messages.reset();
      readFailures.inc();
      options.log.warn({ err: error }, 'queue depth not read; the depth gauge has no samples in this scrape');
    }
  }

  return { messages, readFailures };
}
