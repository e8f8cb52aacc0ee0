import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ContainerImage } from 'aws-cdk-lib/aws-ecs';
import { FEATURE_FLAGS } from '../src/createApp.js';
import { StoreFlowStack, type StoreFlowStackProps } from '../src/StoreFlowStack.js';

/** Registry images: synthesis stages and builds nothing. */
export const TEST_IMAGES = {
  validator: ContainerImage.fromRegistry('storeflow/validator:test'),
  transformer: ContainerImage.fromRegistry('storeflow/transformer:test'),
};

/** A stack as the app builds it (same feature flags), with test images unless ECR images are given. */
export function synthStack(props: StoreFlowStackProps = {}): { stack: StoreFlowStack; template: Template } {
  const app = new App({ context: { ...FEATURE_FLAGS } });
  const stack = new StoreFlowStack(app, 'Test', {
    ...(props.ecrImages === undefined ? { images: TEST_IMAGES } : {}),
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] };

/** The one resource of a type whose properties contain `match` as a JSON substring. */
export function resourceOf(template: Template, type: string, match: string): [string, Resource] {
  const found = Object.entries(template.findResources(type) as Record<string, Resource>).filter(
    ([, resource]) => JSON.stringify(resource.Properties).includes(match),
  );
  if (found.length !== 1) throw new Error(`expected one ${type} containing ${match}, found ${found.length}`);
  return found[0] as [string, Resource];
}

/** Every statement of the policies attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): PolicyStatementJson[] {
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) =>
    id.startsWith(rolePrefix),
  );
  if (roles.length !== 1) throw new Error(`expected one role ${rolePrefix}*, found ${roles.length}`);
  const policies = Object.values(
    template.findResources('AWS::IAM::Policy') as Record<string, Resource>,
  ).filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roles[0]));
  return policies.flatMap(
    (policy) => (policy.Properties.PolicyDocument as { Statement: PolicyStatementJson[] }).Statement,
  );
}

export interface PolicyStatementJson {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

export function actionsOf(statement: PolicyStatementJson): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: PolicyStatementJson): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** `arn:<partition>:s3:::<bucket>/<prefix>*` as it appears in the template. */
export function objectArnJson(bucket: string, prefix: string): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${bucket}/${prefix}*`]] };
}

/** The container of a service's task definition. */
export function containerOf(template: Template, component: 'validator' | 'transformer') {
  const [, task] = resourceOf(template, 'AWS::ECS::TaskDefinition', `"Name":"${component}"`);
  const containers = task.Properties.ContainerDefinitions as {
    Name: string;
    Environment: { Name: string; Value: unknown }[];
    HealthCheck: { Command: string[]; Interval: number; Retries: number; StartPeriod: number };
    StopTimeout: number;
  }[];
  const container = containers.find((candidate) => candidate.Name === component);
  if (container === undefined) throw new Error(`no ${component} container`);
  return { task, container };
}

/** A service container's environment with every queue URL and topic ARN token replaced by a plausible value. */
export function containerEnvironment(
  template: Template,
  component: 'validator' | 'transformer',
): Record<string, string> {
  return Object.fromEntries(
    containerOf(template, component).container.Environment.map(({ Name, Value }) => [
      Name,
      typeof Value === 'string'
        ? Value
        : Name.endsWith('_TOPIC_ARN')
          ? 'arn:aws:sns:eu-west-1:123456789012:storeflow-alerts'
          : `https://sqs.eu-west-1.amazonaws.com/123456789012/${Name.toLowerCase()}`,
    ]),
  );
}
