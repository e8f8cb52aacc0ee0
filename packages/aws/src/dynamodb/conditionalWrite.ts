import type { AwsService } from '../awsEndpoints.js';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { errorName, WriteContentionError } from '../errors.js';
import type { Item } from './attributes.js';
import { backOff, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retryPolicy.js';

/** Result of a conditional write: its response, or the item that failed the condition. */
export type ConditionalResult<T> =
  | { readonly ok: true; readonly response: T }
  /** `item` is the stored item (absent when there is none, or the endpoint did not return it). */
  | { readonly ok: false; readonly item: Item | undefined };

/**
 * Runs one conditional DynamoDB write through {@link callAws}. A failed condition is an expected
 * answer in these protocols ("a newer row exists", "another worker holds the lease"), so it comes
 * back as data with the stored item (ask for it with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`); a write refused because a transaction was
 * writing the item is sent again ({@link retryingConflicts}); every other failure is a typed error.
 */
export async function conditionalWrite<T>(
  clients: AwsClients,
  operation: string,
  run: () => Promise<T>,
  retry: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<ConditionalResult<T>> {
  const service: AwsService = 'DYNAMODB';
  return callAws(clients, service, operation, () =>
    retryingConflicts(
      operation,
      async (): Promise<ConditionalResult<T>> => {
        try {
          return { ok: true, response: await run() };
        } catch (error) {
          if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
          return { ok: false, item: (error as { Item?: Item }).Item };
        }
      },
      retry,
    ),
  );
}

/**
 * Runs a single-item DynamoDB write, sending it again with capped exponential backoff while
 * DynamoDB refuses it with `TransactionConflictException`: a transaction was writing or checking
 * the item at that moment (a recompute's fenced KPI writes check its date's coordination item,
 * a group of tickets updates it), which says "not now", not "no". After `retry.maxAttempts`
 * refusals it fails with the retryable {@link WriteContentionError}; any other failure is thrown
 * as it came.
 */
export async function retryingConflicts<T>(
  operation: string,
  run: () => Promise<T>,
  retry: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (errorName(error) !== 'TransactionConflictException') throw error;
      if (attempt >= retry.maxAttempts)
        throw new WriteContentionError(['TransactionConflict'], attempt, operation);
      await backOff(attempt, retry);
    }
  }
}
