import { type RunningService, startServiceProcess, stopServiceProcesses } from '@storeflow/cli/pipeline';
import { ChaosHarnessError } from './errors.js';
import { pickVictim } from './schedule.js';

export const SERVICES = ['validator', 'transformer'] as const;
export type Service = (typeof SERVICES)[number];

/** A worker process that answered `/healthz` and has not been killed. */
interface LiveWorker {
  readonly service: Service;
  readonly process: RunningService;
}

export interface WorkerPoolOptions {
  /** Workers per service the pool keeps up. */
  readonly perService: number;
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
  readonly log: (line: string) => void;
}

// A replacement that does not start (its /healthz stays silent while an emulator is paused, or a
// loaded machine starves it) is tried again after this pause, as long as the pool runs.
const RESTART_PAUSE_MS = 1_000;
const MAX_FAILED_STARTS_IN_A_ROW = 20;

/**
 * The validator and transformer processes of a run, each a process of its own as the demo runs
 * them: kills one on request and starts its replacement, replaces one that ended on its own, and
 * keeps count of both.
 */
export class WorkerPool {
  readonly #options: WorkerPoolOptions;
  readonly #live: LiveWorker[] = [];
  readonly #killedPids = new Set<number>();
  readonly #nextIndex: Record<Service, number> = { validator: 1, transformer: 1 };
  readonly #starting = new Set<Promise<void>>();
  readonly #kills: Record<Service, number> = { validator: 0, transformer: 0 };
  readonly #unexpectedExits: string[] = [];
  #stopping = false;
  #failure: ChaosHarnessError | undefined;

  constructor(options: WorkerPoolOptions) {
    this.#options = options;
  }

  /** Starts every worker and resolves when all answer. */
  async start(): Promise<void> {
    for (const service of SERVICES) {
      for (let index = 0; index < this.#options.perService; index++) this.#replace(service);
    }
    await this.settled();
  }

  /** Workers killed so far, by service. */
  get kills(): Readonly<Record<Service, number>> {
    return { ...this.#kills };
  }

  /** Workers that ended without being killed, each as `<name>: <how>`. */
  get unexpectedExits(): readonly string[] {
    return [...this.#unexpectedExits];
  }

  /** Throws the reason the pool cannot keep its workers up, if there is one. */
  assertHealthy(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /**
   * SIGKILLs the live worker `pick` names (a share of the live list, in [0, 1)) and starts its
   * replacement in the background.
   *
   * @returns the killed worker's name, or undefined when no worker is up (all are starting)
   */
  kill(pick: number): string | undefined {
    const victim = pickVictim(this.#live, pick);
    if (victim === undefined) return undefined;
    this.#live.splice(this.#live.indexOf(victim), 1);
    this.#killedPids.add(victim.process.pid);
    try {
      process.kill(victim.process.pid, 'SIGKILL');
    } catch (error) {
      // Ended on its own an instant before: its exit handler has already replaced it.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      return undefined;
    }
    this.#kills[victim.service] += 1;
    this.#replace(victim.service);
    return victim.process.name;
  }

  /** Resolves when no replacement is still starting. */
  async settled(): Promise<void> {
    while (this.#starting.size > 0) await Promise.all(this.#starting);
    this.assertHealthy();
  }

  /** Stops every worker gracefully (SIGTERM, then SIGKILL after the services' grace). */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#starting);
    await stopServiceProcesses(this.#live.map((worker) => worker.process));
    this.#live.length = 0;
  }

  #replace(service: Service): void {
    const starting = this.#startUntilUp(service).finally(() => this.#starting.delete(starting));
    this.#starting.add(starting);
  }

  async #startUntilUp(service: Service): Promise<void> {
    for (let failedStarts = 0; !this.#stopping; failedStarts++) {
      const index = this.#nextIndex[service]++;
      try {
        const { service: started, exited } = await startServiceProcess(
          service,
          index,
          this.#options.env,
          this.#options.logDir,
        );
        exited.then((exit) => this.#onExit(service, started, exit));
        if (this.#stopping) {
          await stopServiceProcesses([started]);
          return;
        }
        this.#live.push({ service, process: started });
        return;
      } catch (error) {
        this.#options.log(`${service}-${index} did not start: ${(error as Error).message}`);
        if (failedStarts + 1 >= MAX_FAILED_STARTS_IN_A_ROW) {
          this.#failure = new ChaosHarnessError(
            `${MAX_FAILED_STARTS_IN_A_ROW} ${service} processes in a row did not start; last: ${(error as Error).message}`,
            { cause: error },
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, RESTART_PAUSE_MS));
      }
    }
  }

  #onExit(
    service: Service,
    worker: RunningService,
    exit: { code: number | null; signal: string | null },
  ): void {
    if (this.#killedPids.has(worker.pid) || this.#stopping) return;
    const at = this.#live.findIndex((live) => live.process.pid === worker.pid);
    if (at !== -1) this.#live.splice(at, 1);
    this.#unexpectedExits.push(
      `${worker.name}: ${exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`} (log ${worker.logFile})`,
    );
    this.#options.log(`${worker.name} ended on its own; starting a replacement`);
    this.#replace(service);
  }
}
