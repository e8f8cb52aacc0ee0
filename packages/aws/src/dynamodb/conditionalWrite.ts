import type { AwsService } from '../awsEndpoints.js';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { errorName } from '../errors.js';
import type { Item } from './attributes.js';

/** Result of a conditional write: its response, or the item that failed the condition. */
export type ConditionalResult<T> =
  | { readonly ok: true; readonly response: T }
  /** `item` is the stored item (absent when there is none, or the endpoint did not return it). */
  | { readonly ok: false; readonly item: Item | undefined };

/**
 * Runs one conditional DynamoDB write through {@link callAws}. A failed condition is an expected
 * answer in these protocols ("a newer row exists", "another worker holds the lease"), so it comes
 * back as data with the stored item (ask for it with
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`); every other failure is a typed error.
 */
export async function conditionalWrite<T>(
  clients: AwsClients,
  operation: string,
  run: () => Promise<T>,
): Promise<ConditionalResult<T>> {
  const service: AwsService = 'DYNAMODB';
  return callAws(clients, service, operation, async (): Promise<ConditionalResult<T>> => {
    try {
      return { ok: true, response: await run() };
    } catch (error) {
      if (errorName(error) !== 'ConditionalCheckFailedException') throw error;
      return { ok: false, item: (error as { Item?: Item }).Item };
    }
  });
}
