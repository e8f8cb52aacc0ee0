import { BatchGetItemCommand, type BatchGetItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { UnprocessedKeysError } from '../errors.js';
import type { Item } from './attributes.js';
import { backOff, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy.js';

/** The BatchGetItem maximum of keys per request. */
export const BATCH_GET_LIMIT = 100;

/** `keys` split, in order, into pages of at most {@link BATCH_GET_LIMIT}, one BatchGetItem each. */
export function batchGetPages<K>(keys: readonly K[]): K[][] {
  const pages: K[][] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    pages.push(keys.slice(start, start + BATCH_GET_LIMIT));
  }
  return pages;
}

/**
 * One strongly consistent BatchGetItem page (at most {@link BATCH_GET_LIMIT} keys), retrying the
 * keys DynamoDB leaves unprocessed under load with capped exponential backoff; after
 * `retry.maxAttempts` calls the keys still unprocessed become an {@link UnprocessedKeysError}.
 */
export async function batchGetPage(
  clients: AwsClients,
  table: string,
  keys: readonly Item[],
  options: {
    retry?: RetryPolicy;
    projection?: { expression: string; names: Record<string, string> };
  } = {},
): Promise<Item[]> {
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
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
    await backOff(attempt, retry);
  }
}
