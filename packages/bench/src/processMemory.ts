import { readdir, readFile } from 'node:fs/promises';

/**
 * Peak resident set size of a live process, bytes: `VmHWM` of `/proc/<pid>/status` (Linux).
 * Undefined where /proc does not exist or the process is gone.
 */
export async function peakRssOf(pid: number): Promise<number | undefined> {
  const status = await readProc(`/proc/${pid}/status`);
  const match = status === undefined ? null : /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match === null ? undefined : Number(match[1]) * 1024;
}

/** Clock ticks a second of `/proc/<pid>/stat`'s times: USER_HZ, 100 on every Linux the bench runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU seconds a live process has used so far, user and system (`utime` + `stime` of
 * `/proc/<pid>/stat`, Linux): on a machine shared with other work, a steadier measure of a
 * process's cost than wall time. Undefined where /proc does not exist or the process is gone.
 */
export async function cpuSecondsOf(pid: number, statFile = `/proc/${pid}/stat`): Promise<number | undefined> {
  const stat = await readProc(statFile);
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields === undefined) return undefined;
  // utime and stime are fields 14 and 15 of the line, 11 and 12 after the name and state.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * CPU seconds the JIT compiler threads of a live JVM have used so far (Linux): the threads HotSpot
 * names `C1 CompilerThread<n>` and `C2 CompilerThread<n>` ({@link isJitCompilerThread}). On a
 * fresh DynamoDB Local a good share of its CPU is compiling its own code, work that warms up once
 * and that DynamoDB on AWS does not have. Undefined where /proc does not exist or the JVM is gone.
 */
export async function jitCompilerCpuSecondsOf(pid: number): Promise<number | undefined> {
  let threads: string[];
  try {
    threads = await readdir(`/proc/${pid}/task`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
  let seconds = 0;
  for (const thread of threads) {
    const name = (await readProc(`/proc/${pid}/task/${thread}/comm`))?.trim();
    if (name === undefined || !isJitCompilerThread(name)) continue;
    seconds += (await cpuSecondsOf(Number(thread), `/proc/${pid}/task/${thread}/stat`)) ?? 0;
  }
  return seconds;
}

/**
 * Whether a thread name (as /proc shows it, cut to 15 characters) is one of HotSpot's JIT
 * compiler threads: `C1 CompilerThre`, `C2 CompilerThre`.
 */
export function isJitCompilerThread(name: string): boolean {
  return /^C[12] CompilerThre/.test(name);
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
