import type { Anomaly } from '@storeflow/core';
import type { AwsClients } from '../createAwsClients.js';
import { InvalidItemError } from '../errors.js';
import { type Item, readStringList, requireString, stringListValue, stringValue } from './attributes.js';
import { checkDate } from './checkDate.js';
import { type FencedWrite, fencedWriteAll, type WriteFence } from './fencedWrite.js';
import { partitionRange, queryAll } from './queryAll.js';

/** The anomalies found on one order date, as the latest judgement of it left them. */
export interface DateVerdict {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** Empty when the date is normal (nothing is stored for it then). */
  readonly anomalies: readonly Anomaly[];
  /**
   * Metrics of `anomalies` whose alert is not published yet (the judge's outbox: stored with the
   * verdict, cleared once the alerts are out). Absent when there are none.
   */
  readonly unalerted?: readonly string[];
}

/** The quality table partition of the date verdicts. */
const PARTITION = 'anomalies#date';

/**
 * The current date-scope anomalies in the quality table: one item per order date that has any
 * (`pk = anomalies#date`, `sk = <date>`, `anomalies`: the list as JSON text, `unalerted`: a list
 * of metrics when some alerts are still to publish), none for a normal date. Written by the transformer's judge under its lease, read by it (to tell new anomalies
 * from known ones) and by `storeflow anomalies`.
 *
 * @example
 * const stored = await verdicts.list('2025-03-01', '2025-04-30');
 * await verdicts.replace([{ date: '2025-04-02', anomalies: [] }], judgeFence); // deletes its item
 */
export class DateAnomalyStore {
  readonly #clients: AwsClients;
  readonly #table: string;

  constructor(options: { clients: AwsClients; tableName: string }) {
    this.#clients = options.clients;
    this.#table = options.tableName;
  }

  /**
   * Stores each verdict as the date's current one: its item is put, or deleted when the verdict
   * has no anomalies. Every write is fenced by `fence` (the judge lease), 99 to a transaction;
   * a judge that lost the lease writes nothing more and gets `fence.broken()`.
   */
  async replace(verdicts: readonly DateVerdict[], fence: WriteFence): Promise<void> {
    const writes = verdicts.map((verdict): FencedWrite => {
      checkDate('verdict.date', verdict.date);
      const key = { pk: stringValue(PARTITION), sk: stringValue(verdict.date) };
      return verdict.anomalies.length === 0
        ? { table: this.#table, delete: key }
        : {
            table: this.#table,
            put: {
              ...key,
              anomalies: stringValue(JSON.stringify(verdict.anomalies)),
              ...(verdict.unalerted === undefined || verdict.unalerted.length === 0
                ? {}
                : { unalerted: stringListValue(verdict.unalerted) }),
            },
          };
    });
    await fencedWriteAll(this.#clients, writes, fence);
  }

  /**
   * The stored verdicts of the dates from `from` to `to` (inclusive; either bound may be left
   * open), sorted by date, strongly consistent. Only dates with anomalies are stored, so every
   * verdict returned has at least one.
   */
  async list(from = '0000-01-01', to = '9999-12-31'): Promise<DateVerdict[]> {
    checkDate('from', from);
    checkDate('to', to);
    const items = await queryAll(this.#clients, partitionRange(this.#table, PARTITION, from, to));
    // The sort key is the date, and a Query returns its items in sort key order.
    return items.map((item) => this.#parse(item));
  }

  /** The anomalies of {@link list}, flattened in date order: what `storeflow anomalies` prints. */
  async listAnomalies(from?: string, to?: string): Promise<Anomaly[]> {
    return (await this.list(from, to)).flatMap((verdict) => verdict.anomalies);
  }

  #parse(item: Item): DateVerdict {
    const date = requireString(item, 'sk', this.#table);
    const text = requireString(item, 'anomalies', this.#table);
    let anomalies: unknown;
    try {
      anomalies = JSON.parse(text);
    } catch (error) {
      throw new InvalidItemError(this.#table, 'anomalies', `of ${date} is not JSON: ${String(error)}`);
    }
    if (!Array.isArray(anomalies)) {
      throw new InvalidItemError(this.#table, 'anomalies', `of ${date} is not a list`);
    }
    const unalerted = readStringList(item, 'unalerted', this.#table);
    return { date, anomalies: anomalies as Anomaly[], ...(unalerted === undefined ? {} : { unalerted }) };
  }
}
