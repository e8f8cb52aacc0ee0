import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { UnprocessedItemsError } from '../errors.js';

/** The BatchWriteItem maximum of put and delete requests per call, all tables together. */
export const BATCH_WRITE_LIMIT = 25;

/** Retry policy for the `UnprocessedItems` of one BatchWriteItem call. */
export interface BatchWriteRetry {
  /** Calls per batch before the writes still unprocessed become an {@link UnprocessedItemsError}. */
  readonly maxAttempts: number;
  /** First backoff, doubled per attempt (full jitter), in ms. */
  readonly baseDelayMs: number;
  /** Ceiling of one backoff, in ms. */
  readonly maxDelayMs: number;
}

/** Eight calls with backoff up to 2 s: about 5 s of throttling before giving up. */
export const DEFAULT_BATCH_WRITE_RETRY: BatchWriteRetry = {
  maxAttempts: 8,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
};

/** One put or delete addressed to a table. */
export interface TableWriteRequest {
  readonly table: string;
  readonly request: WriteRequest;
}

/**
 * Applies write requests with BatchWriteItem, {@link BATCH_WRITE_LIMIT} per call, one call after
 * the other. The requests DynamoDB leaves in `UnprocessedItems` under load are sent again with
 * capped exponential backoff and full jitter; after `retry.maxAttempts` calls for one batch the
 * rest fail with the retryable {@link UnprocessedItemsError}. Not atomic: a failure leaves the
 * earlier batches applied, so callers must only send writes that are safe to repeat.
 *
 * A batch must not hold two requests for the same key (DynamoDB rejects it).
 */
export async function batchWriteAll(
  clients: AwsClients,
  requests: readonly TableWriteRequest[],
  retry: BatchWriteRetry = DEFAULT_BATCH_WRITE_RETRY,
): Promise<void> {
  for (let start = 0; start < requests.length; start += BATCH_WRITE_LIMIT) {
    await batchWritePage(clients, requests.slice(start, start + BATCH_WRITE_LIMIT), retry);
  }
}

async function batchWritePage(
  clients: AwsClients,
  requests: readonly TableWriteRequest[],
  retry: BatchWriteRetry,
): Promise<void> {
  let pending: Record<string, WriteRequest[]> = {};
  for (const { table, request } of requests) {
    const list = pending[table] ?? [];
    list.push(request);
    pending[table] = list;
  }
  for (let attempt = 1; ; attempt++) {
    const requestItems = pending;
    const response: BatchWriteItemCommandOutput = await callAws(clients, 'DYNAMODB', 'BatchWriteItem', () =>
      clients.dynamodb.send(new BatchWriteItemCommand({ RequestItems: requestItems })),
    );
    pending = Object.fromEntries(
      Object.entries(response.UnprocessedItems ?? {}).filter(([, left]) => left.length > 0),
    );
    const left = Object.values(pending).reduce((sum, list) => sum + list.length, 0);
    if (left === 0) return;
    if (attempt >= retry.maxAttempts) throw new UnprocessedItemsError(Object.keys(pending), left, attempt);
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }
}
