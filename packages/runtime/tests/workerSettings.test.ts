import { ConfigInvalidError } from '../src/errors.js';
import { createWorkerConfig, workerSettings } from '../src/workerSettings.js';

const DEFAULTS = {
  resourcePrefix: 'shop',
  concurrency: 3,
  metricsPort: 9999,
  workerId: 'sample',
  queue: { visibilityTimeoutSeconds: 120, maxReceiveCount: 7 },
};

const QUEUE = 'http://127.0.0.1:4566/000000000000/q';

const sample = createWorkerConfig({
  service: 'sample',
  defaults: { concurrency: 3, metricsPort: 9999 },
  aws: { resourcePrefix: 'shop', queue: DEFAULTS.queue },
  settings: { batchRows: { variable: 'SAMPLE_BATCH_ROWS', type: 'integer', minimum: 1, default: 50 } },
});

function problemsOf(act: () => unknown): { variable: string; problem: string }[] {
  try {
    act();
  } catch (error) {
    if (error instanceof ConfigInvalidError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigInvalidError');
}

describe('workerSettings', () => {
  it('names every variable after the service prefix', () => {
    // Act
    const { envNames, required } = workerSettings('TRANSFORMER_', DEFAULTS);

    // Assess
    expect(envNames).toEqual({
      queueUrl: 'TRANSFORMER_QUEUE_URL',
      resourcePrefix: 'TRANSFORMER_RESOURCE_PREFIX',
      concurrency: 'TRANSFORMER_CONCURRENCY',
      visibilityTimeoutSeconds: 'TRANSFORMER_VISIBILITY_TIMEOUT_SECONDS',
      heartbeatSeconds: 'TRANSFORMER_HEARTBEAT_SECONDS',
      maxReceiveCount: 'TRANSFORMER_MAX_RECEIVE_COUNT',
      shutdownGraceSeconds: 'TRANSFORMER_SHUTDOWN_GRACE_SECONDS',
      healthStallSeconds: 'TRANSFORMER_HEALTH_STALL_SECONDS',
      metricsPort: 'TRANSFORMER_METRICS_PORT',
      metricsHost: 'TRANSFORMER_METRICS_HOST',
      logLevel: 'TRANSFORMER_LOG_LEVEL',
      workerId: 'TRANSFORMER_WORKER_ID',
      outageBudgetSeconds: 'TRANSFORMER_OUTAGE_BUDGET_SECONDS',
    });
    expect([...required].sort()).toEqual(Object.keys(envNames).sort());
  });
});

describe('createWorkerConfig', () => {
  it('joins the service settings to the worker settings, with the service defaults', () => {
    // Act
    const config = sample.load({ SAMPLE_QUEUE_URL: QUEUE });

    // Assess
    expect(config).toEqual({
      queueUrl: QUEUE,
      resourcePrefix: 'shop',
      concurrency: 3,
      visibilityTimeoutSeconds: 120,
      // A third of the queue's 120 s visibility.
      heartbeatSeconds: 40,
      maxReceiveCount: 7,
      shutdownGraceSeconds: 25,
      healthStallSeconds: 60,
      metricsPort: 9999,
      metricsHost: '0.0.0.0',
      logLevel: 'info',
      workerId: 'sample',
      outageBudgetSeconds: 600,
      batchRows: 50,
    });
    expect(sample.envNames).toMatchObject({ queueUrl: 'SAMPLE_QUEUE_URL', batchRows: 'SAMPLE_BATCH_ROWS' });
  });

  it('leaves an optional setting undefined when its variable is unset, and checks it when set', () => {
    // Prepare
    const withTopic = createWorkerConfig({
      service: 'sample',
      defaults: { concurrency: 3, metricsPort: 9999 },
      aws: { resourcePrefix: 'shop', queue: DEFAULTS.queue },
      settings: { topic: { variable: 'SAMPLE_TOPIC', type: 'string', pattern: '^arn:', optional: true } },
    });

    // Act
    const unset = withTopic.load({ SAMPLE_QUEUE_URL: QUEUE, SAMPLE_TOPIC: '' });
    const set = withTopic.load({ SAMPLE_QUEUE_URL: QUEUE, SAMPLE_TOPIC: 'arn:aws:sns:eu-west-1:1:t' });
    const problems = problemsOf(() => withTopic.load({ SAMPLE_QUEUE_URL: QUEUE, SAMPLE_TOPIC: 'topic' }));

    // Assess
    expect(unset.topic).toBeUndefined();
    expect(set.topic).toBe('arn:aws:sns:eu-west-1:1:t');
    expect(problems).toEqual([{ variable: 'SAMPLE_TOPIC', problem: expect.stringContaining('pattern') }]);
  });

  it('refuses a heartbeat over a third of the visibility timeout, naming both variables', () => {
    // Act
    const problems = problemsOf(() =>
      sample.load({
        SAMPLE_QUEUE_URL: QUEUE,
        SAMPLE_VISIBILITY_TIMEOUT_SECONDS: '30',
        SAMPLE_HEARTBEAT_SECONDS: '11',
      }),
    );

    // Assess
    expect(problems).toEqual([
      {
        variable: 'SAMPLE_HEARTBEAT_SECONDS',
        problem: expect.stringContaining('SAMPLE_VISIBILITY_TIMEOUT_SECONDS'),
      },
    ]);
  });

  it('accepts a heartbeat of exactly a third of the visibility timeout', () => {
    // Act
    const config = sample.load({
      SAMPLE_QUEUE_URL: QUEUE,
      SAMPLE_VISIBILITY_TIMEOUT_SECONDS: '30',
      SAMPLE_HEARTBEAT_SECONDS: '10',
    });

    // Assess
    expect(config).toMatchObject({ visibilityTimeoutSeconds: 30, heartbeatSeconds: 10 });
  });

  it('reports the heartbeat, worker and service problems at once', () => {
    // Act
    const problems = problemsOf(() =>
      sample.load({
        SAMPLE_HEARTBEAT_SECONDS: '400',
        SAMPLE_MAX_RECEIVE_COUNT: '1001',
        SAMPLE_BATCH_ROWS: '0',
      }),
    );

    // Assess
    expect(problems.map((problem) => problem.variable).sort()).toEqual([
      'SAMPLE_BATCH_ROWS',
      'SAMPLE_HEARTBEAT_SECONDS',
      'SAMPLE_MAX_RECEIVE_COUNT',
      'SAMPLE_QUEUE_URL',
    ]);
  });
});
