import { collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Value of the `service` label on every series. */
  service: string;
  /** Prefix of the default process and Node.js metrics, e.g. `storeflow_`. */
  prefix: string;
}

/**
 * A registry of the process's own (never the global one, so tests and libraries cannot collide),
 * with the default process and Node.js metrics under the project's prefix.
 */
export function createMetricsRegistry({ service, prefix }: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix });
  // These gauges end in `_total`, which Prometheus reserves for counters (promtool rejects them);
  // the per-type gauges without the suffix carry the same numbers.
  for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total']) {
    registry.removeSingleMetric(`${prefix}nodejs_${name}`);
  }
  return registry;
}
