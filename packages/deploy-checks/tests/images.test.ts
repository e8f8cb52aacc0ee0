import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SERVICE_MALLOC_ENV, SERVICE_NODE_FLAGS } from '@storeflow/runtime';
import { argsOf, execForm, parseDockerfile, type Stage } from './dockerfile.js';
import { readJson, readRepositoryFile, run, SERVICES, serviceDefaults } from './repository.js';

const rootPackage = (await readJson('package.json')) as {
  packageManager: string;
  devDependencies: Record<string, string>;
};
const pnpmVersion = rootPackage.packageManager.split('@')[1];
const nodeVersion = rootPackage.devDependencies.node;

async function stagesOf(
  dockerfile: string,
): Promise<{ args: Map<string, string>; build: Stage; runtime: Stage }> {
  const parsed = parseDockerfile(await readRepositoryFile(dockerfile));
  expect(parsed.stages.map((stage) => stage.from)).toEqual([
    `\${NODE_IMAGE} AS build`,
    `\${NODE_IMAGE} AS runtime`,
  ]);
  const [build, runtime] = parsed.stages as [Stage, Stage];
  return { args: parsed.globalArgs, build, runtime };
}

describe('the service images', () => {
  it('are built by two Dockerfiles that differ only in the service name and port', async () => {
    // Prepare
    const validator = await readRepositoryFile('docker/validator.Dockerfile');
    const transformer = await readRepositoryFile('docker/transformer.Dockerfile');
    const { metricsPort: validatorPort } = serviceDefaults('validator');
    const { metricsPort: transformerPort } = serviceDefaults('transformer');

    // Act
    const transformerAsValidator = transformer
      .replaceAll('transformer', 'validator')
      .replaceAll('TRANSFORMER', 'VALIDATOR')
      .replaceAll(String(transformerPort), String(validatorPort));

    // Assess
    expect(transformerAsValidator).toEqual(validator);
    expect(transformer).not.toEqual(validator);
  });

  it.each(SERVICES)(
    '%s: runs the pinned Node and deploys through docker/deploy-service.sh',
    async (service) => {
      const { args, build, runtime } = await stagesOf(`docker/${service}.Dockerfile`);

      expect(args.get('NODE_IMAGE')).toBe(`node:${nodeVersion}-bookworm-slim`);
      expect(argsOf(build, 'RUN')).toEqual([
        `npm install --global pnpm@${pnpmVersion}`,
        'pnpm fetch --ignore-scripts',
        'pnpm install --frozen-lockfile --offline --ignore-scripts',
        `pnpm exec turbo run build --filter=@storeflow/${service}...`,
        `bash docker/deploy-service.sh ${service} /out`,
      ]);
      expect(argsOf(runtime, 'COPY').filter((copy) => copy.startsWith('--from=build'))).toEqual([
        '--from=build /out/package.json ./package.json',
        '--from=build /out/node_modules ./node_modules',
        '--from=build /out/dist ./dist',
      ]);
      expect(argsOf(runtime, 'WORKDIR')).toEqual(['/app']);
      expect(argsOf(runtime, 'CMD')).toHaveLength(1);
    },
  );

  it.each(SERVICES)(
    '%s: runs with the Node flags the demo, the bench and the chaos suite give the service',
    async (service) => {
      const { runtime } = await stagesOf(`docker/${service}.Dockerfile`);

      expect(argsOf(runtime, 'CMD').map(execForm)).toEqual([['node', ...SERVICE_NODE_FLAGS, 'dist/main.js']]);
      expect(argsOf(runtime, 'ENV').filter((env) => env.startsWith('NODE_OPTIONS='))).toEqual([]);
    },
  );

  it.each(SERVICES)(
    '%s: runs with the allocator settings the demo, the bench and the chaos suite give the service',
    async (service) => {
      const { runtime } = await stagesOf(`docker/${service}.Dockerfile`);

      expect(argsOf(runtime, 'ENV').filter((env) => env.startsWith('MALLOC_'))).toEqual(
        Object.entries(SERVICE_MALLOC_ENV).map(([name, value]) => `${name}=${value}`),
      );
    },
  );

  it.each(SERVICES)('%s: runs as a non-root user', async (service) => {
    const { runtime } = await stagesOf(`docker/${service}.Dockerfile`);

    const users = argsOf(runtime, 'USER');
    expect(users).toHaveLength(1);
    const [user = '', group = ''] = (users[0] ?? '').split(':');
    expect(['', '0', 'root']).not.toContain(user);
    expect(['0', 'root']).not.toContain(group);
  });

  it.each(SERVICES)(
    '%s: exposes and health-checks the port the service listens on by default',
    async (service) => {
      const { metricsPort, metricsPortVariable } = serviceDefaults(service);
      const { runtime } = await stagesOf(`docker/${service}.Dockerfile`);

      expect(argsOf(runtime, 'EXPOSE')).toEqual([String(metricsPort)]);
      const healthchecks = argsOf(runtime, 'HEALTHCHECK');
      expect(healthchecks).toHaveLength(1);
      const healthcheckScript = '/usr/local/lib/storeflow/healthcheck.mjs';
      expect(execForm(healthchecks[0] ?? '')).toEqual([
        'node',
        healthcheckScript,
        metricsPortVariable,
        String(metricsPort),
      ]);
      expect(argsOf(runtime, 'COPY')).toContain(`docker/healthcheck.mjs ${healthcheckScript}`);
    },
  );

  it('tools image: runs the storeflow command line, deployed the same way', async () => {
    const { build, runtime } = await stagesOf('docker/tools.Dockerfile');

    expect(argsOf(build, 'RUN')).toContain('bash docker/deploy-service.sh cli /out');
    expect(argsOf(runtime, 'ENTRYPOINT').map(execForm)).toEqual([['node', '/app/dist/main.js']]);
    expect(argsOf(runtime, 'USER')).toEqual(['1000:1000']);
  });
});

