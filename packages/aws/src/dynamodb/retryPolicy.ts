/** Capped exponential backoff with full jitter, for DynamoDB answers that mean "not now". */
export interface RetryPolicy extends BackoffCurve {
  /** Calls before the caller gives up with its typed, retryable error. */
  readonly maxAttempts: number;
}

/** The shape of a capped exponential backoff. */
export interface BackoffCurve {
  /** First backoff, doubled per attempt (full jitter), in ms. */
  readonly baseDelayMs: number;
  /** Ceiling of one backoff, in ms. */
  readonly maxDelayMs: number;
}

/** Eight calls with backoff up to 2 s: about 5 s of trying before giving up. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * The wait after failure number `attempt` (1-based): `random()` (in [0, 1)) times
 * `baseDelayMs · 2^(attempt−1)`, capped at `maxDelayMs`. Full jitter spreads the retries of
 * callers that failed together.
 */
export function backoffDelayMs(attempt: number, curve: BackoffCurve, random: () => number): number {
  const ceiling = Math.min(curve.maxDelayMs, curve.baseDelayMs * 2 ** (attempt - 1));
  return random() * ceiling;
}

/** Waits {@link backoffDelayMs} before the call after `attempt` (1-based). */
export function backOff(attempt: number, policy: RetryPolicy): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, backoffDelayMs(attempt, policy, Math.random)));
}
