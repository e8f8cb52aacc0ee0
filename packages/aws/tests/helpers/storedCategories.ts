import { QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../src/index.js';

/**
 * The categories of the CategoryKPIs rows stored for `orderDate`, read raw through the table's
 * `order_date-index` (DynamoDB Local keeps it in step with the table): what a test checks the
 * repository against, without the repository.
 */
export async function storedCategoriesOf(
  clients: AwsClients,
  categoryTable: string,
  orderDate: string,
): Promise<string[]> {
  const response = await clients.dynamodb.send(
    new QueryCommand({
      TableName: categoryTable,
      IndexName: 'order_date-index',
      KeyConditionExpression: 'order_date = :d',
      ExpressionAttributeValues: { ':d': { S: orderDate } },
    }),
  );
  return (response.Items ?? []).map((item) => item.category?.S ?? '?');
}
