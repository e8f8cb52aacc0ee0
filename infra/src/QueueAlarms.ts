import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** One work queue and its dead-letter queue, under a short name used in alarm names. */
export interface WatchedQueue {
  name: 'ingest' | 'transform';
  queue: IQueue;
  deadLetter: IQueue;
}

export interface QueueAlarmsProps {
  resourcePrefix: string;
  queues: WatchedQueue[];
  oldestMessageAlarmSeconds: number;
  /** The alerts topic (see AlertsTopic), which CloudWatch may publish to. */
  topic: ITopic;
}

/**
 * Two alarms per queue, both sent to the alerts topic: a dead-letter queue holding anything (a message
 * failed every delivery and needs a person: `storeflow redrive` once the cause is fixed), and a message older
 * than the threshold (the service is down, scaled to its maximum and still behind, or stuck).
 */
export class QueueAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: QueueAlarmsProps) {
    super(scope, id);
    const action = new SnsAction(props.topic);
    for (const { name, queue, deadLetter } of props.queues) {
      const deadLetters = new Alarm(this, `${name}DeadLetters`, {
        alarmName: `${props.resourcePrefix}-${name}-dlq-not-empty`,
        alarmDescription: `Messages in the ${name} dead-letter queue: fix the cause, then run storeflow redrive --queue ${name}.`,
        metric: deadLetter.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // SQS stops sending metrics for an idle empty queue: no data means empty.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const oldest = new Alarm(this, `${name}OldestMessage`, {
        alarmName: `${props.resourcePrefix}-${name}-oldest-message`,
        alarmDescription:
          `A message has waited in the ${name} queue for over ${props.oldestMessageAlarmSeconds} s: ` +
          'check that the service runs, and its scaling limit.',
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(1),
          statistic: Stats.MAXIMUM,
        }),
        threshold: props.oldestMessageAlarmSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const alarm of [deadLetters, oldest]) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        this.alarms.push(alarm);
      }
    }
  }
}
