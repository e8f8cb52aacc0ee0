import { BatchGetItemCommand, type BatchGetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { UnprocessedKeysError } from '../errors.js';
import type { Item } from './attributes.js';

/** The BatchGetItem maximum of keys per request. */
export const BATCH_GET_LIMIT = 100;

export interface BatchGetRetry {
  /** Calls per page before the keys still unprocessed become an {@link UnprocessedKeysError}. */
  readonly maxAttempts: number;
  /** First backoff, doubled per attempt (full jitter), in ms. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_BATCH_GET_RETRY: BatchGetRetry = { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2_000 };

/**
 * One strongly consistent BatchGetItem page (at most {@link BATCH_GET_LIMIT} keys), retrying the
 * keys DynamoDB leaves unprocessed under load with capped exponential backoff.
 */
export async function batchGetPage(
  clients: AwsClients,
  table: string,
  keys: readonly Item[],
  options: {
    retry?: BatchGetRetry;
    projection?: { expression: string; names: Record<string, string> };
  } = {},
): Promise<Item[]> {
  const retry = options.retry ?? DEFAULT_BATCH_GET_RETRY;
  let pending: Item[] = [...keys];
  const items: Item[] = [];
  for (let attempt = 1; ; attempt++) {
    const response: BatchGetItemCommandOutput = await callAws(clients, 'DYNAMODB', 'BatchGetItem', () =>
      clients.dynamodb.send(
        new BatchGetItemCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              // Rows written a moment ago by another task must be seen.
              ConsistentRead: true,
              ...(options.projection === undefined
                ? {}
                : {
                    ProjectionExpression: options.projection.expression,
                    ExpressionAttributeNames: options.projection.names,
                  }),
            },
          },
        }),
      ),
    );
    items.push(...(response.Responses?.[table] ?? []));
    pending = response.UnprocessedKeys?.[table]?.Keys ?? [];
    if (pending.length === 0) return items;
    if (attempt >= retry.maxAttempts) throw new UnprocessedKeysError(table, pending.length, attempt);
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }
}
