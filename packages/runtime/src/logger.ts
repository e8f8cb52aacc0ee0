import { type DestinationStream, type Logger, type LoggerOptions as PinoOptions, pino } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  version: string;
  level?: string;
  /** Where lines go; stdout (the default) in services, a capture stream in tests. */
  destination?: DestinationStream;
}

/**
 * The process's root logger: JSON lines on stdout (synchronous, so nothing is lost on a crash),
 * level names instead of numbers (easier to query in CloudWatch), ISO timestamps, and row
 * payloads and credentials redacted. Build one in `main.ts` and hand children to components.
 *
 * @example
 * const log = createLogger({ service: 'validator', version: '1.0.0' });
 * log.child({ messageId, key }).info({ rows: 10_000 }, 'file validated');
 */
export function createLogger({ service, version, level = 'info', destination }: LoggerOptions): Logger {
  const options: PinoOptions = {
    level,
    base: { service, version },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: ['row', '*.row', '*.credentials', '*.secretAccessKey', '*.sessionToken'],
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
