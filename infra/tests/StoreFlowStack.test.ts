// The services' own config loaders judge the environment the stack gives them: the contract
// between the task definitions and the services is checked here, not restated.
import { loadTransformerConfig, TRANSFORMER_ENV } from '@storeflow/transformer/config';
import { loadValidatorConfig, VALIDATOR_ENV } from '@storeflow/validator/config';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import {
  actionsOf,
  containerEnvironment,
  containerOf,
  objectArnJson,
  type PolicyStatementJson,
  resourceOf,
  resourcesOf,
  roleStatements,
  synthStack,
} from './helpers.js';

let template: Template;

beforeAll(() => {
  ({ template } = synthStack());
});

/** Logical id of the resource whose name property has this value. */
function logicalId(type: string, nameProperty: string, name: string): string {
  const ids = Object.entries(template.findResources(type))
    .filter(([, resource]) => resource.Properties?.[nameProperty] === name)
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${ids.length}`);
  return ids[0] as string;
}

function tableArn(tableName: string): unknown {
  return { 'Fn::GetAtt': [logicalId('AWS::DynamoDB::Table', 'TableName', tableName), 'Arn'] };
}

function queueId(queueName: string): string {
  return logicalId('AWS::SQS::Queue', 'QueueName', queueName);
}

function queueArn(queueName: string): unknown {
  return { 'Fn::GetAtt': [queueId(queueName), 'Arn'] };
}

function grantedOn(statements: PolicyStatementJson[], resource: unknown): string[] {
  const target = JSON.stringify(resource);
  return statements
    .filter((statement) => resourcesOf(statement).some((candidate) => JSON.stringify(candidate) === target))
    .flatMap(actionsOf)
    .sort();
}

describe('StoreFlowStack storage', () => {
  it('names the bucket, queues and tables exactly as bootstrap derives them from the prefix', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'storeflow-data' });
    const queueNames = Object.values(template.findResources('AWS::SQS::Queue')).map(
      (queue) => queue.Properties.QueueName,
    );
    expect(queueNames.sort()).toEqual([
      'storeflow-ingest',
      'storeflow-ingest-dlq',
      'storeflow-transform',
      'storeflow-transform-dlq',
    ]);
    const tableNames = Object.values(template.findResources('AWS::DynamoDB::Table')).map(
      (table) => table.Properties.TableName,
    );
    expect(tableNames.sort()).toEqual([
      'storeflow-CategoryKPIs',
      'storeflow-KpiDates',
      'storeflow-OrderKPIs',
      'storeflow-ProcessedFiles',
      'storeflow-Quality',
      'storeflow-References',
    ]);
  });

  it('keeps the data bucket private, TLS-only, encrypted, access-logged and unversioned', () => {
    // Assess
    const [id, bucket] = resourceOf(template, 'AWS::S3::Bucket', '"BucketName":"storeflow-data"');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { LogFilePrefix: 'data-bucket/' },
    });
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('ages out failed/ and rejected/ after 90 days and moves processed/ to Standard-IA after 30', () => {
    // Assess
    const [, bucket] = resourceOf(template, 'AWS::S3::Bucket', '"BucketName":"storeflow-data"');
    const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Prefix: 'processed/',
          Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
        }),
        expect.objectContaining({ Prefix: 'failed/', ExpirationInDays: 90 }),
        expect.objectContaining({ Prefix: 'rejected/', ExpirationInDays: 90 }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      ]),
    );
    expect(rules.find((rule) => rule.Prefix === 'processed/')?.ExpirationInDays).toBeUndefined();
  });

  it('sends ObjectCreated events under raw/ to the ingest queue, after S3 may send to it', () => {
    // Assess
    const [, bucket] = resourceOf(template, 'AWS::S3::Bucket', '"BucketName":"storeflow-data"');
    expect(bucket.Properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        {
          Event: 's3:ObjectCreated:*',
          Filter: { S3Key: { Rules: [{ Name: 'prefix', Value: 'raw/' }] } },
          Queue: queueArn('storeflow-ingest'),
        },
      ],
    });
    const [policyId, policy] = resourceOf(template, 'AWS::SQS::QueuePolicy', 'AllowBucketNotifications');
    expect(bucket.DependsOn).toContain(policyId);
    expect(policy.Properties.PolicyDocument).toMatchObject({
      Statement: expect.arrayContaining([
        expect.objectContaining({
          Sid: 'AllowBucketNotifications',
          Effect: 'Allow',
          Principal: { Service: 's3.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: {
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::storeflow-data']],
              },
            },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        }),
      ]),
    });
  });

  it('gives both work queues the bootstrap attributes: 30 s visibility, 20 s polls, 4 days, 5 receives', () => {
    // Assess
    for (const name of ['storeflow-ingest', 'storeflow-transform']) {
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: name,
        VisibilityTimeout: 30,
        ReceiveMessageWaitTimeSeconds: 20,
        MessageRetentionPeriod: 4 * 24 * 3600,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: queueArn(`${name}-dlq`), maxReceiveCount: 5 },
      });
      template.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `${name}-dlq`,
        MessageRetentionPeriod: 14 * 24 * 3600,
        SqsManagedSseEnabled: true,
      });
    }
    // Every queue refuses plain HTTP.
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('creates the five tables with bootstrap’s keys and indexes, on demand, with point-in-time recovery', () => {
    // Prepare
    const hash = (name: string) => ({ AttributeName: name, KeyType: 'HASH' });
    const range = (name: string) => ({ AttributeName: name, KeyType: 'RANGE' });

    // Assess
    const expected: [string, unknown[], unknown[]][] = [
      [
        'storeflow-ProcessedFiles',
        [hash('file_key'), range('object_version')],
        [{ IndexName: 'status-index', KeySchema: [hash('status'), range('updated_at')] }],
      ],
      [
        'storeflow-CategoryKPIs',
        [hash('category'), range('order_date')],
        [{ IndexName: 'order_date-index', KeySchema: [hash('order_date'), range('category')] }],
      ],
      ['storeflow-OrderKPIs', [hash('order_date')], []],
      ['storeflow-References', [hash('ref_key')], []],
      ['storeflow-KpiDates', [hash('order_date')], []],
      ['storeflow-Quality', [hash('pk'), range('sk')], []],
    ];
    for (const [name, keySchema, indexes] of expected) {
      const [, table] = resourceOf(template, 'AWS::DynamoDB::Table', `"TableName":"${name}"`);
      expect(table.Properties).toMatchObject({
        KeySchema: keySchema,
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
      const tableIndexes = (table.Properties.GlobalSecondaryIndexes ?? []) as Record<string, unknown>[];
      expect(tableIndexes.map(({ IndexName, KeySchema }) => ({ IndexName, KeySchema }))).toEqual(indexes);
      for (const index of tableIndexes) expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
      expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
      for (const attribute of table.Properties.AttributeDefinitions as { AttributeType: string }[]) {
        expect(attribute.AttributeType).toBe('S');
      }
    }
  });
});

describe('StoreFlowStack services', () => {
  it('runs both services on a cluster with Container Insights', () => {
    // Assess
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: 'storeflow',
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
    template.resourceCountIs('AWS::ECS::Service', 2);
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'storeflow-validator',
      LaunchType: 'FARGATE',
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  it('gives each service an environment its own config loader accepts', () => {
    // Act
    const validator = loadValidatorConfig(containerEnvironment(template, 'validator'));
    const transformer = loadTransformerConfig(containerEnvironment(template, 'transformer'));

    // Assess
    expect(validator).toMatchObject({
      alertsTopicArn: expect.stringContaining(':sns:'),
      resourcePrefix: 'storeflow',
      concurrency: 2,
      visibilityTimeoutSeconds: 30,
      heartbeatSeconds: 10,
      shutdownGraceSeconds: 25,
      metricsPort: 9464,
    });
    expect(transformer).toMatchObject({
      resourcePrefix: 'storeflow',
      concurrency: 4,
      visibilityTimeoutSeconds: 30,
      heartbeatSeconds: 10,
      dateLeaseSeconds: 30,
      shutdownGraceSeconds: 25,
      metricsPort: 9465,
    });
    const known = new Set([...Object.values(VALIDATOR_ENV), ...Object.values(TRANSFORMER_ENV), 'AWS_REGION']);
    for (const name of [
      ...Object.keys(containerEnvironment(template, 'validator')),
      ...Object.keys(containerEnvironment(template, 'transformer')),
    ]) {
      expect(known).toContain(name);
    }
  });

  it('points each service at its own queue', () => {
    // Assess
    const url = (queueName: string) => ({ Ref: queueId(queueName) });
    const validatorEnvironment = containerOf(template, 'validator').container.Environment;
    expect(validatorEnvironment).toEqual(
      expect.arrayContaining([
        { Name: 'VALIDATOR_QUEUE_URL', Value: url('storeflow-ingest') },
        { Name: 'VALIDATOR_TRANSFORM_QUEUE_URL', Value: url('storeflow-transform') },
      ]),
    );
    expect(containerOf(template, 'transformer').container.Environment).toEqual(
      expect.arrayContaining([{ Name: 'TRANSFORMER_QUEUE_URL', Value: url('storeflow-transform') }]),
    );
  });

  it('stops a task 5 s after the services’ 25 s grace, and probes /healthz on each metrics port, patiently', () => {
    // Assess
    for (const [component, port] of [
      ['validator', 9464],
      ['transformer', 9465],
    ] as const) {
      const { task, container } = containerOf(template, component);
      expect(container.StopTimeout).toBe(30);
      expect(container.HealthCheck.Command[0]).toBe('CMD');
      expect(container.HealthCheck.Command.join(' ')).toContain(`http://127.0.0.1:${port}/healthz`);
      // Replaced only after the 60 s stall bound plus 9 more failed probes a minute apart: a
      // queue outage within the 10-minute outage budget leaves the task in place.
      expect(
        60 + (container.HealthCheck.Retries - 1) * container.HealthCheck.Interval,
      ).toBeGreaterThanOrEqual(600);
      expect(task.Properties).toMatchObject({
        Cpu: '1024',
        Memory: '2048',
        RequiresCompatibilities: ['FARGATE'],
      });
    }
  });

  it('keeps logs for 30 days', () => {
    // Assess
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/storeflow/storeflow/validator',
      RetentionInDays: 30,
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/storeflow/storeflow/transformer',
      RetentionInDays: 30,
    });
  });

  it('scales each service between its bounds on the backlog of its queue', () => {
    // Assess
    const target = { ScalableDimension: 'ecs:service:DesiredCount', ServiceNamespace: 'ecs' };
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ...target,
      MinCapacity: 1,
      MaxCapacity: 10,
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ...target,
      MinCapacity: 1,
      MaxCapacity: 4,
    });
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 4);
    // Per queue: scale out on ≥ 1 waiting message (1 minute); scale in on 0 waiting or in flight
    // (10 minutes), so no task is stopped while one works on a long file.
    for (const queue of ['storeflow-ingest', 'storeflow-transform']) {
      const queueName = { 'Fn::GetAtt': [queueId(queue), 'QueueName'] };
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: queueName }],
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
      });
      const scaleIn = scaleInAlarmOf(queueName);
      expect(scaleIn.Properties).toMatchObject({
        ComparisonOperator: 'LessThanOrEqualToThreshold',
        Threshold: 0,
        EvaluationPeriods: 10,
      });
      expect(summedMetrics(scaleIn.Properties)).toEqual({
        namespaces: ['AWS/SQS', 'AWS/SQS'],
        metrics: ['ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesVisible'],
        queues: [queueName, queueName],
        statistics: ['Maximum', 'Maximum'],
        periods: [60, 60],
      });
    }
  });
});

