import type { PollerLogger } from './SqsPoller.js';

/** A lease the caller already holds, and how to keep it and give it back. */
export interface HeldLease {
  /** Names the lease in log messages: `lineage` logs `lineage lease renewal failed`. */
  readonly name: string;
  /** Extends the lease; called every `heartbeatMs` while the work runs. */
  renew(): Promise<unknown>;
  /**
   * Hands the lease back after `work` failed, recording `error` as the caller's policy says.
   * Absent when a failed holder leaves the lease to expire.
   */
  release?(error: unknown): Promise<unknown>;
  /** Well under the lease's length, so a renewal that fails once is retried before it runs out. */
  readonly heartbeatMs: number;
  readonly log: PollerLogger;
  /** Fields added to every log line of this lease, e.g. `{ orderDate }`. */
  readonly logFields?: Readonly<Record<string, unknown>>;
}

/**
 * Runs `work` while the heartbeat keeps `lease` alive. When `work` fails, the lease is released
 * (`lease.release`, given the error) before the error is passed on; a release that fails itself
 * is logged and never replaces the original error, since the lease then simply runs out. A failed
 * renewal is logged and retried on the next beat: the fence on the holder, not the heartbeat,
 * keeps a holder whose lease was taken over from landing writes.
 *
 * @example
 * await withLease(
 *   { name: 'lineage', renew: () => lineage.renewLease(key, me, leaseMs), heartbeatMs: 60_000, log,
 *     release: (error) => recordFailedAttempt(lineage, key, me, { error, ... }) },
 *   () => validate(file),
 * );
 */
export async function withLease<T>(lease: HeldLease, work: () => Promise<T>): Promise<T> {
  const fields = lease.logFields ?? {};
  const heartbeat = setInterval(() => {
    lease
      .renew()
      .catch((error: unknown) =>
        lease.log.warn({ ...fields, err: error }, `${lease.name} lease renewal failed`),
      );
  }, lease.heartbeatMs);
  // The heartbeat alone must not keep a stopping process alive.
  heartbeat.unref();
  try {
    return await work();
  } catch (error) {
    // The heartbeat stops first, so no renewal lands after the release.
    clearInterval(heartbeat);
    if (lease.release !== undefined) {
      try {
        await lease.release(error);
      } catch (releaseError) {
        lease.log.warn(
          { ...fields, err: releaseError },
          `could not release the ${lease.name} lease; it will expire`,
        );
      }
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}
