import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type AwsClients, callAws } from '../createAwsClients.js';

/** One message to put on a queue; the body comes from a codec of `@storeflow/core`. */
export interface OutgoingMessage {
  readonly queueUrl: string;
  readonly body: string;
  /** Delivery delay, 0 to 900 seconds (SQS's limit). */
  readonly delaySeconds?: number;
}

/** Sends one message; a failure is an `AwsCallError` that says whether a retry can help. */
export async function sendQueueMessage(clients: AwsClients, message: OutgoingMessage): Promise<void> {
  await callAws(clients, 'SQS', 'SendMessage', () =>
    clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: message.queueUrl,
        MessageBody: message.body,
        ...(message.delaySeconds === undefined ? {} : { DelaySeconds: message.delaySeconds }),
      }),
    ),
  );
}
