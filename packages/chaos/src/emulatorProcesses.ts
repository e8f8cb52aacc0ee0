import { readdir, readFile, readlink } from 'node:fs/promises';
import type { Emulator } from './chaosOptions.js';
import { ChaosHarnessError } from './errors.js';

// The one place that knows which process serves which emulator, so it can switch to pids the
// stack records itself once it does. Linux only (/proc).

/** The stack as `startStackDaemon` describes it. */
export interface StackProcess {
  /** The stack daemon: it runs the S3 and SQS emulator in its own process. */
  readonly pid: number;
  readonly endpoints: { readonly dynamodb: string };
}

/**
 * The process to pause for an emulator, looked up at the moment of the pause: S3 and SQS run
 * inside the stack daemon; DynamoDB Local is the JVM among the daemon's descendants that listens
 * on the DynamoDB port (found by port, so a JVM the stack restarted is still found).
 *
 * @throws ChaosHarnessError when no such process is found
 */
export async function emulatorPid(stack: StackProcess, emulator: Emulator): Promise<number> {
  if (emulator === 's3sqs') return stack.pid;
  const port = Number(new URL(stack.endpoints.dynamodb).port);
  const inodes = await listeningSocketInodes(port);
  for (const pid of await descendantsOf(stack.pid)) {
    if (await ownsAnySocket(pid, inodes)) return pid;
  }
  throw new ChaosHarnessError(
    `no process under the stack daemon (pid ${stack.pid}) listens on the DynamoDB port ${port}`,
  );
}

/** Socket inodes listening on `port` (IPv4 or IPv6), from /proc/net/tcp and tcp6. */
async function listeningSocketInodes(port: number): Promise<Set<string>> {
  const LISTEN = '0A';
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readProc(table);
    for (const line of (text ?? '').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const localPort = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
      if (localPort === port && fields[3] === LISTEN && fields[9] !== undefined) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Every live descendant of `pid`, breadth first. */
async function descendantsOf(pid: number): Promise<number[]> {
  const found: number[] = [];
  const queue = [pid];
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    const tasks = (await readDir(`/proc/${parent}/task`)) ?? [];
    for (const task of tasks) {
      const children = (await readProc(`/proc/${parent}/task/${task}/children`)) ?? '';
      for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

async function ownsAnySocket(pid: number, inodes: ReadonlySet<string>): Promise<boolean> {
  for (const fd of (await readDir(`/proc/${pid}/fd`)) ?? []) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(ignoreVanished);
    const inode = target === undefined ? undefined : /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined && inodes.has(inode)) return true;
  }
  return false;
}

async function readProc(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(ignoreVanished);
}

async function readDir(dir: string): Promise<string[] | undefined> {
  return readdir(dir).catch(ignoreVanished);
}

/** A process or descriptor that ended between listing and reading: nothing to read, not a failure. */
function ignoreVanished(error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ESRCH') return undefined;
  throw error;
}
