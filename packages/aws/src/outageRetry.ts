import { type BackoffCurve, backoffDelayMs } from './dynamodb/retryPolicy.js';
import { isDependencyOutage } from './errors.js';
import type { PollerLogger } from './SqsPoller.js';

/** Waits between runs of a message through an outage: 1 s, doubling up to 30 s, full jitter. */
export const OUTAGE_BACKOFF: BackoffCurve = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

/** Options of {@link OutageRetry}. */
export interface OutageRetryOptions {
  /**
   * How long the message's runs may keep failing with dependency outages, counted from the first
   * such failure, before the failure ends the attempt; 0 never runs again.
   */
  readonly budgetMs: number;
  readonly backoff: BackoffCurve;
  /** The attempt's signal: once aborted, nothing runs again and a wait ends at once. */
  readonly signal: AbortSignal;
  readonly log: PollerLogger;
  /** Clock, ms; only differences are used. @defaultValue performance.now */
  readonly now?: () => number;
  /** Resolves after `ms`, or as soon as `signal` aborts. @defaultValue a timer */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1): the backoff's jitter. @defaultValue Math.random */
  readonly random?: () => number;
  /** Called before each run again, for the outage retry counter. */
  readonly onRetry?: () => void;
}

/**
 * Runs one message's handler again, in place, while it fails because a dependency is out:
 * the message is not given back (its visibility heartbeat keeps it), so an outage does not spend
 * a receive, and a file is not ended FAILED on its last receive for an outage that passes.
 *
 * The decision whether a failed run runs again is taken once per error and kept, so the failure
 * policy that asks before it ends the file ({@link willRunAgainAfter}, through the message) and the
 * loop that acts afterwards always agree. A run again is like a redelivery of the message to the
 * same worker, which the claims accept (`reenter`).
 *
 * One warning when the outage starts, one info line when a run gets through it (or a warning when
 * the budget runs out), never one per retry.
 *
 * @example
 * const retry = new OutageRetry({ budgetMs: 600_000, backoff: OUTAGE_BACKOFF, signal, log });
 * const outcome = await retry.run((reruns) => handle(messageWith(reruns, retry), signal));
 */
export class OutageRetry {
  readonly #options: Required<Omit<OutageRetryOptions, 'onRetry'>> & Pick<OutageRetryOptions, 'onRetry'>;
  /** Decisions already given, by error, so asking twice gives the same answer. */
  readonly #decisions = new WeakMap<object, boolean>();
  #outageStartedAt: number | undefined;
  #reruns = 0;

  constructor(options: OutageRetryOptions) {
    this.#options = {
      now: () => performance.now(),
      sleep: sleepUnlessAborted,
      random: Math.random,
      ...options,
    };
  }

  /**
   * True when a run that fails with `error` will be run again: `error` is a dependency outage, the
   * attempt is not stopped, and the budget is not spent. Starts the budget at the first outage.
   */
  willRunAgainAfter(error: unknown): boolean {
    const decided = typeof error === 'object' && error !== null ? this.#decisions.get(error) : undefined;
    if (decided !== undefined) return decided && !this.#options.signal.aborted;
    const runsAgain = this.#decide(error);
    if (typeof error === 'object' && error !== null) this.#decisions.set(error, runsAgain);
    return runsAgain;
  }

  /**
   * Calls `work` with the number of runs before it until it settles with anything but a
   * dependency outage within the budget; its result, or its last error, is the attempt's.
   */
  async run<T>(work: (reruns: number) => Promise<T>): Promise<T> {
    const { log, signal } = this.#options;
    for (;;) {
      try {
        const result = await work(this.#reruns);
        this.#logEnd(undefined);
        return result;
      } catch (error) {
        if (!this.willRunAgainAfter(error)) {
          this.#logEnd(error);
          throw error;
        }
        if (this.#reruns === 0) {
          log.warn(
            { err: error, budgetMs: this.#options.budgetMs },
            'dependency outage; running the message again in place until it recovers',
          );
        }
        await this.#options.sleep(this.#nextWaitMs(), signal);
        // Stopped during the wait: the run that failed ends the attempt, as a stopped one.
        if (signal.aborted) throw error;
        this.#reruns += 1;
        this.#options.onRetry?.();
      }
    }
  }

  #decide(error: unknown): boolean {
    if (this.#options.signal.aborted || !isDependencyOutage(error)) return false;
    this.#outageStartedAt ??= this.#options.now();
    return this.#outageMs() < this.#options.budgetMs;
  }

  /** The backoff after this run, but never past the end of the budget. */
  #nextWaitMs(): number {
    const backoff = backoffDelayMs(this.#reruns + 1, this.#options.backoff, this.#options.random);
    return Math.max(0, Math.min(backoff, this.#options.budgetMs - this.#outageMs()));
  }

  #outageMs(): number {
    return this.#outageStartedAt === undefined ? 0 : this.#options.now() - this.#outageStartedAt;
  }

  /** After an outage: how the last run ended, `error` undefined when it succeeded. */
  #logEnd(error: unknown): void {
    if (this.#outageStartedAt === undefined || this.#options.signal.aborted) return;
    const fields = { reruns: this.#reruns, outageMs: this.#outageMs() };
    if (error !== undefined && isDependencyOutage(error)) {
      this.#options.log.warn(
        { ...fields, err: error },
        'dependency outage outlasted the budget; the attempt fails',
      );
    } else {
      this.#options.log.info(fields, 'dependency outage over; the message ran through it');
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts; leaves no listener behind. */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
  });
}
