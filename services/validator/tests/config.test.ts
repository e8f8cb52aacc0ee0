import { QUEUE_DEFAULTS } from '@storeflow/aws';
import { ConfigInvalidError } from '@storeflow/runtime';
import { loadValidatorConfig, VALIDATOR_ENV } from '../src/config.js';

const QUEUES = {
  VALIDATOR_QUEUE_URL: 'http://127.0.0.1:1/000000000000/ingest',
  VALIDATOR_TRANSFORM_QUEUE_URL: 'http://127.0.0.1:1/000000000000/transform',
};

describe('the validator configuration', () => {
  it('reads the variables documented in the README, no more', () => {
    expect(Object.values(VALIDATOR_ENV).sort()).toEqual(
      [
        'VALIDATOR_QUEUE_URL',
        'VALIDATOR_TRANSFORM_QUEUE_URL',
        'VALIDATOR_RESOURCE_PREFIX',
        'VALIDATOR_CONCURRENCY',
        'VALIDATOR_CHUNK_ROWS',
        'VALIDATOR_MAX_OBJECT_BYTES',
        'VALIDATOR_MAX_REJECTED_ROW_RATIO_PRODUCTS',
        'VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDERS',
        'VALIDATOR_MAX_REJECTED_ROW_RATIO_ORDER_ITEMS',
        'VALIDATOR_REFERENCE_GRACE_SECONDS',
        'VALIDATOR_DEFERRAL_BASE_SECONDS',
        'VALIDATOR_DEFERRED_WAKE_LIMIT',
        'VALIDATOR_CONTRACTS',
        'VALIDATOR_CONTRACTS_REFRESH_SECONDS',
        'VALIDATOR_ALERTS_TOPIC_ARN',
        'VALIDATOR_VISIBILITY_TIMEOUT_SECONDS',
        'VALIDATOR_HEARTBEAT_SECONDS',
        'VALIDATOR_MAX_RECEIVE_COUNT',
        'VALIDATOR_SHUTDOWN_GRACE_SECONDS',
        'VALIDATOR_HEALTH_STALL_SECONDS',
        'VALIDATOR_METRICS_PORT',
        'VALIDATOR_METRICS_HOST',
        'VALIDATOR_LOG_LEVEL',
        'VALIDATOR_WORKER_ID',
        'VALIDATOR_OUTAGE_BUDGET_SECONDS',
      ].sort(),
    );
  });

  it('reads the contracts once by default, and refreshes them every VALIDATOR_CONTRACTS_REFRESH_SECONDS', () => {
    expect(loadValidatorConfig(QUEUES).contractsRefreshSeconds).toBe(0);
    expect(
      loadValidatorConfig({
        ...QUEUES,
        VALIDATOR_CONTRACTS: 's3://storeflow-data/contracts/',
        VALIDATOR_CONTRACTS_REFRESH_SECONDS: '60',
      }),
    ).toMatchObject({ contracts: 's3://storeflow-data/contracts/', contractsRefreshSeconds: 60 });
    expect(() => loadValidatorConfig({ ...QUEUES, VALIDATOR_CONTRACTS_REFRESH_SECONDS: '-1' })).toThrow(
      'VALIDATOR_CONTRACTS_REFRESH_SECONDS',
    );
  });

  it("defaults maxReceiveCount to the ingest queue's redrive count and reads VALIDATOR_MAX_RECEIVE_COUNT", () => {
    expect(loadValidatorConfig(QUEUES).maxReceiveCount).toBe(QUEUE_DEFAULTS.maxReceiveCount);
    expect(loadValidatorConfig({ ...QUEUES, VALIDATOR_MAX_RECEIVE_COUNT: '12' }).maxReceiveCount).toBe(12);
  });

  it('holds a file for 30 s past its last heartbeat, renewed every 10 s, unless set otherwise', () => {
    expect(loadValidatorConfig(QUEUES)).toMatchObject({ visibilityTimeoutSeconds: 30, heartbeatSeconds: 10 });
  });

  it('refuses a receive count SQS would not accept and a heartbeat over a third of the visibility timeout, together', () => {
    // Act
    let thrown: unknown;
    try {
      loadValidatorConfig({
        ...QUEUES,
        VALIDATOR_MAX_RECEIVE_COUNT: '1001',
        VALIDATOR_HEARTBEAT_SECONDS: '11',
      });
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ConfigInvalidError);
    expect((thrown as ConfigInvalidError).problems.map((problem) => problem.variable).sort()).toEqual([
      'VALIDATOR_HEARTBEAT_SECONDS',
      'VALIDATOR_MAX_RECEIVE_COUNT',
    ]);
  });
});
