import {
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type Anomaly,
  DATASETS,
  type FileQualitySummary,
  InvalidOptionError,
  type Verdict,
} from '@storeflow/core';
import { type AwsClients, callAws } from '../createAwsClients.js';
import { InvalidItemError } from '../errors.js';
import {
  type Item,
  numberMapValue,
  numberValue,
  readBoolean,
  readNumberMap,
  readString,
  requireNumber,
  requireString,
  stringValue,
} from './attributes.js';
import { conditionalWrite } from './conditionalWrite.js';
import { queryAll } from './queryAll.js';

/** One file version's profile as the quality history keeps it. */
export interface StoredFileProfile {
  readonly summary: FileQualitySummary;
  /** The file-scope anomalies its first judgement found (empty when none). */
  readonly anomalies: readonly Anomaly[];
  /** Where its validation report is in the bucket. */
  readonly reportKey: string;
  readonly verdict: Verdict;
  /**
   * True from the write of a profile with anomalies until {@link FileProfileStore.alertsPublished}:
   * while set, its anomalies' alerts may not all have gone out, and a rerun publishes them.
   */
  readonly alertsPending: boolean;
}

/** What {@link FileProfileStore.put} found: its own profile written, or the one already stored. */
export interface PutProfileResult {
  /** False when a profile of this file version was already stored (a redelivery, a reprocess). */
  readonly created: boolean;
  /** The stored profile: the one written, or the earlier one, which stands. */
  readonly profile: StoredFileProfile;
}

/** Event-time bounds of a listing, inclusive ISO prefixes (`2025-04-03` or a full time). */
export interface EventTimeRange {
  readonly from?: string;
  readonly to?: string;
}

const PK_PREFIX = 'profile#';
/** Sorts after every character an event time, a source key or a version holds. */
const RANGE_END = '\uffff';

/**
 * The history of file profiles in the quality table: one item per validated file version,
 * `pk = profile#<dataset>`, `sk = <eventTime>#<sourceKey>#<objectVersion>`, so a dataset's
 * profiles are one partition in event-time order. Holds the summary the file scope judges, the
 * anomalies its judgement found, its report key and verdict.
 *
 * @example
 * const profiles = new FileProfileStore({ clients, tableName: names.qualityTable });
 * const history = await profiles.recent('orders', { before: eventTime, limit: 20 });
 */
export class FileProfileStore {
  readonly #clients: AwsClients;
  readonly #table: string;

  constructor(options: { clients: AwsClients; tableName: string }) {
    this.#clients = options.clients;
    this.#table = options.tableName;
  }

  /**
   * Writes a file version's profile unless one is stored already: the first judgement of a
   * version stands, so a redelivery or a reprocess (whose history may have grown meanwhile)
   * reports and alerts the same anomalies as the first run. A profile with anomalies is written
   * with its alerts pending.
   */
  async put(
    summary: FileQualitySummary,
    details: { anomalies: readonly Anomaly[]; reportKey: string; verdict: Verdict },
  ): Promise<PutProfileResult> {
    const profile: StoredFileProfile = { summary, ...details, alertsPending: details.anomalies.length > 0 };
    const written = await conditionalWrite(this.#clients, 'PutItem', () =>
      this.#clients.dynamodb.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: this.#itemOf(profile),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (written.ok) return { created: true, profile };
    const stored = written.item ?? (await this.#get(summary));
    if (stored === undefined) {
      throw new InvalidItemError(
        this.#table,
        'pk',
        `of ${summary.key} failed its condition but is not stored`,
      );
    }
    return { created: false, profile: this.#read(stored) };
  }

  /**
   * Records that every alert of the profile's anomalies was published.
   *
   * @throws AwsCallError (permanent) when no profile of the file version is stored
   */
  async alertsPublished(summary: FileQualitySummary): Promise<void> {
    await callAws(this.#clients, 'DYNAMODB', 'UpdateItem', () =>
      this.#clients.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: keyOf(summary),
          UpdateExpression: 'REMOVE alerts_pending',
          // Never creates a bare item: the profile is written first, by put.
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    );
  }

  /**
   * The dataset's newest profiles with an event time before `before`, newest first: the history a
   * file is judged against. One Query.
   */
  async recent(dataset: string, options: { before: string; limit: number }): Promise<StoredFileProfile[]> {
    if (!(Number.isInteger(options.limit) && options.limit >= 1)) {
      throw new InvalidOptionError('limit', `must be a positive integer, got ${options.limit}`);
    }
    const response: QueryCommandOutput = await callAws(this.#clients, 'DYNAMODB', 'Query', () =>
      this.#clients.dynamodb.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: {
            ':pk': stringValue(`${PK_PREFIX}${dataset}`),
            ':before': stringValue(options.before),
          },
          ScanIndexForward: false,
          Limit: options.limit,
        }),
      ),
    );
    return (response.Items ?? []).map((item) => this.#read(item));
  }

