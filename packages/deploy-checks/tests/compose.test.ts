import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resourceNamesFor } from '@storeflow/aws';
import { stringify } from 'yaml';
import { allPanels, dashboardQueries, type GrafanaDashboard, withoutGrafanaVariables } from './dashboard.js';
import { promtool, REPOSITORY, readJson, readYaml, SERVICES, serviceDefaults } from './repository.js';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  stop_grace_period?: string;
}

const compose = (await readYaml('docker-compose.localstack.yml')) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const prometheus = (await readYaml('observability/prometheus.yml')) as {
  scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; type: string; port: number }[] }[];
};
const dashboard = (await readJson('observability/grafana/dashboards/storeflow.json')) as GrafanaDashboard;

function service(name: string): ComposeService {
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.localstack.yml has no '${name}' service`);
  return found;
}

/** The host folder a compose bind mount serves at a container path. */
function hostFolderMountedAt(composeService: ComposeService, containerPath: string): string | undefined {
  for (const volume of composeService.volumes ?? []) {
    const [host = '', target = ''] = volume.split(':');
    if (containerPath === target || containerPath.startsWith(`${target}/`)) {
      return path.join(REPOSITORY, host, containerPath.slice(target.length));
    }
  }
  return undefined;
}

describe('docker-compose.localstack.yml', () => {
  it('pins every image it pulls to an exact version', () => {
    const pulled = Object.entries(services).filter(([, entry]) => entry.build === undefined);

    expect(pulled.map(([name]) => name).sort()).toEqual(['grafana', 'localstack', 'prometheus']);
    for (const [, entry] of pulled) {
      expect(entry.image).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+$/);
    }
  });

  it('builds the services and the tools image from the Dockerfiles in docker/', async () => {
    const built = Object.entries(services).filter(([, entry]) => entry.build !== undefined);

    expect(Object.fromEntries(built.map(([name, entry]) => [name, entry.build]))).toEqual({
      bootstrap: { context: '.', dockerfile: 'docker/tools.Dockerfile' },
      validator: { context: '.', dockerfile: 'docker/validator.Dockerfile' },
      transformer: { context: '.', dockerfile: 'docker/transformer.Dockerfile' },
    });
    for (const [, entry] of built) await access(path.join(REPOSITORY, entry.build?.dockerfile ?? ''));
  });

  it('starts LocalStack with the four AWS services the pipeline uses', () => {
    const enabled = (service('localstack').environment?.SERVICES ?? '').split(',').sort();

    expect(enabled).toEqual(['dynamodb', 's3', 'sns', 'sqs']);
  });

  it('points both services at the alerts topic bootstrap creates on LocalStack', () => {
    const topicArn = `arn:aws:sns:us-east-1:000000000000:${resourceNamesFor('storeflow').alertsTopic}`;

    expect(service('validator').environment?.VALIDATOR_ALERTS_TOPIC_ARN).toBe(topicArn);
    expect(service('transformer').environment?.TRANSFORMER_ALERTS_TOPIC_ARN).toBe(topicArn);
  });

  it('creates the resources with the project bootstrap once LocalStack is healthy, before the services', () => {
    const bootstrap = service('bootstrap');

    expect(bootstrap.command?.slice(0, 2)).toEqual(['bootstrap', '--prefix']);
    expect(bootstrap.depends_on).toEqual({ localstack: { condition: 'service_healthy' } });
    for (const name of SERVICES) {
      expect(service(name).depends_on).toEqual({
        bootstrap: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('gives the services the queues and tables the bootstrap creates', () => {
    // Prepare: what bootstrap creates is derived from its prefix by the aws package
    const prefix = service('bootstrap').command?.[2] ?? '';
    const names = resourceNamesFor(prefix);
    const queueUrl = (queue: string) => `http://localstack:4566/000000000000/${queue}`;

    // Act
    const validator = service('validator').environment ?? {};
    const transformer = service('transformer').environment ?? {};

    // Assess
    expect(validator).toMatchObject({
      VALIDATOR_QUEUE_URL: queueUrl(names.ingestQueue),
      VALIDATOR_TRANSFORM_QUEUE_URL: queueUrl(names.transformQueue),
      VALIDATOR_RESOURCE_PREFIX: prefix,
    });
    expect(transformer).toMatchObject({
      TRANSFORMER_QUEUE_URL: queueUrl(names.transformQueue),
      TRANSFORMER_RESOURCE_PREFIX: prefix,
    });
    for (const name of ['bootstrap', ...SERVICES]) {
      expect(service(name).environment?.AWS_ENDPOINT_URL).toBe('http://localstack:4566');
    }
  });

  it.each(SERVICES)('%s: publishes its metrics port and outlives its shutdown grace on stop', (name) => {
    const { metricsPort, shutdownGraceSeconds } = serviceDefaults(name);
    const entry = service(name);

    expect(entry.ports).toEqual([`127.0.0.1::${metricsPort}`]);
    const stopGraceSeconds = Number(/^(\d+)s$/.exec(entry.stop_grace_period ?? '')?.[1]);
    expect(stopGraceSeconds).toBeGreaterThan(shutdownGraceSeconds);
  });

  it('binds every published port to the loopback interface only', () => {
    const published = Object.values(services).flatMap((entry) => entry.ports ?? []);

    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});

