import { createMetricsRegistry } from '../src/metrics.js';

describe('createMetricsRegistry', () => {
  it('keeps the _total suffix for counters, as Prometheus reserves it', async () => {
    // Act
    const registry = createMetricsRegistry({ service: 'sample', prefix: 'storeflow_' });
    const families = await registry.getMetricsAsJSON();

    // Assess
    const misnamed = families
      .filter((family) => family.name.endsWith('_total') && String(family.type) !== 'counter')
      .map((family) => family.name);
    expect(families.length).toBeGreaterThan(5);
    expect(families.every((family) => family.name.startsWith('storeflow_'))).toBe(true);
    expect(misnamed).toEqual([]);
  });
});
