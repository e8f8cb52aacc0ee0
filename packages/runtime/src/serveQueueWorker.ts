import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { OperationsServer } from './OperationsServer.js';
import { runOnce } from './shutdown.js';
import { type HealthVerdict, judgeWorkerHealth, type WorkerLiveness } from './workerHealth.js';

/** What a service's queue consumer offers the process around it (SqsPoller has this shape). */
export interface QueueWorker {
  readonly running: boolean;
  start(): void;
  /** What its poll loop last achieved, judged by `/healthz`. */
  liveness(): WorkerLiveness;
  /** Stops receiving, finishes or releases in-flight work within `graceMs`; resolves a report to log. */
  stop(options: { graceMs: number }): Promise<object>;
}

export interface ServeQueueWorkerOptions {
  /** The service's name, as in its logs: `<service> started`. */
  service: string;
  log: Logger;
  registry: Registry;
  worker: QueueWorker;
  metricsPort: number;
  metricsHost: string;
  shutdownGraceSeconds: number;
  /** `/healthz` answers 503 when the running worker, a slot free, completed no receive for this long. */
  healthStallSeconds: number;
  /** Releases what the worker used (AWS clients), after it stopped. */
  release: () => void;
  /** Extra fields of the start log line (queue, concurrency, worker id). */
  startedFields: Record<string, unknown>;
}

/**
 * The process life of a queue-consuming service, the same for every service: `/metrics`,
 * `/healthz` (the worker's poll loop is alive; a change of verdict is logged) and `/readyz` (ready
 * while the worker runs), the worker started, and one graceful
 * shutdown on SIGTERM or SIGINT that drains within the grace and exits 0, with a backstop exit 1
 * a little after the grace so a hung dependency cannot outlive ECS's SIGKILL.
 */
export async function serveQueueWorker(options: ServeQueueWorkerOptions): Promise<void> {
  const { log, worker, shutdownGraceSeconds } = options;
  let lastVerdict: HealthVerdict = { healthy: true };
  const operations = await OperationsServer.start({
    registry: options.registry,
    port: options.metricsPort,
    host: options.metricsHost,
    isReady: () => worker.running,
    health: () => {
      const verdict = judgeWorkerHealth({
        running: worker.running,
        liveness: worker.liveness(),
        nowMs: Date.now(),
        stallSeconds: options.healthStallSeconds,
      });
      if (verdict.healthy !== lastVerdict.healthy) {
        if (verdict.healthy) log.info({}, 'health check passes again');
        else log.warn({ reason: verdict.reason }, 'health check failing');
      }
      lastVerdict = verdict;
      return verdict;
    },
  });
  const shutdown = runOnce(
    log,
    async (signal) => {
      log.info({ signal }, 'shutdown started');
      setTimeout(() => process.exit(1), (shutdownGraceSeconds + 3) * 1000).unref();
      const report = await worker.stop({ graceMs: shutdownGraceSeconds * 1000 });
      await operations.close();
      options.release();
      log.info(report, 'shutdown complete');
      // Released work may still have requests in flight; they are idempotent and safe to cut.
      process.exit(0);
    },
    (code) => process.exit(code),
  );
  process.on('SIGTERM', shutdown).on('SIGINT', shutdown);
  worker.start();
  log.info(
    { ...options.startedFields, metricsUrl: `${operations.url}/metrics` },
    `${options.service} started`,
  );
}
