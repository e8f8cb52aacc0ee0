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
  | {
      readonly outcome: 'computed';
      readonly seq: number;
      /** `performance.now()` just before the run sent its acquisition. */
      readonly acquiredAfter: number;
      readonly summary: RecomputeSummary;
    }
  /** The ticket the run was started for was covered already: nothing was run. */
  | { readonly outcome: 'covered' }
  | { readonly outcome: 'held' };

/**
 * What a caller needs covered: every silver write made before `since` (`performance.now()` of
 * this process, taken once the caller's file had been committed, so once its message arrived),
 * which its `ticket` stands for.
 */
export interface DateClaim {
  readonly since: number;
  readonly ticket: number;
}

/** What {@link DateRecomputes.ensure} found. */
export type EnsureResult =
  /**
   * The claim is covered. `ticket` is one the coordinator answers as covered from now on (see
   * {@link coveredTicket}), what a message handed back carries for the date. `summary` is that of
   * the run of this task that covered it (started by this caller or shared with another
   * handler); absent when a run that had ended already, or one elsewhere, covered it.
   */
  | { readonly outcome: 'done'; readonly ticket: number; readonly summary?: RecomputeSummary }
  /** Another task is recomputing the date now; that run, or the one it forces, covers `ticket`. */
  | { readonly outcome: 'held'; readonly ticket: number };

/** The latest run of this task that computed a date. */
interface LastRun {
  readonly seq: number;
  readonly acquiredAfter: number;
}

/** The latest ticket this task asked for a date, and when it sent the request. */
interface AskedTicket {
  readonly sentAt: number;
  readonly ticket: Promise<number>;
}

/**
 * The task-wide door to the per-date protocol of DateRecomputeCoordinator. Every message handler
 * of this task goes through one instance, so a date is recomputed by at most one handler of the
 * task at a time and concurrent handlers that need the same date share that run instead of
 * queueing their own: a ticket taken before the run acquired is covered by it, a later ticket by
 * the one rerun that follows. Across tasks the coordinator's lease does the same.
 *
 * Inside the task, handlers share tickets too, and a run covers a claim by time as well as by
 * `seq`: a ticket asked for after a handler's `since`, or a run that sent its acquisition after
 * it, came after every silver write the handler needs (its file was committed before its message
 * arrived, before `since`). docs/design.md ("Tickets inside a task") has the argument and the
 * requests it saves.
 */
export class DateRecomputes {
  readonly #options: DateRecomputesOptions;
  readonly #running = new Map<string, Promise<RunResult>>();
  /**
   * The latest run of each date this task computed: what answers later claims without a request.
   * Like {@link #tickets}, one small entry per date the task has worked on (365 a year of data).
   */
  readonly #lastRuns = new Map<string, LastRun>();
  /** The latest ticket of each date this task asked for: what later handlers share. */
  readonly #tickets = new Map<string, AskedTicket>();

  constructor(options: DateRecomputesOptions) {
    this.#options = options;
  }

