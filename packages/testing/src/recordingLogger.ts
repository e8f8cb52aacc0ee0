/** The levels a service logger has, as the poller and the handlers call them. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One call to the logger: its level, the structured fields (child bindings merged in) and the message. */
export interface LoggedLine {
  readonly level: LogLevel;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly message: string;
}

/**
 * A logger of the shape the services and `SqsPoller` take (`PollerLogger`: object first, then a
 * constant message, and `child`), that keeps every line instead of writing it, so a test can
 * assert what was logged. Children share the parent's `lines`.
 */
export interface RecordingLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: Record<string, unknown>): RecordingLogger;
  /** Every line logged so far, by this logger and its children, in order. */
  readonly lines: readonly LoggedLine[];
  /** The messages logged at one level, in order. */
  messages(level: LogLevel): string[];
}

export function createRecordingLogger(): RecordingLogger {
  return loggerWith([], {});
}

function loggerWith(lines: LoggedLine[], bindings: Readonly<Record<string, unknown>>): RecordingLogger {
  const record = (level: LogLevel) => (fields: object, message: string) => {
    lines.push({ level, fields: { ...bindings, ...fields }, message });
  };
  return {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: (childBindings) => loggerWith(lines, { ...bindings, ...childBindings }),
    lines,
    messages: (level) => lines.filter((line) => line.level === level).map((line) => line.message),
  };
}
