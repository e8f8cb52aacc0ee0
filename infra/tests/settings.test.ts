import { InvalidResourceNameError } from '@storeflow/aws';
import { optionsFromContext } from '../src/contextOptions.js';
import { InvalidSettingError } from '../src/errors.js';
import { resolveSettings, stopTimeoutSeconds } from '../src/settings.js';

function contextOf(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

describe('resolveSettings', () => {
  it('derives the bucket name from the prefix the way bootstrap does, unless one is given', () => {
    // Act
    const derived = resolveSettings({ resourcePrefix: 'shop-eu' });
    const given = resolveSettings({ resourcePrefix: 'shop-eu', bucketName: 'acme-shop-eu-data' });

    // Assess
    expect(derived.bucketName).toBe('shop-eu-data');
    expect(given.bucketName).toBe('acme-shop-eu-data');
  });

  it('keeps ECS stop timeout within 120 s and above the services’ grace and their 3 s backstop', () => {
    // Act
    const longest = resolveSettings({ shutdownGraceSeconds: 115 });
    const usual = resolveSettings({});

    // Assess
    expect(stopTimeoutSeconds(longest)).toBe(120);
    expect(stopTimeoutSeconds(usual)).toBeGreaterThan(usual.shutdownGraceSeconds + 3);
    expect(() => resolveSettings({ shutdownGraceSeconds: 116 })).toThrow(InvalidSettingError);
  });

  it('allows a minimum of zero tasks but not a maximum below one or below the minimum', () => {
    // Act
    const zero = resolveSettings({ validator: { minCapacity: 0 } });

    // Assess
    expect(zero.validator.minCapacity).toBe(0);
    expect(() => resolveSettings({ transformer: { minCapacity: 0, maxCapacity: 0 } })).toThrow(
      expect.objectContaining({ setting: 'transformerMaxCapacity' }),
    );
    expect(() => resolveSettings({ validator: { minCapacity: 5, maxCapacity: 4 } })).toThrow(
      expect.objectContaining({ setting: 'validatorMaxCapacity' }),
    );
  });

  it('accepts only task sizes Fargate offers', () => {
    // Act + Assess
    expect(resolveSettings({ validator: { cpu: 512, memoryMiB: 4096 } }).validator.memoryMiB).toBe(4096);
    expect(() => resolveSettings({ validator: { cpu: 512, memoryMiB: 512 } })).toThrow(
      /validatorMemoryMiB=512 is invalid: with 512 CPU units Fargate offers 1024-4096 MiB/,
    );
    expect(() => resolveSettings({ transformer: { cpu: 300 } })).toThrow(
      expect.objectContaining({ setting: 'transformerCpu' }),
    );
  });

  it('rejects an expiry of processed/ that comes before its transition, and S3’s 30-day floor', () => {
    // Act + Assess
    expect(resolveSettings({ lifecycle: { processedExpirationDays: 400 } }).lifecycle).toEqual({
      processedTransitionDays: 30,
      processedExpirationDays: 400,
      failedExpirationDays: 90,
      rejectedExpirationDays: 90,
    });
    expect(() => resolveSettings({ lifecycle: { processedExpirationDays: 20 } })).toThrow(
      expect.objectContaining({ setting: 'processedExpirationDays' }),
    );
    expect(() => resolveSettings({ lifecycle: { processedTransitionDays: 7 } })).toThrow(
      expect.objectContaining({ setting: 'processedTransitionDays' }),
    );
  });

  it('rejects prefixes the services could not use, with the aws package’s own error', () => {
    // Act + Assess
    expect(() => resolveSettings({ resourcePrefix: 'Shop_EU' })).toThrow(InvalidResourceNameError);
  });

  it('rejects log retentions CloudWatch does not offer and malformed alarm addresses', () => {
    // Act + Assess
    expect(resolveSettings({ logRetentionDays: 14 }).logRetentionDays).toBe(14);
    expect(() => resolveSettings({ logRetentionDays: 10 })).toThrow(
      expect.objectContaining({ setting: 'logRetentionDays' }),
    );
    expect(() => resolveSettings({ alertEmail: 'ops' })).toThrow(
      expect.objectContaining({ setting: 'alertEmail' }),
    );
  });
});

describe('optionsFromContext', () => {
  it('parses command-line strings into numbers and booleans under their settings', () => {
    // Prepare
    const context = contextOf({
      prefix: 'shop',
      validatorMinCapacity: '0',
      transformerMaxCapacity: '8',
      natGateways: '0',
      fargateSpot: 'true',
      prometheus: false,
      failedExpirationDays: 30,
    });

    // Act
    const options = optionsFromContext(context);

    // Assess
    expect(options).toEqual({
      resourcePrefix: 'shop',
      validator: { minCapacity: 0 },
      transformer: { maxCapacity: 8 },
      natGateways: 0,
      fargateSpot: true,
      prometheus: false,
      lifecycle: { failedExpirationDays: 30 },
    });
  });

  it('leaves every default in place when no context is given', () => {
    // Act
    const settings = resolveSettings(optionsFromContext(contextOf({})));

    // Assess
    expect(settings).toEqual(resolveSettings());
    expect(settings.validator).toEqual({
      minCapacity: 1,
      maxCapacity: 10,
      cpu: 1024,
      memoryMiB: 2048,
      concurrency: 2,
    });
  });

  it('names the key of a value it cannot parse', () => {
    // Act + Assess
    expect(() => optionsFromContext(contextOf({ validatorMaxCapacity: 'ten' }))).toThrow(
      'validatorMaxCapacity="ten" is invalid: use a whole number',
    );
    expect(() => optionsFromContext(contextOf({ fargateSpot: 'yes' }))).toThrow(
      expect.objectContaining({ setting: 'fargateSpot' }),
    );
    expect(() => optionsFromContext(contextOf({ prefix: '' }))).toThrow(
      expect.objectContaining({ setting: 'prefix' }),
    );
  });
});
