import {
  type DateRecomputeCoordinator,
  KpiDateLeaseLostError,
  type PollerLogger,
  type WriteFence,
  withLease,
} from '@storeflow/aws';
import type { TransformerMetrics } from './metrics.js';
import type { RecomputeSummary } from './recomputeDate.js';

export interface DateRecomputesOptions {
  coordinator: DateRecomputeCoordinator;
  metrics: TransformerMetrics;
  workerId: string;
  leaseMs: number;
  /**
   * Recomputes one order date from the silver of `bucket` and overwrites its KPIs, every write
   * made under `fence` (this task still holds the date's lease) in one batch, as
   * `KpiRepository.replaceDate` does: the batch's last transaction also completes the date and
   * releases its lease (`DateRecomputeCoordinator.completingFence`).
   */
  recompute: (bucket: string, orderDate: string, fence: WriteFence) => Promise<RecomputeSummary>;
}

type RunResult =
  | { readonly outcome: 'computed'; readonly seq: number; readonly summary: RecomputeSummary }
  /** The ticket the run was started for was covered already: nothing was run. */
  | { readonly outcome: 'covered' }
  | { readonly outcome: 'held' };

/** What {@link DateRecomputes.ensure} found. */
export type EnsureResult =
  /**
   * The ticket is covered. `summary` is that of the run of this task that covered it (started by
   * this caller or shared with another handler); absent when a run elsewhere had covered it.
   */
  | { readonly outcome: 'done'; readonly summary?: RecomputeSummary }
  /** Another task is recomputing the date now; that run, or the one it forces, covers the ticket. */
  | { readonly outcome: 'held' };

/**
 * The task-wide door to the per-date protocol of DateRecomputeCoordinator. Every message handler
 * of this task goes through one instance, so a date is recomputed by at most one handler of the
 * task at a time and concurrent handlers that need the same date share that run instead of
 * queueing their own: a ticket taken before the run acquired is covered by it, a later ticket by
 * the one rerun that follows. Across tasks the coordinator's lease does the same.
 */
export class DateRecomputes {
  readonly #options: DateRecomputesOptions;
  readonly #running = new Map<string, Promise<RunResult>>();

  constructor(options: DateRecomputesOptions) {
    this.#options = options;
  }

  /**
   * Resolves `done` once `orderDate` has been recomputed by a run that acquired after `ticket`
   * was taken, or `held` when another task is recomputing it now (that run, or the one its
   * holder's callers force after it, covers the ticket).
   */
  async ensure(bucket: string, orderDate: string, ticket: number, log: PollerLogger): Promise<EnsureResult> {
    const { metrics } = this.#options;
    for (;;) {
      const local = this.#running.get(orderDate);
      if (local !== undefined) {
        // Its owner reports its failure; here only its end matters, then the state decides.
        const [settled] = await Promise.allSettled([local]);
        // A run that completed with seq >= ticket set computed_seq >= ticket: nothing to read.
        if (settled.status === 'fulfilled' && settled.value.outcome === 'computed') {
          if (settled.value.seq >= ticket) return { outcome: 'done', summary: settled.value.summary };
        }
        continue;
      }
      // Set before the first await, so another handler of this task waits for this run.
      const run = this.#run(bucket, orderDate, ticket, log);
      this.#running.set(orderDate, run);
      try {
        const result = await run;
        if (result.outcome === 'covered') {
          metrics.recomputations.inc({ outcome: 'up_to_date' });
          return { outcome: 'done' };
        }
        if (result.outcome === 'held') return result;
        if (result.seq >= ticket) return { outcome: 'done', summary: result.summary };
      } finally {
        this.#running.delete(orderDate);
      }
    }
  }

  async #run(bucket: string, orderDate: string, ticket: number, log: PollerLogger): Promise<RunResult> {
    const { coordinator, metrics, workerId, leaseMs } = this.#options;
    const acquired = await coordinator.acquireUnlessCovered(orderDate, workerId, leaseMs, ticket);
    if (acquired.outcome === 'covered') return acquired;
    if (acquired.outcome === 'held') {
      metrics.recomputations.inc({ outcome: 'held' });
      return { outcome: 'held' };
    }
    const stopTimer = metrics.recomputeDuration.startTimer();
    try {
      // A failed run leaves the date's lease to expire: its next holder's run covers the tickets.
      const summary = await withLease(
        {
          name: 'date',
          renew: () => coordinator.renew(orderDate, workerId, leaseMs),
          heartbeatMs: leaseMs / 3,
          log,
          logFields: { orderDate },
        },
        async () => {
          // The run's last write completes the date and releases the lease; a run that wrote
          // nothing through the fence completes on its own.
          let completed = false;
          const fence = coordinator.completingFence(orderDate, workerId, acquired.seq, () => {
            completed = true;
          });
          const computed = await this.#options.recompute(bucket, orderDate, fence);
          if (!completed) await coordinator.complete(orderDate, workerId, acquired.seq);
          return computed;
        },
      );
      metrics.recomputations.inc({ outcome: 'computed' });
      log.debug({ orderDate, ...summary }, 'order date recomputed');
      return { outcome: 'computed', seq: acquired.seq, summary };
    } catch (error) {
      if (error instanceof KpiDateLeaseLostError) {
        // Taken over: none of this run's writes landed since, and the new holder's run, which
        // acquired later, covers every ticket this one did.
        metrics.recomputations.inc({ outcome: 'lease_lost' });
        log.warn({ orderDate, holder: error.currentHolder }, 'date lease taken over; waiting for its holder');
        return { outcome: 'held' };
      }
      metrics.recomputations.inc({ outcome: 'failed' });
      throw error;
    } finally {
      stopTimer();
    }
  }
}
