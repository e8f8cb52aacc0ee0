/** What one collector sidecar scrapes and where it writes. */
export interface CollectorTarget {
  /** Becomes the `job` label of every series, e.g. `storeflow-validator`. */
  job: string;
  /** The service's metrics port, reached over the task's shared network namespace. */
  metricsPort: number;
  /** `<workspace prometheus endpoint>api/v1/remote_write`. */
  remoteWriteUrl: string;
  region: string;
  scrapeIntervalSeconds: number;
}

/**
 * The ADOT collector configuration of one task: scrape the service's `/metrics` on loopback and
 * remote-write to Amazon Managed Prometheus, signing with the task role (SigV4). The collector
 * reads it from the `AOT_CONFIG_CONTENT` variable, which ECS fills from an SSM parameter.
 *
 * @example
 * collectorConfig({ job: 'storeflow-validator', metricsPort: 9464, remoteWriteUrl, region, scrapeIntervalSeconds: 30 });
 */
export function collectorConfig(target: CollectorTarget): string {
  return [
    'extensions:',
    '  sigv4auth:',
    `    region: ${target.region}`,
    '    service: aps',
    'receivers:',
    '  prometheus:',
    '    config:',
    '      scrape_configs:',
    `        - job_name: ${target.job}`,
    `          scrape_interval: ${target.scrapeIntervalSeconds}s`,
    '          metrics_path: /metrics',
    '          static_configs:',
    `            - targets: ['127.0.0.1:${target.metricsPort}']`,
    'processors:',
    '  batch: {}',
    'exporters:',
    '  prometheusremotewrite:',
    `    endpoint: ${target.remoteWriteUrl}`,
    '    auth:',
    '      authenticator: sigv4auth',
    'service:',
    '  extensions: [sigv4auth]',
    '  pipelines:',
    '    metrics:',
    '      receivers: [prometheus]',
    '      processors: [batch]',
    '      exporters: [prometheusremotewrite]',
    '',
  ].join('\n');
}