  /**
   * Tickets of `orderDates` for a caller whose silver was written before `since`: for each date,
   * the one this task last asked for, when it asked after `since` (its request reached the table
   * after the caller's silver, which is all a ticket must say), or else a new one. The new ones
   * are asked for together (`DateRecomputeCoordinator.requestAll`: two requests per group of
   * dates). Handlers of one task that need a date at about the same time so ask for one ticket
   * between them.
   */
  async tickets(orderDates: readonly string[], since: number): Promise<Map<string, number>> {
    const pending = new Map<string, Promise<number>>();
    const toAsk: string[] = [];
    for (const date of new Set(orderDates)) {
      const asked = this.#tickets.get(date);
      if (asked !== undefined && asked.sentAt >= since) pending.set(date, asked.ticket);
      else toAsk.push(date);
    }
    if (toAsk.length > 0) {
      // Noted before the request is sent, so never later than it: a handler that shares it
      // asked for a ticket no older than its own since.
      const sentAt = performance.now();
      const requested = this.#options.coordinator.requestAll(toAsk);
      for (const date of toAsk) {
        const ticket = requested.then((tickets) => tickets.get(date) as number);
        this.#tickets.set(date, { sentAt, ticket });
        // A failed request is not shared: each of its callers gets its error, the next asks again.
        ticket.catch(() => {
          if (this.#tickets.get(date)?.ticket === ticket) this.#tickets.delete(date);
        });
        pending.set(date, ticket);
      }
    }
    const tickets = new Map<string, number>();
    for (const [date, ticket] of pending) tickets.set(date, await ticket);
    return tickets;
  }

  /**
   * Resolves `done` once `orderDate` has been recomputed by a run that covers `claim` (one that
   * acquired after its ticket was taken, or, inside this task, after its `since`), or `held`
   * when another task is recomputing it now (that run, or the one its holder's callers force
   * after it, covers the ticket).
   */
  async ensure(
    bucket: string,
    orderDate: string,
    claim: DateClaim,
    log: PollerLogger,
  ): Promise<EnsureResult> {
    const { metrics } = this.#options;
    for (;;) {
      const last = this.#lastRuns.get(orderDate);
      if (last !== undefined && covers(last, claim)) {
        metrics.recomputations.inc({ outcome: 'up_to_date' });
        return { outcome: 'done', ticket: coveredTicket(last, claim) };
      }
      const local = this.#running.get(orderDate);
      if (local !== undefined) {
        // Its owner reports its failure; here only its end matters, then the state decides.
        const [settled] = await Promise.allSettled([local]);
        if (settled.status === 'fulfilled' && settled.value.outcome === 'computed') {
          const computed = settled.value;
          if (covers(computed, claim)) {
            return { outcome: 'done', ticket: coveredTicket(computed, claim), summary: computed.summary };
          }
        }
        continue;
      }
      // Set before the first await, so another handler of this task waits for this run.
      const run = this.#run(bucket, orderDate, claim.ticket, log);
      this.#running.set(orderDate, run);
      try {
        const result = await run;
        if (result.outcome === 'covered') {
          metrics.recomputations.inc({ outcome: 'up_to_date' });
          return { outcome: 'done', ticket: claim.ticket };
        }
        if (result.outcome === 'held') return { outcome: 'held', ticket: claim.ticket };
        if (covers(result, claim)) {
          return { outcome: 'done', ticket: coveredTicket(result, claim), summary: result.summary };
        }
      } finally {
        this.#running.delete(orderDate);
      }
    }
  }

  async #run(bucket: string, orderDate: string, ticket: number, log: PollerLogger): Promise<RunResult> {
    const { coordinator, metrics, workerId, leaseMs } = this.#options;
    const acquiredAfter = performance.now();
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
      // The task runs a date one run at a time (#running), so this run acquired after any before it.
      this.#lastRuns.set(orderDate, { seq: acquired.seq, acquiredAfter });
      return { outcome: 'computed', seq: acquired.seq, acquiredAfter, summary };
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

/**
 * A ticket the coordinator answers as covered once `run` has completed, for a claim `run` covers:
 * the claim's own when the run's `seq` reaches it, else the run's `seq` (its completion raised
 * `computed_seq` to at least that; a run that acquired for a ticket has a `seq` of at least 1). A
 * claim covered by `since` alone may hold a ticket taken after the run acquired, which the
 * coordinator does not answer as covered until a later run.
 */
function coveredTicket(run: LastRun, claim: DateClaim): number {
  return Math.min(claim.ticket, run.seq);
}

/**
 * Whether a completed run of this task covers `claim`: its `seq` reaches the claim's ticket, or it
 * sent its acquisition after the claim's `since`, so it read every silver write the claim needs.
 */
function covers(run: LastRun, claim: DateClaim): boolean {
  return run.seq >= claim.ticket || run.acquiredAfter >= claim.since;
}
