import { randomUUID } from 'node:crypto';

/** Anything a test file starts once and must stop: an embedded stack, a server, a child process. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Starts `start()` before the calling test file's first test and stops it after its last, and
 * returns a getter for it: `const stack = perTestFile(() => startEmbeddedStack());` then
 * `stack().env()` inside tests and hooks. Each test file runs in its own jest worker context, so
 * each gets its own instance on its own free ports.
 *
 * The start function is passed in rather than imported so this package depends on no workspace
 * package, and every package's tests (the embedded stack's own included) can use it.
 *
 * @param timeoutMs how long the start may take: a JVM-backed stack on a loaded machine is slow
 */
export function perTestFile<T extends Stoppable>(start: () => Promise<T>, timeoutMs = 60_000): () => T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  }, timeoutMs);
  afterAll(async () => {
    await started?.stop();
  });
  return () => {
    if (started === undefined) {
      throw new Error('perTestFile: used before its beforeAll ran, or its start failed');
    }
    return started;
  };
}

/**
 * A resource prefix no other test uses (`<tag>-` and 8 hex characters), valid in bucket, queue
 * and table names, so test files sharing a stack never see each other's resources.
 */
export function uniquePrefix(tag: string): string {
  return `${tag}-${randomUUID().slice(0, 8)}`;
}
