import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../createAwsClients.js';
import { type Item, readStringList, requireString, stringListValue, stringValue } from './attributes.js';
import { BATCH_GET_LIMIT, batchGetPage } from './batchGet.js';
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
}

export type CommitResult =
  /** This version is now current; `previous` is the one it replaced, if any. */
  | { readonly outcome: 'committed'; readonly previous: SourceVersion | undefined }
  /** A version with a later event time is already current; this one must not count. */
  | { readonly outcome: 'superseded'; readonly current: SourceVersion | undefined };

const KEY_PREFIX = 'source#';

/**
 * The commit point of validated output (docs/design.md): one item per source key in the
 * References table naming the object version whose silver parts count. Writing it is the single
 * atomic step that makes an accepted file visible to the transformer and hides the version it
 * replaces.
 */
export class SourceVersionStore {
  readonly #clients: AwsClients;
  readonly #table: string;

  constructor(options: { clients: AwsClients; table: string }) {
    this.#clients = options.clients;
    this.#table = options.table;
  }

  /** Makes `version` current unless a version with a later event time already is. */
  async commit(version: SourceVersion): Promise<CommitResult> {
    const result = await conditionalWrite(this.#clients, 'PutItem', () =>
      this.#clients.dynamodb.send(
        new PutItemCommand({
          TableName: this.#table,
          Item: {
            ref_key: stringValue(`${KEY_PREFIX}${version.sourceId}`),
            source_key: stringValue(version.sourceKey),
            object_version: stringValue(version.objectVersion),
            event_time: stringValue(version.eventTime),
            dataset: stringValue(version.dataset),
            touched_dates: stringListValue(version.touchedDates),
          },
          ConditionExpression: 'attribute_not_exists(ref_key) OR event_time <= :eventTime',
          ExpressionAttributeValues: { ':eventTime': stringValue(version.eventTime) },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    if (!result.ok) {
      return {
        outcome: 'superseded',
        current: result.item === undefined ? undefined : this.#read(result.item),
      };
    }
    const old = result.response.Attributes;
    return { outcome: 'committed', previous: old === undefined ? undefined : this.#read(old) };
  }

  /** The current versions of the given sources; a source never committed is absent. */
  async current(sourceIds: readonly string[]): Promise<ReadonlyMap<string, SourceVersion>> {
    const found = new Map<string, SourceVersion>();
    const unique = [...new Set(sourceIds)];
    for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
      const keys = unique
        .slice(start, start + BATCH_GET_LIMIT)
        .map((sourceId) => ({ ref_key: stringValue(`${KEY_PREFIX}${sourceId}`) }));
      for (const item of await batchGetPage(this.#clients, this.#table, keys)) {
        const version = this.#read(item);
        found.set(version.sourceId, version);
      }
    }
    return found;
  }

  #read(item: Item): SourceVersion {
    return {
      sourceId: requireString(item, 'ref_key', this.#table).slice(KEY_PREFIX.length),
      sourceKey: requireString(item, 'source_key', this.#table),
      objectVersion: requireString(item, 'object_version', this.#table),
      eventTime: requireString(item, 'event_time', this.#table),
      dataset: requireString(item, 'dataset', this.#table),
      touchedDates: readStringList(item, 'touched_dates', this.#table) ?? [],
    };
  }
}
