import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DateRowCounts } from '@storeflow/core';
import type { AwsClients } from '../createAwsClients.js';
import { InvalidItemError, SourceVersionConflictError } from '../errors.js';
import {
  type Item,
  readMap,
  readString,
  readStringList,
  requireString,
  stringListValue,
  stringValue,
} from './attributes.js';
import { batchGetPage, batchGetPages } from './batchGet.js';
import { conditionalWrite } from './conditionalWrite.js';

/** The object version of a source key whose silver output counts. */
export interface SourceVersion {
  readonly sourceId: string;
  readonly sourceKey: string;
  readonly objectVersion: string;
  /** ISO time of the object version's creation: a commit never replaces a newer one. */
  readonly eventTime: string;
  readonly dataset: string;
  /** Silver partitions (order dates) the version wrote; empty for products. */
  readonly touchedDates: readonly string[];
  /**
   * The version's rows by order date (its report's `profile.rowsByDate`): what a date's
   * rejected-row rate is computed from. Kept for the current version only.
   */
  readonly rowCountsByDate?: Readonly<Record<string, DateRowCounts>>;
}

/** A source's current version as the recompute of one date needs it: its row counts of that date only. */
export interface DatedSourceVersion extends Omit<SourceVersion, 'touchedDates' | 'rowCountsByDate'> {
  /** The version's rows of the date; absent when it has none there, or recorded no counts. */
  readonly rowCounts?: DateRowCounts;
}

export type CommitResult =
  /**
   * This version is now current. `previous` is the version its first commit replaced (absent for
   * a source's first version), whose `touchedDates` are every date to recompute without it: the
   * dates it touched, and those its own commit owed for the versions before it.
   */
  | { readonly outcome: 'committed'; readonly previous: SourceVersion | undefined }
  /** A version with a later event time is already current; this one must not count. */
  | { readonly outcome: 'superseded'; readonly current: SourceVersion | undefined };

const KEY_PREFIX = 'source#';
/**
 * Commit rounds before giving up on a source whose record keeps changing under the commit. Every
 * failed round means another commit of the source landed, so this bounds the commits of one
 * source key that may race (a handful at most: versions of one file validated at once).
 */
const COMMIT_ROUNDS = 10;

interface StoredRecord {
  readonly current: SourceVersion;
  readonly previous: SourceVersion | undefined;
}

/**
 * The commit point of validated output (docs/design.md): one item per source key in the
 * References table naming the object version whose silver parts count. Writing it is the single
 * atomic step that makes an accepted file visible to the transformer and hides the version it
 * replaces.
 *
 * The item also keeps the version it replaced (`previous_object_version`, `previous_event_time`,
 * `previous_touched_dates`), so a commit repeated after a crash (the validator committed, then
 * died before announcing the file) returns the same `previous` as the first, and the dates only
 * the old version touched still reach the transformer.
 */
export class SourceVersionStore {
  readonly #clients: AwsClients;
  readonly #table: string;

  constructor(options: { clients: AwsClients; table: string }) {
    this.#clients = options.clients;
    this.#table = options.table;
  }