  /** Every stored profile in the range, of one dataset or all, by dataset then event time. */
  async list(options: EventTimeRange & { dataset?: string } = {}): Promise<StoredFileProfile[]> {
    const datasets = options.dataset === undefined ? DATASETS : [options.dataset];
    const profiles: StoredFileProfile[] = [];
    for (const dataset of datasets) profiles.push(...(await this.#query(dataset, options, false)));
    return profiles;
  }

  /** The file-scope anomalies of the profiles in the range, by dataset then event time. */
  async listAnomalies(options: EventTimeRange = {}): Promise<Anomaly[]> {
    const anomalies: Anomaly[] = [];
    for (const dataset of DATASETS) {
      for (const profile of await this.#query(dataset, options, true)) anomalies.push(...profile.anomalies);
    }
    return anomalies;
  }

  /** All pages of one dataset's profiles in the range; only those with anomalies when asked. */
  async #query(dataset: string, range: EventTimeRange, withAnomalies: boolean): Promise<StoredFileProfile[]> {
    const bounds =
      range.from !== undefined && range.to !== undefined
        ? ' AND sk BETWEEN :from AND :to'
        : range.from !== undefined
          ? ' AND sk >= :from'
          : range.to !== undefined
            ? ' AND sk <= :to'
            : '';
    const items = await queryAll(this.#clients, {
      TableName: this.#table,
      KeyConditionExpression: `pk = :pk${bounds}`,
      ...(withAnomalies ? { FilterExpression: 'attribute_exists(anomalies)' } : {}),
      ExpressionAttributeValues: {
        ':pk': stringValue(`${PK_PREFIX}${dataset}`),
        ...(range.from === undefined ? {} : { ':from': stringValue(range.from) }),
        // A prefix bound takes in every key that starts with it.
        ...(range.to === undefined ? {} : { ':to': stringValue(`${range.to}${RANGE_END}`) }),
      },
    });
    return items.map((item) => this.#read(item));
  }

  async #get(summary: FileQualitySummary): Promise<Item | undefined> {
    const response = await callAws(this.#clients, 'DYNAMODB', 'GetItem', () =>
      this.#clients.dynamodb.send(
        new GetItemCommand({ TableName: this.#table, Key: keyOf(summary), ConsistentRead: true }),
      ),
    );
    return response.Item;
  }

  #itemOf(profile: StoredFileProfile): Item {
    const { summary } = profile;
    return {
      ...keyOf(summary),
      file_key: stringValue(summary.key),
      dataset: stringValue(summary.dataset),
      event_time: stringValue(summary.eventTime),
      rows: numberValue(summary.rows),
      rejected_row_ratio: numberValue(summary.rejectedRowRatio),
      null_rates: numberMapValue(summary.nullRates),
      report_key: stringValue(profile.reportKey),
      verdict: stringValue(profile.verdict),
      // Absent when there are none, so listAnomalies can filter on the attribute's presence.
      ...(profile.anomalies.length === 0
        ? {}
        : { anomalies: stringValue(JSON.stringify(profile.anomalies)) }),
      ...(profile.alertsPending ? { alerts_pending: { BOOL: true } } : {}),
    };
  }

  #read(item: Item): StoredFileProfile {
    const table = this.#table;
    const verdict = requireString(item, 'verdict', table);
    if (verdict !== 'ACCEPTED' && verdict !== 'REJECTED') {
      throw new InvalidItemError(table, 'verdict', `is ${verdict}, not ACCEPTED or REJECTED`);
    }
    return {
      summary: {
        key: requireString(item, 'file_key', table),
        dataset: requireString(item, 'dataset', table),
        eventTime: requireString(item, 'event_time', table),
        rows: requireNumber(item, 'rows', table),
        rejectedRowRatio: requireNumber(item, 'rejected_row_ratio', table),
        nullRates: readNumberMap(item, 'null_rates', table) ?? {},
      },
      anomalies: readAnomalies(item, table),
      reportKey: requireString(item, 'report_key', table),
      verdict,
      alertsPending: readBoolean(item, 'alerts_pending', table) ?? false,
    };
  }
}

/**
 * The item key of a summary's file version. The version is what follows the key's last `@`: S3
 * version ids and ETags hold no `@`, where a source key may.
 */
function keyOf(summary: FileQualitySummary): Item {
  const at = summary.key.lastIndexOf('@');
  const sourceKey = summary.key.slice(0, at);
  const objectVersion = summary.key.slice(at + 1);
  return {
    pk: stringValue(`${PK_PREFIX}${summary.dataset}`),
    sk: stringValue(`${summary.eventTime}#${sourceKey}#${objectVersion}`),
  };
}

function readAnomalies(item: Item, table: string): Anomaly[] {
  const text = readString(item, 'anomalies', table);
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed as Anomaly[];
  } catch {
    // Reported below with the attribute's name, like any other malformed attribute.
  }
  throw new InvalidItemError(table, 'anomalies', 'is not a JSON list of anomalies');
}
