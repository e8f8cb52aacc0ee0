/** Capped exponential backoff with full jitter, for DynamoDB answers that mean "not now". */
export interface RetryPolicy {
  /** Calls before the caller gives up with its typed, retryable error. */
  readonly maxAttempts: number;
  /** First backoff, doubled per attempt (full jitter), in ms. */
  readonly baseDelayMs: number;
  /** Ceiling of one backoff, in ms. */
  readonly maxDelayMs: number;
}

/** Eight calls with backoff up to 2 s: about 5 s of trying before giving up. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2_000 };

/** Waits before the call after `attempt` (1-based): a random time up to `baseDelayMs · 2^(attempt−1)`, capped. */
export function backOff(attempt: number, policy: RetryPolicy): Promise<void> {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