  /**
   * Makes `version` current unless a version with a later event time already is. Committing the
   * version that is already current again returns the `previous` its first commit returned. A
   * replaced version's dates include those it still owed (its previous version's), because its
   * own transform message may never have been sent; so they grow with the dates older versions
   * of the source touched, never beyond them.
   *
   * A read, then a write conditioned on the record not having changed since, repeated when it did.
   *
   * @throws SourceVersionConflictError (retryable) when the record kept changing under the commit
   */
  async commit(version: SourceVersion): Promise<CommitResult> {
    for (let round = 1; round <= COMMIT_ROUNDS; round++) {
      const stored = await this.#getRecord(version.sourceId);
      const recommit = stored?.current.objectVersion === version.objectVersion;
      if (stored !== undefined && !recommit && stored.current.eventTime > version.eventTime) {
        return { outcome: 'superseded', current: stored.current };
      }
      const previous = stored === undefined ? undefined : recommit ? stored.previous : owedBy(stored);
      const written = await conditionalWrite(this.#clients, 'PutItem', () =>
        this.#clients.dynamodb.send(
          new PutItemCommand({
            TableName: this.#table,
            Item: itemOf(version, previous),
            ...(stored === undefined
              ? { ConditionExpression: 'attribute_not_exists(ref_key)' }
              : {
                  ConditionExpression: 'object_version = :seenVersion AND event_time = :seenEventTime',
                  ExpressionAttributeValues: {
                    ':seenVersion': stringValue(stored.current.objectVersion),
                    ':seenEventTime': stringValue(stored.current.eventTime),
                  },
                }),
          }),
        ),
      );
      if (written.ok) return { outcome: 'committed', previous };
    }
    throw new SourceVersionConflictError(version.sourceId, COMMIT_ROUNDS);
  }

  /**
   * The current versions of the given sources with their row counts of `orderDate` only, read
   * strongly consistent with a projection: a version's item holds its touched dates and the row
   * counts of every one of them, which a recompute of one date must not fetch once per date (the
   * projection keeps the month of `orderDate`, or the date itself in records of the older shapes).
   */
  async currentOfDate(
    sourceIds: readonly string[],
    orderDate: string,
  ): Promise<ReadonlyMap<string, DatedSourceVersion>> {
    const projection = {
      expression: '#key, #source, #version, #event, #dataset, #monthly.#month, #counts.#date, #legacy',
      names: {
        '#key': 'ref_key',
        '#source': 'source_key',
        '#version': 'object_version',
        '#event': 'event_time',
        '#dataset': 'dataset',
        '#monthly': MONTHLY_ROW_COUNTS,
        '#month': monthOf(orderDate),
        '#counts': ROW_COUNTS,
        '#date': orderDate,
        '#legacy': LEGACY_ROW_COUNTS,
      },
    };
    return this.#readCurrent(sourceIds, projection, (item) => {
      const counts = readRowCounts(item, this.#table)?.[orderDate];
      return { ...this.#currentIdentity(item), ...(counts === undefined ? {} : { rowCounts: counts }) };
    });
  }

  /** The current versions of the given sources, whole; a source never committed is absent. */
  async current(sourceIds: readonly string[]): Promise<ReadonlyMap<string, SourceVersion>> {
    return this.#readCurrent(sourceIds, undefined, (item) => this.#read(item).current);
  }

  /** The records of `sourceIds` (distinct), strongly consistent, as `read` makes them, by source id. */
  async #readCurrent<V extends { readonly sourceId: string }>(
    sourceIds: readonly string[],
    projection: { expression: string; names: Record<string, string> } | undefined,
    read: (item: Item) => V,
  ): Promise<ReadonlyMap<string, V>> {
    const found = new Map<string, V>();
    const options = projection === undefined ? {} : { projection };
    for (const page of batchGetPages([...new Set(sourceIds)])) {
      for (const item of await batchGetPage(this.#clients, this.#table, page.map(keyOf), options)) {
        const version = read(item);
        found.set(version.sourceId, version);
      }
    }
    return found;
  }

  /** The stored record, strongly consistent, through the BatchGetItem `current` uses (one grant). */
  async #getRecord(sourceId: string): Promise<StoredRecord | undefined> {
    const [item] = await batchGetPage(this.#clients, this.#table, [keyOf(sourceId)]);
    return item === undefined ? undefined : this.#read(item);
  }

  /** The source and its current version, without the version's dates and counts. */
  #currentIdentity(item: Item): Omit<SourceVersion, 'touchedDates' | 'rowCountsByDate'> {
    const table = this.#table;
    return {
      sourceId: requireString(item, 'ref_key', table).slice(KEY_PREFIX.length),
      sourceKey: requireString(item, 'source_key', table),
      dataset: requireString(item, 'dataset', table),
      objectVersion: requireString(item, 'object_version', table),
      eventTime: requireString(item, 'event_time', table),
    };
  }

  #read(item: Item): StoredRecord {
    const table = this.#table;
    const current: SourceVersion = {
      ...this.#currentIdentity(item),
      touchedDates: readStringList(item, 'touched_dates', table) ?? [],
      ...rowCountsByDate(readRowCounts(item, table)),
    };
    const previousVersion = readString(item, 'previous_object_version', table);
    return {
      current,
      previous:
        previousVersion === undefined
          ? undefined
          : {
              sourceId: current.sourceId,
              sourceKey: current.sourceKey,
              dataset: current.dataset,
              objectVersion: previousVersion,
              eventTime: requireString(item, 'previous_event_time', table),
              touchedDates: readStringList(item, 'previous_touched_dates', table) ?? [],
            },
    };
  }
}

/** The stored current version as the one a new commit replaces, with the dates it still owed. */
function owedBy(stored: StoredRecord): SourceVersion {
  const dates = new Set([...stored.current.touchedDates, ...(stored.previous?.touchedDates ?? [])]);
  return { ...withoutRowCounts(stored.current), touchedDates: [...dates].sort() };
}

/** A version as a replaced one: its row counts are not kept once it is no longer current. */
function withoutRowCounts(version: SourceVersion): SourceVersion {
  const { rowCountsByDate: _dropped, ...rest } = version;
  return rest;
}

/**
 * Row counts as a map from month (`YYYY-MM`) to one JSON string of that month's dates,
 * `{"<DD>":[accepted,rejected]}`, so the recompute of one date reads one month's entry (a
 * projection of `row_counts_by_month.<month>`). A map entry per date, each a list of two numbers,
 * cost DynamoDB Local 3.5 ms more CPU a read for a version of 2,000 dates, since it builds the
 * whole item before projecting it; a string a month it parses as a few strings (docs/design.md,
 * "Anomaly verdicts", and the root README's Performance section). About 13 bytes a date in
 * DynamoDB's item size, against 25 for the map of dates.
 */
