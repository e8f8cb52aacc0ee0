import { type TransactWriteItem, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { errorName, WriteContentionError } from '../errors.js';
import { backOff, type RetryPolicy } from './retryPolicy.js';

/** Cancellation codes that say "try again": another write held an item, or capacity ran out. */
export const TRANSIENT_CANCELLATIONS: ReadonlySet<string> = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * Sends one TransactWriteItems. Resolves `undefined` when it landed, or, when it was cancelled,
 * the cancellation code of each item in order (`'None'` for an item that did not cause it) if
 * `expected(codes)` says the caller handles such a cancellation; any other cancellation or failure
 * is the typed error of {@link callAws} (a validation problem, an item too large).
 */
export function transactWrite(
  clients: AwsClients,
  items: readonly TransactWriteItem[],
  expected: (codes: readonly string[]) => boolean,
): Promise<string[] | undefined> {
  return callAws(clients, 'DYNAMODB', 'TransactWriteItems', async () => {
    try {
      await clients.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [...items] }));
      return undefined;
    } catch (error) {
      if (errorName(error) !== 'TransactionCanceledException') throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      const codes = items.map((_, position) => reasons[position]?.Code ?? 'None');
      if (!expected(codes)) throw error;
      return codes;
    }
  });
}

/**
 * Sends one TransactWriteItems with {@link transactWrite}, again with capped exponential backoff
 * and full jitter while only {@link TRANSIENT_CANCELLATIONS} cancel it. Resolves `undefined` when
 * it landed, or the cancellation codes when `refused(codes)` says the caller answers that
 * cancellation itself (a failed fence); after `retry.maxAttempts` transient cancellations it fails
 * with the retryable {@link WriteContentionError}, and any other cancellation or failure is the
 * typed error of `transactWrite`.
 */
export async function transactWriteRetrying(
  clients: AwsClients,
  items: readonly TransactWriteItem[],
  retry: RetryPolicy,
  refused: (codes: readonly string[]) => boolean = () => false,
): Promise<string[] | undefined> {
  for (let attempt = 1; ; attempt++) {
    const codes = await transactWrite(
      clients,
      items,
      (cancelled) => refused(cancelled) || onlyTransient(cancelled),
    );
    if (codes === undefined || refused(codes)) return codes;
    if (attempt >= retry.maxAttempts) {
      throw new WriteContentionError(
        codes.filter((code) => code !== 'None'),
        attempt,
      );
    }
    await backOff(attempt, retry);
  }
}

/** Whether what cancelled a transaction says "not now" only: some item's code, all transient. */
function onlyTransient(codes: readonly string[]): boolean {
  const blocking = codes.filter((code) => code !== 'None');
  return blocking.length > 0 && blocking.every((code) => TRANSIENT_CANCELLATIONS.has(code));
}
