import type { JSONSchemaType } from 'ajv';
import { ConfigInvalidError } from '../src/errors.js';
import { createConfigLoader } from '../src/loadConfig.js';

interface SampleConfig {
  queueUrl: string;
  concurrency: number;
  dryRun: boolean;
}

const schema: JSONSchemaType<SampleConfig> = {
  type: 'object',
  additionalProperties: false,
  required: ['queueUrl', 'concurrency', 'dryRun'],
  properties: {
    queueUrl: { type: 'string', pattern: '^https?://' },
    concurrency: { type: 'integer', minimum: 1, maximum: 32, default: 4 },
    dryRun: { type: 'boolean', default: false },
  },
};

const load = createConfigLoader(schema, {
  queueUrl: 'SAMPLE_QUEUE_URL',
  concurrency: 'SAMPLE_CONCURRENCY',
  dryRun: 'SAMPLE_DRY_RUN',
});

describe('createConfigLoader', () => {
  it('coerces strings, applies defaults and freezes the result', () => {
    // Act
    const config = load({
      SAMPLE_QUEUE_URL: ' http://127.0.0.1:4566/000000000000/q ',
      SAMPLE_DRY_RUN: 'true',
    });

    // Assess
    expect(config).toEqual({
      queueUrl: 'http://127.0.0.1:4566/000000000000/q',
      concurrency: 4,
      dryRun: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(load({ SAMPLE_QUEUE_URL: 'https://q', SAMPLE_CONCURRENCY: '' }).concurrency).toBe(4);
  });

  it('reports every bad variable at once, by variable name', () => {
    // Act
    let thrown: unknown;
    try {
      load({ SAMPLE_CONCURRENCY: '99', SAMPLE_DRY_RUN: 'maybe' });
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ConfigInvalidError);
    const problems = (thrown as ConfigInvalidError).problems.map((problem) => problem.variable).sort();
    expect(problems).toEqual(['SAMPLE_CONCURRENCY', 'SAMPLE_DRY_RUN', 'SAMPLE_QUEUE_URL']);
    expect((thrown as ConfigInvalidError).message).toContain('SAMPLE_QUEUE_URL is required');
    expect(thrown).toMatchObject({ code: 'CONFIG_INVALID', retryable: false });
  });
});