const MONTHLY_ROW_COUNTS = 'row_counts_by_month';
/** Where versions committed before 2026-12-08 keep their counts: `[accepted, rejected]` by date. */
const ROW_COUNTS = 'row_counts';
/** Where versions committed before 2026-12-07 keep their counts: one JSON string, `{"<date>":[a,r]}`. */
const LEGACY_ROW_COUNTS = 'row_counts_by_date';

/** `YYYY-MM` of a `YYYY-MM-DD` date. */
function monthOf(date: string): string {
  return date.slice(0, 7);
}

function monthlyRowCountsValue(counts: Readonly<Record<string, DateRowCounts>>): AttributeValue {
  const months = new Map<string, Record<string, [number, number]>>();
  for (const [date, { accepted, rejected }] of Object.entries(counts)) {
    const month = monthOf(date);
    let days = months.get(month);
    if (days === undefined) {
      days = {};
      months.set(month, days);
    }
    days[date.slice(8)] = [accepted, rejected];
  }
  return {
    M: Object.fromEntries([...months].map(([month, days]) => [month, stringValue(JSON.stringify(days))])),
  };
}

/** The counts by date an item holds (all of them, or those a projection kept); undefined when it recorded none. */
function readRowCounts(item: Item, table: string): Record<string, DateRowCounts> | undefined {
  const counts: Record<string, DateRowCounts> = {};
  const monthly = readMap(item, MONTHLY_ROW_COUNTS, table);
  if (monthly !== undefined) {
    for (const [month, value] of Object.entries(monthly)) {
      const days = parseCountsJson(value.S, MONTHLY_ROW_COUNTS, table);
      for (const [day, pair] of Object.entries(days)) {
        const date = `${month}-${day}`;
        counts[date] = countsOf(pair, date, MONTHLY_ROW_COUNTS, table);
      }
    }
    return counts;
  }
  const map = readMap(item, ROW_COUNTS, table);
  if (map !== undefined) {
    for (const [date, value] of Object.entries(map)) {
      const pair = value.L?.map((entry) => (entry.N === undefined ? Number.NaN : Number(entry.N)));
      counts[date] = countsOf(pair, date, ROW_COUNTS, table);
    }
    return counts;
  }
  const text = readString(item, LEGACY_ROW_COUNTS, table);
  if (text === undefined) return undefined;
  for (const [date, pair] of Object.entries(parseCountsJson(text, LEGACY_ROW_COUNTS, table))) {
    counts[date] = countsOf(pair, date, LEGACY_ROW_COUNTS, table);
  }
  return counts;
}

/** A JSON object of counts by date (or by day of a month), as stored in `attribute`. */
function parseCountsJson(
  text: string | undefined,
  attribute: string,
  table: string,
): Record<string, unknown> {
  if (text === undefined) throw new InvalidItemError(table, attribute, 'holds a value that is not a string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidItemError(table, attribute, 'is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidItemError(table, attribute, 'is not an object of dates');
  }
  return parsed as Record<string, unknown>;
}

function countsOf(pair: unknown, date: string, attribute: string, table: string): DateRowCounts {
  if (!Array.isArray(pair) || !Number.isSafeInteger(pair[0]) || !Number.isSafeInteger(pair[1])) {
    throw new InvalidItemError(table, attribute, `row counts of ${date} are not [accepted, rejected]`);
  }
  return { accepted: pair[0], rejected: pair[1] };
}

function rowCountsByDate(
  counts: Record<string, DateRowCounts> | undefined,
): Pick<SourceVersion, 'rowCountsByDate'> {
  return counts === undefined ? {} : { rowCountsByDate: counts };
}

/** The References table key of a source's current-version record. */
function keyOf(sourceId: string): Item {
  return { ref_key: stringValue(`${KEY_PREFIX}${sourceId}`) };
}

function itemOf(version: SourceVersion, previous: SourceVersion | undefined): Item {
  return {
    ...keyOf(version.sourceId),
    source_key: stringValue(version.sourceKey),
    object_version: stringValue(version.objectVersion),
    event_time: stringValue(version.eventTime),
    dataset: stringValue(version.dataset),
    touched_dates: stringListValue(version.touchedDates),
    ...(version.rowCountsByDate === undefined
      ? {}
      : { [MONTHLY_ROW_COUNTS]: monthlyRowCountsValue(version.rowCountsByDate) }),
    ...(previous === undefined
      ? {}
      : {
          previous_object_version: stringValue(previous.objectVersion),
          previous_event_time: stringValue(previous.eventTime),
          previous_touched_dates: stringListValue(previous.touchedDates),
        }),
  };
}
