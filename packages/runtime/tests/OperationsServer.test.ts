import { Counter } from 'prom-client';
import { createMetricsRegistry } from '../src/metrics.js';
import { OperationsServer } from '../src/OperationsServer.js';
import type { HealthVerdict } from '../src/workerHealth.js';

describe('OperationsServer', () => {
  let server: OperationsServer;
  let ready = false;
  let health: HealthVerdict = { healthy: true };
  const registry = createMetricsRegistry({ service: 'sample', prefix: 'storeflow_' });
  const filesProcessed = new Counter({
    name: 'storeflow_sample_files_processed_total',
    help: 'Files processed, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  beforeAll(async () => {
    server = await OperationsServer.start({
      registry,
      port: 0,
      host: '127.0.0.1',
      isReady: () => ready,
      health: () => health,
    });
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers /healthz with 200 while healthy, and 503 with the reason once not', async () => {
    // Prepare
    health = { healthy: true };
    const before = await fetch(`${server.url}/healthz`);

    // Act
    health = { healthy: false, reason: 'poll loop stalled: no receive completed for 61 s' };
    const after = await fetch(`${server.url}/healthz`);

    // Assess
    expect(before.status).toBe(200);
    expect(after.status).toBe(503);
    expect(await after.text()).toBe('poll loop stalled: no receive completed for 61 s\n');
  });

  it('answers /readyz with 503 until ready, then 200', async () => {
    // Prepare
    ready = false;
    const before = await fetch(`${server.url}/readyz`);

    // Act
    ready = true;
    const after = await fetch(`${server.url}/readyz`);

    // Assess
    expect(before.status).toBe(503);
    expect(after.status).toBe(200);
  });

  it('serves the registry in Prometheus text format with the service label and prefixed defaults', async () => {
    // Prepare
    filesProcessed.inc({ outcome: 'accepted' }, 3);

    // Act
    const response = await fetch(`${server.url}/metrics`);
    const body = await response.text();

    // Assess
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(body).toContain('storeflow_sample_files_processed_total{outcome="accepted",service="sample"} 3');
    expect(body).toMatch(/^storeflow_process_cpu_seconds_total\{service="sample"\} /m);
  });

  it('answers unknown paths with 404 and other methods with 405', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
