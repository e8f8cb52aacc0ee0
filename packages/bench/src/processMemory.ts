import { readFile } from 'node:fs/promises';

/**
 * Peak resident set size of a live process, bytes: `VmHWM` of `/proc/<pid>/status` (Linux).
 * Undefined where /proc does not exist or the process is gone.
 */
export async function peakRssOf(pid: number): Promise<number | undefined> {
  const status = await readProc(`/proc/${pid}/status`);
  const match = status === undefined ? null : /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** Direct children of a live process (Linux), e.g. the DynamoDB Local JVM of the stack daemon. */
export async function childPidsOf(pid: number): Promise<number[]> {
  const children = await readProc(`/proc/${pid}/task/${pid}/children`);
  return (children ?? '')
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '')
    .map(Number);
}

/** The command line of a live process, arguments joined by spaces. */
export async function commandLineOf(pid: number): Promise<string> {
  return ((await readProc(`/proc/${pid}/cmdline`)) ?? '').split('\0').join(' ');
}

async function readProc(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No /proc (not Linux), or the process has just ended: nothing to read, not a failure.
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
}
