import { type DateRowCounts, InvalidOptionError } from '@storeflow/core';
import type { AwsClients } from '../createAwsClients.js';
import { type Item, numberValue, requireNumber, requireString, stringValue } from './attributes.js';
import { checkDate } from './checkDate.js';
import type { FencedWrite } from './fencedWrite.js';
import { partitionRange, queryAll } from './queryAll.js';

/** The quality table partition of the per-date row counts. */
const PARTITION = 'dayrows';

/**
 * The row counts of each order date in the quality table (`pk = dayrows`, `sk = <date>`,
 * `accepted`, `rejected`), from which the date's rejected-row rate is judged. The transformer's
 * recompute of a date replaces its item in the same fenced transaction as the date's KPI rows, from the same current source
 * versions as the date's KPIs, so the counts and the KPIs of a date always come from one run.
 *
 * @example
 * const counts = dayRows.replacement('2025-04-01', { accepted: 120, rejected: 3 });
 * await kpis.replaceDate('2025-04-01', kpis, provenance, dates.leaseFence(date, me), [counts]);
 * const stored = await dayRows.list('2025-03-04', '2025-04-29'); // Map of date to counts
 */
export class DailyQualityStore {
  readonly #clients: AwsClients;
  readonly #table: string;

  constructor(options: { clients: AwsClients; tableName: string }) {
    this.#clients = options.clients;
    this.#table = options.tableName;
  }

  /**
   * The write that makes the stored counts of `date` exactly `counts`, or deletes them when
   * `counts` is undefined (the date has no rows). It is applied by the date's recompute in the
   * same fenced transaction as the date's KPI rows (`KpiRepository.replaceDate`'s `alongside`),
   * so a holder that lost the lease writes neither, and the date costs one transaction, not two.
   */
  replacement(date: string, counts: DateRowCounts | undefined): FencedWrite {
    checkDate('date', date);
    const key = { pk: stringValue(PARTITION), sk: stringValue(date) };
    if (counts === undefined) return { table: this.#table, delete: key };
    for (const [name, value] of Object.entries(counts)) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new InvalidOptionError(`counts.${name}`, `must be a non-negative integer, got ${value}`);
      }
    }
    return {
      table: this.#table,
      put: { ...key, accepted: numberValue(counts.accepted), rejected: numberValue(counts.rejected) },
    };
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
