import { Match, type Template } from 'aws-cdk-lib/assertions';
import {
  actionsOf,
  type PolicyStatementJson,
  resourceOf,
  resourcesOf,
  roleStatements,
  synthStack,
} from './helpers.js';

// Every option away from its default at once, so one synthesis covers them all.
let template: Template;

beforeAll(() => {
  ({ template } = synthStack({
    resourcePrefix: 'shop-eu',
    bucketName: 'acme-shop-eu-extracts',
    ecrImages: {
      tag: 'abc123',
      validatorRepository: 'shop/validator',
      transformerRepository: 'shop/transformer',
    },
    validator: { minCapacity: 0, maxCapacity: 3, cpu: 2048, memoryMiB: 4096, concurrency: 3 },
    transformer: { minCapacity: 0 },
    shutdownGraceSeconds: 55,
    natGateways: 0,
    logRetentionDays: 90,
    oldestMessageAlarmSeconds: 600,
    alertEmail: 'ops@example.com',
    fargateSpot: true,
    prometheus: true,
  }));
});

function container(component: string, name = component) {
  const [, task] = resourceOf(template, 'AWS::ECS::TaskDefinition', `"Family":"shop-eu-${component}"`);
  const definitions = task.Properties.ContainerDefinitions as Record<string, unknown>[];
  const found = definitions.find((definition) => definition.Name === name);
  if (found === undefined) throw new Error(`no container ${name} in ${component}`);
  return { task, container: found, definitions };
}

describe('StoreFlowStack options', () => {
  it('derives every name from the prefix, with the bucket name given', () => {
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'acme-shop-eu-extracts' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'shop-eu-ingest' });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'shop-eu-ProcessedFiles' });
    template.hasResourceProperties('AWS::ECS::Service', { ServiceName: 'shop-eu-transformer' });
    const [, validator] = resourceOf(template, 'AWS::IAM::Policy', 'ReadInputSilverAndArchives');
    expect(JSON.stringify(validator.Properties)).toContain(':s3:::acme-shop-eu-extracts/raw/*');
  });

  it('lets both services scale to zero', () => {
    // Assess
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 3,
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 4,
    });
  });

  it('sizes the validator task and passes its concurrency and the longer grace', () => {
    // Act
    const { task, container: validator } = container('validator');

    // Assess
    expect(task.Properties).toMatchObject({ Cpu: '2048', Memory: '4096' });
    expect(validator.StopTimeout).toBe(60);
    expect(validator.Environment).toEqual(
      expect.arrayContaining([
        { Name: 'VALIDATOR_CONCURRENCY', Value: '3' },
        { Name: 'VALIDATOR_SHUTDOWN_GRACE_SECONDS', Value: '55' },
        { Name: 'VALIDATOR_RESOURCE_PREFIX', Value: 'shop-eu' },
      ]),
    );
  });

  it('runs the tagged ECR images, with pull rights on those repositories only', () => {
    // Act
    const { container: validator } = container('validator');

    // Assess
    expect(JSON.stringify(validator.Image)).toContain('/shop/validator:abc123');
    const pulls = roleStatements(template, 'ValidatorTaskExecutionRole').filter((statement) =>
      actionsOf(statement).includes('ecr:BatchGetImage'),
    );
    expect(pulls).toHaveLength(1);
    expect(JSON.stringify(resourcesOf(pulls[0] as PolicyStatementJson))).toContain(
      ':repository/shop/validator',
    );
  });

  it('without NAT gateways, puts the tasks in public subnets with public IPs', () => {
    // Assess
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
    });
  });

  it('runs on Fargate Spot', () => {
    // Assess
    template.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
    });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: Match.arrayWith(['FARGATE_SPOT']),
    });
  });

  it('adds a collector per task that scrapes the service port and remote-writes with the task role', () => {
    // Act
    const { container: collector, definitions } = container('transformer', 'adot-collector');

    // Assess
    template.resourceCountIs('AWS::APS::Workspace', 1);
    expect(collector.Essential).toBe(false);
    expect(collector.Secrets).toEqual([{ Name: 'AOT_CONFIG_CONTENT', ValueFrom: expect.anything() }]);
    expect(definitions.find((definition) => definition.Name === 'transformer')?.Essential).toBe(true);
    const [, parameter] = resourceOf(
      template,
      'AWS::SSM::Parameter',
      '/storeflow/shop-eu/transformer/collector-config',
    );
    const config = JSON.stringify(parameter.Properties.Value);
    expect(config).toContain("targets: ['127.0.0.1:9465']");
    expect(config).toContain('job_name: storeflow-transformer');
    expect(config).toContain('api/v1/remote_write');
    const remoteWrite = roleStatements(template, 'TransformerTaskTaskRole').filter((statement) =>
      actionsOf(statement).includes('aps:RemoteWrite'),
    );
    expect(remoteWrite).toHaveLength(1);
    expect(JSON.stringify(remoteWrite[0]?.Resource)).toContain('MetricsWorkspace');
  });

  it('keeps logs 90 days, alarms at 10 minutes and mails the alarms', () => {
    // Assess
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-eu-transform-oldest-message',
      Threshold: 600,
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});
