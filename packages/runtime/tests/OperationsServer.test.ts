import { Counter } from 'prom-client';
import { createMetricsRegistry } from '../src/metrics.js';
import { OperationsServer } from '../src/OperationsServer.js';

describe('OperationsServer', () => {
  let server: OperationsServer;
  let ready = false;
  const registry = createMetricsRegistry({ service: 'sample', prefix: 'storeflow_' });
  const filesProcessed = new Counter({
    name: 'storeflow_sample_files_processed_total',
    help: 'Files processed, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });

  beforeAll(async () => {
    server = await OperationsServer.start({ registry, port: 0, host: '127.0.0.1', isReady: () => ready });
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers /healthz while alive', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
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
