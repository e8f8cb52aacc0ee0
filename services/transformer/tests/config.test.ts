import { loadTransformerConfig, TRANSFORMER_ENV } from '../src/config.js';

describe('the transformer configuration', () => {
  it('reads the variables documented in the README, no more', () => {
    expect(Object.values(TRANSFORMER_ENV).sort()).toEqual(
      [
        'TRANSFORMER_QUEUE_URL',
        'TRANSFORMER_RESOURCE_PREFIX',
        'TRANSFORMER_CONCURRENCY',
        'TRANSFORMER_DATE_CONCURRENCY',
        'TRANSFORMER_READ_CONCURRENCY',
        'TRANSFORMER_VISIBILITY_TIMEOUT_SECONDS',
        'TRANSFORMER_HEARTBEAT_SECONDS',
        'TRANSFORMER_MAX_RECEIVE_COUNT',
        'TRANSFORMER_DATE_LEASE_SECONDS',
        'TRANSFORMER_HELD_DATE_RETRY_SECONDS',
        'TRANSFORMER_REPORT_INTERVAL_SECONDS',
        'TRANSFORMER_ALERTS_TOPIC_ARN',
        'TRANSFORMER_SHUTDOWN_GRACE_SECONDS',
        'TRANSFORMER_HEALTH_STALL_SECONDS',
        'TRANSFORMER_METRICS_PORT',
        'TRANSFORMER_METRICS_HOST',
        'TRANSFORMER_LOG_LEVEL',
        'TRANSFORMER_WORKER_ID',
        'TRANSFORMER_OUTAGE_BUDGET_SECONDS',
      ].sort(),
    );
  });

  it('lets a dead task hold a file or a date for 30 s at most unless set otherwise', () => {
    // Act
    const config = loadTransformerConfig({
      TRANSFORMER_QUEUE_URL: 'http://127.0.0.1:1/000000000000/transform',
    });

    // Assess
    expect(config).toMatchObject({
      visibilityTimeoutSeconds: 30,
      heartbeatSeconds: 10,
      dateLeaseSeconds: 30,
    });
  });
});
