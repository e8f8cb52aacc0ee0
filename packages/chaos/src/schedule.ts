import { SeededRandom } from '@storeflow/datagen';
import type { Emulator, PauseSpec } from './chaosOptions.js';

/** Why a file is uploaded at this point of the run. */
export const ArrivalKind = {
  /** Its first upload, in the shuffled order of the initial burst. */
  FIRST: 'first',
  /** The same bytes again, later in the initial burst: the pipeline must see one version. */
  DUPLICATE: 'duplicate',
  /** The same bytes again during the storm, after the file may already be final and archived. */
  REUPLOAD: 'reupload',
} as const;
export type ArrivalKind = (typeof ArrivalKind)[keyof typeof ArrivalKind];

/** One upload of a file. */
export interface Arrival<File> {
  readonly file: File;
  readonly kind: ArrivalKind;
}

/** Re-uploads during the storm, each `atMs` after the storm began. */
export interface LateArrival<File> extends Arrival<File> {
  readonly atMs: number;
}

/** The uploads of a run: a burst before the storm, then re-uploads at given times within it. */
export interface ArrivalPlan<File> {
  readonly initial: readonly Arrival<File>[];
  readonly late: readonly LateArrival<File>[];
}

/** Share of the files uploaded twice in the initial burst, and share re-uploaded during the storm. */
export const DUPLICATE_SHARE = 0.25;
export const REUPLOAD_SHARE = 0.25;
/** Re-uploads land in the first part of the storm, so faults still follow each of them. */
const REUPLOAD_WINDOW = 0.8;

/**
 * The upload order of a run, a pure function of the seed: every file once in a shuffled order
 * (items may come before their orders, orders before their products), a quarter of them a second
 * time later in the same burst, and a quarter again at a random time during the storm.
 *
 * @example
 * planArrivals(['a', 'b', 'c', 'd'], 's', 60_000).initial.map((arrival) => arrival.file); // e.g. ['c', 'a', 'd', 'c', 'b']
 */
export function planArrivals<File>(files: readonly File[], seed: string, stormMs: number): ArrivalPlan<File> {
  const order = new SeededRandom(seed, 'arrival-order').shuffle(files);
  const duplicates = new SeededRandom(seed, 'duplicates');
  const initial: Arrival<File>[] = order.map((file) => ({ file, kind: ArrivalKind.FIRST }));
  for (const file of order) {
    if (!duplicates.chance(DUPLICATE_SHARE)) continue;
    // Anywhere after its first upload, so some duplicates follow at once and some much later.
    const first = initial.findIndex((arrival) => arrival.file === file && arrival.kind === ArrivalKind.FIRST);
    initial.splice(duplicates.int(first + 1, initial.length), 0, { file, kind: ArrivalKind.DUPLICATE });
  }
  const reuploads = new SeededRandom(seed, 'reuploads');
  const late = order
    .filter(() => reuploads.chance(REUPLOAD_SHARE))
    .map((file) => ({
      file,
      kind: ArrivalKind.REUPLOAD,
      atMs: reuploads.int(0, Math.floor(stormMs * REUPLOAD_WINDOW)),
    }))
    .sort((a, b) => a.atMs - b.atMs);
  return { initial, late };
}

/** One fault of the storm, `atMs` after it began. */
export type Fault =
  | {
      readonly kind: 'kill';
      readonly atMs: number;
      /** In [0, 1): which of the live workers dies, as a share of their list. */
      readonly pick: number;
    }
  | {
      readonly kind: 'pause';
      readonly atMs: number;
      readonly emulator: Emulator;
      readonly forMs: number;
    };

/**
 * The faults of a storm, a pure function of the seed, in time order: a kill every `min`..`max`
 * seconds (drawn uniformly, millisecond resolution) until the storm ends, and the asked pauses.
 */
export function planFaults(options: {
  readonly seed: string;
  readonly stormMs: number;
  readonly killEverySeconds: { readonly min: number; readonly max: number };
  readonly pauses: readonly PauseSpec[];
}): Fault[] {
  const random = new SeededRandom(options.seed, 'kills');
  const minMs = Math.round(options.killEverySeconds.min * 1000);
  const maxMs = Math.round(options.killEverySeconds.max * 1000);
  const faults: Fault[] = [];
  for (let atMs = random.int(minMs, maxMs); atMs < options.stormMs; atMs += random.int(minMs, maxMs)) {
    faults.push({ kind: 'kill', atMs, pick: random.next() });
  }
  for (const pause of options.pauses) {
    faults.push({
      kind: 'pause',
      atMs: pause.atSeconds * 1000,
      emulator: pause.emulator,
      forMs: pause.forSeconds * 1000,
    });
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}

/** The element a kill's `pick` names among the candidates, or undefined when there are none. */
export function pickVictim<Candidate>(candidates: readonly Candidate[], pick: number): Candidate | undefined {
  return candidates[Math.min(candidates.length - 1, Math.floor(pick * candidates.length))];
}