interface AlarmMetricQuery {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: { MetricName: string; Namespace: string; Dimensions: { Name: string; Value: unknown }[] };
    Stat: string;
    Period: number;
  };
}

/** The one alarm on a metric math expression over the metrics of the queue with this name. */
function scaleInAlarmOf(queueName: unknown): { Properties: Record<string, unknown> } {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
    (alarm) =>
      alarm.Properties.Metrics !== undefined &&
      JSON.stringify(alarm.Properties.Metrics).includes(JSON.stringify(queueName)),
  );
  expect(alarms).toHaveLength(1);
  return alarms[0] as { Properties: Record<string, unknown> };
}

/**
 * What the alarm's one returned expression adds up, by metric name: it must be a sum of SQS
 * metrics of the alarm.
 */
function summedMetrics(properties: Record<string, unknown>) {
  const queries = properties.Metrics as AlarmMetricQuery[];
  const returned = queries.filter((query) => query.ReturnData !== false);
  expect(returned).toHaveLength(1);
  const terms = (returned[0]?.Expression ?? '').split('+').map((term) => term.trim());
  const stats = terms
    .map((id) => {
      const stat = queries.find((query) => query.Id === id)?.MetricStat;
      if (stat === undefined) throw new Error(`the expression reads ${id}, which is no metric of the alarm`);
      return stat;
    })
    .sort((a, b) => a.Metric.MetricName.localeCompare(b.Metric.MetricName));
  return {
    namespaces: stats.map((stat) => stat.Metric.Namespace),
    metrics: stats.map((stat) => stat.Metric.MetricName),
    queues: stats.map(
      (stat) => stat.Metric.Dimensions.find((dimension) => dimension.Name === 'QueueName')?.Value,
    ),
    statistics: stats.map((stat) => stat.Stat),
    periods: stats.map((stat) => stat.Period),
  };
}

