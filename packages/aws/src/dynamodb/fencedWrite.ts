import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { WorkerError } from '@storeflow/core';
import type { AwsClients } from '../createAwsClients.js';
import type { WriteContentionError } from '../errors.js';
import type { Item } from './attributes.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy.js';
import { transactWriteRetrying } from './transactWrite.js';

/**
 * A condition on another item that every write of a batch is made under: each transaction
 * carries it as a ConditionCheck, so no write lands once it stops holding (for the KPIs: "this
 * worker still holds the date's recompute lease", see DateRecomputeCoordinator.leaseFence).
 */
export interface WriteFence {
  readonly table: string;
  readonly key: Item;
  readonly condition: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
  /** The typed error for writes refused because the condition no longer holds. */
  readonly broken: () => WorkerError;
  /**
   * When set, the batch's last transaction closes the fence: instead of the ConditionCheck it
   * updates the fence item, under the same condition and its own, in the same atomic write as the
   * last rows (for the KPIs: complete the recompute and release the lease,
   * DateRecomputeCoordinator.completingFence), so closing costs no request of its own. A batch
   * without writes still sends that update, alone.
   */
  readonly closing?: FenceClosing;
}

/** The update that closes a {@link WriteFence}, made only if `condition` holds too. */
export interface FenceClosing {
  readonly update: string;
  readonly condition: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
  /** Called once the closing update has landed. */
  readonly onClosed?: () => void;
}

/** Writes per TransactWriteItems call: its 100 actions, one of them the fence. */
export const FENCED_WRITE_LIMIT = 99;

/** One put (the whole item) or delete (by key) addressed to a table. */
export type FencedWrite =
  | { readonly table: string; readonly put: Item }
  | { readonly table: string; readonly delete: Item };

/**
 * Applies puts and deletes with TransactWriteItems, {@link FENCED_WRITE_LIMIT} per call, one call
 * after the other, each with `fence` as its ConditionCheck (the last one with its closing update
 * instead, when it has one). A transaction whose fence fails writes nothing and throws
 * `fence.broken()`; one cancelled by a conflicting write or throttling
 * is sent again with capped exponential backoff and full jitter, and after `retry.maxAttempts`
 * calls fails with the retryable {@link WriteContentionError}. Each transaction is atomic, the
 * whole batch is not: a failure leaves the earlier transactions applied, so callers must only
 * send writes that are safe to repeat. A batch must not hold two requests for the same key.
 */
export async function fencedWriteAll(
  clients: AwsClients,
  writes: readonly FencedWrite[],
  fence: WriteFence,
  retry: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<void> {
  // At least one transaction when the fence closes: the closing update must land even alone.
  const transactions = Math.max(
    fence.closing === undefined ? 0 : 1,
    Math.ceil(writes.length / FENCED_WRITE_LIMIT),
  );
  for (let index = 0; index < transactions; index++) {
    const start = index * FENCED_WRITE_LIMIT;
    const slice = writes.slice(start, start + FENCED_WRITE_LIMIT);
    await fencedTransaction(clients, slice, fenceItem(fence, index === transactions - 1), fence, retry);
  }
  fence.closing?.onClosed?.();
}

/** The fence as a transaction item: its ConditionCheck, or its closing update in the last call. */
function fenceItem(fence: WriteFence, last: boolean): TransactWriteItem {
  const closing = last ? fence.closing : undefined;
  if (closing === undefined) {
    return {
      ConditionCheck: {
        TableName: fence.table,
        Key: fence.key,
        ConditionExpression: fence.condition,
        ExpressionAttributeNames: fence.names,
        ExpressionAttributeValues: fence.values,
      },
    };
  }
  return {
    Update: {
      TableName: fence.table,
      Key: fence.key,
      UpdateExpression: closing.update,
      ConditionExpression: `(${fence.condition}) AND (${closing.condition})`,
      ExpressionAttributeNames: { ...fence.names, ...closing.names },
      ExpressionAttributeValues: { ...fence.values, ...closing.values },
    },
  };
}

async function fencedTransaction(
  clients: AwsClients,
  writes: readonly FencedWrite[],
  fenceCheck: TransactWriteItem,
  fence: WriteFence,
  retry: RetryPolicy,
): Promise<void> {
  const items: TransactWriteItem[] = [
    fenceCheck,
    ...writes.map(
      (write): TransactWriteItem =>
        'put' in write
          ? { Put: { TableName: write.table, Item: write.put } }
          : { Delete: { TableName: write.table, Key: write.delete } },
    ),
  ];
  // The fence is the first item: its failed condition means the fence no longer holds.
  const fenceFailed = await transactWriteRetrying(
    clients,
    items,
    retry,
    (cancelled) => cancelled[0] === 'ConditionalCheckFailed',
  );
  if (fenceFailed !== undefined) throw fence.broken();
}
