import { type DateRowCounts, InvalidOptionError } from '@storeflow/core';
import type { AwsClients } from '../createAwsClients.js';
import { type Item, numberValue, requireNumber, requireString, stringValue } from './attributes.js';
import { checkDate } from './checkDate.js';
import { fencedWriteAll, type WriteFence } from './fencedWrite.js';
import { partitionRange, queryAll } from './queryAll.js';

/** The quality table partition of the per-date row counts. */
const PARTITION = 'dayrows';

/**
 * The row counts of each order date in the quality table (`pk = dayrows`, `sk = <date>`,
 * `accepted`, `rejected`), from which the date's rejected-row rate is judged. The transformer's
 * recompute of a date replaces its item under the date's lease, from the same current source
 * versions as the date's KPIs, so the counts and the KPIs of a date always come from one run.
 *
 * @example
 * await dayRows.replace('2025-04-01', { accepted: 120, rejected: 3 }, dates.leaseFence(date, me));
 * const counts = await dayRows.list('2025-03-04', '2025-04-29'); // Map of date to counts
 */
export class DailyQualityStore {
  readonly #clients: AwsClients;
  readonly #table: string;

  constructor(options: { clients: AwsClients; tableName: string }) {
    this.#clients = options.clients;
    this.#table = options.tableName;
  }

  /**
   * Makes the stored counts of `date` exactly `counts`, or deletes them when `counts` is undefined
   * (the date has no rows), in one transaction fenced by `fence` (the date's recompute lease):
   * a holder that lost the lease writes nothing and gets `fence.broken()`.
   */
  async replace(date: string, counts: DateRowCounts | undefined, fence: WriteFence): Promise<void> {
    checkDate('date', date);
    const key = { pk: stringValue(PARTITION), sk: stringValue(date) };
    if (counts !== undefined) {
      for (const [name, value] of Object.entries(counts)) {
        if (!Number.isSafeInteger(value) || value < 0) {
          throw new InvalidOptionError(`counts.${name}`, `must be a non-negative integer, got ${value}`);
        }
      }
    }
    const write =
      counts === undefined
        ? { table: this.#table, delete: key }
        : {
            table: this.#table,
            put: { ...key, accepted: numberValue(counts.accepted), rejected: numberValue(counts.rejected) },
          };
    await fencedWriteAll(this.#clients, [write], fence);
  }

  /** The stored counts of the dates from `from` to `to` (inclusive), strongly consistent. */
  async list(from: string, to: string): Promise<Map<string, DateRowCounts>> {
    checkDate('from', from);
    checkDate('to', to);
    const items = await queryAll(this.#clients, partitionRange(this.#table, PARTITION, from, to));
    return new Map(items.map((item) => [requireString(item, 'sk', this.#table), this.#parse(item)]));
  }

  #parse(item: Item): DateRowCounts {
    return {
      accepted: requireNumber(item, 'accepted', this.#table),
      rejected: requireNumber(item, 'rejected', this.#table),
    };
  }
}
