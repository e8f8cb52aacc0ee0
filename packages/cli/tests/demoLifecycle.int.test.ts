import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isPortOpen, isProcessAlive } from '@storeflow/local-stack/ports';
import { SERVICE_MALLOC_ENV, SERVICE_NODE_FLAGS } from '@storeflow/runtime';
import type { DemoRun } from '../src/demo/runState.js';
import type { StackState } from '../src/stackState.js';
import { assertCliBuilt, processGroupAlive, runCli, startCli } from './helpers.js';

// How a demo ends when it is not left to finish on its own: `--keep` then `--stop`, and a service
// process that dies while files are in the pipeline. Each test starts one small demo.

let workDir: string;
/** Demo directories the tests used, stopped in afterAll should an assertion leave one running. */
const demoDirs: string[] = [];

beforeAll(async () => {
  await assertCliBuilt();
  workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-demo-life-'));
});

afterAll(async () => {
  for (const demoDir of demoDirs) await runCli(['demo', '--stop', '--dir', demoDir], workDir);
  await rm(workDir, { recursive: true, force: true });
}, 120_000);

async function readStackState(demoDir: string): Promise<StackState> {
  return JSON.parse(await readFile(path.join(demoDir, 'stack', 'stack.json'), 'utf8')) as StackState;
}

/** The Node flags (the arguments before the script) and the environment of a live process (Linux). */
async function launchOf(pid: number): Promise<{ nodeFlags: string[]; env: Record<string, string> }> {
  const [, ...args] = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
  const environ = (await readFile(`/proc/${pid}/environ`, 'utf8'))
    .split('\0')
    .filter((entry) => entry !== '');
  return {
    nodeFlags: args.slice(
      0,
      args.findIndex((arg) => !arg.startsWith('--')),
    ),
    env: Object.fromEntries(
      environ.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    ),
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Everything a run started is gone: no process, no listening port, no state file. */
async function expectNothingLeft(demoDir: string, pids: number[], stack: StackState, ports: number[]) {
  for (const pid of pids) expect({ pid, alive: isProcessAlive(pid) }).toEqual({ pid, alive: false });
  // The stack daemon leads a process group that also holds the JVM: the whole group must be gone.
  expect(processGroupAlive(stack.pid)).toBe(false);
  for (const port of [...ports, ...Object.values(stack.endpoints).map(portOf)]) {
    expect({ port, open: await isPortOpen(port) }).toEqual({ port, open: false });
  }
  await expect(stat(path.join(demoDir, 'run.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  await expect(stat(path.join(demoDir, 'stack', 'stack.json'))).rejects.toMatchObject({ code: 'ENOENT' });
}

describe('storeflow demo', () => {
  it('--keep leaves the stack and services up and prints the command that stops exactly them, which does', async () => {
    // Prepare: a --dir of its own, which the printed command must carry.
    const demoDir = path.join(workDir, 'kept');
    demoDirs.push(demoDir);

    // Act 1
    const kept = await runCli(
      ['demo', '--keep', '--json', '--dir', demoDir, '--orders', '40', '--days', '2'],
      workDir,
      {},
      300_000,
    );
    const run = JSON.parse(await readFile(path.join(demoDir, 'run.json'), 'utf8')) as DemoRun;
    const stack = await readStackState(demoDir);
    const metricsAnswers = await Promise.all(
      run.services.map(async (service) => (await fetch(service.metricsUrl)).status),
    );
    const stackAliveWhileKept = processGroupAlive(stack.pid);
    const launches = await Promise.all(run.services.map((service) => launchOf(service.pid)));
    const hint = /stop them with: (.*)$/m.exec(kept.stderr)?.[1];

    // Act 2: the printed command, run as the bin it names, from another directory.
    const [bin, ...stopArgs] = (hint ?? '').split(' ');
    const stopped = await runCli(stopArgs, tmpdir(), {}, 120_000);

    // Assess
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout)).toHaveProperty('files');
    expect(run.services.map((service) => service.name)).toEqual(['validator-1', 'transformer-1']);
    expect(metricsAnswers).toEqual([200, 200]);
    // Run as the images run them: the same Node flags and allocator settings.
    for (const launch of launches) {
      expect(launch.nodeFlags).toEqual(SERVICE_NODE_FLAGS);
      expect(launch.env).toMatchObject(SERVICE_MALLOC_ENV);
    }
    expect(stackAliveWhileKept).toBe(true);
    expect(hint).toBe(`storeflow demo --stop --dir ${demoDir}`);
    expect(bin).toBe('storeflow');
    expect(stopped).toMatchObject({ code: 0, stdout: 'demo stopped\n' });
    await expectNothingLeft(
      demoDir,
      run.services.map((service) => service.pid),
      stack,
      run.services.map((service) => portOf(service.metricsUrl)),
    );
  }, 420_000);

  it('fails at once, naming the service and its log, when a service process dies while files are in the pipeline, and stops the rest', async () => {
    // Prepare: items whose products and orders never come, inside a long grace window, so the
    // demo is still waiting for their verdict when the validator is killed.
    const demoDir = path.join(workDir, 'crashed');
    demoDirs.push(demoDir);
    const dataDir = path.join(workDir, 'orphan-items');
    await mkdir(path.join(dataDir, 'order_items'), { recursive: true });
    await writeFile(
      path.join(dataDir, 'order_items', 'items.csv'),
      [
        'id,order_id,user_id,product_id,status,created_at,returned_at,sale_price',
        '1,1,101,10,complete,2025-03-01T10:05:00Z,,20.00',
        '',
      ].join('\n'),
    );

    // Act: kill the validator once the demo says it is waiting for the files.
    const demo = startCli(['demo', '--dir', demoDir, '--data', dataDir, '--grace-seconds', '3600'], workDir);
    let stderr = '';
    let stdout = '';
    demo.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
    });
    // The stack's state is read before the kill: the demo removes it as it stops the stack.
    let stackBeforeKill: Promise<StackState> | undefined;
    demo.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
      if (stackBeforeKill !== undefined || !stderr.includes('waiting for every file')) return;
      const validatorPid = Number(/validator-1 running \(pid (\d+)\)/.exec(stderr)?.[1]);
      stackBeforeKill = readStackState(demoDir).then((state) => {
        process.kill(validatorPid, 'SIGKILL');
        return state;
      });
    });
    const [code] = (await once(demo, 'exit')) as [number | null];
    const stack = await stackBeforeKill;

    // Assess
    const logFile = path.join(demoDir, 'logs', 'validator-1.log');
    const lines = stderr.trimEnd().split('\n');
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(lines.at(-1)).toBe(
      `storeflow: validator-1 stopped unexpectedly (signal SIGKILL) while the demo was running; see its log ${logFile}`,
    );
    expect(lines).toContain('stopping the services and the stack');
    const services = [...stderr.matchAll(/(\w+-\d) running \(pid (\d+)\): metrics (\S+),/g)].map(
      ([, name, pid, metricsUrl]) => ({ name, pid: Number(pid), port: portOf(metricsUrl as string) }),
    );
    expect(services.map((service) => service.name)).toEqual(['validator-1', 'transformer-1']);
    expect(stack).toBeDefined();
    await expectNothingLeft(
      demoDir,
      services.map((service) => service.pid),
      stack as StackState,
      services.map((service) => service.port),
    );
  }, 300_000);
});
