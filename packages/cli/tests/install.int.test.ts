import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { assertCliBuilt } from './helpers.js';

const execFileAsync = promisify(execFile);
const REPOSITORY = path.resolve(import.meta.dirname, '../../..');

/** Runs a program to its end; resolves with its exit code and output instead of throwing. */
async function run(
  file: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { ...options, timeout: 240_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let workDir: string;

beforeAll(async () => {
  await assertCliBuilt();
  workDir = await mkdtemp(path.join(tmpdir(), 'storeflow-install-'));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('installing the storeflow bin outside the repository (packages/cli/README.md)', () => {
  it('the deployed folder, linked onto PATH, answers storeflow --help from anywhere', async () => {
    // Prepare: the README's steps, with a temporary folder for ~/opt and ~/.local/bin.
    const installDir = path.join(workDir, 'storeflow-cli');
    const binDir = path.join(workDir, 'bin');
    await mkdir(binDir);
    // Jest's NODE_OPTIONS are for jest alone, not for the pnpm the script runs.
    const { NODE_OPTIONS: _jestOnly, ...env } = process.env as Record<string, string>;

    // Act
    const deploy = await run('bash', ['docker/deploy-service.sh', 'cli', installDir], {
      cwd: REPOSITORY,
      env,
    });
    await symlink(path.join(installDir, 'dist', 'main.js'), path.join(binDir, 'storeflow'));
    const help = await run('storeflow', ['--help'], {
      cwd: workDir,
      // The bin's `#!/usr/bin/env node` finds the Node the project runs on, and nothing of the repository.
      env: { PATH: [binDir, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter) },
    });

    // Assess
    expect({ code: deploy.code, stderr: deploy.code === 0 ? '' : deploy.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout.split('\n')[0]).toBe('Usage: storeflow <command> [options]');
    // Self-contained: the workspace packages are copies inside the folder, not links into the repository.
    for (const dependency of ['aws', 'core', 'local-stack', 'validator', 'transformer']) {
      const resolved = await realpath(path.join(installDir, 'node_modules', '@storeflow', dependency));
      expect(resolved.startsWith(`${installDir}${path.sep}`)).toBe(true);
    }
  }, 300_000);
});