describe('observability/prometheus.yml', () => {
  it('is the file the Prometheus container reads', () => {
    expect(hostFolderMountedAt(service('prometheus'), '/etc/prometheus/prometheus.yml')).toBe(
      path.join(REPOSITORY, 'observability/prometheus.yml'),
    );
  });

  it('names rule files the Prometheus container finds beside it', () => {
    const { rule_files: ruleFiles = [] } = prometheus as { rule_files?: string[] };

    expect(ruleFiles).toEqual(['alerts.rules.yml']);
    for (const file of ruleFiles) {
      expect(hostFolderMountedAt(service('prometheus'), `/etc/prometheus/${file}`)).toBe(
        path.join(REPOSITORY, 'observability', file),
      );
    }
  });

  it('scrapes every replica of each service on the port it listens on by default', () => {
    const jobs = prometheus.scrape_configs.map((job) => ({
      job: job.job_name,
      discovery: job.dns_sd_configs,
    }));

    expect(jobs).toEqual(
      SERVICES.map((name) => ({
        job: name,
        discovery: [
          expect.objectContaining({ names: [name], type: 'A', port: serviceDefaults(name).metricsPort }),
        ],
      })),
    );
  });
});

describe('the Grafana provisioning', () => {
  it('loads the dashboards folder of the repository, and opens on the pipeline dashboard', async () => {
    const provider = (await readYaml('observability/grafana/provisioning/dashboards/storeflow.yml')) as {
      providers: { type: string; options: { path: string } }[];
    };
    const grafana = service('grafana');

    expect(provider.providers).toHaveLength(1);
    expect(hostFolderMountedAt(grafana, provider.providers[0]?.options.path ?? '')).toBe(
      path.join(REPOSITORY, 'observability/grafana/dashboards'),
    );
    expect(hostFolderMountedAt(grafana, '/etc/grafana/provisioning')).toBe(
      path.join(REPOSITORY, 'observability/grafana/provisioning'),
    );
    const home = hostFolderMountedAt(
      grafana,
      grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '',
    );
    expect(home).toBe(path.join(REPOSITORY, 'observability/grafana/dashboards/storeflow.json'));
  });

  it('queries, in every panel, the Prometheus data source it provisions', async () => {
    const provisioned = (await readYaml('observability/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    const [datasource] = provisioned.datasources;

    expect(provisioned.datasources).toHaveLength(1);
    expect(datasource?.url).toBe('http://prometheus:9090');
    const queried = allPanels(dashboard)
      .filter((panel) => panel.type !== 'row')
      .flatMap((panel) => [panel.datasource, ...(panel.targets ?? []).map((target) => target.datasource)]);
    expect(queried.length).toBeGreaterThan(0);
    for (const used of queried) expect(used).toEqual({ type: datasource?.type, uid: datasource?.uid });
  });

  it('shows files by outcome, rows/s, rejections by code, queue and DLQ depth and KPI recompute latency', () => {
    // Prepare: what a panel must read for each of them, per service where both have it
    const required = [
      'sum by (outcome) (increase(storeflow_validator_files_processed_total',
      'sum by (outcome) (increase(storeflow_transformer_files_processed_total',
      'rate(storeflow_validator_rows_processed_total',
      'sum by (code) (rate(storeflow_validator_rule_failures_total',
      'storeflow_validator_queue_messages{queue="source"}',
      'storeflow_transformer_queue_messages{queue="source"}',
      'storeflow_validator_queue_messages{queue="dead_letter",state="visible"}',
      'storeflow_transformer_queue_messages{queue="dead_letter",state="visible"}',
      'storeflow_transformer_kpi_recompute_duration_seconds_bucket',
    ];

    // Act
    const expressions = dashboardQueries(dashboard).map((query) => query.expr);

    // Assess
    expect(required.filter((part) => !expressions.some((expr) => expr.includes(part)))).toEqual([]);
  });

  it('has dashboard queries that are valid PromQL', async () => {
    // Prepare: promtool parses the expressions of a rules file
    const queries = dashboardQueries(dashboard);
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: queries.map((query, index) => ({
            record: `dashboard:query_${index}`,
            expr: withoutGrafanaVariables(query.expr),
          })),
        },
      ],
    };
    const folder = await mkdtemp(path.join(tmpdir(), 'deploy-checks-'));
    try {
      const rulesFile = path.join(folder, 'dashboard.rules.yml');
      await writeFile(rulesFile, stringify(rules));

      // Act
      const result = await promtool(['check', 'rules', rulesFile]);

      // Assess
      expect(queries.length).toBeGreaterThanOrEqual(10);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toContain(`SUCCESS: ${queries.length} rules found`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
