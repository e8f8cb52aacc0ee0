import { type LineageKey, relativeToDataset, sourceIdOf, versionSegment } from '@storeflow/core';

/**
 * Where a source object version's outputs other than silver go (silver is SilverStore's, by
 * source id). Names derive from the source key and the object version, so validating the same
 * version again overwrites its own outputs, and a new version of the key (a re-upload, even on
 * the same day) writes beside the earlier ones instead of replacing or mixing with them.
 */
export interface OutputKeys {
  /** Short stable name of the source key: readable stem plus a hash of the whole key. */
  readonly sourceId: string;
  readonly report: string;
  readonly rejectedRows: string;
}

/**
 * @param dataset the routed dataset, or `unknown` for a file rejected before routing
 * @param eventTime ISO time of the object version's first event: its UTC date names the folder
 */
export function outputKeys(dataset: string, key: LineageKey, eventTime: string): OutputKeys {
  return {
    sourceId: sourceIdOf(key.sourceKey),
    report: `${versionOutputPrefix('validation-reports', dataset, key, eventTime)}.json`,
    rejectedRows: `${versionOutputPrefix('rejected', dataset, key, eventTime)}.rejected.jsonl`,
  };
}

/**
 * `<area>/<dataset>/<event date>/<path>/<version segment>`, `<path>` being the key below its
 * dataset folder. The version segment holds no `/`, so the last segment is always the version
 * and every (key, version) pair gets its own name; the versions of one file first seen on one day
 * are the names directly under `<area>/<dataset>/<event date>/<path>/`.
 */
function versionOutputPrefix(area: string, dataset: string, key: LineageKey, eventTime: string): string {
  return `${area}/${dataset}/${eventTime.slice(0, 10)}/${relativeToDataset(key.sourceKey)}/${versionSegment(key.objectVersion)}`;
}