describe('StoreFlowStack alerts', () => {
  const topicId = () => logicalId('AWS::SNS::Topic', 'TopicName', 'storeflow-alerts');

  it('names the alerts topic in both services’ environment, as their config loaders read it', () => {
    // Assess
    for (const component of ['validator', 'transformer'] as const) {
      const variable =
        component === 'validator' ? VALIDATOR_ENV.alertsTopicArn : TRANSFORMER_ENV.alertsTopicArn;
      expect(containerOf(template, component).container.Environment).toEqual(
        expect.arrayContaining([{ Name: variable, Value: { Ref: topicId() } }]),
      );
    }
  });

  it('lets each service publish to the alerts topic and use its key, and nothing else of SNS or KMS', () => {
    // Prepare
    const [keyId] = resourceOf(template, 'AWS::KMS::Key', 'alerts topic');

    // Assess
    for (const role of ['ValidatorTaskTaskRole', 'TransformerTaskTaskRole']) {
      const statements = roleStatements(template, role);
      expect(grantedOn(statements, { Ref: topicId() })).toEqual(['sns:Publish']);
      expect(grantedOn(statements, { 'Fn::GetAtt': [keyId, 'Arn'] }).sort()).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ]);
      const actions = statements.flatMap(actionsOf);
      expect(actions.filter((action) => action.startsWith('sns:'))).toEqual(['sns:Publish']);
      expect(actions.filter((action) => action.startsWith('kms:')).sort()).toEqual([
        'kms:Decrypt',
        'kms:GenerateDataKey',
      ]);
    }
  });

  it('subscribes the alert e-mail when one is given', () => {
    // Act
    const { template: withEmail } = synthStack({ alertEmail: 'ops@example.com' });

    // Assess
    withEmail.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('StoreFlowStack task roles', () => {
  it('grants the validator nothing on the KPI tables or KpiDates', () => {
    // Prepare
    const statements = roleStatements(template, 'ValidatorTaskTaskRole');

    // Assess
    for (const table of ['storeflow-CategoryKPIs', 'storeflow-OrderKPIs', 'storeflow-KpiDates']) {
      expect(grantedOn(statements, tableArn(table))).toEqual([]);
    }
    const kpiTableIds = ['storeflow-CategoryKPIs', 'storeflow-OrderKPIs', 'storeflow-KpiDates'].map((name) =>
      logicalId('AWS::DynamoDB::Table', 'TableName', name),
    );
    for (const id of kpiTableIds) expect(JSON.stringify(statements)).not.toContain(id);
  });

  it('lets the validator read raw/ and write its outputs, but delete only raw/ and silver/', () => {
    // Prepare
    const statements = roleStatements(template, 'ValidatorTaskTaskRole');
    const onPrefix = (prefix: string) => grantedOn(statements, objectArnJson('storeflow-data', prefix));

    // Assess
    expect(onPrefix('raw/')).toEqual(['s3:DeleteObject', 's3:GetObject']);
    expect(onPrefix('silver/')).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:PutObject']);
    expect(onPrefix('rejected/')).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
    expect(onPrefix('validation-reports/')).toEqual(['s3:PutObject']);
    expect(onPrefix('failed/')).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(onPrefix('processed/')).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(grantedOn(statements, tableArn('storeflow-ProcessedFiles'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]);
    expect(grantedOn(statements, tableArn('storeflow-References'))).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
    ]);
    expect(grantedOn(statements, tableArn('storeflow-Quality'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(grantedOn(statements, queueArn('storeflow-ingest'))).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    expect(grantedOn(statements, queueArn('storeflow-transform'))).toEqual(['sqs:SendMessage']);
  });

  it('lets the transformer write KPIs and the quality page, and only read references and raw objects', () => {
    // Prepare
    const statements = roleStatements(template, 'TransformerTaskTaskRole');
    const onPrefix = (prefix: string) => grantedOn(statements, objectArnJson('storeflow-data', prefix));

    // Assess
    expect(onPrefix('silver/')).toEqual(['s3:GetObject']);
    expect(onPrefix('raw/')).toEqual(['s3:DeleteObject', 's3:GetObject']);
    expect(onPrefix('processed/')).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(onPrefix('validation-reports/')).toEqual(['s3:GetObject']);
    expect(onPrefix('quality/')).toEqual(['s3:PutObject']);
    for (const prefix of ['rejected/', 'failed/']) expect(onPrefix(prefix)).toEqual([]);
    expect(grantedOn(statements, tableArn('storeflow-References'))).toEqual(['dynamodb:BatchGetItem']);
    expect(grantedOn(statements, tableArn('storeflow-OrderKPIs'))).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
    ]);
    expect(grantedOn(statements, tableArn('storeflow-CategoryKPIs'))).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:PutItem',
    ]);
    expect(grantedOn(statements, tableArn('storeflow-KpiDates'))).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]);
    expect(grantedOn(statements, tableArn('storeflow-Quality'))).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(grantedOn(statements, queueArn('storeflow-ingest'))).toEqual([]);
  });

  it('lets each service read the depth of the queue it consumes and of that queue’s DLQ, no other', () => {
    // Prepare
    const queues = [
      'storeflow-ingest',
      'storeflow-ingest-dlq',
      'storeflow-transform',
      'storeflow-transform-dlq',
    ];
    const depthsReadBy = (role: string) => {
      const statements = roleStatements(template, role);
      return queues.filter((queue) =>
        grantedOn(statements, queueArn(queue)).includes('sqs:GetQueueAttributes'),
      );
    };

    // Assess
    expect(depthsReadBy('ValidatorTaskTaskRole')).toEqual(['storeflow-ingest', 'storeflow-ingest-dlq']);
    expect(depthsReadBy('TransformerTaskTaskRole')).toEqual([
      'storeflow-transform',
      'storeflow-transform-dlq',
    ]);
    // Reading a dead-letter queue's depth is all either service may do with it.
    expect(
      grantedOn(roleStatements(template, 'ValidatorTaskTaskRole'), queueArn('storeflow-ingest-dlq')),
    ).toEqual(['sqs:GetQueueAttributes']);
    expect(
      grantedOn(roleStatements(template, 'TransformerTaskTaskRole'), queueArn('storeflow-transform-dlq')),
    ).toEqual(['sqs:GetQueueAttributes']);
  });

  it('scopes its queries to the index the recompute uses, the one the quality report lists lineage by and the quality table the date judge reads', () => {
    // Prepare
    const statements = roleStatements(template, 'TransformerTaskTaskRole');

    // Assess
    const queries = statements.filter((statement) => actionsOf(statement).includes('dynamodb:Query'));
    expect(queries.flatMap((statement) => resourcesOf(statement))).toEqual([
      { 'Fn::Join': ['', [tableArn('storeflow-CategoryKPIs'), '/index/order_date-index']] },
      { 'Fn::Join': ['', [tableArn('storeflow-ProcessedFiles'), '/index/status-index']] },
      tableArn('storeflow-Quality'),
    ]);
  });

  it('grants no wildcard actions and nothing on every object of the bucket to either service', () => {
    // Assess
    for (const role of ['ValidatorTaskTaskRole', 'TransformerTaskTaskRole']) {
      const statements = roleStatements(template, role);
      expect(statements.flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
      expect(grantedOn(statements, objectArnJson('storeflow-data', ''))).toEqual([]);
      expect(JSON.stringify(statements)).not.toContain(':s3:::storeflow-data/*');
    }
  });
});

describe('StoreFlowStack alarms', () => {
  it('alarms on any dead letter and on a message older than 30 minutes, for both queues, to the alerts topic', () => {
    // Prepare
    const topic = { Ref: logicalId('AWS::SNS::Topic', 'TopicName', 'storeflow-alerts') };

    // Assess
    for (const name of ['ingest', 'transform']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `storeflow-${name}-dlq-not-empty`,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        AlarmActions: [topic],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `storeflow-${name}-oldest-message`,
        MetricName: 'ApproximateAgeOfOldestMessage',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 1800,
        AlarmActions: [topic],
      });
    }
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'storeflow-alerts',
      KmsMasterKeyId: Match.anyValue(),
    });
  });

  it('lets CloudWatch publish to the encrypted alerts topic', () => {
    // Assess
    const cloudWatch = { Service: 'cloudwatch.amazonaws.com' };
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: cloudWatch,
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: cloudWatch, Action: 'sns:Publish' }),
        ]),
      },
    });
  });
});
