import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface AlertsTopicProps {
  /** `resourceNamesFor(prefix).alertsTopic`, the name bootstrap gives the same topic. */
  topicName: string;
  resourcePrefix: string;
  /** Subscribed by e-mail when set (AWS sends a confirmation first). */
  alertEmail: string | undefined;
}

/**
 * The one SNS topic a person watches: the services publish their alerts to it (rejected and
 * failed files, dead letters, anomalies: the README's Alerts) and CloudWatch its queue alarms.
 * Encrypted with a key of its own, since CloudWatch cannot publish to a topic encrypted with the
 * AWS-managed SNS key; publishers need `kms:GenerateDataKey*` and `kms:Decrypt` on it.
 */
export class AlertsTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlertsTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'TopicKey', {
      description: `Encrypts the ${props.resourcePrefix} pipeline alerts topic`,
      enableKeyRotation: true,
    });
    this.key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
      }),
    );
    if (props.alertEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alertEmail));
  }
}
