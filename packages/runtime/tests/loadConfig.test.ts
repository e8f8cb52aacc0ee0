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

interface WindowConfig {
  startHour: number;
  endHour: number;
}

const loadWindow = createConfigLoader<WindowConfig>(
  {
    type: 'object',
    additionalProperties: false,
    required: ['startHour', 'endHour'],
    properties: {
      startHour: { type: 'integer', minimum: 0, maximum: 23, default: 8 },
      endHour: { type: 'integer', minimum: 0, maximum: 23, default: 18 },
    },
  },
  { startHour: 'SAMPLE_START_HOUR', endHour: 'SAMPLE_END_HOUR' },
  [
    {
      settings: ['startHour', 'endHour'],
      check: (config, variableOf) =>
        config.startHour < config.endHour ? undefined : `must be before ${variableOf('endHour')}`,
    },
  ],
);

describe('createConfigLoader with cross-field rules', () => {
  it('accepts settings that agree', () => {
    expect(loadWindow({ SAMPLE_START_HOUR: '6' })).toEqual({ startHour: 6, endHour: 18 });
  });

  it('reports a broken rule on its first setting, naming the other variable', () => {
    // Act
    const act = () => loadWindow({ SAMPLE_START_HOUR: '20' });

    // Assess
    expect(act).toThrow(ConfigInvalidError);
    expect(act).toThrow('SAMPLE_START_HOUR must be before SAMPLE_END_HOUR');
  });

  it('reports rule and schema problems together', () => {
    // Prepare: a loader with one more setting that fails its schema
    const load = createConfigLoader<WindowConfig & { label: string }>(
      {
        type: 'object',
        additionalProperties: false,
        required: ['startHour', 'endHour', 'label'],
        properties: {
          startHour: { type: 'integer', minimum: 0, maximum: 23 },
          endHour: { type: 'integer', minimum: 0, maximum: 23 },
          label: { type: 'string', minLength: 3 },
        },
      },
      { startHour: 'SAMPLE_START_HOUR', endHour: 'SAMPLE_END_HOUR', label: 'SAMPLE_LABEL' },
      [
        {
          settings: ['startHour', 'endHour'],
          check: (config) => (config.startHour < config.endHour ? undefined : 'too late'),
        },
      ],
    );

    // Act
    let thrown: unknown;
    try {
      load({ SAMPLE_START_HOUR: '9', SAMPLE_END_HOUR: '7', SAMPLE_LABEL: 'x' });
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect((thrown as ConfigInvalidError).problems).toEqual([
      { variable: 'SAMPLE_LABEL', problem: expect.any(String) },
      { variable: 'SAMPLE_START_HOUR', problem: 'too late' },
    ]);
  });

  it('skips a rule whose settings failed the schema, so it never reads an untyped value', () => {
    // Act
    let thrown: unknown;
    try {
      loadWindow({ SAMPLE_START_HOUR: 'noon', SAMPLE_END_HOUR: '3' });
    } catch (error) {
      thrown = error;
    }

    // Assess: only the schema problem, not a comparison of 'noon' with 3
    expect((thrown as ConfigInvalidError).problems.map((problem) => problem.variable)).toEqual([
      'SAMPLE_START_HOUR',
    ]);
  });
});
