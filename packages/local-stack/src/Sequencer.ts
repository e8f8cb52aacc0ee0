// AWS sequencers are 16 to 18 upper-case hex digits; padding keeps them comparable as strings too.
const SEQUENCER_DIGITS = 18;
// Room for 65,536 events per millisecond before the counter borrows from the next millisecond.
const COUNTER_BITS = 16n;

/**
 * Hands out S3 event `sequencer` values that strictly increase per bucket, as S3's do for
 * writes to one key. They are derived from the clock, so they keep increasing after a restart.
 */
export class Sequencer {
  readonly #last = new Map<string, bigint>();
  readonly #now: () => number;

  /** @param now clock in epoch milliseconds, injectable for tests */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The next sequencer for `bucket`, greater than every one returned for it before. */
  next(bucket: string): string {
    const fromClock = BigInt(this.#now()) << COUNTER_BITS;
    const last = this.#last.get(bucket);
    const value = last !== undefined && last >= fromClock ? last + 1n : fromClock;
    this.#last.set(bucket, value);
    return value.toString(16).toUpperCase().padStart(SEQUENCER_DIGITS, '0');
  }
}
