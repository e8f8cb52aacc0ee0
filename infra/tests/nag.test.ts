import { Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { StoreFlowStack } from '../src/StoreFlowStack.js';
import { synthStack } from './helpers.js';

/** Every cdk-nag acknowledgment recorded under a construct (CDK records some of its own). */
function nagAcknowledgments(root: IConstruct): { id: string; reason: string }[] {
  return root.node
    .findAll()
    .flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) =>
          Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ id, reason })),
        ),
    )
    .filter(({ id }) => id.includes('AwsSolutions-'));
}

const DEFAULT_STACK = () => synthStack().stack;
let fullStack: StoreFlowStack | undefined;
// Synthesised once: two tests read it and neither changes it.
const FULL_STACK = () => {
  fullStack ??= synthStack({
    ecrImages: {
      tag: 'abc123',
      validatorRepository: 'storeflow/validator',
      transformerRepository: 'storeflow/transformer',
    },
    prometheus: true,
    fargateSpot: true,
    natGateways: 0,
    alertEmail: 'ops@example.com',
  }).stack;
  return fullStack;
};

describe('cdk-nag AWS Solutions checks', () => {
  it.each([
    ['default settings', DEFAULT_STACK],
    ['every option on (ECR images, collector, Spot, no NAT, e-mail)', FULL_STACK],
  ])('leave no unacknowledged error or warning with %s', (_name, build) => {
    // Act
    const result = new AwsSolutionsChecks().validateScope(build());

    // Assess
    expect(result.violations.map((violation) => `${violation.severity} ${violation.ruleName}`)).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('report what nobody acknowledged', () => {
    // Prepare
    const stack = DEFAULT_STACK();
    new Bucket(stack, 'Unchecked');

    // Act
    const result = new AwsSolutionsChecks().validateScope(stack);

    // Assess
    expect(result.violations.map((violation) => violation.ruleName).sort()).toEqual([
      'AwsSolutions-S1',
      'AwsSolutions-S10',
    ]);
  });

  it('carry a specific reason on every acknowledgment', () => {
    // Act
    const all = nagAcknowledgments(FULL_STACK());

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const { id, reason } of all) {
      expect(id).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(reason.length).toBeGreaterThan(60);
    }
    // One reason per rule family would be a blanket; object grants each explain their own prefix.
    const objectReasons = all.filter(({ id }) => id.includes(':s3:::')).map(({ reason }) => reason);
    expect(new Set(objectReasons).size).toBe(7);
  });
});
