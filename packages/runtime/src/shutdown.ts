import type { Logger } from 'pino';

/**
 * Wraps a shutdown routine so that only the first signal runs it; later signals are logged and
 * ignored. A failing routine is logged and ends the process with exit code 1.
 */
export function runOnce(
  log: Logger,
  routine: (signal: NodeJS.Signals) => Promise<void>,
  exit: (code: number) => void,
): (signal: NodeJS.Signals) => void {
  let started = false;
  return (signal) => {
    if (started) {
      log.warn({ signal }, 'shutdown already in progress');
      return;
    }
    started = true;
    routine(signal).catch((error: unknown) => {
      log.error({ err: error, signal }, 'shutdown failed');
      exit(1);
    });
  };
}
