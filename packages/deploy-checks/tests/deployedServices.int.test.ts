import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import {
  type AwsClients,
  bootstrapResources,
  createAwsClients,
  type ResourceNames,
  resolveAwsConnection,
  resourceNamesFor,
} from '@storeflow/aws';
import { type EmbeddedStack, startEmbeddedStack } from '@storeflow/local-stack';
import { findFreePort } from '@storeflow/local-stack/ports';
import { isExposed, metricFamilies, parseSamples, sumOf } from '@storeflow/testing';
import { dashboardQueries, type GrafanaDashboard, metricNamesIn } from './dashboard.js';
import {
  promtool,
  REPOSITORY,
  readJson,
  run,
  SERVICES,
  type ServiceName,
  serviceDefaults,
} from './repository.js';

// These tests start each service exactly as its image does, `node dist/main.js` in the folder
// docker/deploy-service.sh writes (the script the Dockerfiles run), against the embedded stack.

interface RunningService {
  child: ChildProcess;
  port: number;
  output: () => string;
}

const HEALTHCHECK = path.join(REPOSITORY, 'docker/healthcheck.mjs');
const running = new Map<ServiceName, RunningService>();
let deployFolder: string;
let stack: EmbeddedStack | undefined;
let clients: AwsClients | undefined;
let names: ResourceNames;

function service(name: ServiceName): RunningService {
  const found = running.get(name);
  if (found === undefined) throw new Error(`the ${name} did not start; see the beforeAll error`);
  return found;
}

async function metricsOf(name: ServiceName): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${service(name).port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

async function waitUntil(
  description: string,
  check: () => Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) {
      const logs = [...running].map(([name, { output }]) => `--- ${name}\n${output().slice(-4_000)}`);
      throw new Error(`timed out waiting until ${description}\n${logs.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function deploy(name: ServiceName): Promise<string> {
  const folder = path.join(deployFolder, name);
  const { NODE_OPTIONS: _jestOnly, ...env } = process.env as Record<string, string>;
  const result = await run('bash', ['docker/deploy-service.sh', name, folder], { env, timeoutMs: 240_000 });
  if (result.code !== 0) {
    throw new Error(
      `docker/deploy-service.sh ${name} exited ${result.code}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return folder;
}

function start(name: ServiceName, folder: string, port: number, serviceEnv: Record<string, string>): void {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '', ...stack?.env(), ...serviceEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + String(chunk)).slice(-100_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  running.set(name, { child, port, output: () => output });
}

async function upload(key: string, body: string): Promise<void> {
  await clients?.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: key, Body: body }));
}

function healthcheck(name: ServiceName) {
  const { metricsPortVariable, metricsPort } = serviceDefaults(name);
  // As in the image: the script reads the port from the variable the service reads it from.
  return run(process.execPath, [HEALTHCHECK, metricsPortVariable, String(metricsPort)], {
    env: { PATH: process.env.PATH ?? '', [metricsPortVariable]: String(service(name).port) },
  });
}

const PRODUCTS = [
  'id,sku,cost,category,name,brand,retail_price,department',
  '1,ABC-00000001,10.00,Jeans,Straight jeans,Acme,50.00,Men',
  '2,ABC-00000002,4.50,Socks,Wool socks,Acme,12.00,Women',
];
const ORDERS = [
  'order_id,user_id,status,created_at,num_of_item',
  '10,7,complete,2025-03-01T10:00:00Z,2',
  '11,8,cancelled,2025-03-02T11:00:00Z,1',
];
const ORDER_ITEMS = [
  'id,order_id,user_id,product_id,status,created_at,sale_price',
  '100,10,7,1,complete,2025-03-01T10:00:00Z,49.99',
  '101,10,7,2,complete,2025-03-01T10:00:00Z,11.50',
  '102,11,8,2,cancelled,2025-03-02T11:00:00Z,11.50',
];
const csv = (lines: string[]) => `${lines.join('\n')}\n`;

// Messages put straight into each service's DLQ, where nothing consumes them: the depth each
// service must report for it.
const DEAD_LETTERS: Record<ServiceName, number> = { validator: 2, transformer: 3 };

async function sendDeadLetters(queueUrl: string, count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    await clients?.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `{"dead":${index}}` }));
  }
}

