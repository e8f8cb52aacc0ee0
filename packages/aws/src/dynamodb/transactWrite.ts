import { type TransactWriteItem, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { errorName } from '../errors.js';

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
