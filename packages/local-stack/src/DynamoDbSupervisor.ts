import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDbLocal, type DynamoDbLocalExit, type DynamoDbLocalOptions } from './DynamoDbLocal.js';
import { LOOPBACK } from './ports.js';

/** What a component of the stack is doing now. */
export const ComponentState = {
  RUNNING: 'running',
  /** It exited unexpectedly and is being started again on the same port and data. */
  RESTARTING: 'restarting',
  /** It exited and will not come back by itself; see the status's `reason`. */
  DOWN: 'down',
} as const;
export type ComponentState = (typeof ComponentState)[keyof typeof ComponentState];

/** DynamoDB Local as the stack sees it. */
export interface DynamoDbStatus {
  readonly state: ComponentState;
  /** The running JVM's process id; absent while restarting or down. */
  readonly pid?: number;
  /** Restarts after an unexpected exit since the stack started. */
  readonly restarts: number;
  /** True when its tables live in a data directory and survive a restart. */
  readonly persisted: boolean;
  /** Why it is restarting or down. */
  readonly reason?: string;
}

/** A change of DynamoDB Local's state, for the stack's owner to log. */
export interface DynamoDbChange {
  readonly status: DynamoDbStatus;
  /** What happened: the JVM exited, was restarted, or will not be. */
  readonly event: 'exited' | 'restarted' | 'restart-failed' | 'gave-up';
  /** The failed start, for `restart-failed` and `gave-up`. */
  readonly error?: Error;
}

// Starts tried after an unexpected exit before giving up, and the wait before each: 1 s, 2 s, …
const RESTART_ATTEMPTS = 5;
const RESTART_BASE_DELAY_MS = 1_000;

/**
 * Keeps DynamoDB Local serving: when its JVM exits without being asked to (killed, crashed), it is
 * started again on the same port with the same `-dbPath`, so clients keep their endpoint and a
 * persisted stack keeps its tables.
 *
 * An in-memory DynamoDB Local is not restarted: its tables died with the JVM, and an empty
 * DynamoDB answering on the old port would let workers run against missing tables (and lineage
 * lost beside S3 objects and queue messages that still exist) instead of failing visibly. It is
 * reported `down`, and the way back is a fresh stack.
 */
export class DynamoDbSupervisor {
  readonly #options: DynamoDbLocalOptions;
  readonly #onChange: (change: DynamoDbChange) => void;
  #current: DynamoDbLocal | undefined;
  #status: DynamoDbStatus;
  #stopping = false;
  #recovery: Promise<void> | undefined;

  private constructor(
    options: DynamoDbLocalOptions,
    first: DynamoDbLocal,
    onChange: (change: DynamoDbChange) => void,
  ) {
    this.#options = options;
    this.#onChange = onChange;
    this.#status = {
      state: ComponentState.RUNNING,
      ...(first.pid === undefined ? {} : { pid: first.pid }),
      restarts: 0,
      persisted: options.dbPath !== undefined,
    };
    this.#watch(first);
  }

  /**
   * Starts DynamoDB Local and watches it.
   *
   * @throws {ComponentNotHealthyError} when the first start fails (nothing is left running)
   */
  static async start(
    options: DynamoDbLocalOptions,
    onChange: (change: DynamoDbChange) => void,
  ): Promise<DynamoDbSupervisor> {
    return new DynamoDbSupervisor(options, await DynamoDbLocal.start(options), onChange);
  }

  get port(): number {
    return this.#options.port;
  }

  get endpoint(): string {
    return `http://${LOOPBACK}:${this.#options.port}`;
  }

  get status(): DynamoDbStatus {
    return this.#status;
  }

  /** Stops DynamoDB Local for good, waiting for a restart under way to finish first. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#recovery;
    await this.#current?.stop();
  }

  #watch(instance: DynamoDbLocal): void {
    this.#current = instance;
    void instance.exited.then((exit) => {
      if (this.#stopping || this.#current !== instance) return;
      this.#recovery = this.#recover(instance, exit);
    });
  }

  async #recover(dead: DynamoDbLocal, exit: DynamoDbLocalExit): Promise<void> {
    // Releases its stdio pipes and exit hook; the process is already gone.
    await dead.stop();
    const how = exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
    if (!this.#status.persisted) {
      this.#change('exited', {
        state: ComponentState.DOWN,
        reason: `the in-memory DynamoDB Local (pid ${dead.pid}) ended by ${how}: its tables are lost, so it is not restarted; start a fresh stack`,
      });
      return;
    }
    this.#change('exited', {
      state: ComponentState.RESTARTING,
      reason: `DynamoDB Local (pid ${dead.pid}) ended by ${how}; restarting on port ${this.port} with its data`,
    });
    for (let attempt = 1; attempt <= RESTART_ATTEMPTS; attempt++) {
      await sleep(RESTART_BASE_DELAY_MS * 2 ** (attempt - 1));
      if (this.#stopping) return;
      try {
        const next = await DynamoDbLocal.start(this.#options);
        this.#watch(next);
        if (this.#stopping) return;
        this.#change('restarted', {
          state: ComponentState.RUNNING,
          ...(next.pid === undefined ? {} : { pid: next.pid }),
          restarts: this.#status.restarts + 1,
        });
        return;
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        const last = attempt === RESTART_ATTEMPTS;
        this.#change(
          last ? 'gave-up' : 'restart-failed',
          {
            state: last ? ComponentState.DOWN : ComponentState.RESTARTING,
            reason: last
              ? `DynamoDB Local could not be restarted after ${attempt} attempts: ${failure.message}`
              : `restart attempt ${attempt} of ${RESTART_ATTEMPTS} failed: ${failure.message}`,
          },
          failure,
        );
      }
    }
  }

  #change(
    event: DynamoDbChange['event'],
    update: Pick<DynamoDbStatus, 'state'> & Partial<DynamoDbStatus>,
    error?: Error,
  ): void {
    // The pid and reason describe one state only; the counts carry over.
    const { persisted, restarts } = this.#status;
    this.#status = { persisted, restarts, ...update };
    this.#onChange({ status: this.#status, event, ...(error === undefined ? {} : { error }) });
  }
}
