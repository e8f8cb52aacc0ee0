import type { DatasetName } from '../datasets.js';
import type { Anomaly } from '../quality/types.js';
import { defineCodec, isObject, type MessageCodec, ok, unrecognised } from './codec.js';

/** The `type` of every alert published to the alerts topic. */
export const ALERT_TYPE = 'storeflow.alert';

/** A file version the alert is about. */
export interface AlertedFile {
  readonly bucket: string;
  readonly key: string;
  readonly objectVersion: string;
  /** `unknown` for a file rejected because its key names no dataset. */
  readonly dataset: DatasetName | 'unknown';
}

/**
 * One alert on the alerts topic (SNS). Each kind is published once per occurrence: a file version
 * rejected or failed, a message moved to a dead-letter queue, an anomaly found.
 */
export type Alert =
  | {
      readonly kind: 'file-rejected';
      readonly file: AlertedFile;
      /** The file-level problems and the row counts behind the verdict. */
      readonly reason: string;
      readonly reportKey?: string;
    }
  | {
      readonly kind: 'file-failed';
      readonly file: AlertedFile;
      /** The operational error code (docs/error-codes.md) and its message. */
      readonly errorCode: string;
      readonly message: string;
    }
  | {
      readonly kind: 'dead-letter';
      /** `validator` or `transformer`: whose queue gave up on the message. */
      readonly service: string;
      readonly messageId: string;
      readonly receiveCount: number;
      /** The file the message was about, when it could be read. */
      readonly file?: Omit<AlertedFile, 'dataset'> & { readonly dataset?: DatasetName };
    }
  | { readonly kind: 'anomaly'; readonly anomaly: Anomaly };

export type AlertKind = Alert['kind'];

/** The message body of an alert: `{type: 'storeflow.alert', kind, ...}`, and its reader for subscribers. */
export const alertCodec: MessageCodec<Alert> = defineCodec(
  (alert) => JSON.stringify({ type: ALERT_TYPE, ...alert }),
  (json) => {
    if (!isObject(json) || json.type !== ALERT_TYPE) return unrecognised('not an alert');
    const { type: _type, ...alert } = json;
    const kinds: readonly unknown[] = ['file-rejected', 'file-failed', 'dead-letter', 'anomaly'];
    return kinds.includes(alert.kind) ? ok(alert as unknown as Alert) : unrecognised('unknown alert kind');
  },
);
