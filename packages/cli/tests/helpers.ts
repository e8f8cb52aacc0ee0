import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const packageDir = path.resolve(import.meta.dirname, '..');
/** The built command, as the bin and the root scripts run it. */
export const cli = path.join(packageDir, 'dist', 'main.js');

/**
 * The command runs from dist: `pnpm test` builds every package before jest starts. Building here
 * instead would race between jest workers writing the same dist folders.
 */
export async function assertCliBuilt(): Promise<void> {
  await access(cli).catch(() => {
    throw new Error(`${cli} is missing: run the tests with 'pnpm test', or 'pnpm build' first`);
  });
}

/** Runs the built command; resolves with its exit code and output instead of throwing. */
export async function runCli(
  args: string[],
  cwd: string,
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 150_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [cli, ...args], {
      cwd,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Starts the built command without waiting for it, for tests that act while it runs. */
export function startCli(
  args: string[],
  cwd: string,
  env: Readonly<Record<string, string>> = {},
): ChildProcess {
  return spawn(process.execPath, [cli, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Whether any process of the group `pid` leads is alive (a daemon and the JVM it started). */
export function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    // Only ESRCH says the group is gone; EPERM means it exists under another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
