import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../createAwsClients.js';
import { WriteContentionError } from '../errors.js';
import type { Item } from './attributes.js';
import { backOff, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy.js';
import { TRANSIENT_CANCELLATIONS, transactWrite } from './transactWrite.js';

/** Actions per TransactWriteItems call (the DynamoDB maximum). */
export const TRANSACT_WRITE_LIMIT = 100;

/** One whole-item put that lands only if `condition` holds on the stored item at that moment. */
export interface ConditionalPut {
  readonly table: string;
  readonly item: Item;
  readonly condition: string;
  readonly names: Record<string, string>;
  readonly values?: Record<string, AttributeValue>;
}

/**
 * Sends conditional puts in TransactWriteItems calls of up to {@link TRANSACT_WRITE_LIMIT}, used
 * as a batch of independent conditional writes: BatchWriteItem takes no conditions, and a
 * transaction is the only multi-item request that checks one per item.
 *
 * A transaction lands all of its puts or none, so when some conditions fail it is sent again
 * without them (at once: that is no contention); one cancelled by a conflicting write or by
 * throttling is sent again with capped exponential backoff and full jitter, and after
 * `retry.maxAttempts` such calls fails with the retryable {@link WriteContentionError}. Any other
 * cancellation or failure is a typed error from {@link callAws}.
 *
 * @param limit runs each transaction; bound it with `p-limit` so large batches stay bounded
 * @returns per put, in input order: true when it landed, false when its condition failed
 * @example
 * const landed = await conditionalPutAll(clients, puts, (send) => writeLimit(send));
 */
export async function conditionalPutAll(
  clients: AwsClients,
  puts: readonly ConditionalPut[],
  limit: <T>(send: () => Promise<T>) => Promise<T> = (send) => send(),
  retry: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<boolean[]> {
  const chunks: number[][] = [];
  for (let start = 0; start < puts.length; start += TRANSACT_WRITE_LIMIT) {
    chunks.push(
      Array.from({ length: Math.min(TRANSACT_WRITE_LIMIT, puts.length - start) }, (_, i) => start + i),
    );
  }
  const landed = new Array<boolean>(puts.length).fill(false);
  await Promise.all(
    chunks.map((chunk) =>
      limit(async () => {
        for (const index of await transactUntilSettled(clients, puts, chunk, retry)) landed[index] = true;
      }),
    ),
  );
  return landed;
}

/** Sends the puts at `indexes` until each has landed or failed its condition; returns the landed. */
async function transactUntilSettled(
  clients: AwsClients,
  puts: readonly ConditionalPut[],
  indexes: readonly number[],
  retry: RetryPolicy,
): Promise<readonly number[]> {
  let pending = indexes;
  let contended = 0;
  while (pending.length > 0) {
    const codes = await transact(
      clients,
      pending.map((index) => puts[index] as ConditionalPut),
    );
    if (codes === undefined) return pending;
    const failedCondition = pending.filter((_, position) => codes[position] === 'ConditionalCheckFailed');
    pending = pending.filter((_, position) => codes[position] !== 'ConditionalCheckFailed');
    const blocking = codes.filter((code) => code !== 'None' && code !== 'ConditionalCheckFailed');
    if (failedCondition.length > 0 && blocking.length === 0) continue;
    contended += 1;
    if (contended >= retry.maxAttempts) throw new WriteContentionError(blocking, contended);
    await backOff(contended, retry);
  }
  return pending;
}

/**
 * One TransactWriteItems call: undefined when every put landed, else the cancellation code of
 * each put in order (`None` for a put that would have landed).
 */
function transact(clients: AwsClients, puts: readonly ConditionalPut[]): Promise<string[] | undefined> {
  const items = puts.map(
    (put): TransactWriteItem => ({
      Put: {
        TableName: put.table,
        Item: put.item,
        ConditionExpression: put.condition,
        ExpressionAttributeNames: put.names,
        ...(put.values === undefined ? {} : { ExpressionAttributeValues: put.values }),
      },
    }),
  );
  // Failed conditions and contention are handled here, when the cancellation names its items.
  return transactWrite(
    clients,
    items,
    (codes) =>
      !codes.every((code) => code === 'None') &&
      codes.every(
        (code) => code === 'None' || code === 'ConditionalCheckFailed' || TRANSIENT_CANCELLATIONS.has(code),
      ),
  );
}
