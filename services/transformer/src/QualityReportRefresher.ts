/** Starts `work` after `delayMs`; returns what cancels it. */
export type Schedule = (work: () => void, delayMs: number) => () => void;

export interface QualityReportRefresherOptions {
  /** Least time between two refreshes' starts, ms (> 0). */
  readonly intervalMs: number;
  /** Gathers, renders and publishes the page. */
  readonly refresh: () => Promise<void>;
  /** A refresh failed; the next finished file tries again. */
  readonly onFailure: (error: unknown) => void;
  readonly onSuccess: (durationMs: number) => void;
  readonly now: () => number;
  /** Default: an unref'd `setTimeout`, so a pending refresh never keeps the process alive. */
  readonly schedule?: Schedule;
}

/**
 * Keeps the quality report page current without slowing the transformer: a finished file only
 * asks for a refresh, which runs in the background, one at a time, at most once per interval.
 * A file finished while a refresh runs or too soon after one is covered by one refresh at the end
 * of the interval, so the page is never more than an interval behind the last file.
 */
export class QualityReportRefresher {
  readonly #options: QualityReportRefresherOptions;
  readonly #schedule: Schedule;
  #lastStartMs: number | undefined;
  #running: Promise<void> | undefined;
  #cancelTimer: (() => void) | undefined;
  /** A file finished after the running refresh read lineage. */
  #stale = false;

  constructor(options: QualityReportRefresherOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${options.intervalMs}`);
    this.#options = options;
    this.#schedule = options.schedule ?? scheduleUnref;
  }

  /** A file reached a final status: refresh now, or once the interval since the last start is up. */
  fileFinished(): void {
    if (this.#running !== undefined) {
      this.#stale = true;
      return;
    }
    if (this.#cancelTimer !== undefined) return;
    const waitMs =
      this.#lastStartMs === undefined
        ? 0
        : this.#lastStartMs + this.#options.intervalMs - this.#options.now();
    if (waitMs <= 0) {
      this.#start();
      return;
    }
    this.#cancelTimer = this.#schedule(() => {
      this.#cancelTimer = undefined;
      this.#start();
    }, waitMs);
  }

  /** Resolves once no refresh is running (the last one's outcome went to its callbacks). */
  async settled(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /** Drops a refresh waiting for its interval (a running one finishes). */
  cancel(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#stale = false;
  }

  #start(): void {
    const startMs = this.#options.now();
    this.#lastStartMs = startMs;
    this.#stale = false;
    this.#running = this.#options
      .refresh()
      .then(
        () => this.#options.onSuccess(this.#options.now() - startMs),
        (error: unknown) => this.#options.onFailure(error),
      )
      .finally(() => {
        this.#running = undefined;
        if (this.#stale) this.fileFinished();
      });
  }
}

function scheduleUnref(work: () => void, delayMs: number): () => void {
  const timer = setTimeout(work, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
}
