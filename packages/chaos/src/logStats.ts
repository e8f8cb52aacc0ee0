/** What one service's log lines say about the run. */
export interface LogStats {
  readonly warnLines: number;
  /** `error` and `fatal` lines. */
  readonly errorLines: number;
  /** Lines that are not pino JSON: a crash's stack trace, a runtime warning. */
  readonly otherLines: number;
  /** Receive counts above 1 seen per message id, each counted once. */
  readonly redeliveries: ReadonlyMap<string, ReadonlySet<number>>;
  /** Highest `receiveCount` on any line; 0 when no line carried one. */
  readonly maxReceiveCount: number;
}

export const EMPTY_LOG_STATS: LogStats = {
  warnLines: 0,
  errorLines: 0,
  otherLines: 0,
  redeliveries: new Map(),
  maxReceiveCount: 0,
};

interface LogLine {
  level?: unknown;
  messageId?: unknown;
  receiveCount?: unknown;
}

/**
 * Reads the pino JSON lines of a service log. The poller binds `messageId` and `receiveCount` to
 * every line logged while a message is handled, so a delivery with `receiveCount > 1` shows up
 * as soon as any line of its handling is logged; a delivery killed before it logged anything
 * stays unseen, so redeliveries are a lower bound.
 */
export function scanServiceLog(text: string): LogStats {
  let warnLines = 0;
  let errorLines = 0;
  let otherLines = 0;
  let maxReceiveCount = 0;
  const redeliveries = new Map<string, Set<number>>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: LogLine;
    try {
      entry = JSON.parse(line) as LogLine;
    } catch {
      otherLines += 1;
      continue;
    }
    if (entry.level === 'warn') warnLines += 1;
    else if (entry.level === 'error' || entry.level === 'fatal') errorLines += 1;
    if (typeof entry.receiveCount !== 'number') continue;
    maxReceiveCount = Math.max(maxReceiveCount, entry.receiveCount);
    if (entry.receiveCount > 1 && typeof entry.messageId === 'string') {
      const counts = redeliveries.get(entry.messageId) ?? new Set<number>();
      counts.add(entry.receiveCount);
      redeliveries.set(entry.messageId, counts);
    }
  }
  return { warnLines, errorLines, otherLines, redeliveries, maxReceiveCount };
}

/** The stats of several logs of one service (its processes, replacements included) as one. */
export function mergeLogStats(stats: readonly LogStats[]): LogStats {
  const redeliveries = new Map<string, Set<number>>();
  for (const { redeliveries: seen } of stats) {
    for (const [messageId, counts] of seen) {
      redeliveries.set(messageId, new Set([...(redeliveries.get(messageId) ?? []), ...counts]));
    }
  }
  return {
    warnLines: sum(stats.map((entry) => entry.warnLines)),
    errorLines: sum(stats.map((entry) => entry.errorLines)),
    otherLines: sum(stats.map((entry) => entry.otherLines)),
    redeliveries,
    maxReceiveCount: Math.max(0, ...stats.map((entry) => entry.maxReceiveCount)),
  };
}

/** Messages delivered more than once, and deliveries beyond the first, as the logs show them. */
export function redeliveryCounts(stats: LogStats): { messages: number; deliveries: number } {
  return {
    messages: stats.redeliveries.size,
    deliveries: sum([...stats.redeliveries.values()].map((counts) => counts.size)),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