beforeAll(async () => {
  // Fails at once, and clearly, when promtool is missing: the metrics lint below needs it.
  await promtool(['--version']);
  deployFolder = await mkdtemp(path.join(tmpdir(), 'storeflow-deploy-'));
  const folders = { validator: await deploy('validator'), transformer: await deploy('transformer') };

  stack = await startEmbeddedStack();
  clients = createAwsClients(resolveAwsConnection(stack.env()));
  const prefix = `d-${randomUUID().slice(0, 8)}`;
  names = resourceNamesFor(prefix);
  const resources = await bootstrapResources(clients, { names });
  await sendDeadLetters(resources.ingestDeadLetterQueue.url, DEAD_LETTERS.validator);
  await sendDeadLetters(resources.transformDeadLetterQueue.url, DEAD_LETTERS.transformer);
  const validatorPort = await findFreePort();
  let transformerPort = await findFreePort();
  while (transformerPort === validatorPort) transformerPort = await findFreePort();
  start('validator', folders.validator, validatorPort, {
    VALIDATOR_QUEUE_URL: resources.ingestQueue.url,
    VALIDATOR_TRANSFORM_QUEUE_URL: resources.transformQueue.url,
    VALIDATOR_RESOURCE_PREFIX: prefix,
    VALIDATOR_METRICS_PORT: String(validatorPort),
    VALIDATOR_METRICS_HOST: '127.0.0.1',
    VALIDATOR_DEFERRAL_BASE_SECONDS: '1',
    VALIDATOR_SHUTDOWN_GRACE_SECONDS: '2',
  });
  start('transformer', folders.transformer, transformerPort, {
    TRANSFORMER_QUEUE_URL: resources.transformQueue.url,
    TRANSFORMER_RESOURCE_PREFIX: prefix,
    TRANSFORMER_METRICS_PORT: String(transformerPort),
    TRANSFORMER_METRICS_HOST: '127.0.0.1',
    TRANSFORMER_HELD_DATE_RETRY_SECONDS: '1',
    TRANSFORMER_SHUTDOWN_GRACE_SECONDS: '2',
  });

  // Enough traffic that every series the dashboard reads has samples: three accepted files (the
  // items after the products and orders they reference), one rejected file, three transforms.
  await upload('raw/products/products.csv', csv(PRODUCTS));
  await upload('raw/orders/orders.csv', csv(ORDERS));
  await waitUntil('the validator accepted the products and orders', async () => {
    return (
      sumOf(await metricsOf('validator'), 'storeflow_validator_files_processed_total', {
        outcome: 'accepted',
      }) === 2
    );
  });
  await upload('raw/order_items/order_items.csv', csv(ORDER_ITEMS));
  await upload('raw/products/header-only.csv', csv(PRODUCTS.slice(0, 1)));
  await waitUntil(
    'the validator accepted three files and rejected one, the transformer did three',
    async () => {
      const validator = await metricsOf('validator');
      const files = 'storeflow_validator_files_processed_total';
      const transformed = sumOf(
        await metricsOf('transformer'),
        'storeflow_transformer_files_processed_total',
        {
          outcome: 'success',
        },
      );
      return (
        sumOf(validator, files, { outcome: 'accepted' }) === 3 &&
        sumOf(validator, files, { outcome: 'rejected' }) === 1 &&
        transformed === 3
      );
    },
  );
}, 420_000);

