import path from 'node:path';
import {
  parseCommandLine,
  positiveIntegerOption,
  rejectPositionals,
  withStdoutForBareJson,
} from '@storeflow/cli/commandLine';
import { ChaosUsageError } from './errors.js';

/** The emulators a run can pause: DynamoDB Local (a JVM) and the S3 and SQS emulator (one process). */
export const EMULATORS = ['dynamodb', 's3sqs'] as const;
export type Emulator = (typeof EMULATORS)[number];

/** One pause of an emulator: SIGSTOP `atSeconds` into the storm, SIGCONT `forSeconds` later. */
export interface PauseSpec {
  readonly emulator: Emulator;
  readonly atSeconds: number;
  readonly forSeconds: number;
}

/** What one `pnpm chaos` invocation does. */
export interface ChaosOptions {
  /** Length of the storm (kills and pauses), seconds. */
  readonly durationSeconds: number;
  /** Processes per service: 2 means two validators and two transformers. */
  readonly workers: number;
  /** A worker is killed every `min`..`max` seconds, drawn uniformly. */
  readonly killEverySeconds: { readonly min: number; readonly max: number };
  readonly pauses: readonly PauseSpec[];
  readonly seed: string;
  /** The validator's late-reference window, seconds. */
  readonly graceSeconds: number;
  /** How long, after the storm, files may take to become final. */
  readonly timeoutSeconds: number;
  /** Where the JSON document goes: a file path, `'-'` for stdout, or nowhere. */
  readonly json: string | undefined;
  /** Parent of the run directories. */
  readonly dir: string;
  readonly help: boolean;
}

export const DEFAULT_DURATION_SECONDS = 300;
export const DEFAULT_WORKERS = 2;
export const DEFAULT_KILL_EVERY = '1-4';
export const DEFAULT_PAUSE_SECONDS = 30;
export const DEFAULT_SEED = 'storeflow-chaos';
/**
 * Longer than any storm: with the demo's 60 s an order file held back by the storm could let its
 * items' window lapse, and their rows would then be rejected as orphans, which is the window's
 * documented behaviour and not a fault this suite looks for.
 */
export const DEFAULT_GRACE_SECONDS = 3600;
export const DEFAULT_TIMEOUT_SECONDS = 900;

const OPTIONS = {
  duration: { type: 'string' },
  workers: { type: 'string' },
  'kill-every': { type: 'string' },
  pause: { type: 'string' },
  seed: { type: 'string' },
  'grace-seconds': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'string' },
  dir: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const CHAOS_USAGE = `Usage: pnpm chaos [options]

Runs the thelook sample through the whole pipeline on the embedded stack while worker processes
are SIGKILLed and replaced and, if asked, the emulators are paused; then waits until every file is
final and checks that every file is SUCCESS, the KPIs equal an independent computation and every
dead-letter queue is empty.

Options:
  --duration <s>          length of the storm, seconds (default ${DEFAULT_DURATION_SECONDS})
  --workers <n>           processes per service: n validators and n transformers (default ${DEFAULT_WORKERS})
  --kill-every <min-max>  seconds between two kills, drawn uniformly (default ${DEFAULT_KILL_EVERY}); one
                          number for a fixed interval
  --pause <list>          comma-separated <emulator>:<offset>[:<seconds>], emulator ${EMULATORS.join(' or ')}:
                          SIGSTOP it <offset> seconds into the storm, SIGCONT <seconds> later
                          (default ${DEFAULT_PAUSE_SECONDS}); e.g. dynamodb:180,s3sqs:240:20 (default: no pause)
  --seed <text>           seed of the upload order, the duplicates and the kills (default ${DEFAULT_SEED})
  --grace-seconds <s>     the validator's late-reference window (default ${DEFAULT_GRACE_SECONDS})
  --timeout <s>           after the storm, fail when files are not final by then (default ${DEFAULT_TIMEOUT_SECONDS})
  --json [file]           write the summary as one JSON document to file, or stdout
  --dir <dir>             where run directories (logs, stack state) go (default .chaos)
  -h, --help              show this help

Exit codes: 0 every file SUCCESS, KPIs exact and dead-letter queues empty; 1 any of these failed
or the run could not be carried out; 2 bad option.`;

/**
 * Parses the chaos suite's command line. `--json` takes an optional value: alone (or followed by
 * another option) it means stdout.
 *
 * @throws ChaosUsageError naming the option to fix
 */
export function parseChaosOptions(argv: readonly string[]): ChaosOptions {
  const { values, positionals } = parseCommandLine(withStdoutForBareJson(argv), OPTIONS, ChaosUsageError);
  rejectPositionals(positionals, ChaosUsageError);
  const durationSeconds = positiveInteger(values.duration, '--duration') ?? DEFAULT_DURATION_SECONDS;
  return {
    durationSeconds,
    workers: positiveInteger(values.workers, '--workers') ?? DEFAULT_WORKERS,
    killEverySeconds: interval(values['kill-every'] ?? DEFAULT_KILL_EVERY),
    pauses: pauses(values.pause, durationSeconds),
    seed: values.seed ?? DEFAULT_SEED,
    graceSeconds: positiveInteger(values['grace-seconds'], '--grace-seconds') ?? DEFAULT_GRACE_SECONDS,
    timeoutSeconds: positiveInteger(values.timeout, '--timeout') ?? DEFAULT_TIMEOUT_SECONDS,
    json: values.json,
    dir: path.resolve(values.dir ?? '.chaos'),
    help: values.help ?? false,
  };
}

function positiveInteger(value: string | undefined, option: string): number | undefined {
  return positiveIntegerOption(value, option, ChaosUsageError);
}

function interval(value: string): { min: number; max: number } {
  const match = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(value);
  const min = Number(match?.[1]);
  const max = match?.[2] === undefined ? min : Number(match[2]);
  if (match === null || !(min > 0) || max < min) {
    throw new ChaosUsageError(
      `--kill-every takes <min>-<max> seconds with 0 < min <= max, or one number, got '${value}'`,
    );
  }
  return { min, max };
}

function pauses(value: string | undefined, durationSeconds: number): PauseSpec[] {
  if (value === undefined) return [];
  const parsed = value.split(',').map((entry) => {
    const [emulator = '', atText = '', forText] = entry.trim().split(':');
    if (!(EMULATORS as readonly string[]).includes(emulator) || atText === '') {
      throw new ChaosUsageError(
        `--pause takes <emulator>:<offset>[:<seconds>] with emulator ${EMULATORS.join(' or ')}, got '${entry}'`,
      );
    }
    const atSeconds = atText === '0' ? 0 : (positiveInteger(atText, '--pause offset') as number);
    if (atSeconds >= durationSeconds) {
      throw new ChaosUsageError(
        `--pause ${entry}: the offset must fall inside the storm (--duration ${durationSeconds})`,
      );
    }
    const forSeconds = positiveInteger(forText, '--pause seconds') ?? DEFAULT_PAUSE_SECONDS;
    return { emulator: emulator as Emulator, atSeconds, forSeconds };
  });
  // One SIGCONT would end both pauses of an emulator that overlap.
  for (const pause of parsed) {
    const overlapping = parsed.find(
      (other) =>
        other !== pause &&
        other.emulator === pause.emulator &&
        other.atSeconds >= pause.atSeconds &&
        other.atSeconds < pause.atSeconds + pause.forSeconds,
    );
    if (overlapping !== undefined) {
      throw new ChaosUsageError(
        `--pause: the ${pause.emulator} pauses at ${pause.atSeconds} s and ${overlapping.atSeconds} s overlap`,
      );
    }
  }
  return parsed;
}
