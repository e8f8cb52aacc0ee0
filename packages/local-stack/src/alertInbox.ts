import { type SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type Alert, alertCodec } from '@storeflow/core';

/** One alert as a subscriber receives it, with the `kind` message attribute subscribers filter on. */
export interface ReceivedAlert {
  readonly alert: Alert;
  readonly kindAttribute: string | undefined;
}

export interface AlertInbox {
  readonly queueUrl: string;
  /**
   * Every alert received until `expected` have come and the queue then stays empty for three
   * receives more (about three seconds), so an extra alert is seen too; what came by `timeoutMs`
   * otherwise. Each message is deleted once read.
   *
   * @throws Error when a message is not an alert the codec reads
   */
  receive(expected: number, timeoutMs?: number): Promise<ReceivedAlert[]>;
}

/**
 * A queue named `queueName` subscribed to the alerts topic with raw delivery, so it receives the
 * alert bodies exactly as an e-mail or HTTPS subscriber would: the way a run on the emulators
 * (which deliver no e-mail) checks what the pipeline announced.
 *
 * @example
 * const inbox = await subscribeAlertInbox(clients, resources.alertsTopicArn, `${names.alertsTopic}-inbox`);
 * const alerts = await inbox.receive(1);
 */
export async function subscribeAlertInbox(
  clients: { readonly sns: SNSClient; readonly sqs: SQSClient },
  topicArn: string,
  queueName: string,
): Promise<AlertInbox> {
  const { QueueUrl: queueUrl } = await clients.sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  if (queueUrl === undefined) throw new Error(`creating the inbox queue ${queueName} returned no URL`);
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return {
    queueUrl,
    receive: async (expected, timeoutMs = 45_000) => {
      const received: ReceivedAlert[] = [];
      const deadline = Date.now() + timeoutMs;
      let emptyReceivesAfterExpected = 0;
      while (Date.now() < deadline && emptyReceivesAfterExpected < 3) {
        const { Messages = [] } = await clients.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageAttributeNames: ['All'],
          }),
        );
        for (const message of Messages) {
          const decoded = alertCodec.decode(JSON.parse(message.Body ?? ''));
          if (decoded.kind !== 'ok') throw new Error(`not an alert: ${message.Body}`);
          received.push({
            alert: decoded.value,
            kindAttribute: message.MessageAttributes?.kind?.StringValue,
          });
          await clients.sqs.send(
            new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
          );
        }
        if (Messages.length === 0 && received.length >= expected) emptyReceivesAfterExpected += 1;
      }
      return received;
    },
  };
}
