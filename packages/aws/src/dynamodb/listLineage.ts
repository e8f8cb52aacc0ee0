import { FileStatus, type LineageRecord } from '@storeflow/core';
import type { LineageRepository } from './LineageRepository.js';

/**
 * Lineage records in the given statuses (default: all of them), newest update first, at most
 * `limit`. Reads the `status-index` GSI one status at a time, page by page, so listing everything
 * reads the whole table; the index is eventually consistent, so a change a moment old may be
 * missing.
 */
export async function listLineage(
  lineage: LineageRepository,
  options: { statuses?: readonly FileStatus[]; limit?: number } = {},
): Promise<LineageRecord[]> {
  const records: LineageRecord[] = [];
  for (const status of options.statuses ?? Object.values(FileStatus)) {
    let cursor: string | undefined;
    let taken = 0;
    do {
      // The newest `limit` of each status are enough to find the newest `limit` of all.
      const remaining = options.limit === undefined ? undefined : options.limit - taken;
      const page = await lineage.listByStatus(status, {
        newestFirst: true,
        ...(remaining === undefined ? {} : { limit: remaining }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      records.push(...page.records);
      taken += page.records.length;
      cursor = page.cursor;
    } while (cursor !== undefined && (options.limit === undefined || taken < options.limit));
  }
  records.sort(
    (a, b) =>
      compare(b.updatedAt, a.updatedAt) ||
      compare(a.sourceKey, b.sourceKey) ||
      compare(a.objectVersion, b.objectVersion),
  );
  return options.limit === undefined ? records : records.slice(0, options.limit);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
