import { loadValidatorConfig } from '@storeflow/validator/config';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { optionsFromContext } from '../src/contextOptions.js';
import { resolveSettings } from '../src/settings.js';
import { actionsOf, containerEnvironment, resourcesOf, roleStatements, synthStack } from './helpers.js';

/** The resources of every statement of a role that allows `action`. */
function resourcesAllowed(template: Template, rolePrefix: string, action: string): string[] {
  return roleStatements(template, rolePrefix)
    .filter((statement) => actionsOf(statement).includes(action))
    .flatMap((statement) => resourcesOf(statement).map((resource) => JSON.stringify(resource)));
}

describe('data contracts in the bucket (contractsFromBucket)', () => {
  it('is off by default: the validator reads the contracts of its image and nothing under contracts/', () => {
    // Act
    const { template } = synthStack();

    // Assess
    const environment = containerEnvironment(template, 'validator');
    expect(environment.VALIDATOR_CONTRACTS).toBeUndefined();
    expect(environment.VALIDATOR_CONTRACTS_REFRESH_SECONDS).toBeUndefined();
    expect(resourcesAllowed(template, 'ValidatorTaskTaskRole', 's3:GetObject').join()).not.toContain(
      'contracts/',
    );
  });

  it('points VALIDATOR_CONTRACTS at s3://<bucket>/contracts/, with the refresh, and lets the validator alone read them', () => {
    // Act
    const { stack, template } = synthStack({ contractsFromBucket: true, contractsRefreshSeconds: 300 });

    // Assess: an environment the validator's own loader accepts
    const config = loadValidatorConfig(containerEnvironment(template, 'validator'));
    expect(config).toMatchObject({
      contracts: 's3://storeflow-data/contracts/',
      contractsRefreshSeconds: 300,
    });
    // GetObject under contracts/ and the bucket's listing; the transformer reads none of it
    const reads = resourcesAllowed(template, 'ValidatorTaskTaskRole', 's3:GetObject');
    expect(reads.filter((resource) => resource.includes('storeflow-data/contracts/*'))).toHaveLength(1);
    const statement = roleStatements(template, 'ValidatorTaskTaskRole').find(
      (candidate) => candidate.Sid === 'ReadDataContracts',
    );
    expect(statement && actionsOf(statement)).toEqual(['s3:GetObject']);
    expect(resourcesAllowed(template, 'ValidatorTaskTaskRole', 's3:ListBucket')).toHaveLength(1);
    expect(resourcesAllowed(template, 'TransformerTaskTaskRole', 's3:GetObject').join()).not.toContain(
      'contracts/',
    );
    // and still nothing cdk-nag objects to
    const nag = new AwsSolutionsChecks().validateScope(stack);
    expect(nag.violations.map((violation) => `${violation.severity} ${violation.ruleName}`)).toEqual([]);
  });

  it('reads both settings from context, and refuses a refresh of contracts that are in the image', () => {
    // Act
    const options = optionsFromContext(
      (key) => ({ contractsFromBucket: 'true', contractsRefreshSeconds: '60' })[key],
    );

    // Assess
    expect(options).toMatchObject({ contractsFromBucket: true, contractsRefreshSeconds: 60 });
    expect(resolveSettings(options)).toMatchObject({
      contractsFromBucket: true,
      contractsRefreshSeconds: 60,
    });
    expect(resolveSettings()).toMatchObject({ contractsFromBucket: false, contractsRefreshSeconds: 0 });
    expect(() => resolveSettings({ contractsRefreshSeconds: 60 })).toThrow(
      expect.objectContaining({ setting: 'contractsRefreshSeconds' }),
    );
    expect(() => resolveSettings({ contractsFromBucket: true, contractsRefreshSeconds: -1 })).toThrow(
      expect.objectContaining({ setting: 'contractsRefreshSeconds' }),
    );
  });
});
