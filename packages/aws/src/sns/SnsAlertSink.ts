import { PublishCommand } from '@aws-sdk/client-sns';
import { ALERTS_OFF, type Alert, type AlertSink, alertCodec } from '@storeflow/core';
import { type AwsClients, callAws } from '../createAwsClients.js';

export interface SnsAlertSinkOptions {
  clients: AwsClients;
  /** The alerts topic (`resourceNamesFor(prefix).alertsTopic`), as created by bootstrap or CDK. */
  topicArn: string;
}

/** The message attribute every alert carries, so a subscription's filter policy can pick kinds. */
export const ALERT_KIND_ATTRIBUTE = 'kind';

/** SNS limits a subject to 100 printable ASCII characters. */
const SUBJECT_MAX_LENGTH = 100;

/**
 * Publishes alerts to the SNS alerts topic: the body is {@link alertCodec}'s JSON (what an SQS
 * subscription with raw delivery receives as its message body, and an e-mail subscription as its
 * text), the subject a one-line summary for e-mail, and the message attribute `kind` the alert's
 * kind, for filter policies.
 *
 * A failure is thrown as the typed error of {@link callAws} (`isDependencyOutage` tells an outage
 * of SNS from a refusal such as a missing topic or permission), never dropped.
 *
 * @example
 * const alerts = new SnsAlertSink({ clients, topicArn: config.alertsTopicArn });
 * await alerts.publish({ kind: 'file-failed', file, errorCode: 'AWS_CALL_FAILED', message });
 */
export class SnsAlertSink implements AlertSink {
  readonly #options: SnsAlertSinkOptions;

  constructor(options: SnsAlertSinkOptions) {
    this.#options = options;
  }

  async publish(alert: Alert): Promise<void> {
    const { clients, topicArn } = this.#options;
    await callAws(clients, 'SNS', 'Publish', () =>
      clients.sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: alertCodec.encode(alert),
          Subject: alertSubject(alert),
          MessageAttributes: { [ALERT_KIND_ATTRIBUTE]: { DataType: 'String', StringValue: alert.kind } },
        }),
      ),
    );
  }
}

/**
 * Where a service publishes: the alerts topic its `<SERVICE>_ALERTS_TOPIC_ARN` names, or
 * {@link ALERTS_OFF} when the variable is unset (alerts are a feature the operator turns on).
 */
export function alertSinkFor(clients: AwsClients, topicArn: string | undefined): AlertSink {
  return topicArn === undefined ? ALERTS_OFF : new SnsAlertSink({ clients, topicArn });
}

/**
 * A one-line summary of an alert, within SNS's subject limits: `StoreFlow file-rejected:
 * raw/orders/2024-03-02.csv`. Characters SNS refuses (control characters, non-ASCII) become `?`.
 */
export function alertSubject(alert: Alert): string {
  const subject = `StoreFlow ${alert.kind}: ${alertTopic(alert)}`;
  const printable = subject.replace(/[^\x20-\x7e]/g, '?');
  return printable.length <= SUBJECT_MAX_LENGTH
    ? printable
    : `${printable.slice(0, SUBJECT_MAX_LENGTH - 3)}...`;
}

function alertTopic(alert: Alert): string {
  switch (alert.kind) {
    case 'file-rejected':
    case 'file-failed':
      return alert.file.key;
    case 'dead-letter':
      return `${alert.service} message ${alert.file?.key ?? alert.messageId}`;
    case 'anomaly': {
      const { anomaly } = alert;
      const where = anomaly.scope === 'date' ? anomaly.date : anomaly.key;
      return `${anomaly.metric} of ${where}`;
    }
  }
}