describe('.dockerignore', () => {
  it('keeps out of the build context everything git ignores (host builds, installs, state)', async () => {
    // Prepare
    const gitIgnored = (await readRepositoryFile('.gitignore'))
      .split('\n')
      .map((line) => line.trim().replace(/\/$/, ''))
      .filter((line) => line !== '' && !line.startsWith('#'));
    const dockerIgnored = new Set(
      (await readRepositoryFile('.dockerignore'))
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );

    // Act: git matches a pattern without a leading slash at any depth; Docker only with `**/`
    const uncovered = gitIgnored.filter((pattern) =>
      pattern.startsWith('/') ? !dockerIgnored.has(pattern.slice(1)) : !dockerIgnored.has(`**/${pattern}`),
    );

    // Assess
    expect(gitIgnored.length).toBeGreaterThan(0);
    expect(uncovered).toEqual([]);
    expect(dockerIgnored).toContain('.git');
  });

  it('does not keep out what the images build from', async () => {
    const dockerIgnored = (await readRepositoryFile('.dockerignore')).split('\n').map((line) => line.trim());

    for (const needed of ['docker', 'patches', 'packages', 'services', 'pnpm-lock.yaml', 'package.json']) {
      expect(dockerIgnored).not.toContain(needed);
    }
  });
});

describe('docker/deploy-service.sh', () => {
  it('names the services it knows when given another', async () => {
    const result = await run('bash', ['docker/deploy-service.sh', 'frontend', path.join(tmpdir(), 'unused')]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('validator|transformer|cli');
  });

  it('refuses a folder that is not empty rather than mixing two deployments', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'deploy-checks-'));
    try {
      await writeFile(path.join(folder, 'left-over.txt'), 'x');

      const result = await run('bash', ['docker/deploy-service.sh', 'validator', folder]);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('is not empty');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