afterAll(async () => {
  for (const { child } of running.values()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  clients?.destroy();
  await stack?.stop();
  if (deployFolder !== undefined) await rm(deployFolder, { recursive: true, force: true });
}, 60_000);

describe.each(SERVICES)('the deployed %s', (name) => {
  it('holds its production dependencies only, workspace packages copied in', async () => {
    // Prepare: the workspace packages the service declares as dependencies
    const manifest = JSON.parse(
      await readFile(path.join(REPOSITORY, `services/${name}/package.json`), 'utf8'),
    ) as { dependencies: Record<string, string> };
    const workspaceDependencies = Object.keys(manifest.dependencies)
      .filter((dependency) => dependency.startsWith('@storeflow/'))
      .map((dependency) => dependency.slice('@storeflow/'.length))
      .sort();
    const folder = path.join(deployFolder, name);

    // Act
    const deployed = (await readdir(path.join(folder, 'node_modules/@storeflow'))).sort();
    const locations = await Promise.all(
      deployed.map((dependency) => realpath(path.join(folder, 'node_modules/@storeflow', dependency))),
    );

    // Assess
    expect(workspaceDependencies.length).toBeGreaterThan(0);
    expect(deployed).toEqual(workspaceDependencies);
    for (const location of locations) expect(location.startsWith(`${await realpath(folder)}/`)).toBe(true);
  });

  it('answers /healthz, and the image healthcheck passes', async () => {
    const response = await fetch(`http://127.0.0.1:${service(name).port}/healthz`);
    const check = await healthcheck(name);

    expect(response.status).toBe(200);
    expect({ code: check.code, stderr: check.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('serves metrics that promtool accepts, after handling messages', async () => {
    // Prepare
    const metrics = await metricsOf(name);
    const handled =
      name === 'validator'
        ? sumOf(metrics, 'storeflow_validator_files_processed_total')
        : sumOf(metrics, 'storeflow_transformer_files_processed_total');

    // Act
    const lint = await promtool(['check', 'metrics'], metrics);

    // Assess
    expect(handled).toBeGreaterThan(0);
    expect(metrics).toMatch(new RegExp(`^storeflow_process_cpu_seconds_total\\{service="${name}"\\}`, 'm'));
    expect(lint).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('reports the depth of its queue and of that queue’s DLQ, by state', async () => {
    // Act
    const metrics = await metricsOf(name);
    const depth = parseSamples(metrics).filter(
      (sample) => sample.name === `storeflow_${name}_queue_messages`,
    );

    // Assess
    expect(depth.map(({ labels }) => `${labels.queue}/${labels.state}`).sort()).toEqual([
      'dead_letter/delayed',
      'dead_letter/in_flight',
      'dead_letter/visible',
      'source/delayed',
      'source/in_flight',
      'source/visible',
    ]);
    expect(
      sumOf(metrics, `storeflow_${name}_queue_messages`, { queue: 'dead_letter', state: 'visible' }),
    ).toBe(DEAD_LETTERS[name]);
    expect(sumOf(metrics, `storeflow_${name}_queue_depth_read_failures_total`)).toBe(0);
  });
});

describe('the Grafana dashboard', () => {
  it('reads only series the running services expose', async () => {
    // Prepare
    const dashboard = (await readJson('observability/grafana/dashboards/storeflow.json')) as GrafanaDashboard;
    const read = [...new Set(dashboardQueries(dashboard).flatMap((query) => metricNamesIn(query.expr)))];
    const families = new Map([
      ...metricFamilies(await metricsOf('validator')),
      ...metricFamilies(await metricsOf('transformer')),
    ]);

    // Act
    const missing = read.filter((series) => !isExposed(families, series));

    // Assess
    expect(read.length).toBeGreaterThanOrEqual(10);
    expect(missing).toEqual([]);
  });

  it('has samples for the KPI recompute latency and the rejections by code', async () => {
    const validator = await metricsOf('validator');
    const transformer = await metricsOf('transformer');

    expect(sumOf(transformer, 'storeflow_transformer_kpi_recompute_duration_seconds_count')).toBeGreaterThan(
      0,
    );
    expect(sumOf(validator, 'storeflow_validator_rule_failures_total')).toBeGreaterThan(0);
    expect(sumOf(validator, 'storeflow_validator_files_processed_total', { outcome: 'rejected' })).toBe(1);
    expect(sumOf(validator, 'storeflow_validator_rows_processed_total', { outcome: 'accepted' })).toBe(
      PRODUCTS.length - 1 + (ORDERS.length - 1) + (ORDER_ITEMS.length - 1),
    );
  });
});

describe.each(SERVICES)('on SIGTERM the deployed %s', (name) => {
  it('exits 0, and from then on the image healthcheck fails', async () => {
    // Act
    const { child } = service(name);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    const check = await healthcheck(name);

    // Assess
    expect(code).toBe(0);
    expect(service(name).output()).toContain('shutdown complete');
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('did not answer');
  }, 60_000);
});
