import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { type AwsClients, callAws } from '../createAwsClients.js';
import type { Item } from './attributes.js';

/** Every item a Query matches, page after page until DynamoDB says there is no more. */
export async function queryAll(clients: AwsClients, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const exclusiveStartKey = startKey;
    const response: QueryCommandOutput = await callAws(clients, 'DYNAMODB', 'Query', () =>
      clients.dynamodb.send(
        new QueryCommand({
          ...input,
          ...(exclusiveStartKey === undefined ? {} : { ExclusiveStartKey: exclusiveStartKey }),
        }),
      ),
    );
    items.push(...(response.Items ?? []));
    startKey = response.LastEvaluatedKey;
  } while (startKey !== undefined && Object.keys(startKey).length > 0);
  return items;
}

/**
 * The key condition "partition `pk`, sort key `sk` between `from` and `to`" (inclusive) of a table
 * keyed (`pk`, `sk`), such as the quality table's date partitions, read strongly consistent.
 */
export function partitionRange(
  table: string,
  partition: string,
  from: string,
  to: string,
): QueryCommandInput {
  return {
    TableName: table,
    KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
    ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
    ExpressionAttributeValues: { ':pk': { S: partition }, ':from': { S: from }, ':to': { S: to } },
    ConsistentRead: true,
  };
}
